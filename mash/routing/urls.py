from django.urls import path

from mash.routing import views

app_name = "routing"

urlpatterns = [
    path("contacts/<uuid:pk>/route/accept/", views.accept, name="accept"),
    path("contacts/<uuid:pk>/route/choose/", views.choose, name="choose"),
    path("contacts/<uuid:pk>/route/receipt/", views.receipt, name="receipt"),
    path("contacts/<uuid:pk>/route/return/", views.send_back, name="return"),
    path("contacts/<uuid:pk>/concerns/", views.concern_categories, name="concerns"),
    path("contacts/<uuid:pk>/tasks/<uuid:task_pk>/", views.task, name="task"),
    path("contacts/<uuid:pk>/domestic-abuse-review/", views.domestic_abuse, name="domestic-abuse"),
    path("contacts/<uuid:pk>/missing-review/", views.missing, name="missing"),
    path("contacts/<uuid:pk>/dct-eligibility/", views.dct_eligibility, name="dct-eligibility"),
    path("contacts/<uuid:pk>/dct-decision/", views.dct_decision, name="dct-decision"),
    path("contacts/<uuid:pk>/cross-boundary/", views.cross_boundary, name="cross-boundary"),
    path("teams/", views.inboxes, name="inboxes"),
    path("teams/<slug:code>/", views.inbox, name="inbox"),
]
