"""The messages page (emails and letters sent, failed, waiting)."""

from django.urls import path

from mash.notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.messages, name="messages"),
    path("<uuid:pk>/send-again/", views.send_again, name="send-again"),
]
