"""Statutory returns and data quality: /returns/ (issue 8 §4–6)."""

from django.urls import path

from mash.returns import annex_a_views, cin_census_views, quality_views

app_name = "returns"

urlpatterns: list = [
    # Issue 8 §5–6: Ofsted's Annex A and the data quality page.
    path("annex-a/", annex_a_views.annex_a, name="annex_a"),
    path("data-quality/", quality_views.data_quality, name="data_quality"),
    # The DfE CIN census (issue 8 §4).
    path("cin-census/", cin_census_views.index, name="cin-census"),
    path("cin-census/<int:year>.xml", cin_census_views.download, name="cin-census-download"),
]
