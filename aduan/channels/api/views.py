"""Endpoints of the citizen mobile-app API (v1).

Identification without accounts: the app generates an opaque device token
once per installation and sends it as ``X-Device-Token`` when filing and when
listing "my complaints" (stored hashed per complaint in ``AppSubmission``).
Acting on one complaint (information, confirm, dispute, rate) needs that
complaint's secret token in ``X-Complaint-Token``, the same secret as the
private web link; a wrong token looks exactly like an unknown code (404).
"""

from __future__ import annotations

import hashlib
import hmac
import json

from django.conf import settings
from django.db import transaction
from ninja import Query
from ninja import Status as Reply

from aduan.core import disclosure, intake, lifecycle
from aduan.core.models import Category, Channel, Complaint, Kecamatan, Status
from aduan.core.notify import tracking_url
from aduan.lib.codes import normalize_code

from ..models import AppSubmission, hash_secret
from . import reading
from .errors import ApiError, error_body
from .schemas import (
    CategoryOut,
    ComplaintIn,
    ComplaintOut,
    ConfirmIn,
    DisputeIn,
    ErrorOut,
    FiledOut,
    InfoIn,
    KecamatanOut,
    OwnComplaintOut,
    RatingIn,
    body_doc,
)

ERRORS = {400: ErrorOut, 404: ErrorOut, 409: ErrorOut, 415: ErrorOut}

DEVICE_HEADER = {
    "name": "X-Device-Token",
    "in": "header",
    "required": False,
    "description": "Token acak buatan aplikasi (16-200 karakter A-Z a-z 0-9 . _ ~ -), "
    "sama untuk satu pemasangan aplikasi.",
    "schema": {"type": "string", "pattern": "^[A-Za-z0-9._~-]{16,200}$"},
}
COMPLAINT_TOKEN_HEADER = {
    "name": "X-Complaint-Token",
    "in": "header",
    "required": True,
    "description": "Token rahasia aduan (``token`` dari jawaban pengiriman).",
    "schema": {"type": "string"},
}
IDEMPOTENCY_HEADER = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": "Kunci unik per pengiriman (mis. UUID); pengiriman ulang dengan kunci yang "
    "sama mendapat jawaban pertama, tanpa aduan ganda.",
    "schema": {"type": "string", "pattern": "^[\\x21-\\x7e]{1,100}$"},
}


def register(api) -> None:
    api.get("/categories", response=list[CategoryOut], tags=["referensi"])(categories)
    api.get("/areas", response=list[KecamatanOut], tags=["referensi"])(areas)
    api.post(
        "/complaints",
        response={201: FiledOut, **ERRORS},
        tags=["aduan"],
        openapi_extra={
            **body_doc(ComplaintIn, multipart=True),
            "parameters": [IDEMPOTENCY_HEADER, DEVICE_HEADER],
        },
    )(file_complaint)
    api.get("/complaints/{code}", response={200: ComplaintOut, 404: ErrorOut}, tags=["aduan"])(
        track
    )
    api.get(
        "/me/complaints",
        response={200: list[OwnComplaintOut], 400: ErrorOut},
        tags=["aduan saya"],
        openapi_extra={"parameters": [{**DEVICE_HEADER, "required": True}]},
    )(my_complaints)
    for path, view, model, multipart in (
        ("/complaints/{code}/info", add_info, InfoIn, True),
        ("/complaints/{code}/confirm", confirm, ConfirmIn, False),
        ("/complaints/{code}/dispute", dispute, DisputeIn, False),
        ("/complaints/{code}/rating", rate, RatingIn, False),
    ):
        api.post(
            path,
            response={200: OwnComplaintOut, **ERRORS},
            tags=["aduan saya"],
            openapi_extra={
                **body_doc(model, multipart=multipart),
                "parameters": [COMPLAINT_TOKEN_HEADER],
            },
        )(view)


# -- reference data --------------------------------------------------------------------


def categories(request):
    """Active categories; a complaint may also be filed without one."""
    return [
        {
            "code": c.code,
            "name": c.name,
            "description": c.description,
            "agency": c.agency.short_name,
        }
        for c in Category.objects.filter(is_active=True).select_related("agency")
    ]


def _coord(value):
    return float(value) if value is not None else None


def areas(request):
    """Every kecamatan with its kelurahan (codes are what ``kelurahan`` takes)."""
    return [
        {
            "code": k.code,
            "name": k.name,
            "kelurahan": [
                {
                    "code": kel.code,
                    "name": kel.name,
                    "latitude": _coord(kel.latitude),
                    "longitude": _coord(kel.longitude),
                }
                for kel in k.kelurahan.all()
            ],
        }
        for k in Kecamatan.objects.prefetch_related("kelurahan")
    ]


# -- filing ------------------------------------------------------------------------------

# The body's fields, named as the intake names them (``schemas.ComplaintIn``).
SUBMISSION_FIELDS = (
    "text",
    "kind",
    "privacy",
    "kelurahan",
    "category",
    "address",
    "latitude",
    "longitude",
    "reporter_name",
    "reporter_phone",
    "reporter_email",
)


def _filed(complaint: Complaint) -> dict:
    """Built from fields that never change, so a retry gets exactly the first answer."""
    return {
        "code": complaint.code,
        "token": complaint.token,
        "status": Status.BARU.value,
        "received_at": complaint.received_at,
        "tracking_url": tracking_url(complaint, private=False),
        "private_url": tracking_url(complaint),
    }


def _fingerprint(fields: dict, files) -> str:
    digest = hashlib.sha256()
    digest.update(json.dumps(fields, sort_keys=True, default=str).encode("utf-8", "replace"))
    for upload in files:
        for chunk in upload.chunks():
            digest.update(chunk)
        upload.seek(0)
    return digest.hexdigest()


def _submission_key(device_hash: str, key: str) -> str:
    # Namespaced and scoped to the device: "api:" keys never meet the portal's form keys.
    return "api:" + hashlib.sha256(f"{device_hash}\x00{key}".encode()).hexdigest()[:60]


def _replay(submission_key: str, fingerprint: str):
    complaint = (
        Complaint.objects.filter(submission_key=submission_key)
        .select_related("app_submission")
        .first()
    )
    if complaint is None:
        return None
    stored = getattr(complaint, "app_submission", None)
    if stored is not None and not hmac.compare_digest(stored.fingerprint, fingerprint):
        raise ApiError(
            409,
            "idempotency_key_reused",
            "Idempotency-Key ini sudah dipakai untuk aduan lain. Buat kunci baru.",
            "Idempotency-Key",
        )
    return Reply(201, _filed(complaint))


def file_complaint(request):
    """File a complaint (JSON, or multipart with ``photos``). Answers 201 with code and token."""
    key = reading.header(
        request,
        "Idempotency-Key",
        reading.KEY_RE,
        "invalid_idempotency_key",
        "Idempotency-Key harus 1-100 karakter ASCII tanpa spasi.",
    )
    device = reading.header(
        request,
        "X-Device-Token",
        reading.TOKEN_RE,
        "invalid_device_token",
        "X-Device-Token harus 16-200 karakter (huruf, angka, . _ ~ -).",
    )
    device_hash = hash_secret(device) if device else ""
    data, files = reading.read_body(request, allow_files=True)
    submission_key = fingerprint = None
    if key:
        submission_key = _submission_key(device_hash, key)
        fingerprint = _fingerprint(data, files)
        replay = _replay(submission_key, fingerprint)
        if replay:
            return replay
    submission = intake.Submission(
        **{name: data.get(name) for name in SUBMISSION_FIELDS}, photos=files
    )
    try:
        checked = intake.check(submission, channel=Channel.APP)
    except intake.IntakeErrors as exc:
        raise reading.intake_error(exc) from None
    with transaction.atomic():
        complaint, created = intake.file(
            checked, channel=Channel.APP, submission_key=submission_key
        )
        if created:
            AppSubmission.objects.create(
                complaint=complaint,
                device_token_hash=device_hash,
                idempotency_key=key,
                fingerprint=fingerprint or "",
            )
    if not created:  # a concurrent retry won the race; answer as it did
        return _replay(submission_key, fingerprint)
    return Reply(201, _filed(complaint))


# -- reading -----------------------------------------------------------------------------


def _complaints():
    return disclosure.prefetched(Complaint.objects.all(), events=True)


def _or_none(value):
    return value if value not in ("", None) else None


def _absolute(url: str) -> str:
    return settings.SITE_URL.rstrip("/") + url


def _render(view: disclosure.ComplaintView) -> dict:
    """One projection in the API's shape; what the projection leaves empty is null."""
    return {
        "code": view.code,
        "status": view.status,
        "status_label": view.status_label,
        "kind": _or_none(view.kind),
        "received_at": view.received_at,
        "updated_at": view.updated_at,
        "category": _or_none(view.category_name),
        "kelurahan": _or_none(view.kelurahan),
        "kecamatan": _or_none(view.kecamatan),
        "agency": _or_none(view.agency_name),
        "text": _or_none(view.text),
        "answer": _or_none(view.answer),
        "budget_year": view.budget_year,
        "merged_into": _or_none(view.merged_into),
        "timeline": [
            {
                "kind": e.kind,
                "label": e.label,
                "at": e.at,
                "note": _or_none(e.note),
                "by": e.by,
            }
            for e in view.events or ()
        ],
    }


def _render_own(view: disclosure.ComplaintView) -> dict:
    """The reporter's own projection: the only response besides filing with the token."""
    return {
        **_render(view),
        "token": view.token,
        "privacy": view.privacy,
        "address": _or_none(view.address),
        "rating": view.rating,
        "can_add_info": view.can_add_info,
        "can_confirm": view.can_confirm,
        "can_dispute": view.can_dispute,
        "can_rate": view.can_rate,
        "info_question": _or_none(view.info_question),
        "photos": [_absolute(photo.url) for photo in view.photos],
    }


def _not_found():
    return ApiError(404, "not_found", "Aduan tidak ditemukan. Periksa kode Anda.", "code")


def track(request, code: str):
    """Public tracking by code: the public projection (of an unlisted complaint, its status)."""
    normalized = normalize_code(code)
    found = disclosure.fetched_one_for_public(normalized, events=True) if normalized else None
    if found is None:
        raise _not_found()
    return Reply(200, _render(disclosure.for_public(found, events=True)))


def my_complaints(request, limit: int = Query(50, ge=1, le=100)):
    """Complaints filed from this device (``X-Device-Token``), newest first."""
    device = reading.header(
        request,
        "X-Device-Token",
        reading.TOKEN_RE,
        "invalid_device_token",
        "X-Device-Token harus 16-200 karakter (huruf, angka, . _ ~ -).",
    )
    if not device:
        raise ApiError(400, "required", "X-Device-Token wajib dikirim.", "X-Device-Token")
    complaints = _complaints().filter(app_submission__device_token_hash=hash_secret(device))
    newest = complaints.order_by("-received_at")[:limit]
    return Reply(200, [_render_own(disclosure.for_reporter(c)) for c in newest])


# -- the reporter's actions ------------------------------------------------------------------


def _own(request, code: str) -> Complaint:
    token = request.headers.get("X-Complaint-Token") or ""
    normalized = normalize_code(code)
    complaint = Complaint.objects.filter(code=normalized).first() if normalized else None
    if complaint is None or not hmac.compare_digest(
        complaint.token.encode(), token.encode("utf-8", "replace")
    ):
        raise _not_found()
    return complaint


def _act(request, code: str, action, *, allow_files=False):
    complaint = _own(request, code)
    data, files = reading.read_body(request, allow_files=allow_files)
    try:
        action(complaint, reading.Fields(data), files)
    except lifecycle.TransitionError as exc:
        raise ApiError(409, exc.code, exc.message) from None
    return Reply(200, _render_own(disclosure.for_reporter(_complaints().get(pk=complaint.pk))))


def add_info(request, code: str):
    """Answer the staff's question (only while the complaint waits for information)."""

    def action(complaint, f, files):
        text = f.text("text", required=True, min_letters=1, label="Informasi")
        photos = reading.clean_photos(files)
        if "add_info" not in disclosure.reporter_actions(complaint):
            raise ApiError(
                409, "not_waiting_for_info", "Petugas tidak sedang meminta informasi tambahan."
            )
        lifecycle.provide_info(complaint, text=text, photos=photos, via="app")

    return _act(request, code, action, allow_files=True)


def confirm(request, code: str):
    """The answer solved it: the complaint is closed."""

    def action(complaint, f, files):
        lifecycle.confirm(complaint, note=f.text("note", max_length=1000))

    return _act(request, code, action)


def dispute(request, code: str):
    """The answer did not solve it: the complaint is reopened with the agency."""

    def action(complaint, f, files):
        reason = f.text("reason", required=True, min_letters=1, max_length=3000, label="Alasan")
        lifecycle.dispute(complaint, reason=reason)

    return _act(request, code, action)


def rate(request, code: str):
    """Rate the handling 1-5, once."""

    def action(complaint, f, files):
        rating = f.integer("rating", 1, 5)
        comment = f.text("comment", max_length=2000, label="Komentar")
        lifecycle.rate(complaint, rating=rating, comment=comment, via="app")

    return _act(request, code, action)


__all__ = ["error_body", "register"]
