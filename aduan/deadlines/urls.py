from django.urls import path

from . import views

app_name = "deadlines"

urlpatterns = [
    path("peringatan/", views.board, name="board"),
]
