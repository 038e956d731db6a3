"""The partner workspace: requests addressed to the officer's agency, and its export (MA-8)."""

from django.urls import path

from mash.sharing import views

app_name = "partner"

urlpatterns = [
    path("", views.workspace, name="workspace"),
    path("requests/<uuid:pk>/", views.partner_request, name="request"),
    path("export/", views.export, name="export"),
]
