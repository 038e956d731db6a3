from django.urls import path

from mash.people import views

app_name = "people"

urlpatterns = [
    path("", views.search, name="search"),
    path("<uuid:pk>/", views.detail, name="detail"),
]
