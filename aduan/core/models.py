"""The domain core: areas, agencies, categories, complaints and their events."""

import re
import secrets
import zoneinfo
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connection, models
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aduan.lib.codes import new_token

from .compiled import CompiledInsert


class Role(models.TextChoices):
    MODERATOR = "moderator", _("Moderator (Diskominfo)")
    ADMIN_OPD = "admin_opd", _("Admin OPD")
    KEPALA_OPD = "kepala_opd", _("Kepala OPD")
    PIMPINAN = "pimpinan", _("Pimpinan")
    ADMIN_SISTEM = "admin_sistem", _("Admin sistem")
    # Inspektorat Daerah, the government's internal auditor (APIP): reads, never acts.
    INSPEKTORAT = "inspektorat", _("Inspektorat")


class User(AbstractUser):
    role = models.CharField(_("peran"), max_length=20, choices=Role.choices, blank=True)
    agency = models.ForeignKey(
        "core.Agency",
        verbose_name=_("OPD"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
    )
    phone = models.CharField(_("telepon"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("pengguna")
        verbose_name_plural = _("pengguna")

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username

    @property
    def is_agency_staff(self) -> bool:
        return self.role in (Role.ADMIN_OPD, Role.KEPALA_OPD) and self.agency_id is not None


class Kecamatan(models.Model):
    code = models.CharField(_("kode"), max_length=20, unique=True)
    name = models.CharField(_("nama"), max_length=100, unique=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("kecamatan")
        verbose_name_plural = _("kecamatan")

    def __str__(self) -> str:
        return self.name


class Kelurahan(models.Model):
    code = models.CharField(_("kode"), max_length=20, unique=True)
    name = models.CharField(_("nama"), max_length=100)
    kecamatan = models.ForeignKey(Kecamatan, on_delete=models.PROTECT, related_name="kelurahan")
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("kelurahan")
        verbose_name_plural = _("kelurahan")
        constraints = [
            models.UniqueConstraint(fields=["kecamatan", "name"], name="kelurahan_unique_name")
        ]

    def __str__(self) -> str:
        return f"{self.name}, {self.kecamatan.name}"


class Agency(models.Model):
    """An OPD (perangkat daerah) or BUMD that handles complaints."""

    class Kind(models.TextChoices):
        DINAS = "dinas", _("Dinas")
        BADAN = "badan", _("Badan")
        SATUAN = "satuan", _("Satuan")
        BUMD = "bumd", _("BUMD")
        KECAMATAN = "kecamatan", _("Kecamatan")
        BAGIAN = "bagian", _("Bagian")
        LAIN = "lain", _("Lainnya")

    code = models.SlugField(_("kode"), max_length=30, unique=True)
    name = models.CharField(_("nama"), max_length=200)
    short_name = models.CharField(_("singkatan"), max_length=40)
    kind = models.CharField(_("jenis"), max_length=20, choices=Kind.choices, default=Kind.DINAS)
    email = models.EmailField(_("e-mail"), blank=True)
    description = models.CharField(_("keterangan"), max_length=300, blank=True)
    is_active = models.BooleanField(_("aktif"), default=True)

    class Meta:
        ordering = ["short_name"]
        verbose_name = _("OPD")
        verbose_name_plural = _("OPD")

    def __str__(self) -> str:
        return self.short_name


class Category(models.Model):
    code = models.SlugField(_("kode"), max_length=40, unique=True)
    name = models.CharField(_("nama"), max_length=120)
    description = models.CharField(_("keterangan"), max_length=300, blank=True)
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("OPD penanggung jawab"),
        on_delete=models.PROTECT,
        related_name="categories",
    )
    supporting_agencies = models.ManyToManyField(
        Agency, verbose_name=_("OPD pendukung"), blank=True, related_name="+"
    )
    keywords = models.TextField(_("kata kunci"), blank=True)
    is_active = models.BooleanField(_("aktif"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("kategori")
        verbose_name_plural = _("kategori")

    def __str__(self) -> str:
        return self.name


class RejectionReason(models.Model):
    code = models.SlugField(_("kode"), max_length=40, unique=True)
    label = models.CharField(_("alasan"), max_length=120)
    explanation = models.TextField(_("penjelasan untuk warga"))
    referral = models.CharField(_("rujukan"), max_length=200, blank=True)
    is_active = models.BooleanField(_("aktif"), default=True)

    class Meta:
        ordering = ["label"]
        verbose_name = _("alasan penolakan")
        verbose_name_plural = _("alasan penolakan")

    def __str__(self) -> str:
        return self.label


class Status(models.TextChoices):
    BARU = "baru", _("Diterima")
    TERVERIFIKASI = "terverifikasi", _("Terverifikasi")
    DIDISPOSISIKAN = "didisposisikan", _("Didisposisikan ke OPD")
    DIPROSES = "diproses", _("Diproses OPD")
    MENUNGGU_INFO = "menunggu_info", _("Menunggu informasi dari pelapor")
    DITUNDA_ANGGARAN = "ditunda_anggaran", _("Direncanakan pada tahun anggaran")
    SELESAI = "selesai", _("Selesai ditindaklanjuti")
    DITUTUP = "ditutup", _("Ditutup")
    DITOLAK = "ditolak", _("Ditolak")
    DIGABUNG = "digabung", _("Digabung dengan aduan lain")


# Code asks for a group, never for a list of labels (see STYLE.md).
OPEN_STATUSES = frozenset(
    {
        Status.BARU,
        Status.TERVERIFIKASI,
        Status.DIDISPOSISIKAN,
        Status.DIPROSES,
        Status.MENUNGGU_INFO,
        Status.DITUNDA_ANGGARAN,
    }
)
ANSWERED_STATUSES = frozenset({Status.SELESAI})
CLOSED_STATUSES = frozenset({Status.DITUTUP, Status.DITOLAK, Status.DIGABUNG})
# Waiting for the citizen and budget deferral stop the clock.
RUNNING_CLOCK_STATUSES = frozenset(
    {Status.BARU, Status.TERVERIFIKASI, Status.DIDISPOSISIKAN, Status.DIPROSES}
)
MODERATOR_STATUSES = frozenset({Status.BARU, Status.TERVERIFIKASI})
# Never an item of any public surface: not yet checked, rejected, or merged (its
# survivor is listed instead). ``rahasia`` complaints are never listed either; see
# ``disclosure`` for the whole rule.
UNLISTED_STATUSES = frozenset({Status.BARU, Status.DITOLAK, Status.DIGABUNG})
LISTED_STATUSES = frozenset(set(Status) - UNLISTED_STATUSES)
# Rejected or merged: no longer a case of its own (it cannot take others in).
DROPPED_STATUSES = frozenset({Status.DITOLAK, Status.DIGABUNG})
AGENCY_STATUSES = frozenset({Status.DIDISPOSISIKAN, Status.DIPROSES, Status.DITUNDA_ANGGARAN})


class Kind(models.TextChoices):
    PENGADUAN = "pengaduan", _("Pengaduan")
    ASPIRASI = "aspirasi", _("Aspirasi/saran")
    INFORMASI = "informasi", _("Permintaan informasi")
    APRESIASI = "apresiasi", _("Apresiasi")


class Privacy(models.TextChoices):
    PUBLIK = "publik", _("Publik")
    ANONIM = "anonim", _("Anonim")
    RAHASIA = "rahasia", _("Rahasia")


class Channel(models.TextChoices):
    WEB = "web", _("Situs web")
    APP = "app", _("Aplikasi")
    SMS = "sms", _("SMS")
    WHATSAPP = "whatsapp", _("WhatsApp")
    TELEGRAM = "telegram", _("Telegram")
    EMAIL = "email", _("E-mail")
    OPEN311 = "open311", _("Open311")
    WALKIN = "walkin", _("Datang langsung")
    PHONE = "phone", _("Telepon")
    LETTER = "letter", _("Surat")
    SOCIAL = "social", _("Media sosial")


class Priority(models.TextChoices):
    NORMAL = "normal", _("Normal")
    TINGGI = "tinggi", _("Tinggi")
    DARURAT = "darurat", _("Darurat")


class Outcome(models.TextChoices):
    """What the answer honestly amounts to; shown to the citizen and counted in reports."""

    FIXED = "ditangani", _("Sudah ditangani")
    ANSWERED = "dijawab", _("Pertanyaan dijawab")
    REFERRED = "dirujuk", _("Dirujuk ke pihak lain")
    PLANNED = "direncanakan", _("Direncanakan pada tahun anggaran")
    CANNOT_ACT = "tidak_dapat", _("Tidak dapat ditindaklanjuti")


# The fields the stored public text is made from, and the stored fields themselves.
PUBLIC_SOURCE_FIELDS = frozenset(
    {"text", "address", "answer", "outcome_note", "budget_plan", "reporter_name"}
)
PUBLIC_STORED_FIELDS = (
    "public_text",
    "public_address",
    "public_answer",
    "public_outcome_note",
    "public_budget_plan",
    "public_fingerprint",
)


# Staff full-text search on PostgreSQL: the expression of the GIN index ``complaint_fts``
# (migration 0010), words in the 'simple' configuration (no stemming: Indonesian) after
# ``aduan_unaccent`` (the unaccent extension where it exists). A query must spell the same
# expression for the index to answer it.
SEARCH_DOCUMENT_SQL = (
    "to_tsvector('simple'::regconfig, aduan_unaccent("
    "replace(coalesce({table}code, ''), '-', ' ') || ' ' || coalesce({table}text, '') || ' ' || "
    "coalesce({table}address, '')))"
)
_SEARCH_WORD_RE = re.compile(r"\w+")


def text_search(text: str) -> Q | None:
    """Complaints whose code, text or address hold every word of ``text`` (a word may be
    the start of one: "lamp" finds "lampu"), through the GIN index; ``None`` when
    ``text`` has no word or the database is not PostgreSQL (the caller falls back)."""
    words = [w.lower() for w in _SEARCH_WORD_RE.findall(text)][:10]
    if connection.vendor != "postgresql" or not words:
        return None
    query = " & ".join(f"{word}:*" for word in words)
    document = SEARCH_DOCUMENT_SQL.format(table='"core_complaint".')
    # The SQL is constant; the words go in as a parameter.
    matches = RawSQL(  # noqa: S611
        f"{document} @@ to_tsquery('simple'::regconfig, aduan_unaccent(%s))",
        [query],
        output_field=models.BooleanField(),
    )
    return Q(matches)


class ComplaintQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def listed(self):
        """Complaints that may be items of a public surface (see ``core.disclosure``)."""
        return self.filter(status__in=LISTED_STATUSES).exclude(privacy=Privacy.RAHASIA)

    def for_agency(self, agency):
        return self.filter(Q(lead_agency=agency) | Q(supporting_agencies=agency)).distinct()


class Complaint(CompiledInsert, models.Model):
    code = models.CharField(_("kode"), max_length=20, unique=True)
    token = models.CharField(max_length=40, unique=True, default=new_token, editable=False)
    # Idempotency: a retried submission (same form or Idempotency-Key) finds this row.
    submission_key = models.CharField(max_length=100, unique=True, null=True, blank=True)

    kind = models.CharField(_("jenis"), max_length=20, choices=Kind.choices, default=Kind.PENGADUAN)
    privacy = models.CharField(
        _("privasi"), max_length=10, choices=Privacy.choices, default=Privacy.PUBLIK
    )
    channel = models.CharField(_("kanal"), max_length=20, choices=Channel.choices)
    priority = models.CharField(
        _("prioritas"), max_length=10, choices=Priority.choices, default=Priority.NORMAL
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.BARU, db_index=True
    )

    text = models.TextField(_("isi aduan"))
    reporter_name = models.CharField(_("nama pelapor"), max_length=120, blank=True)
    reporter_phone = models.CharField(_("telepon pelapor"), max_length=20, blank=True)
    reporter_email = models.EmailField(_("e-mail pelapor"), blank=True)
    # Channel-specific address for replies (WhatsApp wa_id, Telegram chat id, ...).
    reporter_handle = models.CharField(max_length=120, blank=True)

    kecamatan = models.ForeignKey(
        Kecamatan, null=True, blank=True, on_delete=models.PROTECT, related_name="complaints"
    )
    kelurahan = models.ForeignKey(
        Kelurahan, null=True, blank=True, on_delete=models.PROTECT, related_name="complaints"
    )
    address = models.CharField(_("alamat/lokasi"), max_length=300, blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)

    category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.PROTECT, related_name="complaints"
    )
    lead_agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="led_complaints"
    )
    supporting_agencies = models.ManyToManyField(
        Agency, blank=True, related_name="supported_complaints"
    )

    received_at = models.DateTimeField(_("diterima"), default=timezone.now)
    verified_at = models.DateTimeField(null=True, blank=True)
    dispatched_at = models.DateTimeField(null=True, blank=True)
    first_response_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Set while waiting for the citizen: where the complaint returns afterwards.
    resume_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    # An agency said "bukan wewenang"; moderators must look again.
    returned = models.BooleanField(default=False)
    budget_year = models.PositiveSmallIntegerField(null=True, blank=True)
    budget_plan = models.TextField(blank=True)
    answer = models.TextField(_("jawaban"), blank=True)
    outcome = models.CharField(_("hasil"), max_length=20, choices=Outcome.choices, blank=True)
    # "Referred to X" names X; "cannot be acted on" says why.
    outcome_note = models.CharField(_("keterangan hasil"), max_length=300, blank=True)
    rejection_reason = models.ForeignKey(
        RejectionReason, null=True, blank=True, on_delete=models.PROTECT
    )
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged"
    )
    reopen_count = models.PositiveSmallIntegerField(default=0)
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    rating_comment = models.TextField(blank=True)
    # Deadlines, written by the deadlines app from its policy on every transition.
    # ``due_at`` is the deadline of the stage the complaint is in now (null when
    # no clock runs: paused, deferred to a budget year, answered, closed).
    due_stage = models.CharField(max_length=20, blank=True)
    due_at = models.DateTimeField(null=True, blank=True)
    dispatch_due_at = models.DateTimeField(null=True, blank=True)
    response_due_at = models.DateTimeField(null=True, blank=True)
    resolution_due_at = models.DateTimeField(null=True, blank=True)
    # Bumped by every transition: a stale form cannot silently overwrite a newer change.
    version = models.PositiveIntegerField(default=1)
    # The public text, masked and redacted when written (``core.disclosure`` computes it
    # on every write of its sources), so public lists do not mask per row per request.
    # ``public_fingerprint`` names the sources and rules it was made from; a row whose
    # fingerprint does not match is masked on read instead (see ``disclosure``). The
    # database default lets a process of the previous release insert rows meanwhile.
    public_text = models.TextField(blank=True, editable=False, db_default="")
    public_address = models.TextField(blank=True, editable=False, db_default="")
    public_answer = models.TextField(blank=True, editable=False, db_default="")
    public_outcome_note = models.TextField(blank=True, editable=False, db_default="")
    public_budget_plan = models.TextField(blank=True, editable=False, db_default="")
    public_fingerprint = models.CharField(max_length=32, blank=True, editable=False, db_default="")
    # Filed, and the reporter not yet acknowledged: the worker's outbox job writes the
    # message (``notify.acknowledge_new``) so the filing request does not (settings
    # ADUAN_AFTER_FILING).
    acknowledgment_pending = models.BooleanField(default=False, editable=False, db_default=False)

    objects = ComplaintQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("aduan")
        verbose_name_plural = _("aduan")
        indexes = [
            models.Index(fields=["status", "received_at"], name="complaint_status_recv"),
            models.Index(fields=["lead_agency", "status"], name="complaint_agency_status"),
            models.Index(fields=["reporter_phone"], name="complaint_reporter_phone"),
            # The queues and the sweep read open complaints by nearest deadline.
            models.Index(fields=["status", "due_at"], name="complaint_status_due"),
            # Keyset pagination of the staff lists (see office/paging.py): measured
            # 1.1 s -> 5 ms per page at a million complaints.
            models.Index(fields=["received_at", "id"], name="complaint_received"),
            models.Index(
                fields=["due_at", "received_at", "id"],
                name="complaint_queue",
                condition=Q(status__in=["baru", "terverifikasi"]),
            ),
            # The few complaints waiting for their acknowledgment, found without a scan.
            models.Index(
                fields=["id"],
                name="complaint_ack_pending",
                condition=Q(acknowledgment_pending=True),
            ),
        ]

    def __str__(self) -> str:
        return self.code

    def save(self, *args, **kwargs):
        # Every write of a public text's source stores its masked form with it.
        update_fields = kwargs.get("update_fields")
        if update_fields is None or PUBLIC_SOURCE_FIELDS.intersection(update_fields):
            from .disclosure import store_public_fields  # same layer; disclosure imports us

            if store_public_fields(self) and update_fields is not None:
                kwargs["update_fields"] = {*update_fields, *PUBLIC_STORED_FIELDS}
        super().save(*args, **kwargs)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_anonymous(self) -> bool:
        return self.privacy == Privacy.ANONIM

    @property
    def has_contact(self) -> bool:
        return bool(self.reporter_phone or self.reporter_email or self.reporter_handle)

    @property
    def summary(self) -> str:
        first = " ".join(self.text.split())
        return first if len(first) <= 90 else first[:87].rstrip() + "…"

    def agencies(self):
        """Lead first, then supporting agencies."""
        result = [self.lead_agency] if self.lead_agency_id else []
        return result + [a for a in self.supporting_agencies.all() if a.pk != self.lead_agency_id]


class Event(CompiledInsert, models.Model):
    """One row per change: the timeline, audit, notifications and reports read these."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Aduan diterima")
        VERIFIED = "verified", _("Diverifikasi")
        DISPATCHED = "dispatched", _("Didisposisikan")
        ACKNOWLEDGED = "acknowledged", _("Diterima OPD")
        UPDATE = "update", _("Perkembangan")
        INFO_REQUESTED = "info_requested", _("Informasi tambahan diminta")
        INFO_PROVIDED = "info_provided", _("Informasi tambahan dari pelapor")
        RETURNED = "returned", _("Dikembalikan: bukan wewenang")
        DEFERRED = "deferred", _("Direncanakan pada tahun anggaran")
        RESOLVED = "resolved", _("Dijawab/diselesaikan")
        CONFIRMED = "confirmed", _("Dikonfirmasi pelapor")
        DISPUTED = "disputed", _("Dibantah pelapor, dibuka kembali")
        CLOSED = "closed", _("Ditutup")
        REJECTED = "rejected", _("Ditolak")
        MERGED = "merged", _("Digabung")
        CORRECTED = "corrected", _("Koreksi data")
        NOTE = "note", _("Catatan internal")
        RATED = "rated", _("Penilaian pelapor")
        CONTACT_VIEWED = "contact_viewed", _("Kontak pelapor dilihat")

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT
    )
    # Who acted when there is no staff user: "pelapor", "sistem", a channel name.
    actor_label = models.CharField(max_length=60, blank=True)
    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT)
    from_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    note = models.TextField(blank=True)
    is_public = models.BooleanField(default=False)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["complaint", "created_at"], name="event_complaint_time")]

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.kind}"

    @property
    def actor_display(self) -> str:
        if self.agency_id:
            return self.agency.short_name
        if self.actor_id and self.actor.role == Role.MODERATOR:
            return str(_("Moderator"))
        return self.actor_label or str(_("Sistem"))


def new_public_id() -> str:
    return secrets.token_urlsafe(16)


def attachment_path(instance, filename):
    """Stored files are named by a random id unrelated to the complaint's code or token."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"lampiran/{instance.created_at:%Y/%m}/{instance.public_id}.{extension}"


class Attachment(models.Model):
    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="attachments")
    event = models.ForeignKey(
        Event, null=True, blank=True, on_delete=models.SET_NULL, related_name="attachments"
    )
    # What every URL of this file carries; served only through ``core.disclosure``.
    public_id = models.CharField(max_length=32, unique=True, default=new_public_id, editable=False)
    file = models.FileField(upload_to=attachment_path, max_length=200)
    content_type = models.CharField(max_length=40)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    size = models.PositiveIntegerField()
    is_public = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.file.name


class Redaction(models.Model):
    """Text a moderator hid from every public output of one complaint, and why."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="redactions")
    text = models.CharField(_("teks yang disamarkan"), max_length=300)
    reason = models.CharField(_("alasan"), max_length=300)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    event = models.ForeignKey(
        Event, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        # Moved here from the reports app, which created the table.
        db_table = "reports_redaction"
        ordering = ["created_at", "id"]
        verbose_name = _("penyamaran")
        verbose_name_plural = _("penyamaran")

    def __str__(self) -> str:
        return f"{self.complaint_id}: {self.reason}"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        from .disclosure import refresh_public_fields

        refresh_public_fields(self.complaint_id)

    def delete(self, *args, **kwargs):
        complaint_id = self.complaint_id
        result = super().delete(*args, **kwargs)
        from .disclosure import refresh_public_fields

        refresh_public_fields(complaint_id)
        return result


class CodeSequence(models.Model):
    """The last tracking-code number given out per month (``2611``)."""

    period = models.CharField(max_length=4, primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.period}:{self.last}"


class OutboundMessage(models.Model):
    """The outbox: written in the same transaction as the change it reports."""

    class State(models.TextChoices):
        PENDING = "pending", _("Menunggu")
        SENT = "sent", _("Terkirim")
        FAILED = "failed", _("Gagal")

    channel = models.CharField(max_length=20)
    recipient = models.CharField(max_length=200)
    subject = models.CharField(max_length=200, blank=True)
    body = models.TextField()
    complaint = models.ForeignKey(
        Complaint, null=True, blank=True, on_delete=models.SET_NULL, related_name="messages"
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    # A worker's claim: until this time nobody else sends it.
    locked_until = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    provider_id = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="outbox_due")]

    def __str__(self) -> str:
        return f"{self.channel}:{self.recipient}"


def _deployment_timezone() -> str:
    return settings.TIME_ZONE


# The map box when a deployment has not set its own: the whole of Indonesia, which is
# never wrong, only coarse.
INDONESIA_BOUNDS = {
    "south": Decimal("-11.000000"),
    "west": Decimal("95.000000"),
    "north": Decimal("6.000000"),
    "east": Decimal("141.000000"),
}


def _latitude(verbose_name, default):
    return models.DecimalField(
        verbose_name,
        max_digits=9,
        decimal_places=6,
        default=default,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )


def _longitude(verbose_name, default):
    return models.DecimalField(
        verbose_name,
        max_digits=9,
        decimal_places=6,
        default=default,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )


class City(models.Model):
    """The deployment's own facts: which city or regency this installation serves.

    A single row (pk 1), kept by the system admin; read through
    :func:`aduan.core.city.current_city`, which caches it and falls back to
    :meth:`City.default` (a neutral name) when no row exists, so a fresh install renders
    every page. Nothing in templates or code names a city; the demo city is one such row.

    ``timezone`` must equal Django's ``TIME_ZONE`` setting: every clock (deadlines,
    working days, report periods) runs on that setting, which is read once at start-up
    and is not made dynamic on purpose. :meth:`clean` refuses a row that disagrees.
    """

    name = models.CharField(_("nama daerah"), max_length=100, help_text=_("Misalnya Kota Malang."))
    short_name = models.CharField(_("nama singkat"), max_length=60, help_text=_("Misalnya Malang."))
    government_name = models.CharField(
        _("nama pemerintah daerah"),
        max_length=150,
        help_text=_("Misalnya Pemerintah Kota Malang; tampil di beranda dan kaki halaman."),
    )
    site_name = models.CharField(
        _("nama layanan"),
        max_length=100,
        help_text=_("Judul situs dan pengirim pesan, misalnya Aduan Kota Malang."),
    )
    timezone = models.CharField(
        _("zona waktu"),
        max_length=64,
        default=_deployment_timezone,
        help_text=_("Harus sama dengan pengaturan TIME_ZONE server, misalnya Asia/Jakarta."),
    )
    # A box around the city: the public map uses it while too few kelurahan have
    # coordinates to outline the city themselves.
    south = _latitude(_("batas selatan (lintang)"), INDONESIA_BOUNDS["south"])
    west = _longitude(_("batas barat (bujur)"), INDONESIA_BOUNDS["west"])
    north = _latitude(_("batas utara (lintang)"), INDONESIA_BOUNDS["north"])
    east = _longitude(_("batas timur (bujur)"), INDONESIA_BOUNDS["east"])
    sms_number = models.CharField(
        _("nomor SMS aduan"),
        max_length=30,
        blank=True,
        help_text=_(
            "Nomor yang menerima aduan lewat SMS; tampil di beranda. Kosongkan bila tidak ada."
        ),
    )
    email = models.EmailField(
        _("e-mail kontak"),
        blank=True,
        help_text=_("Alamat kontak layanan yang tampil di kaki halaman."),
    )

    class Meta:
        verbose_name = _("data daerah")
        verbose_name_plural = _("data daerah")

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        # One deployment, one city: every save writes the same row.
        self.pk = 1
        super().save(*args, **kwargs)
        # Imported here: aduan.core.city imports this module.
        from aduan.core.city import invalidate

        invalidate()

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        from aduan.core.city import invalidate

        invalidate()
        return result

    @classmethod
    def default(cls) -> "City":
        """The neutral stand-in of a fresh install (never saved)."""
        return cls(
            name="Aduan",
            short_name="Aduan",
            government_name=_("pemerintah daerah"),
            site_name="Aduan",
            timezone=settings.TIME_ZONE,
        )

    @classmethod
    def current(cls) -> "City":
        """The deployment's row, cached, or :meth:`default` when there is none."""
        from aduan.core.city import current_city

        return current_city()

    @property
    def bounds(self) -> dict[str, float]:
        """The map box as ``lat_min``, ``lat_max``, ``lon_min``, ``lon_max`` floats."""
        return {
            "lat_min": float(self.south),
            "lat_max": float(self.north),
            "lon_min": float(self.west),
            "lon_max": float(self.east),
        }

    def clean(self):
        errors = {}
        try:
            zoneinfo.ZoneInfo(self.timezone)
        except (ValueError, zoneinfo.ZoneInfoNotFoundError):
            errors["timezone"] = _("Zona waktu tidak dikenal.")
        else:
            if self.timezone != settings.TIME_ZONE:
                errors["timezone"] = _(
                    "Server berjalan pada zona waktu %(tz)s; ubah TIME_ZONE di pengaturan "
                    "server lebih dulu."
                ) % {"tz": settings.TIME_ZONE}
        if None not in (self.south, self.north) and self.south >= self.north:
            errors["north"] = _("Batas utara harus lebih besar dari batas selatan.")
        if None not in (self.west, self.east) and self.west >= self.east:
            errors["east"] = _("Batas timur harus lebih besar dari batas barat.")
        if errors:
            raise ValidationError(errors)


class AppendOnlyError(Exception):
    """An attempt to change or remove an audit entry."""


class AuditQuerySet(models.QuerySet):
    """Rows are added, never changed or removed, through the ORM (see :class:`AuditEntry`)."""

    def update(self, **kwargs):
        raise AppendOnlyError("The audit log is append-only.")

    def delete(self):
        raise AppendOnlyError("The audit log is append-only.")

    def bulk_update(self, objs, fields, batch_size=None):
        raise AppendOnlyError("The audit log is append-only.")


class AuditEntry(models.Model):
    """One line of the city-wide audit log: who did what, from where, when.

    Written only by :func:`aduan.core.audit.record`. Append-only twice over: the model
    and its manager refuse updates and deletes, and database triggers (installed by
    migration ``0007_audit`` from :mod:`aduan.core.auditguard`) refuse them for every
    client of the database; only the database owner, who can drop a trigger, can
    rewrite history. The one change the triggers allow is the ``SET NULL`` of a deleted
    user or complaint: the labels copied at the time (``actor_label``,
    ``complaint_code``) keep the trace.

    A later migration that alters this table on SQLite rebuilds it and so drops its
    triggers: such a migration must call ``auditguard.install`` again.
    """

    class Action(models.TextChoices):
        LOGIN = "login", _("Masuk")
        LOGIN_FAILED = "login_failed", _("Gagal masuk")
        LOGOUT = "logout", _("Keluar")
        LOCKED_OUT = "locked_out", _("Akun dikunci sementara")
        UNLOCKED = "unlocked", _("Kunci akun dibuka")
        PASSWORD_CHANGED = "password_changed", _("Kata sandi diganti")
        MFA_ENROLLED = "mfa_enrolled", _("Faktor kedua didaftarkan")
        MFA_RESET = "mfa_reset", _("Faktor kedua diatur ulang")
        MFA_FAILED = "mfa_failed", _("Kode faktor kedua salah")
        RECOVERY_CODE_USED = "recovery_code_used", _("Kode pemulihan dipakai")
        CONTACT_VIEWED = "contact_viewed", _("Kontak pelapor dilihat")
        STAFF_ACTION = "staff_action", _("Tindakan petugas pada aduan")
        EXPORT = "export", _("Ekspor atau unduhan data")
        ADMIN_VIEW = "admin_view", _("Data pribadi dibuka di admin")
        ADMIN_CHANGE = "admin_change", _("Perubahan di admin")
        DATA_REQUEST = "data_request", _("Permintaan data pribadi diproses")
        RETENTION = "retention", _("Data pribadi dihapus atau dianonimkan")

    created_at = models.DateTimeField(_("waktu"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("pengguna"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Copied at the time, so a renamed or deleted account still names who it was; for a
    # failed login, the username that was tried.
    actor_label = models.CharField(_("nama pengguna"), max_length=150, blank=True)
    actor_role = models.CharField(_("peran"), max_length=20, choices=Role.choices, blank=True)
    # Agencies are deactivated, never deleted (PROTECT everywhere), so the row keeps it.
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("OPD"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    action = models.CharField(_("tindakan"), max_length=30, choices=Action.choices)
    complaint = models.ForeignKey(
        Complaint, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    complaint_code = models.CharField(_("kode aduan"), max_length=20, blank=True)
    description = models.CharField(_("keterangan"), max_length=300, blank=True)
    ip_address = models.GenericIPAddressField(_("alamat IP"), null=True, blank=True)
    user_agent = models.CharField(_("peramban"), max_length=300, blank=True)
    extra = models.JSONField(default=dict, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = _("catatan audit")
        verbose_name_plural = _("catatan audit")
        indexes = [
            # The audit page walks newest first by keyset (office/paging.py).
            models.Index(fields=["created_at", "id"], name="audit_time"),
            models.Index(fields=["actor_label", "created_at"], name="audit_person"),
            models.Index(fields=["complaint_code", "created_at"], name="audit_complaint"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.actor_label}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("The audit log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("The audit log is append-only.")


class RateLimitCounter(models.Model):
    """Requests one client address made to one bucket in one fixed window (core.ratelimit).

    Written only by ``ratelimit.count``'s single upsert; windows that have ended are swept
    when a new one starts. Times are Unix seconds: the counter never needs a time zone.
    """

    bucket = models.CharField(max_length=32)
    # An IPv4 address, or an IPv6 /64 network's first address.
    address = models.CharField(max_length=45)
    window_start = models.BigIntegerField()
    window_end = models.BigIntegerField(db_index=True)
    hits = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["bucket", "address", "window_start"], name="ratelimit_one_row_per_window"
            )
        ]

    def __str__(self):
        return f"{self.bucket} {self.address} {self.window_start}: {self.hits}"
