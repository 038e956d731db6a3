from django.urls import path

from mash.audit import views

app_name = "audit"

urlpatterns = [
    path("", views.index, name="index"),
    path("people/<uuid:pk>/", views.person, name="person"),
    path("contacts/<uuid:pk>/", views.contact, name="contact"),
]
