from django.urls import path

from mash.contacts import views

app_name = "contacts"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("new/", views.record, name="record"),
    path("<uuid:pk>/", views.detail, name="detail"),
    path("<uuid:pk>/people/<uuid:person_pk>/history/", views.check_history, name="check-history"),
    path("<uuid:pk>/screen/", views.screen, name="screen"),
    path("<uuid:pk>/recommend/", views.recommend, name="recommend"),
    path("<uuid:pk>/decide/", views.decide, name="decide"),
    path("<uuid:pk>/send-back/", views.send_back, name="send-back"),
    path("<uuid:pk>/close/", views.close, name="close"),
    path("<uuid:pk>/acknowledgement/", views.acknowledge, name="acknowledge"),
    path(
        "<uuid:pk>/written-confirmation/", views.written_confirmation, name="written-confirmation"
    ),
    path(
        "<uuid:pk>/written-confirmation/<uuid:confirmation_pk>/file/",
        views.written_confirmation_file,
        name="written-confirmation-file",
    ),
]
