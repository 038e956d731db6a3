"""MASH staff pages for information sharing, under /contacts/<contact>/."""

from django.urls import path

from mash.sharing import views

app_name = "sharing"

urlpatterns = [
    path("<uuid:pk>/information-sharing/", views.mais, name="mais"),
    path("<uuid:pk>/information-sharing/request/", views.request_checks, name="request-checks"),
    path("<uuid:pk>/information-sharing/consent/", views.record_consent, name="consent"),
    path(
        "<uuid:pk>/information-sharing/recommend/",
        views.recommend_after_checks,
        name="recommend",
    ),
    path("<uuid:pk>/information-sharing/<uuid:request_pk>/chase/", views.chase, name="chase"),
    path(
        "<uuid:pk>/information-sharing/<uuid:request_pk>/go-ahead/",
        views.close_unanswered,
        name="close-unanswered",
    ),
]
