from django.urls import path

from mash.letters import views

app_name = "letters"

urlpatterns = [
    path("<uuid:pk>/letters/<uuid:letter_pk>/pdf/", views.pdf, name="pdf"),
    path("<uuid:pk>/letters/<uuid:letter_pk>/", views.text, name="text"),
    path("<uuid:pk>/letters/<uuid:letter_pk>/send-again/", views.send_again, name="send-again"),
    path("<uuid:pk>/letters/<uuid:letter_pk>/release/", views.release, name="release"),
    path("<uuid:pk>/letters/<uuid:letter_pk>/address/", views.address, name="address"),
]
