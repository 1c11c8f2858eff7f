"""One intake for a new complaint, whatever door it comes through.

The citizen portal's form, the staff desk (walk-in, phone, letter, social media), the
mobile API, Open311 and the message channels (SMS, WhatsApp, Telegram, e-mail) each read
their own input into a :class:`Submission` and call :func:`check`. The rules are applied
here and nowhere else; a surface only renders the :class:`IntakeErrors` in its own format
(form errors on the fields, the API's ``{field, code, message}``, Open311's error list).
:func:`file` then files the :class:`CheckedSubmission` through
:func:`aduan.core.lifecycle.create_complaint`.

The same everywhere: the text (at least :data:`MIN_LETTERS` letters or digits, at most
:data:`MAX_TEXT` characters), the kind and privacy choices, the maximum lengths, the
phone number (stored in E.164 by :func:`aduan.lib.phones.normalize_phone`), the e-mail
address, a known kelurahan, an active category (optional), a position given as both
coordinates or neither and inside Indonesia, and the photos (how many, and each decoded
and cleaned by :mod:`aduan.lib.images`).

What differs between channels is data, one :class:`Rules` row per channel in
:data:`RULES`: the desk need not reach a walk-in reporter again, a message's contact is
the address it came from, Open311 clients send a position rather than a kelurahan code.
No surface branches on its channel to decide a rule.

Error codes are stable (the mobile API returns them): ``required``, ``too_short``,
``too_long``, ``invalid_type``, ``invalid_characters``, ``invalid_choice``,
``not_found``, ``invalid_number``, ``out_of_range``, ``incomplete_location``,
``location_required``, ``invalid_phone``, ``invalid_email``, ``contact_required``,
``too_many_photos`` and ``photo_<reason>`` (``photo_not_image``, ``photo_too_large``, ...).
Field names are the complaint's: ``text``, ``kind``, ``privacy``, ``kelurahan``,
``category``, ``address``, ``latitude``, ``longitude``, ``reporter_name``,
``reporter_phone``, ``reporter_email``, ``reporter_handle``, ``photos``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import QuerySet
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from aduan.lib.images import CleanImage, ImageRejected, clean_image
from aduan.lib.phones import normalize_phone

from . import compiled, lifecycle
from .models import Category, Channel, Complaint, Kelurahan, Kind, Privacy, User

MIN_LETTERS = 15
MAX_TEXT = 5000
MAX_NAME = 120
MAX_HANDLE = 120
MAX_ADDRESS = 300
# What a person may type before normalising (spaces, dashes, a "+62" prefix).
MAX_PHONE_INPUT = 30
MAX_EMAIL = 254
# A channel's own sender address, stored as the reporter's phone.
MAX_SENDER = Complaint._meta.get_field("reporter_phone").max_length
# Indonesia from Rote to Miangas and from Sabang to Merauke, with a margin at sea.
LATITUDE_RANGE = (Decimal("-11"), Decimal("6"))
LONGITUDE_RANGE = (Decimal("95"), Decimal("141"))
# Primary keys arrive as text from a <select>; longer ones cannot exist and would
# overflow the database's integer.
_MAX_PK_DIGITS = 18


@dataclass(frozen=True)
class Rules:
    """What one channel asks of a new complaint beyond the rules every channel shares."""

    # Letters or digits the text must have: enough to say what, where and since when.
    min_letters: int = MIN_LETTERS
    kelurahan_required: bool = True
    # Some place at all: a position, an address or a kelurahan (when no kelurahan is asked).
    location_required: bool = False
    # A name, unless the complaint is anonim.
    name_required: bool = True
    # A phone number or an e-mail address to tell the reporter the code, unless anonim.
    contact_required: bool = True
    # The reporter's address is the one the message came from (an E.164 sender, a chat id,
    # a mailbox), already read by the gateway: stored as given, never refused.
    contact_from_channel: bool = False

    @property
    def always_required(self) -> frozenset[str]:
        """Fields a form marks as required whatever else is filled in."""
        return frozenset({"text", *(("kelurahan",) if self.kelurahan_required else ())})


# A citizen filing by themselves must be reachable and must say where.
CITIZEN = Rules()
# Open311 clients (other cities' apps) send a position or an address, rarely our codes.
OPEN311 = Rules(kelurahan_required=False, location_required=True)
# At the desk, on the phone or from a letter: the moderator gives the code to the reporter
# there and then, and a caller may not know the kelurahan's name.
STAFF_ENTRY = Rules(kelurahan_required=False, contact_required=False)
# A post a moderator imports: the author's handle is the reporter and the way back to them
# (the import form asks for the handle itself).
SOCIAL = Rules(
    kelurahan_required=False,
    name_required=False,
    contact_required=False,
    contact_from_channel=True,
)
# A message that reached us is kept and filed for the moderators whatever its shape: each
# channel's handler decides what reads like a complaint (the SMS grammar, the chat
# conversation); the sender's address is the contact.
MESSAGE = Rules(
    min_letters=1,
    kelurahan_required=False,
    name_required=False,
    contact_required=False,
    contact_from_channel=True,
)

RULES: Mapping[str, Rules] = {
    Channel.WEB: CITIZEN,
    Channel.APP: CITIZEN,
    Channel.OPEN311: OPEN311,
    Channel.WALKIN: STAFF_ENTRY,
    Channel.PHONE: STAFF_ENTRY,
    Channel.LETTER: STAFF_ENTRY,
    Channel.SOCIAL: SOCIAL,
    Channel.SMS: MESSAGE,
    Channel.WHATSAPP: MESSAGE,
    Channel.TELEGRAM: MESSAGE,
    Channel.EMAIL: MESSAGE,
}


def rules_for(channel: str) -> Rules:
    try:
        return RULES[channel]
    except KeyError:
        raise ValueError(f"no intake rules for channel {channel!r}") from None


# -- messages ---------------------------------------------------------------------------

# What a person filling in a form reads: one sentence per field and problem, where the
# portal has always had one. A sentence that states a shared figure (the 15 letters) is
# used only when the error has that figure.
SENTENCES: Mapping[tuple[str, str], Any] = {
    ("text", "required"): _("Isi aduan wajib diisi."),
    ("text", "too_short"): _("Isi aduan terlalu pendek: tulis minimal 15 huruf."),
    ("kelurahan", "required"): _("Pilih kelurahan lokasi masalah."),
    ("latitude", "incomplete_location"): _(
        "Isi lintang dan bujur sekaligus, atau kosongkan keduanya."
    ),
    ("longitude", "incomplete_location"): _(
        "Isi lintang dan bujur sekaligus, atau kosongkan keduanya."
    ),
    ("reporter_name", "required"): _("Nama wajib diisi, kecuali Anda memilih aduan anonim."),
    ("reporter_phone", "invalid_phone"): _(
        "Nomor HP tidak valid. Contoh yang benar: 0812 3456 7890."
    ),
    ("reporter_email", "invalid_email"): _("Alamat e-mail tidak valid, contoh: nama@contoh.id."),
    ("reporter_phone", "contact_required"): _(
        "Isi nomor HP atau e-mail agar kami dapat mengabari Anda, kecuali Anda memilih aduan "
        "anonim."
    ),
}
_SENTENCE_FIGURES: Mapping[tuple[str, str], dict] = {("text", "too_short"): {"n": MIN_LETTERS}}

# Every other message, and every message of a surface that names fields its own way
# (Open311 by its parameters), is built from a template and the field's name: ``labels``
# given to :meth:`IntakeError.message_for`, else :data:`LABELS`. ``coordinates``,
# ``contact`` and ``location`` name the groups of fields a rule is about.
LABELS: Mapping[str, Any] = {
    "text": _("isi aduan"),
    "kind": _("jenis"),
    "privacy": _("privasi"),
    "kelurahan": _("kelurahan"),
    "category": _("kategori"),
    "address": _("alamat"),
    "latitude": _("lintang"),
    "longitude": _("bujur"),
    "coordinates": _("lintang dan bujur"),
    "location": _("titik lokasi, alamat atau kelurahan"),
    "reporter_name": _("nama"),
    "reporter_phone": _("nomor HP"),
    "reporter_email": _("alamat e-mail"),
    "reporter_handle": _("akun pelapor"),
    "contact": _("nomor HP atau e-mail"),
    "photos": _("foto"),
}
TEMPLATES: Mapping[str, Any] = {
    "required": _("%(label)s wajib diisi."),
    "too_short": _("%(label)s terlalu pendek: tulis minimal %(n)s huruf."),
    "too_long": _("%(label)s paling banyak %(n)s karakter."),
    "invalid_type": _("%(label)s harus berupa teks."),
    "invalid_characters": _("%(label)s berisi karakter yang tidak sah."),
    "invalid_choice": _("%(label)s harus salah satu dari: %(choices)s."),
    "not_found": _("%(label)s tidak dikenal."),
    "invalid_number": _("%(label)s harus berupa angka."),
    "out_of_range": _("%(label)s harus di antara %(low)s dan %(high)s (wilayah Indonesia)."),
    "incomplete_location": _("Isi %(coordinates)s sekaligus, atau kosongkan keduanya."),
    "location_required": _("Lokasi wajib diisi: %(location)s."),
    "invalid_phone": _("%(label)s tidak valid. Contoh yang benar: 0812 3456 7890."),
    "invalid_email": _("%(label)s tidak valid, contoh: nama@contoh.id."),
    "contact_required": _(
        "Isi %(contact)s agar kami dapat mengabari Anda, kecuali Anda memilih aduan anonim."
    ),
    "too_many_photos": _("Paling banyak %(n)s foto per aduan."),
}
_FIELD_TEMPLATES: Mapping[tuple[str, str], Any] = {
    ("reporter_name", "required"): _("%(label)s wajib diisi, kecuali Anda memilih aduan anonim."),
}
# A photo's refusal comes from aduan.lib.images, already in the citizen's words.
_PHOTO_MESSAGE = "%(name)s: %(reason)s"


class IntakeError:
    """One problem: the field, a stable code and a message (unpacks as that triple)."""

    __slots__ = ("code", "field", "params", "template")

    def __init__(self, field: str, code: str, template=None, **params):
        self.field = field
        self.code = code
        self.params = params
        # Set for messages that are not the code's (a photo's refusal, another limit).
        self.template = template

    def _sentence(self):
        key = (self.field, self.code)
        figures = _SENTENCE_FIGURES.get(key, {})
        if any(self.params.get(name) != value for name, value in figures.items()):
            return None
        return SENTENCES.get(key)

    def message_for(self, labels: Mapping[str, Any] | None = None) -> str:
        """The message; with ``labels``, naming the fields the way they do."""
        if self.template is None and labels is None and (sentence := self._sentence()):
            return str(sentence)
        key = (self.field, self.code)
        template = str(self.template or _FIELD_TEMPLATES.get(key) or TEMPLATES[self.code])
        names = {**LABELS, **(labels or {})}
        values = {name: str(value) for name, value in names.items()}
        values["label"] = str(names.get(self.field, self.field))
        values.update(self.params)
        message = template % values
        # A label opens the sentence; a file name (a photo's refusal) stays as it was sent.
        return capfirst(message) if template.startswith("%(label)s") else message

    @property
    def message(self) -> str:
        return self.message_for()

    def __iter__(self) -> Iterator[str]:
        return iter((self.field, self.code, self.message))

    def __repr__(self) -> str:
        return f"IntakeError({self.field!r}, {self.code!r})"


class IntakeErrors(Exception):
    """Every problem :func:`check` found, in the order of the fields.

    ``photos`` holds the uploads that passed their check, cleaned, so a surface can keep
    them for the corrected submission (a browser cannot refill a file input).
    """

    def __init__(self, errors: Sequence[IntakeError], photos: Sequence[CleanImage] = ()):
        super().__init__("; ".join(f"{e.field}: {e.code}" for e in errors))
        self.errors = list(errors)
        self.photos = list(photos)

    def __iter__(self) -> Iterator[IntakeError]:
        return iter(self.errors)

    def fields(self) -> set[str]:
        return {e.field for e in self.errors}


# -- what a surface hands in, what it gets back --------------------------------------------


@dataclass(frozen=True)
class Submission:
    """What a surface read from its input, not yet checked: text as typed (or any JSON
    value), ``None`` or ``""`` for what was left out.

    ``kelurahan`` and ``category`` are references: codes (the API, Open311) or, with
    ``lookup="pk"``, the primary keys an HTML ``<select>`` posts. A kelurahan a channel has
    already matched (an SMS naming it) may be given as the row itself. ``photos`` are
    uploads (anything with ``read()`` and a ``name``) or photos already cleaned earlier
    (``CleanImage``, e.g. kept from a failed attempt), counted together.
    """

    text: Any = None
    kind: Any = None
    privacy: Any = None
    kelurahan: Any = None
    category: Any = None
    address: Any = None
    latitude: Any = None
    longitude: Any = None
    reporter_name: Any = None
    reporter_phone: Any = None
    reporter_email: Any = None
    reporter_handle: Any = None
    photos: Sequence[Any] = ()
    lookup: Literal["code", "pk"] = "code"


@dataclass(frozen=True)
class CheckedSubmission:
    """A submission that passed :func:`check` for ``channel``: clean values, ready to file."""

    channel: str
    text: str
    kind: str
    privacy: str
    kelurahan: Kelurahan | None
    category: Category | None
    address: str
    latitude: Decimal | None
    longitude: Decimal | None
    reporter_name: str
    reporter_phone: str
    reporter_email: str
    reporter_handle: str
    photos: list[CleanImage] = field(default_factory=list)


# -- the checks ---------------------------------------------------------------------------


class _Found:
    """Errors in the order they were found."""

    def __init__(self):
        self.errors: list[IntakeError] = []

    def add(self, field: str, code: str, template=None, **params) -> None:
        self.errors.append(IntakeError(field, code, template, **params))

    def about(self, *fields: str) -> bool:
        return any(e.field in fields for e in self.errors)


def _encodable(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _text(found: _Found, name: str, value, max_length: int) -> str | None:
    """``value`` stripped ("" when left out); None when it cannot be text at all."""
    if value is None:
        return ""
    if not isinstance(value, str):
        found.add(name, "invalid_type")
        return None
    # NUL and lone surrogates (from JSON) cannot be stored by PostgreSQL.
    if "\x00" in value or not _encodable(value):
        found.add(name, "invalid_characters")
        return None
    value = value.strip()
    if len(value) > max_length:
        found.add(name, "too_long", n=max_length)
        return None
    return value


def letters(text: str) -> int:
    """Letters and digits in ``text``: what the minimum length counts."""
    return sum(map(str.isalnum, text))


def _choice(found: _Found, name: str, value, choices, default: str) -> str:
    if value is None or value == "":
        return default
    if not isinstance(value, str) or value not in choices.values:
        found.add(name, "invalid_choice", choices=", ".join(choices.values))
        return default
    return value


def _by(queryset_of: Callable[[], QuerySet]) -> dict[str, compiled.Template]:
    """A row of ``queryset_of()`` by code or by primary key, through queries compiled once
    (core.compiled): every filing looks up its kelurahan and category."""
    return {
        "code": compiled.Template(
            lambda v: queryset_of().filter(code=v).order_by("pk")[:1], compiled.text(0)
        ),
        "pk": compiled.Template(lambda v: queryset_of().filter(pk=v)[:1], compiled.number(0)),
    }


_KELURAHAN = _by(lambda: Kelurahan.objects.select_related("kecamatan"))
_CATEGORY = _by(lambda: Category.objects.filter(is_active=True))


def _reference(found: _Found, name: str, value, lookup: str, templates, *, required: bool):
    if value is None or value == "":
        if required:
            found.add(name, "required")
        return None
    if lookup == "pk" and isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    ref = _text(found, name, value, max_length=100)
    if ref is None:
        return None
    if not ref:
        if required:
            found.add(name, "required")
        return None
    if lookup == "pk":
        usable = ref.isascii() and ref.isdigit() and len(ref) <= _MAX_PK_DIGITS
        rows = templates["pk"].run(int(ref)) if usable else []
    else:
        rows = templates["code"].run(ref)
    row = rows[0] if rows else None
    if row is None:
        found.add(name, "not_found")
    return row


def _coordinate(found: _Found, name: str, value, bounds) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, str, Decimal)):
        found.add(name, "invalid_number")
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        found.add(name, "invalid_number")
        return None
    low, high = bounds
    if not low <= number <= high:
        found.add(name, "out_of_range", low=low, high=high)
        return None
    return number.quantize(Decimal("0.000001"))


def _phone(found: _Found, value) -> str:
    raw = _text(found, "reporter_phone", value, MAX_PHONE_INPUT)
    if not raw:
        return ""
    try:
        return normalize_phone(raw)
    except ValueError:
        found.add("reporter_phone", "invalid_phone")
        return ""


def _email(found: _Found, value) -> str:
    email = _text(found, "reporter_email", value, MAX_EMAIL)
    if not email:
        return ""
    try:
        validate_email(email)
    except ValidationError:
        found.add("reporter_email", "invalid_email")
        return ""
    return email


def _photos(found: _Found, items, limit: int, too_many=None) -> list[CleanImage]:
    """Every photo cleaned; returns the ones cleaned here (not those given clean)."""
    items = list(items or ())
    if len(items) > limit:
        found.add("photos", "too_many_photos", too_many, n=limit)
        return []
    fresh = []
    for item in items:
        if isinstance(item, CleanImage):
            continue
        data = item if isinstance(item, bytes) else item.read()
        try:
            fresh.append(clean_image(data, max_bytes=settings.ADUAN_MAX_PHOTO_BYTES))
        except ImageRejected as exc:
            name = getattr(item, "name", "") or str(LABELS["photos"])
            found.add("photos", f"photo_{exc.code}", _PHOTO_MESSAGE, name=name, reason=exc.message)
    return fresh


def _in_order(items, fresh: list[CleanImage]) -> list[CleanImage]:
    """Photos given clean and cleaned here, in the order they were given."""
    cleaned = iter(fresh)
    return [item if isinstance(item, CleanImage) else next(cleaned) for item in items or ()]


def check(submission: Submission, *, channel: str, rules: Rules | None = None) -> CheckedSubmission:
    """Check ``submission`` for ``channel`` (by its :data:`RULES`, or ``rules``).

    Returns the cleaned values, or raises :class:`IntakeErrors` with every problem. Reads
    the database (kelurahan and category references) but writes nothing.
    """
    rules = rules or rules_for(channel)
    s = submission
    found = _Found()

    text = _text(found, "text", s.text, MAX_TEXT)
    if text == "":
        found.add("text", "required")
    elif text is not None and letters(text) < rules.min_letters:
        found.add("text", "too_short", n=rules.min_letters)
    kind = _choice(found, "kind", s.kind, Kind, Kind.PENGADUAN)
    privacy = _choice(found, "privacy", s.privacy, Privacy, Privacy.PUBLIK)

    if isinstance(s.kelurahan, Kelurahan):
        kelurahan = s.kelurahan
    else:
        kelurahan = _reference(
            found,
            "kelurahan",
            s.kelurahan,
            s.lookup,
            _KELURAHAN,
            required=rules.kelurahan_required,
        )
    category = _reference(
        found,
        "category",
        s.category,
        s.lookup,
        _CATEGORY,
        required=False,
    )
    address = _text(found, "address", s.address, MAX_ADDRESS) or ""

    latitude = _coordinate(found, "latitude", s.latitude, LATITUDE_RANGE)
    longitude = _coordinate(found, "longitude", s.longitude, LONGITUDE_RANGE)
    if not found.about("latitude", "longitude") and (latitude is None) != (longitude is None):
        found.add("longitude" if longitude is None else "latitude", "incomplete_location")
    located = latitude is not None or address or kelurahan is not None
    # A place given but refused is its own error, not a missing one.
    unreadable = found.about("latitude", "longitude", "address", "kelurahan")
    if rules.location_required and not located and not unreadable:
        found.add("address", "location_required")

    anonymous = privacy == Privacy.ANONIM
    name = _text(found, "reporter_name", s.reporter_name, MAX_NAME)
    if name == "" and rules.name_required and not anonymous:
        found.add("reporter_name", "required")
    if rules.contact_from_channel:
        phone = _text(found, "reporter_phone", s.reporter_phone, MAX_SENDER) or ""
        email = _text(found, "reporter_email", s.reporter_email, MAX_EMAIL) or ""
    else:
        phone = _phone(found, s.reporter_phone)
        email = _email(found, s.reporter_email)
    # A number typed wrong is its own error; "give us a contact" as well would only confuse.
    mistyped = found.about("reporter_phone", "reporter_email")
    if rules.contact_required and not anonymous and not (phone or email) and not mistyped:
        found.add("reporter_phone", "contact_required")
    handle = _text(found, "reporter_handle", s.reporter_handle, MAX_HANDLE) or ""

    photos = list(s.photos or ())
    fresh = _photos(found, photos, settings.ADUAN_MAX_PHOTOS)
    if found.errors:
        raise IntakeErrors(found.errors, photos=fresh)
    return CheckedSubmission(
        channel=channel,
        text=text,
        kind=kind,
        privacy=privacy,
        kelurahan=kelurahan,
        category=category,
        address=address,
        latitude=latitude,
        longitude=longitude,
        reporter_name=name or "",
        reporter_phone=phone,
        reporter_email=email,
        reporter_handle=handle,
        photos=_in_order(photos, fresh),
    )


def clean_photos(items, *, limit: int | None = None) -> list[CleanImage]:
    """Photos added to a complaint later (the reporter's information, an agency's answer):
    the same checks as at filing, or :class:`IntakeErrors` on ``photos``."""
    found = _Found()
    items = list(items or ())
    limit = settings.ADUAN_MAX_PHOTOS if limit is None else limit
    fresh = _photos(found, items, limit, too_many=_("Paling banyak %(n)s foto."))
    if found.errors:
        raise IntakeErrors(found.errors, photos=fresh)
    return _in_order(items, fresh)


def file(
    checked: CheckedSubmission,
    *,
    channel: str,
    actor: User | None = None,
    submission_key: str | None = None,
    photos: Sequence[CleanImage] | None = None,
    at=None,
) -> tuple[Complaint, bool]:
    """File a checked submission; returns ``(complaint, created)``.

    ``channel`` must be the one it was checked for: a submission checked by one channel's
    rules is never filed as another's. ``photos`` replaces the checked ones when given.
    With a ``submission_key`` a retry returns the first complaint and creates nothing.
    """
    if channel != checked.channel:
        raise ValueError(f"checked for {checked.channel!r}, filed as {channel!r}")
    return lifecycle.create_complaint(
        text=checked.text,
        channel=channel,
        kind=checked.kind,
        privacy=checked.privacy,
        reporter_name=checked.reporter_name,
        reporter_phone=checked.reporter_phone,
        reporter_email=checked.reporter_email,
        reporter_handle=checked.reporter_handle,
        kelurahan=checked.kelurahan,
        address=checked.address,
        latitude=checked.latitude,
        longitude=checked.longitude,
        category=checked.category,
        photos=checked.photos if photos is None else photos,
        submission_key=submission_key,
        actor=actor,
        at=at,
    )
