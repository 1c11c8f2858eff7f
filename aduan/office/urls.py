from django.contrib.auth import views as auth_views
from django.urls import path

from .views import account, audit, complaint, lists, notifications, templates

app_name = "office"

urlpatterns = [
    path("masuk/", account.StaffLoginView.as_view(), name="login"),
    path("masuk/kode/", account.verify, name="second_factor_verify"),
    path("keluar/", auth_views.LogoutView.as_view(), name="logout"),
    path("akun/", account.account, name="account"),
    path("akun/sandi/", account.password_change, name="password_change"),
    path("akun/dua-langkah/daftar/", account.enrol, name="second_factor_enrol"),
    path("akun/dua-langkah/ganti/", account.replace, name="second_factor_replace"),
    path("akun/dua-langkah/kode-cadangan/", account.recovery_codes, name="recovery_codes"),
    path("akun/dua-langkah/pengguna/", account.users, name="second_factor_users"),
    path(
        "akun/dua-langkah/pengguna/<int:pk>/atur-ulang/",
        account.reset,
        name="second_factor_reset",
    ),
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
    path("audit/", audit.audit_log, name="audit"),
]
