"""Reports: what the city publishes, how it ranks its agencies, and the counts behind both.

Three groups of tables:

* settings and data the admin edits: :class:`ReportSettings` (one row), the sanction
  ladder :class:`SanctionLevel` (staff redactions of public text live in the core);
* :class:`ComplaintSummary`, one row per complaint: its public projection (masked text,
  the feed's filters) and the dimensions the volume counts counted it under;
* pre-aggregated counts kept current by the worker (``aggregation.py``):
  :class:`VolumeCount` (complaints by received month and one dimension),
  :class:`DailyCount` / :class:`MonthlyCount` (agency performance per day, rolled up
  per month), and the event watermark :class:`AggregationState`.

Public pages and dashboards read the counts and bounded queries only.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aduan.core.models import (
    Agency,
    Category,
    Complaint,
    Kecamatan,
    Kelurahan,
    Kind,
    Outcome,
    Status,
)


class ReportSettings(models.Model):
    """The city's choices about publishing and ranking; a single row (pk 1)."""

    publish_scorecard = models.BooleanField(
        _("tampilkan rapor OPD ke publik"),
        default=False,
        help_text=_("Bila dicentang, rapor dan peringkat OPD tampil di /publik/skor/."),
    )
    min_volume = models.PositiveIntegerField(
        _("volume minimum untuk diperingkat"),
        default=10,
        help_text=_("OPD dengan tahap terukur lebih sedikit dari ini tidak diberi peringkat."),
    )
    prior_strength = models.PositiveIntegerField(
        _("bobot rata-rata kota"),
        default=20,
        help_text=_(
            "Skor OPD ditarik ke rata-rata kota seolah ada sekian tahap tambahan "
            "bernilai rata-rata; makin kecil volume OPD, makin kuat tarikannya."
        ),
    )
    appreciation_size = models.PositiveSmallIntegerField(
        _("jumlah OPD dalam daftar apresiasi"), default=3
    )
    appreciation_min_score = models.DecimalField(
        _("skor minimum untuk apresiasi"),
        max_digits=4,
        decimal_places=3,
        default=Decimal("0.900"),
        validators=[MinValueValidator(0), MaxValueValidator(1)],
    )
    # How the score weighs its parts (scoring.py). Each part is a rate from 0 to 1,
    # pulled toward the city's rate like timeliness; a part the agency has no data for
    # in the period is left out and the other weights count in proportion.
    weight_timeliness = models.DecimalField(
        _("bobot ketepatan waktu"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("0.70"),
        validators=[MinValueValidator(0)],
        help_text=_("Tahap tanggapan pertama dan penyelesaian yang tepat waktu."),
    )
    weight_satisfaction = models.DecimalField(
        _("bobot kepuasan pelapor"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("0.10"),
        validators=[MinValueValidator(0)],
        help_text=_("Penilaian bintang 1-5 dari pelapor (1 bintang 0%, 5 bintang 100%)."),
    )
    weight_reopen = models.DecimalField(
        _("bobot aduan tidak dibuka kembali"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("0.10"),
        validators=[MinValueValidator(0)],
        help_text=_("Bagian aduan yang dijawab dan tidak dibuka kembali oleh pelapor."),
    )
    weight_disputes = models.DecimalField(
        _("bobot jawaban tidak dibantah"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("0.10"),
        validators=[MinValueValidator(0)],
        help_text=_("Bagian jawaban yang tidak dibantah pelapor."),
    )

    class Meta:
        verbose_name = _("pengaturan laporan")
        verbose_name_plural = _("pengaturan laporan")

    def __str__(self) -> str:
        return str(_("Pengaturan laporan"))

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)

    def clean(self):
        if not self.weight_timeliness or self.weight_timeliness <= 0:
            # Timeliness is what the ladder and the regulation judge: it always counts.
            raise ValidationError(
                {"weight_timeliness": _("Bobot ketepatan waktu harus lebih dari nol.")}
            )

    def weights(self) -> dict[str, float]:
        """The score's parts and their weights, in the scorecard's order."""
        return {
            "timeliness": float(self.weight_timeliness),
            "satisfaction": float(self.weight_satisfaction),
            "reopen": float(self.weight_reopen),
            "disputes": float(self.weight_disputes),
        }

    @classmethod
    def load(cls) -> "ReportSettings":
        obj, _created = cls.objects.get_or_create(pk=1)
        return obj


class LadderQuerySet(models.QuerySet):
    def sanctions(self):
        return self.filter(kind=SanctionLevel.Kind.SANCTION)

    def rewards(self):
        return self.filter(kind=SanctionLevel.Kind.REWARD)


class SanctionManager(models.Manager.from_queryset(LadderQuerySet)):
    """``SanctionLevel.objects``: the sanction rungs only. The computed ladder in
    ``scoring.py`` reads ``objects`` and must never mistake a reward for a rung."""

    def get_queryset(self):
        return super().get_queryset().filter(kind=SanctionLevel.Kind.SANCTION)


class SanctionLevel(models.Model):
    """One step of the city's ladder: a sanction rung (teguran pertama, teguran kedua,
    rompi hitam) or a reward (apresiasi, penghargaan).

    A sanction rung applies when the agency's ranked score stayed below ``max_score`` in
    ``periods`` consecutive evaluation periods up to the one evaluated; the highest
    rung reached applies. A reward applies when the ranked score stayed at or above
    ``min_score`` for ``periods`` consecutive periods; the highest reward reached
    applies, and never to a sanctioned agency. Agencies that are not ranked (too few
    complaints) in a period break the streak: nobody is sanctioned or rewarded on a
    handful of cases.

    ``steps`` (the default manager, used by the admin) holds every row; ``objects``
    only the sanction rungs.
    """

    class Kind(models.TextChoices):
        SANCTION = "sanksi", _("Sanksi")
        REWARD = "penghargaan", _("Penghargaan")

    order = models.PositiveSmallIntegerField(_("urutan"), unique=True)
    code = models.SlugField(_("kode"), max_length=40, unique=True)
    name = models.CharField(_("nama"), max_length=100)
    kind = models.CharField(_("jenis"), max_length=20, choices=Kind.choices, default=Kind.SANCTION)
    max_score = models.DecimalField(
        _("skor di bawah"),
        max_digits=4,
        decimal_places=3,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text=_("Untuk sanksi: berlaku bila skor di bawah nilai ini."),
    )
    min_score = models.DecimalField(
        _("skor minimal"),
        max_digits=4,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text=_("Untuk penghargaan: berlaku bila skor sama dengan atau di atas nilai ini."),
    )
    periods = models.PositiveSmallIntegerField(
        _("periode berturut-turut"), default=1, validators=[MinValueValidator(1)]
    )
    consequence = models.CharField(_("tindak lanjut"), max_length=300, blank=True)
    requires_plan = models.BooleanField(
        _("wajib rencana perbaikan"),
        default=False,
        help_text=_("Kepala OPD harus menyusun rencana perbaikan setelah menerima surat."),
    )
    is_active = models.BooleanField(_("aktif"), default=True)

    steps = LadderQuerySet.as_manager()
    objects = SanctionManager()

    class Meta:
        ordering = ["order"]
        default_manager_name = "steps"
        verbose_name = _("langkah sanksi atau penghargaan")
        verbose_name_plural = _("tangga sanksi dan penghargaan")

    def __str__(self) -> str:
        return self.name

    @property
    def is_reward(self) -> bool:
        return self.kind == self.Kind.REWARD

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.is_reward and self.min_score is None:
            raise ValidationError({"min_score": _("Penghargaan memerlukan skor minimal.")})


class Result(models.TextChoices):
    """What became of a complaint, as the public statistics group it."""

    IN_PROGRESS = "proses", _("Dalam proses")
    PLANNED = "direncanakan", _("Direncanakan (tahun anggaran)")
    FIXED = "ditangani", _("Sudah ditangani")
    ANSWERED = "dijawab", _("Dijawab")
    REFERRED = "dirujuk", _("Dirujuk ke pihak lain")
    CANNOT_ACT = "tidak_dapat", _("Tidak dapat ditindaklanjuti")
    REJECTED = "ditolak", _("Ditolak")
    MERGED = "digabung", _("Digabung")


_OUTCOME_RESULTS = {
    Outcome.FIXED: Result.FIXED,
    Outcome.ANSWERED: Result.ANSWERED,
    Outcome.REFERRED: Result.REFERRED,
    Outcome.PLANNED: Result.PLANNED,
    Outcome.CANNOT_ACT: Result.CANNOT_ACT,
}


def result_of(status: str, outcome: str) -> str:
    if status == Status.DITOLAK:
        return Result.REJECTED
    if status == Status.DIGABUNG:
        return Result.MERGED
    if status == Status.DITUNDA_ANGGARAN:
        return Result.PLANNED
    if status in (Status.SELESAI, Status.DITUTUP):
        # An answer recorded before outcomes existed is at least an answer.
        return _OUTCOME_RESULTS.get(outcome, Result.ANSWERED)
    return Result.IN_PROGRESS


class ComplaintSummary(models.Model):
    """One complaint as the reports know it, refreshed by the aggregation job.

    ``listed``, ``latitude``, ``longitude`` and the ``public_*`` text are a copy of the
    complaint's public projection (:func:`aduan.core.disclosure.for_public`): listed rows
    may appear in the public feed, map and open data, their text already masked and
    redacted, their point rounded; unlisted rows hold no text and no point. ``public``
    rows count in the public statistics (everything but ``rahasia``). Public pages
    still re-check the live complaint, so a privacy change is honoured before the next
    pass of the job.
    """

    complaint = models.OneToOneField(
        Complaint, primary_key=True, on_delete=models.CASCADE, related_name="report_summary"
    )
    code = models.CharField(max_length=20)
    received_at = models.DateTimeField()
    month = models.DateField()
    listed = models.BooleanField(default=False)
    public = models.BooleanField(default=False)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    status = models.CharField(max_length=20, choices=Status.choices)
    result = models.CharField(max_length=20, choices=Result.choices)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kecamatan = models.ForeignKey(
        Kecamatan, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kelurahan = models.ForeignKey(
        Kelurahan, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Rounded to about 100 m: a public point shows the street, not the house.
    latitude = models.DecimalField(max_digits=7, decimal_places=3, null=True, blank=True)
    longitude = models.DecimalField(max_digits=7, decimal_places=3, null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    budget_year = models.PositiveSmallIntegerField(null=True, blank=True)
    public_text = models.TextField(blank=True)
    public_answer = models.TextField(blank=True)
    public_outcome_note = models.CharField(max_length=300, blank=True)
    refreshed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("ringkasan aduan")
        verbose_name_plural = _("ringkasan aduan")
        # The feed pages newest first by (received_at, complaint); each filter has an
        # index that lets the keyset query stop after one page.
        indexes = [
            models.Index(
                fields=["-received_at", "-complaint"], name="summary_feed", condition=Q(listed=True)
            ),
            models.Index(
                fields=["category", "-received_at", "-complaint"],
                name="summary_feed_category",
                condition=Q(listed=True),
            ),
            models.Index(
                fields=["kecamatan", "-received_at", "-complaint"],
                name="summary_feed_kecamatan",
                condition=Q(listed=True),
            ),
            models.Index(
                fields=["agency", "-received_at", "-complaint"],
                name="summary_feed_agency",
                condition=Q(listed=True),
            ),
            models.Index(
                fields=["status", "-received_at", "-complaint"],
                name="summary_feed_status",
                condition=Q(listed=True),
            ),
            models.Index(fields=["month"], name="summary_month"),
        ]

    def __str__(self) -> str:
        return self.code

    # Flags for the feed's template, which tests no status or outcome value itself.
    @property
    def is_deferred(self) -> bool:
        return self.status == Status.DITUNDA_ANGGARAN

    @property
    def is_planned(self) -> bool:
        return self.outcome == Outcome.PLANNED


class VolumeCount(models.Model):
    """Complaints received in ``month`` with one dimension's ``key``, by result.

    One row per (month, dimension, key, result, public). Dimensions: ``kind``
    (every complaint has one, so its rows sum to the month's total), ``category``,
    ``kelurahan`` and ``agency`` (lead agency); ``key`` is the kind code or the row
    id, "" when the complaint has none.
    """

    class Dimension(models.TextChoices):
        KIND = "kind", _("jenis")
        CATEGORY = "category", _("kategori")
        KELURAHAN = "kelurahan", _("kelurahan")
        AGENCY = "agency", _("OPD")

    month = models.DateField()
    dimension = models.CharField(max_length=12, choices=Dimension.choices)
    key = models.CharField(max_length=40, blank=True)
    result = models.CharField(max_length=20, choices=Result.choices)
    public = models.BooleanField()
    n = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("hitungan volume")
        verbose_name_plural = _("hitungan volume")
        constraints = [
            models.UniqueConstraint(
                fields=["month", "dimension", "key", "result", "public"], name="volume_cell"
            )
        ]
        indexes = [models.Index(fields=["dimension", "month"], name="volume_read")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.dimension}={self.key} {self.result}: {self.n}"


class PerformanceCounts(models.Model):
    """Counts of one agency and stage over a day or a month.

    ``agency`` is empty for the moderators (the dispatch stage, direct answers).
    Stage rows (``dispatch``, ``response``, ``resolution``, ``budget``) count stage
    records started and completed in the period; of those completed, the *judged*
    ones (they had a deadline and did not end by cancellation on time), how many were
    on time and how many breached, and the sum and histogram (``sketch.py``) of their
    durations net of waiting for the citizen. The row with an empty ``stage`` counts
    agency-level events: dispatches received, answers given, answers disputed
    (reopened), and ratings.
    """

    agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    stage = models.CharField(max_length=20, blank=True)
    public = models.BooleanField()
    started = models.PositiveIntegerField(default=0)
    completed = models.PositiveIntegerField(default=0)
    judged = models.PositiveIntegerField(default=0)
    on_time = models.PositiveIntegerField(default=0)
    breached = models.PositiveIntegerField(default=0)
    seconds = models.FloatField(default=0)
    hist = models.JSONField(default=dict, blank=True)
    dispatched = models.PositiveIntegerField(default=0)
    answers = models.PositiveIntegerField(default=0)
    disputes = models.PositiveIntegerField(default=0)
    ratings = models.PositiveIntegerField(default=0)
    rating_sum = models.PositiveIntegerField(default=0)

    COUNT_FIELDS = (
        "started",
        "completed",
        "judged",
        "on_time",
        "breached",
        "seconds",
        "dispatched",
        "answers",
        "disputes",
        "ratings",
        "rating_sum",
    )

    class Meta:
        abstract = True


class DailyCount(PerformanceCounts):
    day = models.DateField()

    class Meta:
        verbose_name = _("hitungan harian")
        verbose_name_plural = _("hitungan harian")
        indexes = [models.Index(fields=["day"], name="dailycount_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.agency_id} {self.stage}"


class MonthlyCount(PerformanceCounts):
    month = models.DateField()

    class Meta:
        verbose_name = _("hitungan bulanan")
        verbose_name_plural = _("hitungan bulanan")
        indexes = [models.Index(fields=["month"], name="monthlycount_month")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.agency_id} {self.stage}"


class AggregationState(models.Model):
    """How far the aggregation job has read the event log.

    Every event with an id up to ``last_event_id`` has been counted, except the ids
    in ``gaps``: ids skipped when the job ran, because the transaction that took them
    had not committed yet (or rolled back). They are looked for again until
    they are older than the job's patience.
    """

    name = models.CharField(max_length=40, primary_key=True)
    last_event_id = models.BigIntegerField(default=0)
    gaps = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("status agregasi")
        verbose_name_plural = _("status agregasi")

    def __str__(self) -> str:
        return f"{self.name}@{self.last_event_id}"


# The records of sanctions and rewards live in their own module; imported here so that
# Django registers them with the app.
from .records import (  # noqa: E402, F401
    GeneratedReport,
    ImprovementAction,
    ImprovementPlan,
    LetterTemplate,
    Sanction,
)
