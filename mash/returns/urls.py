"""Statutory returns and data quality: /returns/ (issue 8 §4–6)."""

from django.urls import path

from mash.returns import cin_census_views

app_name = "returns"

urlpatterns: list = [
    # The DfE CIN census (issue 8 §4).
    path("cin-census/", cin_census_views.index, name="cin-census"),
    path("cin-census/<int:year>.xml", cin_census_views.download, name="cin-census-download"),
]
