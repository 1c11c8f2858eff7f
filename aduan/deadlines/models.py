"""Deadlines as data: the working calendar, the policy, the ladder, the rota and the record.

The admin sistem edits the first four in Django admin. :class:`StageRecord` and
:class:`EscalationFiring` are written only by the transition hook (``clock.py``) and the
sweep (``sweep.py``); reports read them.
"""

from datetime import time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from aduan.core.compiled import CompiledInsert
from aduan.core.models import Agency, Category, Complaint, Event, Kind, Priority


class Stage(models.TextChoices):
    DISPATCH = "dispatch", _("Disposisi oleh moderator")
    RESPONSE = "response", _("Tanggapan pertama OPD")
    RESOLUTION = "resolution", _("Penyelesaian")
    # Accepted but planned for a budget year: its own date, reported apart, never a breach.
    BUDGET = "budget", _("Rencana tahun anggaran")


# The stages that have a deadline policy, an escalation ladder and on-time rates.
SLA_STAGES = (Stage.DISPATCH, Stage.RESPONSE, Stage.RESOLUTION)
SLA_STAGE_CHOICES = [(s.value, s.label) for s in SLA_STAGES]


class Unit(models.TextChoices):
    CLOCK_HOURS = "clock_hours", _("jam (waktu jam dinding, mis. 1x24 jam)")
    WORKING_DAYS = "working_days", _("hari kerja")
    WORKING_HOURS = "working_hours", _("jam kerja")


# -- the working calendar ---------------------------------------------------------------


class WorkingHours(models.Model):
    """Office hours of one weekday; a weekday without a row is not a working day."""

    class Weekday(models.IntegerChoices):
        SENIN = 0, _("Senin")
        SELASA = 1, _("Selasa")
        RABU = 2, _("Rabu")
        KAMIS = 3, _("Kamis")
        JUMAT = 4, _("Jumat")
        SABTU = 5, _("Sabtu")
        MINGGU = 6, _("Minggu")

    weekday = models.PositiveSmallIntegerField(_("hari"), choices=Weekday.choices, unique=True)
    opens = models.TimeField(_("jam buka"), default=time(8, 0))
    closes = models.TimeField(_("jam tutup"), default=time(16, 0))

    class Meta:
        ordering = ["weekday"]
        verbose_name = _("jam kerja")
        verbose_name_plural = _("jam kerja")

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"

    def clean(self):
        if self.opens is not None and self.closes is not None and self.opens >= self.closes:
            raise ValidationError(_("Jam buka harus sebelum jam tutup."))


class RegionalHoliday(models.Model):
    """A regional holiday, or a correction of the national list.

    National holidays and cuti bersama come from the ``holidays`` package. A row with
    ``is_day_off`` unticked cancels the package's holiday on that date (for instance an
    estimated Islamic holiday that the sidang isbat moved).
    """

    date = models.DateField(_("tanggal"), unique=True)
    name = models.CharField(_("nama"), max_length=120)
    is_day_off = models.BooleanField(
        _("hari libur"),
        default=True,
        help_text=_("Hapus centang untuk membatalkan libur nasional pada tanggal ini."),
    )

    class Meta:
        ordering = ["date"]
        verbose_name = _("hari libur daerah")
        verbose_name_plural = _("hari libur daerah")

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name}"


class Closure(models.Model):
    """Whole days the offices are closed outside the holiday list (disaster, system outage)."""

    first_day = models.DateField(_("mulai"))
    last_day = models.DateField(_("sampai dengan"))
    name = models.CharField(_("alasan"), max_length=120)

    class Meta:
        ordering = ["-first_day"]
        verbose_name = _("penutupan kantor")
        verbose_name_plural = _("penutupan kantor")
        constraints = [
            models.CheckConstraint(
                condition=Q(last_day__gte=models.F("first_day")), name="closure_order"
            )
        ]

    def __str__(self) -> str:
        return f"{self.first_day:%Y-%m-%d}–{self.last_day:%Y-%m-%d} {self.name}"


# -- the policy ---------------------------------------------------------------------------


class SlaRule(models.Model):
    """How long one stage may take, for complaints matching the optional filters.

    The most specific matching rule wins: a category beats a kind, a kind beats a
    priority (see :func:`aduan.deadlines.policy.Policy.rule_for`). A stage without any
    matching rule has no deadline.
    """

    stage = models.CharField(_("tahap"), max_length=20, choices=SLA_STAGE_CHOICES)
    kind = models.CharField(_("jenis aduan"), max_length=20, choices=Kind.choices, blank=True)
    category = models.ForeignKey(
        Category, verbose_name=_("kategori"), null=True, blank=True, on_delete=models.CASCADE
    )
    priority = models.CharField(_("prioritas"), max_length=10, choices=Priority.choices, blank=True)
    amount = models.PositiveIntegerField(_("jumlah"))
    unit = models.CharField(_("satuan"), max_length=20, choices=Unit.choices)
    multi_agency_amount = models.PositiveIntegerField(
        _("jumlah bila melibatkan OPD pendukung"), null=True, blank=True
    )
    note = models.CharField(_("dasar aturan"), max_length=200, blank=True)

    class Meta:
        ordering = ["stage", "category", "kind", "priority"]
        verbose_name = _("aturan tenggat")
        verbose_name_plural = _("aturan tenggat")
        constraints = [
            # Two partial constraints because NULL never equals NULL in a unique index.
            models.UniqueConstraint(
                fields=["stage", "kind", "priority"],
                condition=Q(category__isnull=True),
                name="slarule_unique_without_category",
            ),
            models.UniqueConstraint(
                fields=["stage", "kind", "category", "priority"],
                condition=Q(category__isnull=False),
                name="slarule_unique_with_category",
            ),
        ]

    def __str__(self) -> str:
        scope = [str(x) for x in (self.category, self.kind, self.priority) if x]
        text = f"{self.get_stage_display()}: {self.amount} {self.get_unit_display()}"
        return f"{text} ({', '.join(scope)})" if scope else text


class EscalationStep(models.Model):
    """One rung of a stage's escalation ladder, fired once per complaint and stage cycle.

    Its moment is either ``at_fraction`` of the stage's allowed time (0.75: a quarter of
    the time is left) or ``offset_amount`` ``offset_unit`` after the deadline (0: at the
    deadline; -2 clock hours: two hours before it; +1 working day: at closing time of the
    next working day).
    """

    class Action(models.TextChoices):
        REMIND_HANDLERS = "remind_handlers", _("Ingatkan petugas yang menangani")
        WARNING_BOARD = "warning_board", _("Masuk papan peringatan")
        NOTIFY_AGENCY_HEAD = "notify_agency_head", _("Beri tahu kepala OPD")
        NOTIFY_PIMPINAN = "notify_pimpinan", _("Laporkan ke pimpinan (Sekda)")
        AUTO_DISPATCH = "auto_dispatch", _("Disposisi otomatis (piket)")

    stage = models.CharField(_("tahap"), max_length=20, choices=SLA_STAGE_CHOICES)
    order = models.PositiveSmallIntegerField(_("urutan"))
    action = models.CharField(_("tindakan"), max_length=30, choices=Action.choices)
    at_fraction = models.DecimalField(
        _("pada bagian waktu"), max_digits=3, decimal_places=2, null=True, blank=True
    )
    offset_amount = models.IntegerField(_("selisih dari tenggat"), null=True, blank=True)
    offset_unit = models.CharField(
        _("satuan selisih"), max_length=20, choices=Unit.choices, blank=True
    )
    respect_working_hours = models.BooleanField(
        _("kirim hanya pada jam kerja"),
        default=True,
        help_text=_("Pemberitahuan di luar jam kerja ditahan sampai kantor buka."),
    )
    is_active = models.BooleanField(_("aktif"), default=True)

    class Meta:
        ordering = ["stage", "order"]
        verbose_name = _("langkah eskalasi")
        verbose_name_plural = _("langkah eskalasi")
        constraints = [
            models.UniqueConstraint(fields=["stage", "order"], name="escalationstep_order"),
            models.CheckConstraint(
                condition=(
                    Q(at_fraction__isnull=False, offset_amount__isnull=True)
                    | Q(at_fraction__isnull=True, offset_amount__isnull=False)
                ),
                name="escalationstep_one_moment",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} #{self.order}: {self.get_action_display()}"

    def clean(self):
        if (self.at_fraction is None) == (self.offset_amount is None):
            raise ValidationError(_("Isi salah satu: bagian waktu atau selisih dari tenggat."))
        if self.at_fraction is not None and not 0 < self.at_fraction <= 1:
            raise ValidationError({"at_fraction": _("Bagian waktu antara 0 dan 1.")})
        if self.offset_amount is not None:
            if not self.offset_unit:
                raise ValidationError({"offset_unit": _("Pilih satuan selisih.")})
            if self.offset_amount < 0 and self.offset_unit != Unit.CLOCK_HOURS:
                raise ValidationError(
                    {"offset_amount": _("Selisih sebelum tenggat hanya dalam jam.")}
                )
        if self.action == self.Action.AUTO_DISPATCH and self.stage != Stage.DISPATCH:
            raise ValidationError({"action": _("Disposisi otomatis hanya pada tahap disposisi.")})


# -- holiday coverage ---------------------------------------------------------------------


class DutyShift(models.Model):
    """One moderator on duty (piket) from ``starts_at`` to ``ends_at``."""

    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("moderator"),
        on_delete=models.CASCADE,
        limit_choices_to={"role": "moderator"},
        related_name="duty_shifts",
    )
    starts_at = models.DateTimeField(_("mulai"))
    ends_at = models.DateTimeField(_("selesai"))
    note = models.CharField(_("catatan"), max_length=200, blank=True)

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("jadwal piket")
        verbose_name_plural = _("jadwal piket")
        indexes = [models.Index(fields=["ends_at", "starts_at"], name="dutyshift_span")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="dutyshift_order"
            )
        ]

    def __str__(self) -> str:
        return f"{self.moderator} {self.starts_at:%Y-%m-%d %H:%M}"


# -- what happened ------------------------------------------------------------------------


class StageRecord(CompiledInsert, models.Model):
    """One stage of one complaint, from start to outcome: the deadline's ledger.

    A stage that starts again (a returned dispatch, a disputed answer) gets a new
    ``cycle``. ``base_due_at`` is the policy's deadline at the start; ``due_at`` adds the
    time spent waiting for the citizen (both clock and working seconds are kept, so a
    corrected classification can recompute the deadline under another unit).
    ``next_escalation_at`` is the moment of the earliest ladder step not yet fired; the
    sweep reads only rows whose moment has come, through a partial index.
    """

    class Outcome(models.TextChoices):
        OPEN = "", _("Berjalan")
        MET = "met", _("Tepat waktu")
        LATE = "late", _("Terlambat")
        DEFERRED = "deferred", _("Ditunda ke tahun anggaran")
        CANCELLED = "cancelled", _("Dibatalkan")

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="stage_records")
    stage = models.CharField(max_length=20, choices=Stage.choices)
    cycle = models.PositiveSmallIntegerField(default=1)
    # The agency accountable for the stage; empty for the moderators' dispatch stage.
    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT)
    unit = models.CharField(max_length=20, choices=Unit.choices, blank=True)
    multi_agency = models.BooleanField(default=False)
    started_at = models.DateTimeField()
    base_due_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(null=True, blank=True)
    paused_at = models.DateTimeField(null=True, blank=True)
    paused_clock_seconds = models.FloatField(default=0)
    paused_working_seconds = models.FloatField(default=0)
    completed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True, default="")
    # Ended after its deadline (also when cancelled late); never set for the budget stage.
    breached = models.BooleanField(default=False)
    next_escalation_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["started_at", "id"]
        verbose_name = _("tahap aduan")
        verbose_name_plural = _("tahap aduan")
        constraints = [
            models.UniqueConstraint(
                fields=["complaint", "stage", "cycle"], name="stagerecord_cycle"
            )
        ]
        indexes = [
            # The sweep's only query over all open complaints.
            models.Index(
                fields=["next_escalation_at"],
                condition=Q(outcome=""),
                name="stagerecord_escalation_due",
            ),
            # On-time rates per agency and stage over a period.
            models.Index(fields=["agency", "stage", "started_at"], name="stagerecord_report"),
            # The evaluation report reads the stages completed within a period.
            models.Index(fields=["completed_at"], name="stagerecord_completed"),
        ]

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.stage}#{self.cycle}"

    @property
    def is_open(self) -> bool:
        return self.outcome == self.Outcome.OPEN


class EscalationFiring(models.Model):
    """A ladder step claimed for one complaint, stage and cycle.

    Inserting the row *is* the claim: the unique constraint lets exactly one of several
    concurrent sweeps fire a step. ``skipped`` marks a step claimed but not acted on
    (a reminder that came due only after the deadline had already passed).
    """

    record = models.ForeignKey(StageRecord, on_delete=models.CASCADE, related_name="firings")
    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="+")
    stage = models.CharField(max_length=20, choices=Stage.choices)
    cycle = models.PositiveSmallIntegerField()
    # PROTECT: history keeps its steps; untick ``is_active`` to retire a step.
    step = models.ForeignKey(EscalationStep, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=30, choices=EscalationStep.Action.choices)
    scheduled_at = models.DateTimeField()
    fired_at = models.DateTimeField()
    skipped = models.BooleanField(default=False)
    event = models.ForeignKey(Event, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        ordering = ["fired_at", "id"]
        verbose_name = _("eskalasi")
        verbose_name_plural = _("eskalasi")
        constraints = [
            models.UniqueConstraint(
                fields=["complaint", "stage", "step", "cycle"], name="escalationfiring_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.stage}#{self.cycle} {self.action}"
