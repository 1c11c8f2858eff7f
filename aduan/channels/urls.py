"""Channel URLs, mounted at the site root: the app API, Open311, webhooks, staff pages."""

from django.urls import include, path, re_path

from . import mail_inbound, staff, webhooks
from .api import api
from .open311 import views as open311

# No app_name: a namespace here would nest ninja's "api-v1" namespace and break its
# reverse(); names carry a "channels_" prefix instead.

_FMT = r"\.(?P<fmt>[A-Za-z0-9]+)$"

# Machine endpoints (app API, Open311, gateways): mounted first in aduan.urls, so the
# busiest requests are resolved without trying every page pattern before them.
machine_patterns = [
    path("api/v1/", api.urls),
    # Open311 GeoReport v2; the singular /request/ is the alias swagger.json uses.
    re_path(r"^open311/v2/discovery" + _FMT, open311.discovery, name="channels_open311_discovery"),
    re_path(r"^open311/v2/services" + _FMT, open311.services, name="channels_open311_services"),
    re_path(
        r"^open311/v2/services/(?P<service_code>[^/]+?)" + _FMT,
        open311.service_definition,
        name="channels_open311_service",
    ),
    re_path(r"^open311/v2/requests" + _FMT, open311.requests, name="channels_open311_requests"),
    re_path(
        r"^open311/v2/requests/(?P<request_id>[^/]+?)" + _FMT,
        open311.request_detail,
        name="channels_open311_request",
    ),
    re_path(
        r"^open311/v2/request/(?P<request_id>[^/]+?)" + _FMT,
        open311.request_detail,
        name="channels_open311_request_alias",
    ),
    re_path(
        r"^open311/v2/tokens/(?P<token_id>[^/]+?)" + _FMT,
        open311.token,
        name="channels_open311_token",
    ),
    # Gateways
    path("webhooks/sms/smssync/", webhooks.smssync, name="channels_webhook_smssync"),
    path("webhooks/sms/<slug:gateway>/", webhooks.sms_webhook, name="channels_webhook_sms"),
    path(
        "webhooks/sms/<slug:gateway>/receipts/",
        webhooks.sms_receipt,
        name="channels_webhook_sms_receipt",
    ),
    path("webhooks/whatsapp/", webhooks.whatsapp, name="channels_webhook_whatsapp"),
    path("webhooks/telegram/", webhooks.telegram, name="channels_webhook_telegram"),
    path("webhooks/email/", webhooks.email, name="channels_webhook_email"),
    # Mail services through django-anymail: /webhooks/email/<service>/inbound/
    path("webhooks/email/", include((mail_inbound.urlpatterns, "anymail"))),
]

# Moderators' pages, mounted with the other staff pages.
staff_patterns = [
    path("kantor/kanal/baru/", staff.file_for_citizen, name="channels_staff_file"),
    path("kantor/kanal/medsos/", staff.social_import, name="channels_social_import"),
    path(
        "kantor/kanal/medsos/<str:code>/balas/", staff.social_answer, name="channels_social_answer"
    ),
]

urlpatterns = machine_patterns + staff_patterns
