"""Management information: /reports/ (issue 8)."""

from django.urls import path

from mash.reports import views
from mash.reports.overview import views as overview
from mash.reports.performance import views as performance

app_name = "reports"

urlpatterns = [
    path("", views.index, name="index"),
    path("overview/", overview.overview, name="overview"),
    path("performance/", performance.report, name="performance"),
    path("performance/report.csv", performance.report_csv, name="performance-csv"),
    path("performance/report.pdf", performance.report_pdf, name="performance-pdf"),
]
