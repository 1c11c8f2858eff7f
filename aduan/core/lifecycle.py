"""The life of a complaint, in one place.

Every change of status goes through one function here. Each runs in one
transaction, locks the complaint row, checks that the change is legal from
the current status (and, when given, that nobody changed the complaint since
the caller loaded it), writes an :class:`Event` row and queues the messages
the change causes in the outbox, in the same transaction. Nothing else
assigns ``Complaint.status``. Views, the API, channels and jobs all call
these functions.

Every event row written here, transitions and notes alike, is followed by
:func:`aduan.core.effects.after_transition` (deadlines, staff notifications,
triage), exactly once, in the same transaction.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from aduan.lib import images
from aduan.lib.codes import format_code, period_of
from aduan.lib.images import CleanImage

from . import effects
from .models import (
    DROPPED_STATUSES,
    OPEN_STATUSES,
    Agency,
    Attachment,
    Category,
    Channel,
    CodeSequence,
    Complaint,
    Event,
    Kelurahan,
    Kind,
    Outcome,
    Privacy,
    RejectionReason,
    Role,
    Status,
    User,
)
from .notify import notify_reporter

S = Status


class TransitionError(Exception):
    """A change that cannot be made; ``message`` is shown to the person who tried."""

    code = "transition_error"

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class IllegalTransition(TransitionError):
    code = "illegal_transition"


class StaleComplaint(TransitionError):
    code = "stale"


@dataclass(frozen=True)
class Transition:
    name: str
    sources: frozenset
    target: str | None  # None: the status stays as it is


# The lifecycle of DESIGN.md as data. ``target`` None keeps the status.
TRANSITIONS = {
    t.name: t
    for t in [
        Transition("verify", frozenset({S.BARU}), S.TERVERIFIKASI),
        Transition("dispatch", frozenset({S.BARU, S.TERVERIFIKASI}), S.DIDISPOSISIKAN),
        Transition("acknowledge", frozenset({S.DIDISPOSISIKAN}), S.DIPROSES),
        Transition(
            "post_update",
            frozenset({S.DIDISPOSISIKAN, S.DIPROSES, S.DITUNDA_ANGGARAN}),
            None,
        ),
        Transition(
            "request_info",
            frozenset({S.BARU, S.TERVERIFIKASI, S.DIDISPOSISIKAN, S.DIPROSES}),
            S.MENUNGGU_INFO,
        ),
        Transition("provide_info", frozenset({S.MENUNGGU_INFO}), None),
        # Information the citizen sends unasked, while the complaint is open (not while
        # staff wait for an answer: that is ``provide_info``, which resumes the clock).
        Transition("add_info", OPEN_STATUSES - {S.MENUNGGU_INFO}, None),
        Transition("return_dispatch", frozenset({S.DIDISPOSISIKAN, S.DIPROSES}), S.TERVERIFIKASI),
        Transition(
            "defer_to_budget", frozenset({S.DIDISPOSISIKAN, S.DIPROSES}), S.DITUNDA_ANGGARAN
        ),
        Transition(
            "resolve",
            frozenset({S.DIDISPOSISIKAN, S.DIPROSES, S.DITUNDA_ANGGARAN}),
            S.SELESAI,
        ),
        Transition("answer_directly", frozenset({S.BARU, S.TERVERIFIKASI}), S.SELESAI),
        Transition("confirm", frozenset({S.SELESAI}), S.DITUTUP),
        Transition("dispute", frozenset({S.SELESAI}), None),
        Transition("close", frozenset({S.SELESAI}), S.DITUTUP),
        Transition("reject", frozenset({S.BARU, S.TERVERIFIKASI}), S.DITOLAK),
        Transition(
            "merge",
            frozenset({S.BARU, S.TERVERIFIKASI, S.DIDISPOSISIKAN, S.DIPROSES, S.MENUNGGU_INFO}),
            S.DIGABUNG,
        ),
        Transition("rate", frozenset({S.SELESAI, S.DITUTUP}), None),
    ]
}


# A rejected or merged complaint is settled: its classification is part of that record.
CORRECTABLE_STATUSES = frozenset(set(Status) - DROPPED_STATUSES)


def stored_text(message: str) -> str:
    """Text kept in the record is in the city's language, whatever the actor's."""
    with translation.override(settings.LANGUAGE_CODE):
        return _(message)


def allowed_transitions(status: str) -> list[str]:
    return [name for name, t in TRANSITIONS.items() if status in t.sources]


def _actor_fields(actor: User | None, label: str) -> dict:
    if actor is None:
        return {"actor": None, "actor_label": label}
    agency = actor.agency if actor.is_agency_staff else None
    return {"actor": actor, "actor_label": label or actor.display_name, "agency": agency}


def stale_message(complaint: Complaint) -> str:
    """What the person is told when somebody else changed the complaint since they loaded it."""
    return _(
        "Aduan %(code)s baru saja diubah oleh orang lain. "
        "Periksa keadaan terbarunya lalu ulangi bila masih perlu."
    ) % {"code": complaint.code}


def illegal_message(complaint: Complaint) -> str:
    """What the person is told when the complaint's status does not allow the action."""
    return _("Tindakan ini tidak dapat dilakukan pada aduan berstatus “%(status)s”.") % {
        "status": complaint.get_status_display()
    }


def lock(
    complaint: Complaint,
    *,
    expected_version: int | None = None,
    statuses: Iterable[str] | None = None,
    refusal: str = "",
) -> Complaint:
    """Lock the complaint's row and check it may still be changed; returns the locked row.

    Every write that acts on what the caller saw goes through here, transitions and the
    writes that are not transitions alike: the stale-form check (``expected_version``)
    and the status check (``statuses``, any when None) both read the locked row, so two
    people acting at once cannot both pass. Must run inside ``transaction.atomic``.
    """
    locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if expected_version is not None and locked.version != expected_version:
        raise StaleComplaint(stale_message(locked))
    if statuses is not None and locked.status not in statuses:
        raise IllegalTransition(refusal or illegal_message(locked))
    return locked


def _apply(
    complaint: Complaint,
    name: str,
    *,
    expected_version: int | None = None,
    target: str | None = None,
    **record,
) -> Event:
    """Lock, check, change, record transition ``name``; inside ``transaction.atomic``."""
    transition = TRANSITIONS[name]
    locked = lock(complaint, expected_version=expected_version, statuses=transition.sources)
    to_status = target or transition.target or locked.status
    return _record(complaint, locked, to_status=to_status, **record)


def _record(
    complaint: Complaint,
    locked: Complaint,
    *,
    to_status: str,
    event_kind: str,
    actor: User | None = None,
    actor_label: str = "",
    note: str = "",
    is_public: bool = True,
    data: dict | None = None,
    at=None,
    changes: dict | None = None,
    m2m: dict | None = None,
) -> Event:
    """Change the ``locked`` row, write its event and run the after-transition step."""
    from_status = locked.status
    fields = {"status", "version", "updated_at"}
    locked.status = to_status
    locked.version = F("version") + 1
    for field, value in (changes or {}).items():
        setattr(locked, field, value)
        fields.add(field)
    locked.save(update_fields=sorted(fields))
    locked.refresh_from_db()
    for field, values in (m2m or {}).items():
        getattr(locked, field).set(values)
    event = Event.objects.create(
        complaint=locked,
        kind=event_kind,
        from_status=from_status,
        to_status=to_status,
        note=note,
        is_public=is_public,
        data=data or {},
        created_at=at or timezone.now(),
        **_actor_fields(actor, actor_label),
    )
    # The caller's object reflects the new state (and drops stale relation caches).
    complaint.refresh_from_db()
    effects.after_transition(complaint, event)
    return event


def _now(at):
    return at or timezone.now()


# -- intake ------------------------------------------------------------------


def _sequence_number(period: str) -> int:
    """The next number of ``period`` from a PostgreSQL sequence of its own.

    One statement: ``aduan_code_number`` (migration ``core.0009``) calls ``nextval`` on
    the month's sequence, creating it on first use after the numbers the row counter
    (``CodeSequence``) gave out before. ``nextval`` holds no lock until commit, so
    concurrent filings do not queue behind one row as they would on a counter's UPDATE.
    A rolled-back filing loses its number: a month's codes may have gaps; they stay
    unique.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT aduan_code_number(%s)", [period])
        return cursor.fetchone()[0]


def next_code(at) -> str:
    """The next tracking code of the month of ``at``; call inside a transaction."""
    local = timezone.localtime(at)
    period = period_of(local.year, local.month)
    if connection.vendor == "postgresql":
        return format_code(local.year, local.month, _sequence_number(period))
    # SQLite serialises writers anyway: a row counter, gap-free.
    if not CodeSequence.objects.filter(period=period).update(last=F("last") + 1):
        try:
            with transaction.atomic():
                CodeSequence.objects.create(period=period, last=1)
        except IntegrityError:
            CodeSequence.objects.filter(period=period).update(last=F("last") + 1)
    last = CodeSequence.objects.get(period=period).last
    return format_code(local.year, local.month, last)


def _store_photos(complaint: Complaint, photos: Sequence[CleanImage], event=None, public=True):
    for photo in photos:
        attachment = Attachment(
            complaint=complaint,
            event=event,
            content_type=photo.content_type,
            width=photo.width,
            height=photo.height,
            size=len(photo.data),
            is_public=public,
        )
        attachment.file.save(
            f"{uuid.uuid4().hex}.{photo.extension}", ContentFile(photo.data), save=False
        )
        attachment.save()
        store_photo_sizes(attachment, photo.data)


def store_photo_sizes(attachment: Attachment, data: bytes | None = None) -> None:
    """The thumbnail and display size next to a stored photo (``lib.images.SIZES``),
    named from the original's random id; sizes the photo does not exceed are skipped
    (the original serves them). Idempotent: an existing derived file is kept."""
    storage = attachment.file.storage
    for size in images.SIZES:
        if not images.needs_size(attachment.width, attachment.height, size):
            continue
        name = images.derived_name(attachment.file.name, size)
        if storage.exists(name):
            continue
        if data is None:
            with attachment.file.open("rb") as handle:
                data = handle.read()
        saved = storage.save(name, ContentFile(images.resize(data, size).data))
        if saved != name:
            # Made at the same moment by another request: keep theirs.
            storage.delete(saved)


def create_complaint(
    *,
    text: str,
    channel: str,
    kind: str = Kind.PENGADUAN,
    privacy: str = Privacy.PUBLIK,
    reporter_name: str = "",
    reporter_phone: str = "",
    reporter_email: str = "",
    reporter_handle: str = "",
    kelurahan: Kelurahan | None = None,
    address: str = "",
    latitude=None,
    longitude=None,
    category: Category | None = None,
    photos: Sequence[CleanImage] = (),
    submission_key: str | None = None,
    actor: User | None = None,
    at=None,
) -> tuple[Complaint, bool]:
    """File a complaint. Returns ``(complaint, created)``.

    With a ``submission_key`` a retried submission returns the complaint of
    the first attempt and creates nothing.
    """
    if submission_key:
        existing = Complaint.objects.filter(submission_key=submission_key).first()
        if existing:
            return existing, False
    text = (text or "").strip()
    if not text:
        raise TransitionError(_("Isi aduan tidak boleh kosong."))
    at = _now(at)
    # The acknowledgment is written by the worker (notify.acknowledge_new), or here.
    acknowledge_later = settings.ADUAN_AFTER_FILING == "worker"
    try:
        # A savepoint only where a lost race is recovered from (a retried submission).
        with transaction.atomic(savepoint=bool(submission_key)):
            complaint = Complaint(
                code=next_code(at),
                submission_key=submission_key or None,
                kind=kind,
                privacy=privacy,
                channel=channel,
                text=text,
                reporter_name=reporter_name.strip(),
                reporter_phone=reporter_phone,
                reporter_email=reporter_email.strip(),
                reporter_handle=reporter_handle,
                kelurahan=kelurahan,
                kecamatan=kelurahan.kecamatan if kelurahan else None,
                address=address.strip(),
                latitude=latitude,
                longitude=longitude,
                category=category,
                received_at=at,
                acknowledgment_pending=acknowledge_later,
            )
            effects.before_filing(complaint, at)
            complaint.save(force_insert=True)
            event = Event.objects.create(
                complaint=complaint,
                kind=Event.Kind.CREATED,
                to_status=Status.BARU,
                is_public=True,
                created_at=at,
                data={"channel": channel},
                **_actor_fields(actor, "" if actor else stored_text("Pelapor")),
            )
            _store_photos(complaint, photos, event=None)
            if not acknowledge_later:
                notify_reporter(complaint, event)
            # Tells the after-transition step that nothing else of this complaint exists.
            complaint._filing = True
            try:
                effects.after_transition(complaint, event)
            finally:
                del complaint._filing
    except IntegrityError:
        # Two identical retries raced; the other one won.
        if submission_key:
            existing = Complaint.objects.filter(submission_key=submission_key).first()
            if existing:
                return existing, False
        raise
    return complaint, True


# -- moderators ----------------------------------------------------------------


@transaction.atomic
def verify(complaint, actor, *, note="", expected_version=None, at=None) -> Event:
    return _apply(
        complaint,
        "verify",
        event_kind=Event.Kind.VERIFIED,
        actor=actor,
        note=note,
        expected_version=expected_version,
        changes={"verified_at": _now(at), "returned": False},
        at=at,
    )


@transaction.atomic
def dispatch(
    complaint,
    actor,
    *,
    lead: Agency,
    supporting: Iterable[Agency] = (),
    note="",
    automatic=False,
    expected_version=None,
    at=None,
) -> Event:
    supporting = [a for a in supporting if a.pk != lead.pk]
    at = _now(at)
    changes = {"lead_agency": lead, "dispatched_at": at, "returned": False}
    if complaint.verified_at is None:
        changes["verified_at"] = at
    names = ", ".join([lead.short_name] + [a.short_name for a in supporting])
    event = _apply(
        complaint,
        "dispatch",
        event_kind=Event.Kind.DISPATCHED,
        actor=actor,
        actor_label="" if actor else stored_text("Sistem"),
        note=note,
        expected_version=expected_version,
        changes=changes,
        data={
            "lead": lead.code,
            "supporting": [a.code for a in supporting],
            "automatic": automatic,
            "agencies": names,
        },
        m2m={"supporting_agencies": supporting},
        at=at,
    )
    notify_reporter(complaint, event)
    return event


@transaction.atomic
def reject(complaint, actor, *, reason: RejectionReason, note="", expected_version=None, at=None):
    event = _apply(
        complaint,
        "reject",
        event_kind=Event.Kind.REJECTED,
        actor=actor,
        note=note,
        expected_version=expected_version,
        changes={"rejection_reason": reason, "closed_at": _now(at)},
        data={"reason": reason.code, "referral": reason.referral},
        at=at,
    )
    notify_reporter(complaint, event)
    return event


@transaction.atomic
def merge(complaint, actor, *, into: Complaint, note="", expected_version=None, at=None):
    if into.pk == complaint.pk:
        raise TransitionError(_("Aduan tidak dapat digabung dengan dirinya sendiri."))
    survivor = into
    while survivor.merged_into_id:
        survivor = survivor.merged_into
    if survivor.status == Status.DIGABUNG or survivor.status in (Status.DITOLAK,):
        raise TransitionError(_("Aduan tujuan sudah ditutup atau ditolak."))
    event = _apply(
        complaint,
        "merge",
        event_kind=Event.Kind.MERGED,
        actor=actor,
        note=note,
        expected_version=expected_version,
        changes={"merged_into": survivor, "closed_at": _now(at)},
        data={"into": survivor.code},
        at=at,
    )
    survivor_note = Event.objects.create(
        complaint=survivor,
        kind=Event.Kind.NOTE,
        is_public=False,
        note=stored_text("Aduan %(code)s digabung ke aduan ini.") % {"code": complaint.code},
        data={"merged": complaint.code},
        created_at=_now(at),
        **_actor_fields(actor, ""),
    )
    effects.after_transition(survivor, survivor_note)
    notify_reporter(complaint, event)
    return event


@transaction.atomic
def answer_directly(complaint, actor, *, answer: str, expected_version=None, at=None) -> Event:
    """A moderator answers a simple question without dispatching it."""
    if not answer.strip():
        raise TransitionError(_("Jawaban tidak boleh kosong."))
    at = _now(at)
    event = _apply(
        complaint,
        "answer_directly",
        event_kind=Event.Kind.RESOLVED,
        actor=actor,
        note=answer.strip(),
        expected_version=expected_version,
        changes={
            "answer": answer.strip(),
            "answered_at": at,
            "first_response_at": complaint.first_response_at or at,
            "verified_at": complaint.verified_at or at,
            "outcome": Outcome.ANSWERED,
        },
        data={"outcome": Outcome.ANSWERED},
        at=at,
    )
    notify_reporter(complaint, event)
    return event


@transaction.atomic
def correct(
    complaint,
    actor,
    *,
    kind=None,
    category=None,
    privacy=None,
    priority=None,
    latitude=None,
    longitude=None,
    kelurahan=None,
    reason="",
    expected_version=None,
    at=None,
) -> Event:
    """Correct classification fields, or the location (the pin, as a pair, and the
    kelurahan with its kecamatan); every change is logged with before and after."""
    locked = lock(
        complaint,
        expected_version=expected_version,
        statuses=CORRECTABLE_STATUSES,
        refusal=_("Aduan ini tidak dapat dikoreksi lagi."),
    )
    changes, diff = {}, {}
    for field, value in (
        ("kind", kind),
        ("privacy", privacy),
        ("priority", priority),
    ):
        if value is not None and getattr(locked, field) != value:
            diff[field] = [getattr(locked, field), value]
            changes[field] = value
    if category is not None and locked.category_id != category.pk:
        diff["category"] = [locked.category.code if locked.category else None, category.code]
        changes["category"] = category
    if latitude is not None and longitude is not None:
        for field, raw in (("latitude", latitude), ("longitude", longitude)):
            value = Decimal(raw).quantize(Decimal("0.000001"))  # the column's precision
            old = getattr(locked, field)
            if old is None or Decimal(old) != value:
                diff[field] = [None if old is None else str(old), str(value)]
                changes[field] = value
    if kelurahan is not None and locked.kelurahan_id != kelurahan.pk:
        diff["kelurahan"] = [locked.kelurahan.code if locked.kelurahan else None, kelurahan.code]
        changes["kelurahan"] = kelurahan
        changes["kecamatan"] = kelurahan.kecamatan
    if not changes:
        raise TransitionError(_("Tidak ada yang diubah."))
    if "privacy" in changes and not reason.strip():
        raise TransitionError(_("Perubahan privasi wajib disertai alasan."))
    return _record(
        complaint,
        locked,
        to_status=locked.status,
        event_kind=Event.Kind.CORRECTED,
        actor=actor,
        note=reason.strip(),
        is_public=False,
        data={"changes": diff},
        changes=changes,
        at=at,
    )


# -- agencies ------------------------------------------------------------------


@transaction.atomic
def acknowledge(complaint, actor, *, note="", expected_version=None, at=None) -> Event:
    at = _now(at)
    event = _apply(
        complaint,
        "acknowledge",
        event_kind=Event.Kind.ACKNOWLEDGED,
        actor=actor,
        note=note,
        expected_version=expected_version,
        changes={"first_response_at": complaint.first_response_at or at},
        at=at,
    )
    notify_reporter(complaint, event)
    return event


@transaction.atomic
def post_update(
    complaint, actor, *, note: str, public=True, photos=(), expected_version=None, at=None
) -> Event:
    """An interim update. The first update of a dispatched complaint is its first response."""
    if not note.strip():
        raise TransitionError(_("Isi perkembangan tidak boleh kosong."))
    at = _now(at)
    target = None
    changes = {}
    if complaint.status == Status.DIDISPOSISIKAN and public:
        target = Status.DIPROSES
        changes["first_response_at"] = complaint.first_response_at or at
    event = _apply(
        complaint,
        "post_update",
        event_kind=Event.Kind.UPDATE if public else Event.Kind.NOTE,
        actor=actor,
        note=note.strip(),
        is_public=public,
        expected_version=expected_version,
        target=target,
        changes=changes,
        at=at,
    )
    _store_photos(complaint, photos, event=event, public=public)
    if public:
        notify_reporter(complaint, event)
    return event


@transaction.atomic
def request_info(complaint, actor, *, question: str, expected_version=None, at=None) -> Event:
    if not question.strip():
        raise TransitionError(_("Pertanyaan untuk pelapor tidak boleh kosong."))
    at = _now(at)
    changes = {"resume_status": complaint.status}
    if complaint.status in (Status.DIDISPOSISIKAN,):
        changes["first_response_at"] = complaint.first_response_at or at
    event = _apply(
        complaint,
        "request_info",
        event_kind=Event.Kind.INFO_REQUESTED,
        actor=actor,
        note=question.strip(),
        expected_version=expected_version,
        changes=changes,
        at=at,
    )
    notify_reporter(complaint, event)
    return event


@transaction.atomic
def return_dispatch(complaint, actor, *, reason: str, expected_version=None, at=None) -> Event:
    """The agency says "bukan wewenang": back to the moderators, flagged."""
    if not reason.strip():
        raise TransitionError(_("Alasan pengembalian wajib diisi."))
    returned_from = complaint.lead_agency.code if complaint.lead_agency_id else None
    event = _apply(
        complaint,
        "return_dispatch",
        event_kind=Event.Kind.RETURNED,
        actor=actor,
        note=reason.strip(),
        is_public=False,
        expected_version=expected_version,
        changes={"returned": True, "lead_agency": None, "dispatched_at": None},
        data={"agency": returned_from},
        m2m={"supporting_agencies": []},
        at=at,
    )
    return event


@transaction.atomic
def defer_to_budget(
    complaint, actor, *, year: int, plan: str, expected_version=None, at=None
) -> Event:
    at = _now(at)
    local_year = timezone.localtime(at).year
    if not (local_year <= int(year) <= local_year + 5):
        raise TransitionError(
            _("Tahun anggaran harus antara %(a)s dan %(b)s.")
            % {"a": local_year, "b": local_year + 5}
        )
    if not plan.strip():
        raise TransitionError(_("Rencana tindak lanjut wajib diisi."))
    event = _apply(
        complaint,
        "defer_to_budget",
        event_kind=Event.Kind.DEFERRED,
        actor=actor,
        note=plan.strip(),
        expected_version=expected_version,
        changes={
            "budget_year": int(year),
            "budget_plan": plan.strip(),
            "first_response_at": complaint.first_response_at or at,
        },
        data={"year": int(year)},
        at=at,
    )
    notify_reporter(complaint, event)
    return event


@transaction.atomic
def resolve(
    complaint,
    actor,
    *,
    answer: str,
    internal_note: str = "",
    photos: Sequence[CleanImage] = (),
    outcome: str = Outcome.FIXED,
    outcome_note: str = "",
    expected_version=None,
    at=None,
) -> Event:
    if not answer.strip():
        raise TransitionError(_("Jawaban untuk pelapor tidak boleh kosong."))
    if outcome not in Outcome.values:
        raise TransitionError(_("Hasil tindak lanjut tidak dikenal."))
    if outcome in (Outcome.REFERRED, Outcome.CANNOT_ACT) and not outcome_note.strip():
        raise TransitionError(
            _("Sebutkan pihak rujukan atau alasan aduan tidak dapat ditindaklanjuti.")
        )
    at = _now(at)
    if outcome == Outcome.PLANNED and not complaint.budget_year:
        raise TransitionError(_("Tentukan dulu tahun anggaran rencana penanganannya."))
    event = _apply(
        complaint,
        "resolve",
        event_kind=Event.Kind.RESOLVED,
        actor=actor,
        note=answer.strip(),
        expected_version=expected_version,
        changes={
            "answer": answer.strip(),
            "answered_at": at,
            "first_response_at": complaint.first_response_at or at,
            "outcome": outcome,
            "outcome_note": outcome_note.strip(),
        },
        data={"outcome": outcome, "outcome_note": outcome_note.strip()},
        at=at,
    )
    if internal_note.strip():
        internal = Event.objects.create(
            complaint=complaint,
            kind=Event.Kind.NOTE,
            note=internal_note.strip(),
            is_public=False,
            created_at=at,
            **_actor_fields(actor, ""),
        )
        effects.after_transition(complaint, internal)
    _store_photos(complaint, photos, event=event, public=True)
    notify_reporter(complaint, event)
    return event


# -- citizens --------------------------------------------------------------------


@transaction.atomic
def provide_info(complaint, *, text: str, photos=(), via: str = "web", at=None) -> Event:
    if not text.strip():
        raise TransitionError(_("Informasi tambahan tidak boleh kosong."))
    target = complaint.resume_status or Status.TERVERIFIKASI
    event = _apply(
        complaint,
        "provide_info",
        event_kind=Event.Kind.INFO_PROVIDED,
        actor_label=stored_text("Pelapor"),
        note=text.strip(),
        target=target,
        changes={"resume_status": ""},
        data={"via": via},
        at=at,
    )
    _store_photos(complaint, photos, event=event, public=complaint.privacy != Privacy.RAHASIA)
    return event


@transaction.atomic
def add_info(complaint, *, text: str, photos=(), via: str = "web", at=None) -> Event:
    """The citizen adds information at any time while the complaint is open.

    When staff asked for it this is :func:`provide_info` (the clock resumes); otherwise
    the same ``info_provided`` event without a change of status, so staff are notified
    and the timeline, the clock and disclosure treat it as the reporter's own words.
    """
    if complaint.status == Status.MENUNGGU_INFO:
        return provide_info(complaint, text=text, photos=photos, via=via, at=at)
    if not text.strip():
        raise TransitionError(_("Informasi tambahan tidak boleh kosong."))
    event = _apply(
        complaint,
        "add_info",
        event_kind=Event.Kind.INFO_PROVIDED,
        actor_label=stored_text("Pelapor"),
        note=text.strip(),
        data={"via": via, "unasked": True},
        at=at,
    )
    _store_photos(complaint, photos, event=event, public=complaint.privacy != Privacy.RAHASIA)
    return event


@transaction.atomic
def confirm(complaint, *, note="", at=None) -> Event:
    event = _apply(
        complaint,
        "confirm",
        event_kind=Event.Kind.CONFIRMED,
        actor_label=stored_text("Pelapor"),
        note=note.strip(),
        changes={"closed_at": _now(at)},
        at=at,
    )
    return event


@transaction.atomic
def dispute(complaint, *, reason: str, at=None) -> Event:
    """The citizen disputes the answer: the complaint is reopened with its agency."""
    if not reason.strip():
        raise TransitionError(_("Jelaskan mengapa jawaban belum menyelesaikan masalah."))
    target = Status.DIDISPOSISIKAN if complaint.lead_agency_id else Status.TERVERIFIKASI
    event = _apply(
        complaint,
        "dispute",
        event_kind=Event.Kind.DISPUTED,
        actor_label=stored_text("Pelapor"),
        note=reason.strip(),
        target=target,
        changes={
            "reopen_count": complaint.reopen_count + 1,
            "answered_at": None,
            "outcome": "",
            "outcome_note": "",
            "dispatched_at": _now(at) if complaint.lead_agency_id else None,
        },
        at=at,
    )
    return event


@transaction.atomic
def close(complaint, actor=None, *, note="", automatic=False, at=None) -> Event:
    event = _apply(
        complaint,
        "close",
        event_kind=Event.Kind.CLOSED,
        actor=actor,
        actor_label="" if actor else stored_text("Sistem"),
        note=note,
        changes={"closed_at": _now(at)},
        data={"automatic": automatic},
        at=at,
    )
    notify_reporter(complaint, event)
    return event


@transaction.atomic
def rate(complaint, *, rating: int, comment: str = "", via: str = "web", at=None) -> Event:
    try:
        rating = int(rating)
    except (TypeError, ValueError):
        rating = 0
    if not 1 <= rating <= 5:
        raise TransitionError(_("Nilai harus antara 1 dan 5."))
    # Read under the row lock: two taps at once must not both rate.
    locked = lock(complaint, statuses=TRANSITIONS["rate"].sources)
    if locked.rating is not None:
        raise TransitionError(_("Aduan ini sudah dinilai. Terima kasih."))
    return _record(
        complaint,
        locked,
        to_status=locked.status,
        event_kind=Event.Kind.RATED,
        actor_label=stored_text("Pelapor"),
        note=comment.strip(),
        is_public=False,
        changes={"rating": rating, "rating_comment": comment.strip()},
        data={"rating": rating, "via": via},
        at=at,
    )


@transaction.atomic
def record_note(complaint, actor, *, note: str, kind=Event.Kind.NOTE, data=None, at=None) -> Event:
    """An internal note or an audit entry (e.g. a reporter's contact viewed).

    Not a transition: no lock, no status check, the version stays (a note must not turn
    someone's open form stale). Callers that need the lock take it with :func:`lock`.
    """
    event = Event.objects.create(
        complaint=complaint,
        kind=kind,
        note=note,
        is_public=False,
        data=data or {},
        created_at=_now(at),
        **_actor_fields(actor, ""),
    )
    effects.after_transition(complaint, event)
    return event


__all__ = [
    "Channel",
    "IllegalTransition",
    "Role",
    "StaleComplaint",
    "TransitionError",
]
