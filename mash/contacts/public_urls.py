from django.urls import path

from mash.contacts import public_views

app_name = "public"

urlpatterns = [
    path("", public_views.start, name="start"),
    path("form/", public_views.request_form, name="request-form"),
    path("professional/", public_views.professional_form, name="professional-form"),
    path("sent/", public_views.sent, name="sent"),
]
