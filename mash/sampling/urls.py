"""Dip sampling: /reports/dip-samples/ (issue 8 §3, DM-2)."""

from django.urls import path

from mash.sampling import views

app_name = "sampling"

urlpatterns = [
    path("", views.sample_list, name="list"),
    path("new/", views.draw, name="draw"),
    path("<uuid:pk>/", views.detail, name="detail"),
    path("<uuid:pk>/items/<int:position>/", views.item, name="item"),
    path("<uuid:pk>/report/", views.report, name="report"),
    path("<uuid:pk>/report.csv", views.report_csv, name="report_csv"),
]
