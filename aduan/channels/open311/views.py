"""Open311 GeoReport v2 at /open311/v2/: services are categories, requests are complaints.

Every request is rendered from the public projection (``core.disclosure``):
lists, by search or by ``service_request_id``, hold listed complaints only
(checked, not rejected or merged, not ``rahasia``). A request looked up by its
id while unlisted shows its status only. Reporter identity never leaves, nor
anything of a ``rahasia`` complaint but its status. A new request is checked by
``core.intake``, the same rules as every other way in. Errors use the spec's format and
HTTP codes: 400 for a bad parameter (every problem of a new request at once), 403 for a
missing or unknown ``api_key``, 404 for an unknown id.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import SuspiciousOperation, ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Q
from django.http.multipartparser import MultiPartParserError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.csrf import csrf_exempt

from aduan.core import compiled, disclosure, intake
from aduan.core.models import (
    OPEN_STATUSES,
    Category,
    Channel,
    Kelurahan,
    Kind,
    Privacy,
)
from aduan.lib.codes import normalize_code

from .. import conf
from ..models import ApiClient, Open311Submission
from .render import FORMATS, error, respond

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# When this service list last changed shape (the spec's "changeset").
CHANGESET = "2026-01-01T00:00:00+07:00"
OTHER_SERVICE = "lainnya"
DEFAULT_DAYS = 90
MAX_RESULTS = 1000


class BadRequest(Exception):
    def __init__(self, status: int, description: str):
        super().__init__(description)
        self.status, self.description = status, description


def _iso(value) -> str | None:
    return timezone.localtime(value).isoformat(timespec="seconds") if value else None


def _param(data, name: str) -> str:
    value = data.get(name, "")
    if "\x00" in value:
        raise BadRequest(
            400, _("Parameter %(name)s berisi karakter yang tidak sah.") % {"name": name}
        )
    return value.strip()


def _open311(view):
    """Common wrapper: format check, jurisdiction check, errors in the spec's shape."""

    def wrapper(request, fmt, **kwargs):
        fmt = fmt.lower()
        if fmt not in FORMATS:
            return error("xml", 400, _("Format tidak didukung; gunakan .json atau .xml."))
        try:
            try:
                data = request.POST if request.method == "POST" else request.GET
            except (MultiPartParserError, SuspiciousOperation):
                raise BadRequest(400, _("Isi permintaan tidak dapat dibaca.")) from None
            jurisdiction = _param(data, "jurisdiction_id") or _param(request.GET, "jurisdiction_id")
            expected = conf.get("ADUAN_OPEN311_JURISDICTION")
            if jurisdiction and expected and jurisdiction != expected:
                raise BadRequest(404, _("jurisdiction_id tidak dikenal."))
            return view(request, fmt, **kwargs)
        except BadRequest as exc:
            return error(fmt, exc.status, exc.description)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return csrf_exempt(wrapper)


def _method(request, fmt, allowed):
    if request.method not in allowed:
        response = error(fmt, 405, _("Metode tidak diizinkan."))
        response["Allow"] = ", ".join(allowed)
        return response
    return None


# -- discovery and services ----------------------------------------------------------


@_open311
def discovery(request, fmt):
    if not_allowed := _method(request, fmt, ("GET", "HEAD")):
        return not_allowed
    base = settings.SITE_URL.rstrip("/")
    data = {
        "changeset": CHANGESET,
        "contact": conf.get("ADUAN_OPEN311_CONTACT") or settings.DEFAULT_FROM_EMAIL,
        "key_service": _("Hubungi admin sistem untuk meminta api_key."),
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": f"{base}/open311/v2",
                "changeset": CHANGESET,
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
    return respond(fmt, "discovery", data)


def _service(category: Category | None) -> dict:
    if category is None:
        return {
            "service_code": OTHER_SERVICE,
            "service_name": _("Lainnya / belum tahu"),
            "description": _("Petugas akan memilih kategori yang tepat."),
            "metadata": True,
            "type": "realtime",
            "keywords": None,
            "group": None,
        }
    keywords = ", ".join(
        w.strip() for w in category.keywords.replace("\n", ",").split(",") if w.strip()
    )
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": category.description or None,
        "metadata": True,
        "type": "realtime",
        "keywords": keywords or None,
        "group": category.agency.short_name,
    }


@_open311
def services(request, fmt):
    if not_allowed := _method(request, fmt, ("GET", "HEAD")):
        return not_allowed
    categories = Category.objects.filter(is_active=True).select_related("agency")
    data = [_service(c) for c in categories] + [_service(None)]
    return respond(fmt, "services", data)


def _choices(pairs) -> list[dict]:
    return [{"key": str(key), "name": str(name)} for key, name in pairs]


def _attributes() -> list[dict]:
    kelurahan = Kelurahan.objects.select_related("kecamatan").order_by("kecamatan__name", "name")
    return [
        {
            "variable": True,
            "code": "jenis",
            "datatype": "singlevaluelist",
            "required": False,
            "datatype_description": _("Salah satu kunci pada daftar."),
            "order": 1,
            "description": _("Jenis laporan (bawaan: pengaduan)."),
            "values": _choices(Kind.choices),
        },
        {
            "variable": True,
            "code": "privasi",
            "datatype": "singlevaluelist",
            "required": False,
            "datatype_description": _("Salah satu kunci pada daftar."),
            "order": 2,
            "description": _(
                "publik: isi tampil di situs publik; anonim: identitas pelapor disembunyikan; "
                "rahasia: tidak ada yang tampil di publik."
            ),
            "values": _choices(Privacy.choices),
        },
        {
            "variable": True,
            "code": "kelurahan",
            "datatype": "singlevaluelist",
            "required": False,
            "datatype_description": _("Kode kelurahan (sama dengan address_id)."),
            "order": 3,
            "description": _("Kelurahan lokasi masalah."),
            "values": _choices((k.code, f"{k.name}, Kec. {k.kecamatan.name}") for k in kelurahan),
        },
    ]


def _category_for(code: str) -> Category | None:
    """The category behind a service code; ``OTHER_SERVICE`` is no category. Raises 404."""
    if code == OTHER_SERVICE:
        return None
    category = Category.objects.filter(code=code, is_active=True).first()
    if category is None:
        raise BadRequest(404, _("service_code tidak dikenal."))
    return category


@_open311
def service_definition(request, fmt, service_code):
    if not_allowed := _method(request, fmt, ("GET", "HEAD")):
        return not_allowed
    if "\x00" in service_code:
        raise BadRequest(404, _("service_code tidak dikenal."))
    category = _category_for(service_code)
    code = category.code if category else OTHER_SERVICE
    return respond(fmt, "service_definition", {"service_code": code, "attributes": _attributes()})


# -- service requests -------------------------------------------------------------------


def _absolute(url: str) -> str:
    return settings.SITE_URL.rstrip("/") + url


def request_dict(view: disclosure.ComplaintView) -> dict:
    """One public projection as an Open311 service request.

    Of an unlisted complaint only its id, status and filing time (the spec requires
    ``service_code`` to be a string: empty, not disclosed). The address is the masked
    street address when the projection has one (never for ``anonim``), followed by the
    kelurahan and kecamatan; the position is the projection's rounded one.
    """
    closed = view.is_closed
    item = {
        "service_request_id": view.code,
        "status": "closed" if closed else "open",
        "status_notes": view.status_label,
        "service_name": None,
        "service_code": "",
        "description": None,
        "agency_responsible": None,
        "service_notice": None,
        "requested_datetime": _iso(view.received_at),
        "updated_datetime": None,
        "expected_datetime": None,
        "address": None,
        "address_id": None,
        "zipcode": None,
        "lat": None,
        "long": None,
        "media_url": None,
    }
    if not view.shows_content:
        return item
    address = view.address
    if view.kelurahan:
        place = f"Kel. {view.kelurahan}, Kec. {view.kecamatan}"
        address = f"{address}, {place}" if address else place
    item.update(
        {
            "status_notes": view.answer if closed and view.answer else view.status_label,
            "service_name": view.category_name or _("Lainnya / belum tahu"),
            "service_code": view.category_code or OTHER_SERVICE,
            "description": view.text or None,
            "agency_responsible": view.agency_name or None,
            "updated_datetime": _iso(view.closed_at or view.answered_at)
            if closed
            else _iso(view.updated_at),
            "expected_datetime": _iso(view.resolution_due_at) if not closed else None,
            "address": address or None,
            "address_id": view.kelurahan_code or None,
            "lat": float(view.latitude) if view.latitude is not None else None,
            "long": float(view.longitude) if view.longitude is not None else None,
            "media_url": _absolute(view.photos[0].url) if view.photos else None,
        }
    )
    return item


def _listed():
    return disclosure.listed_complaints()


def _parse_date(data, name: str) -> datetime | None:
    raw = _param(data, name)
    if not raw:
        return None
    # A "+" in an unescaped query string arrives as a space: "08:15:30 07:00".
    raw = re.sub(r" (\d{2}:?\d{2})$", r"+\1", raw)
    try:
        value = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        value = None
    if value is None or not 2000 <= value.year <= 2100:
        raise BadRequest(
            400,
            _("%(name)s harus berformat W3C/ISO 8601, misalnya 2026-11-05T08:15:30+07:00.")
            % {"name": name},
        ) from None
    if value.tzinfo is None:
        raise BadRequest(400, _("%(name)s harus menyertakan zona waktu.") % {"name": name})
    return value


def _csv(data, name: str) -> list[str]:
    return [v.strip() for v in _param(data, name).split(",") if v.strip()]


def _search(request):
    data = request.GET
    ids = _csv(data, "service_request_id")
    queryset = _listed()
    if ids:
        # The spec: a list of ids overrides every other filter. Unlisted ids are simply
        # absent: a list is a public surface, and codes are guessable.
        codes = [c for c in (normalize_code(i) for i in ids[:MAX_RESULTS]) if c]
        return disclosure.fetched_for_public(
            queryset.filter(code__in=codes).order_by("-received_at")
        )
    service_codes = _csv(data, "service_code")
    if service_codes:
        wanted = Q(category__code__in=[c for c in service_codes if c != OTHER_SERVICE])
        if OTHER_SERVICE in service_codes:
            wanted |= Q(category__isnull=True)
        queryset = queryset.filter(wanted)
    statuses = _csv(data, "status")
    if any(s not in ("open", "closed") for s in statuses):
        raise BadRequest(400, _("status harus open, closed, atau keduanya dipisah koma."))
    if statuses and set(statuses) != {"open", "closed"}:
        if statuses[0] == "open":
            queryset = queryset.filter(status__in=OPEN_STATUSES)
        else:
            queryset = queryset.exclude(status__in=OPEN_STATUSES)
    start, end = _parse_date(data, "start_date"), _parse_date(data, "end_date")
    window = timedelta(days=DEFAULT_DAYS)
    if start and end and end < start:
        raise BadRequest(400, _("end_date tidak boleh sebelum start_date."))
    if start and end and end - start > window:
        raise BadRequest(400, _("Rentang tanggal paling lama 90 hari."))
    if start is None and end is None:
        end = timezone.now()
    if start is None:
        start = end - window
    if end is None:
        end = start + window
    queryset = queryset.filter(received_at__gte=start, received_at__lte=end)
    return disclosure.fetched_for_public(queryset.order_by("-received_at")[:MAX_RESULTS])


# The admin shows when a client last filed; to the minute is enough, and a stamp per filing
# would be one more UPDATE on a row every filing of that client contends for.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def _stamp_use(client: ApiClient) -> None:
    now = timezone.now()
    if client.last_used_at is None or now - client.last_used_at >= LAST_USED_RESOLUTION:
        ApiClient.objects.filter(pk=client.pk).update(last_used_at=now)


_CLIENT_BY_KEY = compiled.Template(
    lambda key: ApiClient.objects.filter(api_key=key, is_active=True)[:1], compiled.text(0)
)


def _client(data) -> ApiClient:
    key = _param(data, "api_key")
    found = _CLIENT_BY_KEY.run(key) if key else []
    client = found[0] if found else None
    if client is None:
        raise BadRequest(403, _("api_key tidak valid atau tidak diberikan."))
    return client


# How the intake's messages name fields here: by the parameters an Open311 client sends.
LABELS = {
    "text": "parameter description",
    "kind": "parameter attribute[jenis]",
    "privacy": "parameter attribute[privasi]",
    "kelurahan": "parameter address_id",
    "category": "parameter service_code",
    "address": "parameter address_string",
    "latitude": "parameter lat",
    "longitude": "parameter long",
    "coordinates": _lazy("lat dan long"),
    "location": _lazy("lat/long, address_string atau address_id"),
    "reporter_name": "parameter first_name/last_name",
    "reporter_phone": "parameter phone",
    "reporter_email": "parameter email",
    "contact": _lazy("phone atau email"),
}


def _submission(data, service_code: str) -> intake.Submission:
    name = " ".join(p for p in (_param(data, "first_name"), _param(data, "last_name")) if p)
    return intake.Submission(
        text=_param(data, "description"),
        kind=_param(data, "attribute[jenis]"),
        privacy=_param(data, "attribute[privasi]"),
        kelurahan=_param(data, "address_id") or _param(data, "attribute[kelurahan]"),
        category=None if service_code == OTHER_SERVICE else service_code,
        address=_param(data, "address_string"),
        latitude=_param(data, "lat"),
        longitude=_param(data, "long"),
        reporter_name=name,
        reporter_phone=_param(data, "phone"),
        reporter_email=_param(data, "email"),
    )


def _create(request, fmt):
    data = request.POST
    client = _client(data)
    service_code = _param(data, "service_code")
    if not service_code:
        raise BadRequest(400, _("service_code wajib diisi."))
    media_url = _param(data, "media_url")
    if media_url:
        try:
            URLValidator(schemes=["http", "https"])(media_url)
        except ValidationError:
            raise BadRequest(400, _("media_url bukan URL yang sah.")) from None
    try:
        checked = intake.check(_submission(data, service_code), channel=Channel.OPEN311)
    except intake.IntakeErrors as exc:
        # The spec's error list holds every problem at once.
        problems = [{"code": 400, "description": e.message_for(LABELS)} for e in exc]
        return respond(fmt, "errors", problems, status=400)
    with transaction.atomic():
        complaint, _created = intake.file(checked, channel=Channel.OPEN311)
        submission = Open311Submission.objects.create(
            complaint=complaint,
            client=client,
            device_id=_param(data, "device_id")[:120],
            account_id=_param(data, "account_id")[:120],
            media_url=media_url[:500],
            attributes={
                k: v for k, v in data.items() if k.startswith("attribute[") and "\x00" not in v
            },
        )
        _stamp_use(client)
    item = {
        "service_request_id": complaint.code,
        "token": submission.token,
        "service_notice": _("Aduan diterima dan akan diperiksa moderator."),
    }
    if submission.account_id:
        item["account_id"] = submission.account_id
    return respond(fmt, "service_requests", [item])


@_open311
def requests(request, fmt):
    if request.method == "POST":
        return _create(request, fmt)
    if not_allowed := _method(request, fmt, ("GET", "HEAD", "POST")):
        return not_allowed
    items = [request_dict(disclosure.for_public(c)) for c in _search(request)]
    return respond(fmt, "service_requests", items)


@_open311
def request_detail(request, fmt, request_id):
    if not_allowed := _method(request, fmt, ("GET", "HEAD")):
        return not_allowed
    code = normalize_code(request_id)
    # Found in any status, as on the tracking page; the projection shows an unlisted
    # one (unchecked, rejected, merged, ``rahasia``) by its status only.
    complaint = disclosure.fetched_one_for_public(code) if code else None
    if complaint is None:
        raise BadRequest(404, _("service_request_id tidak ditemukan."))
    return respond(fmt, "service_requests", [request_dict(disclosure.for_public(complaint))])


@_open311
def token(request, fmt, token_id):
    if not_allowed := _method(request, fmt, ("GET", "HEAD")):
        return not_allowed
    submission = (
        Open311Submission.objects.select_related("complaint").filter(token=token_id).first()
        if token_id.isalnum()
        else None
    )
    if submission is None:
        raise BadRequest(404, _("token tidak ditemukan."))
    data = [{"service_request_id": submission.complaint.code, "token": submission.token}]
    return respond(fmt, "service_requests", data)
