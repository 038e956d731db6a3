from django.urls import path

from mash.disputes import views

app_name = "disputes"

urlpatterns = [
    path("", views.open_disputes, name="list"),
    path("<uuid:pk>/", views.detail, name="detail"),
    path("raise/contact/<uuid:pk>/", views.raise_for_contact, name="raise"),
    path("raise/request/<uuid:request_pk>/", views.raise_for_partner, name="raise-partner"),
]
