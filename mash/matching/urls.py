from django.urls import path

from mash.matching import views

app_name = "matching"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("<uuid:pk>/", views.review, name="review"),
    path("merges/<uuid:pk>/undo/", views.undo, name="undo"),
]
