from django.urls import path

from . import views

app_name = "knowledge"

urlpatterns = [
    path("pengetahuan/", views.index, name="index"),
    path("pengetahuan/saran/", views.suggest, name="suggest"),
    path("pengetahuan/<int:pk>/", views.article, name="article"),
    path("pengetahuan/<int:pk>/terjawab/", views.helped, name="helped"),
    path("kantor/pengetahuan/", views.staff_list, name="staff_list"),
    path("kantor/pengetahuan/baru/", views.staff_edit, name="staff_new"),
    path("kantor/pengetahuan/calon/", views.staff_candidates, name="candidates"),
    path("kantor/pengetahuan/<int:pk>/", views.staff_edit, name="staff_edit"),
    path("kantor/pengetahuan/<int:pk>/pakai/<str:code>/", views.use, name="use"),
]
