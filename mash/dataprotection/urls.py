"""Data protection pages: retention reviews and the share register (CO-4, CO-6)."""

from django.urls import path

from mash.dataprotection import views

app_name = "dataprotection"

urlpatterns = [
    path("retention/", views.retention, name="retention"),
    path("retention/<uuid:pk>/", views.retention_review, name="retention_review"),
    path("shares/", views.shares, name="shares"),
]
