from django.urls import path

from . import media, views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("aduan/baru/", views.file_complaint, name="file"),
    path("aduan/terkirim/<str:token>/", views.filed, name="filed"),
    path("lacak/", views.track, name="track"),
    path("lacak/pulihkan/", views.recover, name="recover"),
    path("lacak/pulihkan/kode/", views.recover_code, name="recover_code"),
    path("lacak/<str:code>/", views.status, name="status"),
    path("k/<str:token>/", views.own, name="own"),
    path("k/<str:token>/informasi/", views.add_info, name="add_info"),
    path("k/<str:token>/konfirmasi/", views.confirm, name="confirm"),
    path("k/<str:token>/bantah/", views.dispute, name="dispute"),
    path("k/<str:token>/nilai/", views.rate, name="rate"),
    path("k/<str:token>/kabar/", views.notices, name="notices"),
    path("k/<str:token>/foto/<str:public_id>/", media.own_photo, name="photo"),
    path("ikuti/", views.follow, name="follow"),
    path("ikuti/konfirmasi/<str:token>/", views.follow_confirm, name="follow_confirm"),
    path("ikuti/berhenti/<str:token>/", views.unfollow, name="unfollow"),
]
