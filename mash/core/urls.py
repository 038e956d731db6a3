from django.urls import path

from mash.core import views

app_name = "core"

urlpatterns = [
    path("accessibility/", views.accessibility, name="accessibility"),
    path("healthz", views.healthz, name="healthz"),
    path("health/", views.liveness, name="health"),
    path("health/ready/", views.readiness, name="health-ready"),
]
