"""Subject access on the person record (CO-6): /people/<id>/subject-access/…"""

from django.urls import path

from mash.dataprotection import views

app_name = "subject_access"

urlpatterns = [
    path("<uuid:pk>/subject-access/", views.subject_access, name="list"),
    path("<uuid:pk>/subject-access/<uuid:sar>/", views.subject_access_detail, name="detail"),
    path("<uuid:pk>/subject-access/<uuid:sar>/produce/", views.produce, name="produce"),
    path("<uuid:pk>/subject-access/<uuid:sar>/document/", views.document, name="document"),
    path(
        "<uuid:pk>/subject-access/<uuid:sar>/document.json",
        views.document_json,
        name="document_json",
    ),
    path(
        "<uuid:pk>/subject-access/<uuid:sar>/withheld/<uuid:item>/release/",
        views.release,
        name="release",
    ),
]
