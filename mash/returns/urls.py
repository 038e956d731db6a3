"""Statutory returns and data quality: /returns/ (issue 8 §4–6)."""

app_name = "returns"

urlpatterns: list = []
