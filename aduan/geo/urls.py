from django.urls import path

from . import views

app_name = "geo"

urlpatterns = [
    path("kelurahan", views.kelurahan_at, name="kelurahan_at"),
    path("batas.json", views.outlines, name="outlines"),
]
