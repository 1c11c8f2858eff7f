from django.urls import path

from . import staff, views

app_name = "privacy"

urlpatterns = [
    path("data-saya/", views.start, name="start"),
    # The one path that sends a message: the request limiter counts it.
    path("data-saya/kode/", views.request_code, name="request_code"),
    path("data-saya/verifikasi/", views.verify, name="verify"),
    path("data-saya/data/", views.mine, name="mine"),
    path("data-saya/data.json", views.download, name="download"),
    path("data-saya/hapus/", views.erase, name="erase"),
    path("data-saya/keluar/", views.end, name="end"),
    path("kantor/data-subjek/", staff.request_list, name="requests"),
    path("kantor/data-subjek/<int:pk>/", staff.request_detail, name="request"),
    path("kantor/data-subjek/<int:pk>/setujui/", staff.approve, name="approve"),
    path("kantor/data-subjek/<int:pk>/tolak/", staff.refuse, name="refuse"),
]
