from django.contrib.auth import views as auth_views
from django.urls import path

from .views import complaint, lists, notifications, templates

app_name = "office"

urlpatterns = [
    path(
        "masuk/",
        auth_views.LoginView.as_view(
            template_name="office/login.html", redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("keluar/", auth_views.LogoutView.as_view(), name="logout"),
    path("", lists.home, name="home"),
    path("antrean/", lists.queue, name="queue"),
    path("antrean/massal/", lists.bulk, name="bulk"),
    path("opd/", lists.inbox, name="inbox"),
    path("semua/", lists.overview, name="overview"),
    path("aduan/<str:code>/", complaint.detail, name="complaint"),
    path("aduan/<str:code>/kontak/", complaint.show_contact, name="show_contact"),
    path("aduan/<str:code>/<slug:action>/", complaint.act, name="act"),
    path("templat/", templates.template_list, name="templates"),
    path("templat/baru/", templates.template_edit, name="template_new"),
    path("templat/<int:pk>/", templates.template_edit, name="template_edit"),
    path("templat/<int:pk>/hapus/", templates.template_delete, name="template_delete"),
    path("notifikasi/", notifications.notification_list, name="notifications"),
    path("notifikasi/baca-semua/", notifications.notification_read_all, name="notifications_read"),
    path("notifikasi/<int:pk>/", notifications.notification_open, name="notification_open"),
]
