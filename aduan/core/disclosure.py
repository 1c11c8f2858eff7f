"""Who sees what of a complaint: the one door out.

The lifecycle decides every write; this module decides every outward read. Each
audience gets a typed projection of a complaint with exactly the fields it may see,
already masked, and surfaces (portal pages, the mobile API, Open311, public feed and
downloads, chat and SMS replies, reports, staff pages) render projections only:

============  ===================================================================
audience      sees
============  ===================================================================
public        listed complaints only (checked, not rejected or merged, not
              ``rahasia``): masked and redacted text, public events with the notes
              written for the citizen (masked), photos of ``publik`` complaints,
              the location rounded to about 100 m, no address unless ``publik``;
              of an unlisted complaint nothing but its status. Never a reporter,
              never a private token.
reporter      (holding the private link) their own complaint in full, every public
              event, what they may do next (read from the transition table).
agency        staff of an agency the complaint is dispatched to: the complaint,
              every event, every photo; the reporter only when not ``anonim``,
              and an anonymous reporter's name masked in every text, including a
              name the reporter wrote in the text themselves.
staff         moderators, system admins and leaders: everything; the contact is
              still shown only through the logged "show contact".
============  ===================================================================

Privacy modes, automatic masking and moderators' redactions are applied here and
nowhere else; status groups come from ``core.models``. Notes written by staff are
internal unless the event kind is one whose form says, beside the field, that the
citizen and the public read it (:data:`CITIZEN_NOTE_KINDS`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from django.db.models import Exists, F, OuterRef, Prefetch, QuerySet
from django.urls import reverse
from django.utils.translation import get_language

from aduan.lib.privacy import mask_pii, names_introduced, redact

from . import compiled
from .lifecycle import allowed_transitions
from .models import (
    ANSWERED_STATUSES,
    CLOSED_STATUSES,
    PUBLIC_STORED_FIELDS,
    UNLISTED_STATUSES,
    Agency,
    Attachment,
    Category,
    Complaint,
    Event,
    Kecamatan,
    Kelurahan,
    Kind,
    Outcome,
    Privacy,
    Redaction,
    Role,
    Status,
)
from .permissions import can_see_reporter, has_perm, visible_complaints


class Audience(StrEnum):
    PUBLIC = "public"
    REPORTER = "reporter"
    AGENCY = "agency"
    STAFF = "staff"


E = Event.Kind
# Staff notes the citizen and the public read: their forms say so beside the field
# (update, question to the reporter, budget plan, answer, acknowledgement). Every
# other staff note (dispatch note to the agency, verify/reject/merge notes, returns'
# reasons, internal notes) stays inside, even on an event that is itself public.
CITIZEN_NOTE_KINDS = frozenset({E.ACKNOWLEDGED, E.UPDATE, E.INFO_REQUESTED, E.DEFERRED, E.RESOLVED})
# The reporter's own words: shown back to the reporter and to staff, never to the public.
REPORTER_NOTE_KINDS = frozenset({E.INFO_PROVIDED, E.DISPUTED, E.CONFIRMED})
# What the reporter may do, by transition name in the lifecycle's table.
REPORTER_ACTIONS = {
    "provide_info": "add_info",
    "confirm": "confirm",
    "dispute": "dispute",
    "rate": "rate",
}
# About 100 m: a public point shows the street, not the house.
_POINT = Decimal("0.001")


@dataclass(frozen=True)
class Photo:
    id: str
    url: str
    width: int
    height: int
    content_type: str


@dataclass(frozen=True)
class EventView:
    kind: str
    label: str
    at: datetime
    by: str
    note: str
    is_public: bool
    agencies: str = ""
    photos: tuple[Photo, ...] = ()


@dataclass(frozen=True)
class Rejection:
    label: str
    explanation: str
    referral: str


@dataclass(frozen=True)
class Reporter:
    """Who filed it. ``contact`` is filled only for the reporter themselves and after a
    logged "show contact" by staff who may see it."""

    name: str
    phone: str = ""
    email: str = ""
    handle: str = ""
    contact_shown: bool = False


@dataclass(frozen=True)
class ComplaintView:
    """One complaint as one audience may see it. Fields an audience may not see are
    empty (``""``, ``None`` or ``()``), never the real value."""

    audience: Audience
    code: str
    status: str
    status_label: str
    # Open311's two states: answered or ended is "closed".
    is_closed: bool
    listed: bool
    # False: nothing but the status may be shown (unlisted for the public).
    shows_content: bool
    received_at: datetime
    updated_at: datetime | None = None
    answered_at: datetime | None = None
    closed_at: datetime | None = None
    resolution_due_at: datetime | None = None
    kind: str = ""
    kind_label: str = ""
    privacy: str = ""
    privacy_label: str = ""
    category_code: str = ""
    category_name: str = ""
    agency_name: str = ""
    agency_short_name: str = ""
    kelurahan_code: str = ""
    kelurahan: str = ""
    kecamatan: str = ""
    address: str = ""
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    text: str = ""
    answer: str = ""
    outcome: str = ""
    outcome_label: str = ""
    outcome_note: str = ""
    budget_year: int | None = None
    budget_plan: str = ""
    rejection: Rejection | None = None
    merged_into: str = ""
    photos: tuple[Photo, ...] = ()
    # None when the caller did not ask for events (lists); a tuple otherwise.
    events: tuple[EventView, ...] | None = None
    reporter: Reporter | None = None
    # The private link's secret: the reporter's own projection only.
    token: str = ""
    rating: int | None = None
    actions: frozenset[str] = field(default_factory=frozenset)
    info_question: str = ""

    @property
    def can_add_info(self) -> bool:
        return "add_info" in self.actions

    @property
    def can_confirm(self) -> bool:
        return "confirm" in self.actions

    @property
    def can_dispute(self) -> bool:
        return "dispute" in self.actions

    @property
    def can_rate(self) -> bool:
        return "rate" in self.actions


# -- the rules ---------------------------------------------------------------------------


def is_listed(complaint: Complaint) -> bool:
    """May the complaint be an item of a public surface (feed, map, lists, downloads)?"""
    return complaint.privacy != Privacy.RAHASIA and complaint.status not in UNLISTED_STATUSES


def in_public_figures(privacy: str) -> bool:
    """Does a complaint count in the public statistics? Every one but ``rahasia``: an
    unlisted complaint is a number there, never an item."""
    return privacy != Privacy.RAHASIA


def listed_complaints() -> QuerySet:
    return Complaint.objects.listed()


def shows_public_photos(complaint: Complaint) -> bool:
    return is_listed(complaint) and complaint.privacy == Privacy.PUBLIK


def round_point(value) -> Decimal | None:
    if value is None:
        return None
    return Decimal(value).quantize(_POINT, rounding=ROUND_HALF_UP)


def _known_names(complaint: Complaint) -> list[str]:
    return [complaint.reporter_name] if complaint.reporter_name else []


def redactions_of(complaint: Complaint) -> list[str]:
    cached = getattr(complaint, "_prefetched_objects_cache", {}).get("redactions")
    if cached is not None:
        return [r.text for r in cached]
    return list(Redaction.objects.filter(complaint=complaint).values_list("text", flat=True))


def public_masker(
    complaint: Complaint, redactions: Iterable[str] | None = None
) -> Callable[[str], str]:
    """Any text of this complaint made fit for the public: redactions first (so they match
    what the moderator saw), then personal data; nothing at all of a ``rahasia`` one."""
    names = _known_names(complaint) + names_introduced(complaint.text)
    strings = list(redactions) if redactions is not None else redactions_of(complaint)
    secret = complaint.privacy == Privacy.RAHASIA

    def mask(text: str) -> str:
        if secret or not text:
            return ""
        if strings:
            text = redact(text, strings)
        return mask_pii(text, names)

    return mask


# -- the stored public text ----------------------------------------------------------------
#
# Masking is the costly part of a public read (about a millisecond per text), so the
# masked text of a complaint's fields is computed when they are written and stored on the
# row (``Complaint.public_*``). The stored values are those of ``public_masker`` for a
# complaint that is not ``rahasia``; whether anything is shown at all stays decided on
# read (``for_public``). ``public_fingerprint`` digests the sources they were made from
# (the texts, the reporter's name, the redactions) and ``MASK_RULES``: a row whose
# fingerprint does not match what it holds now (written by a bulk ``update()``, or made
# under older rules) is masked on read exactly as before, so the stored copy can be late,
# never wrong.

# Bump when the masking rules (``aduan.lib.privacy`` or the maskers here) change.
MASK_RULES = "1"
# Stored field -> the complaint field it masks.
_MASKED_SOURCES = {
    "public_text": "text",
    "public_address": "address",
    "public_answer": "answer",
    "public_outcome_note": "outcome_note",
    "public_budget_plan": "budget_plan",
}


def public_fingerprint(complaint: Complaint, redactions: Iterable[str]) -> str:
    digest = hashlib.blake2b(digest_size=16)
    parts = [MASK_RULES, complaint.reporter_name or ""]
    parts += [getattr(complaint, source) or "" for source in _MASKED_SOURCES.values()]
    parts += sorted(redactions)
    for part in parts:
        data = part.encode("utf-8", "surrogatepass")
        digest.update(len(data).to_bytes(8, "little"))
        digest.update(data)
    return digest.hexdigest()


def masked_fields(complaint: Complaint, redactions: Iterable[str]) -> dict[str, str]:
    """The stored public fields of ``complaint`` with these redactions, computed now."""
    strings = list(redactions)
    names = _known_names(complaint) + names_introduced(complaint.text or "")

    def mask(text: str) -> str:
        if not text:
            return ""
        if strings:
            text = redact(text, strings)
        return mask_pii(text, names)

    fields = {
        stored: mask(getattr(complaint, source) or "") for stored, source in _MASKED_SOURCES.items()
    }
    fields["public_fingerprint"] = public_fingerprint(complaint, strings)
    return fields


def store_public_fields(complaint: Complaint, redactions: Iterable[str] | None = None) -> bool:
    """Set the stored public fields on ``complaint`` (not saved); False if already current."""
    if redactions is None:
        redactions = redactions_of(complaint) if complaint.pk else []
    strings = list(redactions)
    if complaint.public_fingerprint == public_fingerprint(complaint, strings):
        return False
    for name, value in masked_fields(complaint, strings).items():
        setattr(complaint, name, value)
    return True


def refresh_public_fields(complaint_id: int) -> None:
    """Store the public fields of one complaint again now (after a redaction, or a write
    that bypassed ``Complaint.save``)."""
    complaint = Complaint.objects.filter(pk=complaint_id).first()
    if complaint is None:
        return
    redactions = Redaction.objects.filter(complaint_id=complaint_id).values_list("text", flat=True)
    if store_public_fields(complaint, list(redactions)):
        Complaint.objects.filter(pk=complaint_id).update(
            **{name: getattr(complaint, name) for name in PUBLIC_STORED_FIELDS}
        )


def _public_fields(complaint: Complaint, redactions: list[str]) -> dict[str, str]:
    """The stored public fields when current, else computed now (and not stored)."""
    if complaint.public_fingerprint and complaint.public_fingerprint == public_fingerprint(
        complaint, redactions
    ):
        return {name: getattr(complaint, name) for name in _MASKED_SOURCES}
    return masked_fields(complaint, redactions)


def _anonymous_masker(complaint: Complaint) -> Callable[[str], str]:
    """For agency staff of an ``anonim`` complaint: whatever could name the reporter,
    including a name they gave in the text themselves."""
    names = _known_names(complaint) + names_introduced(complaint.text)

    def mask(text: str) -> str:
        return mask_pii(text, names) if text else ""

    return mask


def _unmasked(text: str) -> str:
    return text or ""


def audience_of(user) -> Audience:
    """The staff audience a logged-in user belongs to."""
    if has_perm(user, "view_all"):
        return Audience.STAFF
    return Audience.AGENCY


# (choices, value, language) -> label: a list reads the same few labels on every row.
_LABELS: dict[tuple, str] = {}


def _label(choices, value: str) -> str:
    """A choice's label in the active language. Django's ``get_FOO_display`` builds a dict
    of every choice (translating each label) on every call: a tenth of a public list.
    Labels are translated once per choice and language, then looked up."""
    key = (choices, value, get_language())
    label = _LABELS.get(key)
    if label is None:
        try:
            label = str(choices(value).label)
        except ValueError:
            label = value or ""
        if len(_LABELS) < 10_000:  # values come from the database; bounded all the same
            _LABELS[key] = label
    return label


# -- photos -------------------------------------------------------------------------------


def _photo_url(audience: Audience, attachment: Attachment, token: str = "") -> str:
    if audience == Audience.PUBLIC:
        return reverse("media:public", args=[attachment.public_id])
    if audience == Audience.REPORTER:
        return reverse("portal:photo", args=[token, attachment.public_id])
    return reverse("media:staff", args=[attachment.public_id])


def _photo(audience: Audience, attachment: Attachment, token: str = "") -> Photo:
    return Photo(
        id=attachment.public_id,
        url=_photo_url(audience, attachment, token),
        width=attachment.width,
        height=attachment.height,
        content_type=attachment.content_type,
    )


def _attachments(complaint: Complaint) -> list[Attachment]:
    cached = getattr(complaint, "_prefetched_objects_cache", {}).get("attachments")
    if cached is not None:
        return list(cached)
    return list(complaint.attachments.all())


def public_photo(public_id: str) -> Attachment | None:
    """The attachment behind a public photo URL, or None when the public may not see it."""
    attachment = Attachment.objects.select_related("complaint").filter(public_id=public_id).first()
    if attachment is None or not attachment.is_public:
        return None
    complaint = attachment.complaint
    if not shows_public_photos(complaint):
        return None
    if attachment.event_id is None or _event_is_public_of(complaint, attachment):
        return attachment
    return None


def reporter_photo(token: str, public_id: str) -> Attachment | None:
    """A photo of the reporter's own complaint: theirs, or one staff published to them."""
    attachment = (
        Attachment.objects.select_related("complaint")
        .filter(public_id=public_id, complaint__token=token)
        .first()
    )
    if attachment is None:
        return None
    return attachment if _reporter_may_see(attachment) else None


def _reporter_may_see(attachment: Attachment) -> bool:
    # Photos the reporter sent (with the complaint or as information) and photos staff
    # attached to an event the reporter was told of; internal evidence stays inside.
    if attachment.event_id is None or attachment.is_public:
        return True
    return attachment.event.kind in REPORTER_NOTE_KINDS


def staff_photo(user, public_id: str) -> Attachment | None:
    """A photo of a complaint the staff member may see (every photo of it)."""
    if not user.is_authenticated or not user.role:
        return None
    return (
        Attachment.objects.filter(
            public_id=public_id, complaint__in=visible_complaints(user).values("pk")
        )
        .select_related("complaint")
        .first()
    )


# -- events -------------------------------------------------------------------------------


def _events(complaint: Complaint) -> list[Event]:
    """Every event of the complaint, from a prefetch when the caller made one."""
    cached = getattr(complaint, "all_events", None)
    if cached is None:
        cached = getattr(complaint, "_prefetched_objects_cache", {}).get("events")
    if cached is not None:
        return list(cached)
    return list(complaint.events.select_related("agency", "actor"))


def _public_by(event: Event) -> str:
    """Who acted, as the public and the reporter are told: an agency or a role, never a
    staff member's name."""
    if event.agency_id:
        return event.agency.short_name
    if event.actor_id:
        return "Moderator" if event.actor.role == Role.MODERATOR else "Petugas"
    return event.actor_label or "Sistem"


def _event_view(audience, event, note, photos) -> EventView:
    return EventView(
        kind=event.kind,
        label=_label(Event.Kind, event.kind),
        at=event.created_at,
        by=_public_by(event)
        if audience in (Audience.PUBLIC, Audience.REPORTER)
        else event.actor_display,
        note=note,
        is_public=event.is_public,
        agencies=(event.data or {}).get("agencies", "") if event.kind == E.DISPATCHED else "",
        photos=photos,
    )


def _public_events(complaint, mask) -> tuple[EventView, ...]:
    views = []
    for event in _events(complaint):
        if not event.is_public:
            continue
        note = mask(event.note) if event.kind in CITIZEN_NOTE_KINDS else ""
        views.append(_event_view(Audience.PUBLIC, event, note, ()))
    return tuple(views)


def _reporter_events(complaint) -> tuple[EventView, ...]:
    views = []
    attachments = _attachments(complaint)
    for event in _events(complaint):
        if not event.is_public:
            continue
        shows_note = event.kind in CITIZEN_NOTE_KINDS or event.kind in REPORTER_NOTE_KINDS
        photos = tuple(
            _photo(Audience.REPORTER, a, complaint.token)
            for a in attachments
            if a.event_id == event.pk and _reporter_may_see(a)
        )
        views.append(
            _event_view(Audience.REPORTER, event, event.note if shows_note else "", photos)
        )
    return tuple(views)


def _staff_events(complaint, audience, mask) -> tuple[EventView, ...]:
    views = []
    attachments = _attachments(complaint)
    for event in _events(complaint):
        photos = tuple(_photo(audience, a) for a in attachments if a.event_id == event.pk)
        views.append(_event_view(audience, event, mask(event.note), photos))
    return tuple(views)


# -- projections --------------------------------------------------------------------------


def _base(complaint: Complaint, audience: Audience, listed: bool) -> dict:
    status = complaint.status
    return {
        "audience": audience,
        "code": complaint.code,
        "status": status,
        "status_label": _label(Status, complaint.status),
        "is_closed": status in CLOSED_STATUSES or status in ANSWERED_STATUSES,
        "listed": listed,
        "received_at": complaint.received_at,
    }


def _content(complaint: Complaint, mask, *, exact_place: bool, public=None) -> dict:
    """The content fields; ``public`` (the public fields, already masked) replaces ``mask``."""
    category = complaint.category if complaint.category_id else None
    agency = complaint.lead_agency if complaint.lead_agency_id else None
    kelurahan = complaint.kelurahan if complaint.kelurahan_id else None
    if public is None:
        public = {stored: mask(getattr(complaint, src)) for stored, src in _MASKED_SOURCES.items()}
    if exact_place:
        latitude, longitude, address = complaint.latitude, complaint.longitude, complaint.address
    else:
        latitude, longitude = round_point(complaint.latitude), round_point(complaint.longitude)
        address = public["public_address"] if complaint.privacy == Privacy.PUBLIK else ""
    return {
        "updated_at": complaint.updated_at,
        "answered_at": complaint.answered_at,
        "closed_at": complaint.closed_at,
        "resolution_due_at": complaint.resolution_due_at,
        "kind": complaint.kind,
        "kind_label": _label(Kind, complaint.kind),
        "category_code": category.code if category else "",
        "category_name": category.name if category else "",
        "agency_name": agency.name if agency else "",
        "agency_short_name": agency.short_name if agency else "",
        "kelurahan_code": kelurahan.code if kelurahan else "",
        "kelurahan": kelurahan.name if kelurahan else "",
        "kecamatan": kelurahan.kecamatan.name if kelurahan else "",
        "address": address,
        "latitude": latitude,
        "longitude": longitude,
        "text": public["public_text"],
        "answer": public["public_answer"],
        "outcome": complaint.outcome,
        "outcome_label": _label(Outcome, complaint.outcome) if complaint.outcome else "",
        "outcome_note": public["public_outcome_note"],
        "budget_year": complaint.budget_year,
        "budget_plan": public["public_budget_plan"],
    }


def _merged_into(complaint: Complaint, *, public: bool) -> str:
    if not complaint.merged_into_id:
        return ""
    survivor = complaint.merged_into
    return survivor.code if not public or is_listed(survivor) else ""


def _rejection(complaint: Complaint) -> Rejection | None:
    reason = complaint.rejection_reason if complaint.rejection_reason_id else None
    if reason is None:
        return None
    return Rejection(reason.label, reason.explanation, reason.referral)


def for_public(
    complaint: Complaint, *, events: bool = False, redactions: Iterable[str] | None = None
) -> ComplaintView:
    """What anyone may see: a listed complaint masked; of any other only its status."""
    listed = is_listed(complaint)
    base = _base(complaint, Audience.PUBLIC, listed)
    if not listed:
        return ComplaintView(
            **base,
            shows_content=False,
            merged_into=_merged_into(complaint, public=True),
            events=() if events else None,
        )
    strings = list(redactions) if redactions is not None else redactions_of(complaint)
    photos = ()
    if shows_public_photos(complaint):
        photos = tuple(
            _photo(Audience.PUBLIC, a)
            for a in _attachments(complaint)
            if a.is_public and (a.event_id is None or _event_is_public_of(complaint, a))
        )
    return ComplaintView(
        **base,
        **_content(complaint, None, exact_place=False, public=_public_fields(complaint, strings)),
        shows_content=True,
        photos=photos,
        events=_public_events(complaint, public_masker(complaint, strings)) if events else None,
    )


# Photos that go public with a ``publik`` complaint: its own, the information the reporter
# added, and those staff attached to an update or answer written for the public.
_PUBLIC_PHOTO_EVENTS = CITIZEN_NOTE_KINDS | {E.INFO_PROVIDED}


def _event_is_public_of(complaint: Complaint, attachment: Attachment) -> bool:
    if Attachment.event.is_cached(attachment):
        # Fetched with the attachment (``prefetched``): lists need no query per photo.
        event = attachment.event
    else:
        event = next((e for e in _events(complaint) if e.pk == attachment.event_id), None)
    return event is not None and event.is_public and event.kind in _PUBLIC_PHOTO_EVENTS


def reporter_actions(complaint: Complaint) -> frozenset[str]:
    """What the reporter may do next, from the lifecycle's transition table."""
    actions = {
        REPORTER_ACTIONS[name]
        for name in allowed_transitions(complaint.status)
        if name in REPORTER_ACTIONS
    }
    if complaint.rating is not None:
        actions.discard("rate")
    return frozenset(actions)


def for_reporter(complaint: Complaint) -> ComplaintView:
    """The reporter's own complaint in full, through the private link."""
    actions = reporter_actions(complaint)
    question = ""
    if "add_info" in actions:
        question = next(
            (e.note for e in reversed(_events(complaint)) if e.kind == E.INFO_REQUESTED), ""
        )
    return ComplaintView(
        **_base(complaint, Audience.REPORTER, is_listed(complaint)),
        **_content(complaint, _unmasked, exact_place=True),
        shows_content=True,
        privacy=complaint.privacy,
        privacy_label=_label(Privacy, complaint.privacy),
        rejection=_rejection(complaint),
        merged_into=_merged_into(complaint, public=False),
        photos=tuple(
            _photo(Audience.REPORTER, a, complaint.token)
            for a in _attachments(complaint)
            if a.event_id is None
        ),
        events=_reporter_events(complaint),
        reporter=Reporter(
            name=complaint.reporter_name,
            phone=complaint.reporter_phone,
            email=complaint.reporter_email,
            contact_shown=True,
        ),
        token=complaint.token,
        rating=complaint.rating,
        actions=actions,
        info_question=question,
    )


def for_staff(complaint: Complaint, user, *, contact_shown: bool = False) -> ComplaintView:
    """A staff member's view; the caller fetched the complaint through the access helper.

    ``contact_shown`` is true only on the response to the logged "show contact".
    """
    audience = audience_of(user)
    see_reporter = can_see_reporter(user, complaint)
    anonymous_to_them = complaint.privacy == Privacy.ANONIM and not see_reporter
    mask = _anonymous_masker(complaint) if anonymous_to_them else _unmasked
    reporter = None
    if see_reporter and (complaint.reporter_name or complaint.has_contact):
        shown = contact_shown
        reporter = Reporter(
            name=complaint.reporter_name,
            phone=complaint.reporter_phone if shown else "",
            email=complaint.reporter_email if shown else "",
            handle=complaint.reporter_handle if shown else "",
            contact_shown=shown,
        )
    return ComplaintView(
        **_base(complaint, audience, is_listed(complaint)),
        **_content(complaint, mask, exact_place=True),
        shows_content=True,
        privacy=complaint.privacy,
        privacy_label=_label(Privacy, complaint.privacy),
        rejection=_rejection(complaint),
        merged_into=_merged_into(complaint, public=False),
        photos=tuple(_photo(audience, a) for a in _attachments(complaint) if a.event_id is None),
        events=_staff_events(complaint, audience, mask),
        reporter=reporter,
        rating=complaint.rating,
    )


def staff_summary(complaint: Complaint, user, *, handling: bool = False) -> str | None:
    """The one-line summary of staff lists. ``None`` for a ``rahasia`` complaint outside
    the lists of those who handle it (the moderators' queue, the agency's inbox); an
    anonymous reporter's self-given name masked for those who may not see the reporter."""
    if complaint.privacy == Privacy.RAHASIA and not handling:
        return None
    text = complaint.text
    if complaint.privacy == Privacy.ANONIM and not can_see_reporter(user, complaint):
        text = _anonymous_masker(complaint)(text)
    first = " ".join(text.split())
    return first if len(first) <= 90 else first[:87].rstrip() + "…"


def staff_text(complaint: Complaint, user, text: str) -> str:
    """Another text about this complaint (an event's note, the reporter's reply) as a
    staff member may read it outside the complaint page (a notification): masked as
    :func:`for_staff` masks it for those who may not see an anonymous reporter."""
    if complaint.privacy == Privacy.ANONIM and not can_see_reporter(user, complaint):
        return _anonymous_masker(complaint)(text)
    return text or ""


# -- querysets ----------------------------------------------------------------------------


# What ``for_public`` reads of a complaint and of the rows joined to it, and nothing else:
# a list builds fewer fields and converts five datetimes a row instead of twenty-two.
# A field missing here would be read with one query per row (a test counts them).
_PUBLIC_COLUMNS = (
    "code",
    "status",
    "privacy",
    "kind",
    "received_at",
    "updated_at",
    "answered_at",
    "closed_at",
    "resolution_due_at",
    "outcome",
    "budget_year",
    "latitude",
    "longitude",
    "reporter_name",
    *_MASKED_SOURCES.values(),
    *_MASKED_SOURCES,
    "public_fingerprint",
    "category",
    "lead_agency",
    "kelurahan",
    "merged_into",
)
# The category, agency and place of each row, read through the join as plain columns
# (relation -> model, {field: path}): one instance per distinct category, agency and
# kelurahan of a list, shared by its rows, not four instances per row.
_PUBLIC_RELATED = {
    "category": (Category, {"code": "category__code", "name": "category__name"}),
    "lead_agency": (
        Agency,
        {"name": "lead_agency__name", "short_name": "lead_agency__short_name"},
    ),
    "kelurahan": (
        Kelurahan,
        {
            "code": "kelurahan__code",
            "name": "kelurahan__name",
            "kecamatan_id": "kelurahan__kecamatan_id",
        },
    ),
}
_PUBLIC_KECAMATAN = {"name": "kelurahan__kecamatan__name"}
_PUBLIC_ATTACHMENT_COLUMNS = (
    "complaint",
    "public_id",
    "content_type",
    "width",
    "height",
    "is_public",
    "event__kind",
    "event__is_public",
)
_PUBLIC_EVENT_COLUMNS = (
    "complaint",
    "kind",
    "actor_label",
    "note",
    "is_public",
    "data",
    "created_at",
    "agency__short_name",
    "actor__role",
)


def _alias(path: str) -> str:
    return "public_join_" + path.replace("__", "_")


def _shared(shared: dict, model, pk, row, paths: dict):
    """The instance of ``model`` with this ``pk``, made once from the row's joined columns."""
    obj = shared.get((model, pk))
    if obj is None:
        values = {"id": pk, **{name: getattr(row, _alias(path)) for name, path in paths.items()}}
        names = [f.attname for f in model._meta.concrete_fields if f.attname in values]
        obj = shared[model, pk] = model.from_db(None, names, [values[n] for n in names])
    return obj


def _public_columns(queryset: QuerySet) -> QuerySet:
    """Only the columns ``for_public`` reads, the joined names as plain columns."""
    columns = {
        _alias(path): F(path)
        for _model, paths in [*_PUBLIC_RELATED.values(), (Kecamatan, _PUBLIC_KECAMATAN)]
        for path in paths.values()
    }
    return queryset.only(*_PUBLIC_COLUMNS).annotate(**columns)


def _attachments_query(ids) -> QuerySet:
    return (
        Attachment.objects.filter(complaint_id__in=ids)
        .select_related("event")
        .only(*_PUBLIC_ATTACHMENT_COLUMNS)
        .order_by("pk")
    )


def _redactions_query(ids) -> QuerySet:
    return Redaction.objects.filter(complaint_id__in=ids).only("complaint", "text")


def _events_query(ids) -> QuerySet:
    return (
        Event.objects.filter(complaint_id__in=ids)
        .select_related("agency", "actor")
        .only(*_PUBLIC_EVENT_COLUMNS)
    )


def _survivors_query(ids) -> QuerySet:
    return Complaint.objects.filter(pk__in=ids).only("code", "status", "privacy")


# A single read (Open311, the API's tracking) is the same few short queries every time:
# compiled once per process (core.compiled), they cost a fraction of building them anew.
_ONE = {
    # Whether it has photos or redactions at all comes with the row: most have neither,
    # and their reads are one query with two index probes instead of three queries.
    "complaint": compiled.Template(
        lambda code: _public_columns(Complaint.objects.filter(code=code)).annotate(
            public_has_attachments=Exists(Attachment.objects.filter(complaint_id=OuterRef("pk"))),
            public_has_redactions=Exists(Redaction.objects.filter(complaint_id=OuterRef("pk"))),
        ),
        compiled.text(0),
    ),
    "attachments": compiled.Template(lambda pk: _attachments_query([pk]), compiled.number(0)),
    "redactions": compiled.Template(lambda pk: _redactions_query([pk]), compiled.number(0)),
    "events": compiled.Template(lambda pk: _events_query([pk]), compiled.number(0)),
    "survivors": compiled.Template(lambda pk: _survivors_query([pk]), compiled.number(0)),
}


def _related(name: str, build, ids) -> list:
    """The rows of ``build(ids)``; for one id through its compiled template."""
    if len(ids) == 1:
        [pk] = ids
        return _ONE[name].run(pk)
    return list(build(list(ids)))


def fetched_for_public(queryset: QuerySet, *, events: bool = False) -> list[Complaint]:
    """The complaints of ``queryset`` with what ``for_public`` reads (with ``events``, its
    events too), in at most three queries for a list of any length (four with ``events``).

    Like :func:`prefetched`, but it fills the relation caches itself (Django's prefetch
    builds a queryset per row), reads only the columns the public projection reads, and
    skips what it does not show: photos unless a row shows them, redactions and events
    unless a row is listed. The survivor of a merged complaint (shown only for an unlisted
    one) is one more query, only when there is one."""
    return _completed_for_public(list(_public_columns(queryset)), events=events)


def fetched_one_for_public(code: str, *, events: bool = False) -> Complaint | None:
    """The complaint with this code as :func:`fetched_for_public` fetches it, or None;
    its queries compiled once per process."""
    found = _completed_for_public(_ONE["complaint"].run(code), events=events)
    return found[0] if found else None


def _completed_for_public(complaints: list[Complaint], *, events: bool) -> list[Complaint]:
    shared: dict = {}
    listed, photos, redacted, survivors = {}, {}, {}, {}
    for complaint in complaints:
        for relation, (model, paths) in _PUBLIC_RELATED.items():
            pk = getattr(complaint, f"{relation}_id")
            obj = None if pk is None else _shared(shared, model, pk, complaint, paths)
            if obj is not None and model is Kelurahan:
                kecamatan = _shared(
                    shared, Kecamatan, obj.kecamatan_id, complaint, _PUBLIC_KECAMATAN
                )
                Kelurahan.kecamatan.field.set_cached_value(obj, kecamatan)
            Complaint._meta.get_field(relation).set_cached_value(complaint, obj)
        complaint._prefetched_objects_cache = {"attachments": [], "redactions": []}
        if events:
            complaint._prefetched_objects_cache["events"] = []
        if is_listed(complaint):
            listed[complaint.pk] = complaint
            if getattr(complaint, "public_has_redactions", True):
                redacted[complaint.pk] = complaint
            if shows_public_photos(complaint) and getattr(
                complaint, "public_has_attachments", True
            ):
                photos[complaint.pk] = complaint
        elif complaint.merged_into_id:
            survivors.setdefault(complaint.merged_into_id, []).append(complaint)
    if photos:
        for attachment in _related("attachments", _attachments_query, photos):
            photos[attachment.complaint_id]._prefetched_objects_cache["attachments"].append(
                attachment
            )
    if redacted:
        for redaction in _related("redactions", _redactions_query, redacted):
            redacted[redaction.complaint_id]._prefetched_objects_cache["redactions"].append(
                redaction
            )
    if listed and events:
        for event in _related("events", _events_query, listed):
            listed[event.complaint_id]._prefetched_objects_cache["events"].append(event)
    if survivors:
        for survivor in _related("survivors", _survivors_query, survivors):
            for complaint in survivors[survivor.pk]:
                Complaint.merged_into.field.set_cached_value(complaint, survivor)
    return complaints


def prefetched(queryset: QuerySet, *, events: bool = False) -> QuerySet:
    """What projecting many complaints needs, in a fixed number of queries."""
    queryset = queryset.select_related(
        "category", "lead_agency", "kelurahan__kecamatan", "rejection_reason", "merged_into"
    ).prefetch_related(
        Prefetch("attachments", queryset=Attachment.objects.select_related("event")),
        "redactions",
    )
    if events:
        queryset = queryset.prefetch_related(
            Prefetch("events", queryset=Event.objects.select_related("agency", "actor"))
        )
    return queryset
