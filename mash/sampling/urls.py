"""Dip sampling: /reports/dip-samples/ (issue 8 §3)."""

app_name = "sampling"

urlpatterns: list = []
