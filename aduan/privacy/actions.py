"""The data-subject flow (UU No. 27/2022): prove control of a phone number or e-mail
address, see every complaint filed with it, download it, ask for its erasure; staff
approve or refuse, and the citizen is told each outcome through the outbox.

Each function is one action in one transaction; views only validate input and call one.
Who may decide is the views' business (system admins, ``has_perm(user, "admin")``).

Erasure of a complaint still running: approval removes the reporter at once from every
complaint that is closed (``ditutup``, ``ditolak``, ``digabung``), and from a running one
only when it closes (the retention job finishes such requests), because until then the
contact is what lets the agency ask for information and deliver the answer the citizen
is owed; the citizen is told so. Staff may remove them from running complaints at once
too, with a reason (for example a citizen who fears for their safety and gives up the
answer).
"""

from __future__ import annotations

import re
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from aduan.channels.models import Conversation, InboundMessageLog
from aduan.core import disclosure, onetime
from aduan.core.city import site_name
from aduan.core.models import CLOSED_STATUSES, Complaint, OutboundMessage
from aduan.core.notify import queue_message
from aduan.lib.phones import normalize_phone

from . import trail
from .anonymise import anonymise
from .models import Anonymisation, ContactKind, DataRequest, VerificationCode

CODE_TTL = timedelta(minutes=15)
CODE_ATTEMPTS = 5
# Codes actually sent to one contact per hour: nobody can flood a stranger's phone
# through this page, whatever addresses they come from.
CODES_PER_HOUR = 3
# How long a proven contact may look at its data before proving it again.
SUBJECT_TTL = timedelta(minutes=30)
# The private link in messages we sent: a download may be forwarded, the link must not be.
_PRIVATE_LINK = re.compile(r"/k/[A-Za-z0-9_-]+/")


class InvalidContact(ValueError):
    pass


class DecisionError(Exception):
    """A decision that cannot be made now; ``message`` is shown to the staff member."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def parse_contact(raw: str) -> tuple[str, str]:
    """``(kind, contact)``: a phone number in E.164 or a lower-case e-mail address."""
    text = (raw or "").strip()
    if "@" in text:
        try:
            validate_email(text)
        except ValidationError as exc:
            raise InvalidContact(text) from exc
        return ContactKind.EMAIL, text.lower()
    try:
        return ContactKind.PHONE, normalize_phone(text)
    except ValueError as exc:
        raise InvalidContact(text) from exc


def mask_contact(kind: str, contact: str) -> str:
    """``+62812****7890``, ``bu***@contoh.id``: enough to recognise, not to use."""
    if kind == ContactKind.EMAIL:
        local, _at, domain = contact.partition("@")
        return f"{local[:2]}***@{domain}"
    return f"{contact[:6]}****{contact[-4:]}" if len(contact) > 10 else "****"


def matching_complaints(kind: str, contact: str):
    if kind == ContactKind.EMAIL:
        return Complaint.objects.filter(reporter_email__iexact=contact)
    return Complaint.objects.filter(reporter_phone=contact)


def _inbound(kind: str, contact: str):
    if kind == ContactKind.EMAIL:
        return InboundMessageLog.objects.filter(sender__iexact=contact)
    return InboundMessageLog.objects.filter(sender=contact)


def _outbound(kind: str, contact: str):
    if kind == ContactKind.EMAIL:
        return OutboundMessage.objects.filter(recipient__iexact=contact)
    return OutboundMessage.objects.filter(recipient=contact)


def is_known(kind: str, contact: str) -> bool:
    return matching_complaints(kind, contact).exists() or _inbound(kind, contact).exists()


def _tell(kind: str, contact: str, text: str) -> None:
    """A message to the citizen, in the city's language, on the channel they proved."""
    channel = "email" if kind == ContactKind.EMAIL else "sms"
    subject = f"{site_name()}: " + _("data pribadi Anda")
    queue_message(channel, contact, text, subject=subject)


def _city_language():
    # Messages to citizens are in the city's language, whatever the page was read in.
    return translation.override(settings.LANGUAGE_CODE)


# -- proving control ------------------------------------------------------------------------


_PURPOSE = "aduan.privacy.code"


def _code_hash(pk: int, code: str) -> str:
    return onetime.code_hash(_PURPOSE, pk, code)


@transaction.atomic
def send_code(kind: str, contact: str, *, now=None) -> VerificationCode:
    """A new code for ``contact``, sent only when the contact is known here and has not
    had too many codes this hour; the caller answers the same either way, so the page
    tells nobody whether a number has filed complaints."""
    now = now or timezone.now()
    recent = VerificationCode.objects.filter(
        contact=contact, sent=True, created_at__gte=now - timedelta(hours=1)
    ).count()
    code = f"{secrets.randbelow(1_000_000):06d}"
    row = VerificationCode.objects.create(
        kind=kind, contact=contact, code_hash="", created_at=now, expires_at=now + CODE_TTL
    )
    row.code_hash = _code_hash(row.pk, code)
    row.sent = recent < CODES_PER_HOUR and is_known(kind, contact)
    row.save(update_fields=["code_hash", "sent"])
    if row.sent:
        with _city_language():
            text = _(
                "Kode verifikasi data pribadi Anda di %(site)s: %(code)s. Berlaku %(minutes)s "
                "menit. Jangan berikan kode ini kepada siapa pun, termasuk petugas."
            ) % {"site": site_name(), "code": code, "minutes": CODE_TTL.seconds // 60}
            _tell(kind, contact, text)
    trail.record(description="Kode verifikasi data pribadi diminta", sent=row.sent)
    return row


Check = onetime.Check


def check_code(code_id: int, entered: str, *, now=None) -> tuple[Check, VerificationCode | None]:
    return onetime.check(
        VerificationCode, code_id, entered, purpose=_PURPOSE, attempts=CODE_ATTEMPTS, now=now
    )


# -- access -------------------------------------------------------------------------------


@transaction.atomic
def record_access(kind: str, contact: str) -> DataRequest:
    """The record of a citizen who proved a contact and was shown its data."""
    complaints = list(matching_complaints(kind, contact).values_list("pk", flat=True))
    now = timezone.now()
    access = DataRequest.objects.create(
        kind=DataRequest.Kind.ACCESS,
        state=DataRequest.State.DONE,
        contact_kind=kind,
        contact_masked=mask_contact(kind, contact),
        created_at=now,
        completed_at=now,
    )
    access.complaints.set(complaints)
    trail.record(
        description=f"Warga membuka data pribadinya (permintaan #{access.pk})",
        request_id=access.pk,
        complaints=len(complaints),
    )
    return access


def _iso(value):
    return value.isoformat() if value else None


def _complaint_record(view: disclosure.ComplaintView) -> dict:
    """The reporter's projection as plain data; never the private link's token."""
    return {
        "code": view.code,
        "status": view.status,
        "status_label": view.status_label,
        "kind": view.kind_label,
        "privacy": view.privacy_label,
        "received_at": _iso(view.received_at),
        "answered_at": _iso(view.answered_at),
        "closed_at": _iso(view.closed_at),
        "category": view.category_name,
        "agency": view.agency_name,
        "kelurahan": view.kelurahan,
        "kecamatan": view.kecamatan,
        "address": view.address,
        "latitude": str(view.latitude) if view.latitude is not None else None,
        "longitude": str(view.longitude) if view.longitude is not None else None,
        "text": view.text,
        "answer": view.answer,
        "outcome": view.outcome_label,
        "outcome_note": view.outcome_note,
        "rating": view.rating,
        "reporter": {
            "name": view.reporter.name if view.reporter else "",
            "phone": view.reporter.phone if view.reporter else "",
            "email": view.reporter.email if view.reporter else "",
        },
        "photos": [
            {"id": p.id, "width": p.width, "height": p.height, "type": p.content_type}
            for p in view.photos
        ],
        "events": [
            {"at": _iso(e.at), "what": e.label, "by": e.by, "note": e.note}
            for e in view.events or ()
        ],
    }


def subject_complaints(kind: str, contact: str) -> list[tuple[Complaint, disclosure.ComplaintView]]:
    rows = disclosure.prefetched(
        matching_complaints(kind, contact).order_by("-received_at"), events=True
    )
    return [(c, disclosure.for_reporter(c)) for c in rows]


def message_counts(kind: str, contact: str) -> tuple[int, int]:
    """Raw messages received from and sent to ``contact`` that are still kept."""
    return _inbound(kind, contact).count(), _outbound(kind, contact).count()


def subject_data(kind: str, contact: str) -> dict:
    """Everything held about ``contact``, as the citizen downloads it."""
    inbound = _inbound(kind, contact).order_by("received_at")
    outbound = _outbound(kind, contact).order_by("created_at")
    requests = DataRequest.objects.filter(contact=contact).exclude(kind=DataRequest.Kind.ACCESS)
    return {
        "service": site_name(),
        "generated_at": timezone.localtime().isoformat(timespec="seconds"),
        "contact": contact,
        "complaints": [_complaint_record(v) for _c, v in subject_complaints(kind, contact)],
        "messages_received": [
            {"at": _iso(m.received_at), "channel": m.channel, "text": m.text} for m in inbound
        ],
        "messages_sent": [
            {
                "at": _iso(m.created_at),
                "channel": m.channel,
                "subject": m.subject,
                "text": _PRIVATE_LINK.sub("/k/[tautan pribadi]/", m.body),
            }
            for m in outbound
        ],
        "requests": [
            {"id": r.pk, "kind": r.kind, "state": r.state, "at": _iso(r.created_at)}
            for r in requests
        ],
    }


# -- erasure --------------------------------------------------------------------------------


def pending_erasure(contact: str) -> DataRequest | None:
    return DataRequest.objects.filter(
        kind=DataRequest.Kind.ERASURE,
        contact=contact,
        state__in=[DataRequest.State.RECEIVED, DataRequest.State.APPROVED],
    ).first()


@transaction.atomic
def request_erasure(kind: str, contact: str, *, note: str = "") -> tuple[DataRequest, bool]:
    """A citizen's request to erase their data; the pending one when asked twice."""
    existing = pending_erasure(contact)
    if existing is not None:
        return existing, False
    erasure = DataRequest.objects.create(
        kind=DataRequest.Kind.ERASURE,
        state=DataRequest.State.RECEIVED,
        contact_kind=kind,
        contact=contact,
        contact_masked=mask_contact(kind, contact),
        citizen_note=note.strip(),
    )
    erasure.complaints.set(matching_complaints(kind, contact))
    with _city_language():
        _tell(
            kind,
            contact,
            _(
                "Permintaan penghapusan data pribadi Anda kami terima (nomor %(id)s). Petugas "
                "akan memutuskannya dan mengabari Anda lewat pesan ini."
            )
            % {"id": erasure.pk},
        )
    trail.record(
        description=f"Warga meminta penghapusan data pribadinya (permintaan #{erasure.pk})",
        request_id=erasure.pk,
    )
    return erasure, True


def _locked_received(erasure: DataRequest) -> DataRequest:
    locked = DataRequest.objects.select_for_update().get(pk=erasure.pk)
    if locked.kind != DataRequest.Kind.ERASURE or locked.state != DataRequest.State.RECEIVED:
        raise DecisionError(_("Permintaan ini sudah diputuskan."))
    return locked


def _erase_channel_records(erasure: DataRequest) -> None:
    """What holds the contact outside the complaints: raw messages, chats, codes.

    Messages still waiting in the outbox stay: they are about complaints that run on.
    """
    kind, contact = erasure.contact_kind, erasure.contact
    _inbound(kind, contact).delete()
    _outbound(kind, contact).exclude(state=OutboundMessage.State.PENDING).delete()
    VerificationCode.objects.filter(contact=contact).delete()
    if kind == ContactKind.PHONE:
        Conversation.objects.filter(channel="whatsapp", handle=contact.lstrip("+")).delete()


def _finish(erasure: DataRequest, now) -> None:
    """Every complaint is done: tell the citizen, then forget the contact."""
    with _city_language():
        _tell(
            erasure.contact_kind,
            erasure.contact,
            _(
                "Data pribadi Anda pada %(n)s aduan telah dihapus (permintaan nomor %(id)s). "
                "Isi aduan tetap disimpan tanpa nama dan kontak Anda untuk statistik."
            )
            % {"n": erasure.complaints.count(), "id": erasure.pk},
        )
    erasure.state = DataRequest.State.DONE
    erasure.completed_at = now
    erasure.contact = ""
    erasure.save(update_fields=["state", "completed_at", "contact"])


def _remaining(erasure: DataRequest):
    return erasure.complaints.filter(anonymisation__isnull=True)


@transaction.atomic
def approve(erasure: DataRequest, actor, *, anonymise_open: bool = False, note: str = ""):
    """Approve: the reporter is removed from closed complaints now, from running ones now
    (``anonymise_open``, with a reason) or when each closes."""
    locked = _locked_received(erasure)
    if anonymise_open and not note.strip():
        raise DecisionError(_("Tuliskan alasan menghapus data dari aduan yang masih berjalan."))
    now = timezone.now()
    # Complaints filed since the request came in are covered too.
    locked.complaints.add(*matching_complaints(locked.contact_kind, locked.contact))
    locked.state = DataRequest.State.APPROVED
    locked.decided_at = now
    locked.decided_by = actor
    locked.decision_note = note.strip()
    locked.anonymise_open = anonymise_open
    locked.save(
        update_fields=["state", "decided_at", "decided_by", "decision_note", "anonymise_open"]
    )
    for complaint in _remaining(locked):
        if anonymise_open or complaint.status in CLOSED_STATUSES:
            anonymise(complaint, reason=Anonymisation.Reason.REQUEST, actor=actor, request=locked)
    _erase_channel_records(locked)
    waiting = _remaining(locked).count()
    if waiting:
        with _city_language():
            _tell(
                locked.contact_kind,
                locked.contact,
                _(
                    "Permintaan penghapusan data nomor %(id)s disetujui. Data Anda pada aduan "
                    "yang sudah selesai telah dihapus. %(n)s aduan masih berjalan: data Anda "
                    "di sana dihapus segera setelah aduan itu ditutup, karena kontak Anda "
                    "masih diperlukan untuk menyampaikan jawabannya."
                )
                % {"id": locked.pk, "n": waiting},
            )
    else:
        _finish(locked, now)
    trail.record(
        actor=actor,
        description=f"Permintaan penghapusan data #{locked.pk} disetujui",
        request_id=locked.pk,
        waiting=waiting,
    )
    erasure.refresh_from_db()
    return locked


@transaction.atomic
def refuse(erasure: DataRequest, actor, *, note: str):
    locked = _locked_received(erasure)
    if not note.strip():
        raise DecisionError(_("Tuliskan alasan penolakan; warga akan membacanya."))
    now = timezone.now()
    with _city_language():
        _tell(
            locked.contact_kind,
            locked.contact,
            _("Permintaan penghapusan data nomor %(id)s tidak dapat dipenuhi: %(reason)s")
            % {"id": locked.pk, "reason": note.strip()},
        )
    locked.state = DataRequest.State.REFUSED
    locked.decided_at = now
    locked.decided_by = actor
    locked.decision_note = note.strip()
    locked.completed_at = now
    locked.contact = ""
    locked.save(
        update_fields=[
            "state",
            "decided_at",
            "decided_by",
            "decision_note",
            "completed_at",
            "contact",
        ]
    )
    trail.record(
        actor=actor,
        description=f"Permintaan penghapusan data #{locked.pk} ditolak",
        request_id=locked.pk,
    )
    erasure.refresh_from_db()
    return locked


def finish_waiting(*, now=None, limit: int = 200) -> int:
    """Approved requests whose running complaints have since closed: remove the reporter
    from those, and finish a request with nothing left. Returns complaints done."""
    now = now or timezone.now()
    done = 0
    for erasure in DataRequest.objects.filter(state=DataRequest.State.APPROVED)[:limit]:
        with transaction.atomic():
            locked = DataRequest.objects.select_for_update().get(pk=erasure.pk)
            if locked.state != DataRequest.State.APPROVED:
                continue
            for complaint in _remaining(locked).filter(status__in=CLOSED_STATUSES):
                done += anonymise(
                    complaint, reason=Anonymisation.Reason.REQUEST, request=locked, at=now
                )
            if not _remaining(locked).exists():
                _finish(locked, now)
    return done
