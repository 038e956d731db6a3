from django.urls import path

from mash.people import views

app_name = "people"

urlpatterns = [
    path("", views.search, name="search"),
    path("<uuid:pk>/", views.detail, name="detail"),
    # Issue 8 §6: the census details the data quality page asks staff to fix.
    path("<uuid:pk>/census/", views.census, name="census"),
]
