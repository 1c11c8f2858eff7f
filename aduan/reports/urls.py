"""Public pages under /publik/, staff pages under /kantor/laporan/."""

from django.urls import path

from .views import public, sanctions, staff

app_name = "reports"

urlpatterns = [
    path("publik/", public.feed_view, name="feed"),
    path("publik/peta/", public.map_view, name="map"),
    path("publik/peta/aduan.json", public.map_data, name="map_data"),
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
    path("kantor/laporan/sanksi/", sanctions.index, name="sanctions"),
    path("kantor/laporan/sanksi/opd/", sanctions.agency_list, name="agency_sanctions"),
    path("kantor/laporan/sanksi/catatan/<int:pk>/", sanctions.detail, name="sanction"),
    path(
        "kantor/laporan/sanksi/catatan/<int:pk>/setujui/",
        sanctions.approve_view,
        name="sanction_approve",
    ),
    path(
        "kantor/laporan/sanksi/catatan/<int:pk>/ubah/", sanctions.amend_view, name="sanction_amend"
    ),
    path(
        "kantor/laporan/sanksi/catatan/<int:pk>/terbitkan/",
        sanctions.issue_view,
        name="sanction_issue",
    ),
    path(
        "kantor/laporan/sanksi/catatan/<int:pk>/terima/",
        sanctions.acknowledge_view,
        name="sanction_acknowledge",
    ),
    path(
        "kantor/laporan/sanksi/catatan/<int:pk>/rencana/", sanctions.plan_view, name="sanction_plan"
    ),
    path(
        "kantor/laporan/sanksi/catatan/<int:pk>/tinjau/",
        sanctions.review_view,
        name="sanction_review",
    ),
    path(
        "kantor/laporan/sanksi/catatan/<int:pk>/surat.pdf", sanctions.letter, name="sanction_letter"
    ),
    path("kantor/laporan/sanksi/<str:period>/", sanctions.period_view, name="sanctions_period"),
    path(
        "kantor/laporan/sanksi/<str:period>/usulkan/",
        sanctions.propose_view,
        name="sanctions_propose",
    ),
    path(
        "kantor/laporan/evaluasi/arsip/<str:period>.<str:extension>",
        sanctions.stored_report,
        name="stored_report",
    ),
]
