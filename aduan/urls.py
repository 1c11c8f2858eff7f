from django.contrib import admin
from django.urls import include, path

from aduan.channels import urls as channel_urls
from aduan.core import health, metrics
from aduan.portal import media

media_patterns = (
    [
        path("foto/<str:public_id>/", media.public_photo, name="public"),
        path("kantor/foto/<str:public_id>/", media.staff_photo, name="staff"),
    ],
    "media",
)

urlpatterns = [
    # The app API, Open311 and the gateways first: the most frequent requests, and none of
    # their paths is a page's.
    path("", include(channel_urls.machine_patterns)),
    # Also answered by core.health.ProbeMiddleware before any other middleware; named here.
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", metrics.metrics_view, name="metrics"),
    path("", include(media_patterns)),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("kantor/tenggat/", include("aduan.deadlines.urls")),
    path("kantor/triase/", include("aduan.triage.urls")),
    path("", include("aduan.privacy.urls")),
    path("kantor/", include("aduan.office.urls")),
    path("", include(channel_urls.staff_patterns)),
    path("", include("aduan.knowledge.urls")),
    path("peta/", include("aduan.geo.urls")),
    path("", include("aduan.reports.urls")),
    path("", include("aduan.portal.urls")),
]

# Uploaded files are never served as a folder: every photo goes through the views
# above, which apply the viewer's projection (see core.disclosure).
