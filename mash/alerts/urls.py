from django.urls import path

from mash.alerts import views

app_name = "alerts"

urlpatterns = [
    path("", views.your_alerts, name="list"),
    path("acknowledged/", views.acknowledged, name="acknowledged"),
    path("team/", views.team, name="team"),
]
