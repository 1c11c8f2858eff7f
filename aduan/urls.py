from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.static import serve

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("kantor/tenggat/", include("aduan.deadlines.urls")),
    path("kantor/triase/", include("aduan.triage.urls")),
    path("kantor/", include("aduan.office.urls")),
    path("", include("aduan.channels.urls")),
    path("", include("aduan.reports.urls")),
    path("", include("aduan.portal.urls")),
]

# Uploaded photos. In production a reverse proxy serves MEDIA_ROOT; the embedded
# set-up serves them itself so the demo works from one command.
if settings.ADUAN_SERVE_MEDIA:
    urlpatterns.append(
        path(
            f"{settings.MEDIA_URL.strip('/')}/<path:path>",
            serve,
            {"document_root": settings.MEDIA_ROOT},
        )
    )
