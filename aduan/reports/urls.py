"""Public pages under /publik/, staff pages under /kantor/laporan/."""

from django.urls import path

from .views import public, staff

app_name = "reports"

urlpatterns = [
    path("publik/", public.feed_view, name="feed"),
    path("publik/peta/", public.map_view, name="map"),
    path("publik/statistik/", public.stats_view, name="stats"),
    path("publik/data/", public.open_data, name="open_data"),
    path("publik/data/aduan.csv", public.download_csv, name="csv"),
    path("publik/data/aduan.json", public.download_json, name="json"),
    path("publik/skor/", public.public_scorecard, name="public_scorecard"),
    path("kantor/laporan/", staff.dashboard, name="dashboard"),
    path("kantor/laporan/skor/", staff.scorecard, name="scorecard"),
    path("kantor/laporan/evaluasi/", staff.evaluation_view, name="evaluation"),
    path("kantor/laporan/evaluasi/unduh.pdf", staff.evaluation_pdf, name="evaluation_pdf"),
    path("kantor/laporan/evaluasi/unduh.xlsx", staff.evaluation_xlsx, name="evaluation_xlsx"),
    path("kantor/laporan/samarkan/<str:code>/", staff.redact, name="redact"),
]
