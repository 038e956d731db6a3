"""MASH meetings at /meetings/; strategy discussions and emergency action on a contact."""

from django.urls import path

from mash.meetings import views

app_name = "meetings"

urlpatterns = [
    path("meetings/", views.meeting_list, name="list"),
    path("meetings/new/", views.meeting_new, name="new"),
    path("meetings/<uuid:pk>/", views.meeting_detail, name="detail"),
    path("meetings/<uuid:pk>/issue/", views.meeting_issue, name="issue"),
    path("contacts/<uuid:pk>/strategy/new/", views.strategy_new, name="strategy-new"),
    path(
        "contacts/<uuid:pk>/strategy/<uuid:discussion_pk>/",
        views.strategy_detail,
        name="strategy-detail",
    ),
    path(
        "contacts/<uuid:pk>/strategy/<uuid:discussion_pk>/actions/<uuid:action_pk>/done/",
        views.strategy_action_done,
        name="strategy-action-done",
    ),
    path("contacts/<uuid:pk>/emergency-action/", views.emergency_action, name="emergency"),
]
