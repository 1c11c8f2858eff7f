"""Sanctions and rewards on record: what the evaluation of a period proposed for an
agency, what the leaders decided, the letter, the agency head's acknowledgement and
improvement plan, and whether the plan held in the next period.

Rows change only through :mod:`aduan.reports.sanctions`, one function per transition.
The letter's wording is data (:class:`LetterTemplate`, edited in the admin); the text of
an issued letter is frozen on the row, so a later edit of the template never rewrites
a letter already sent. :class:`GeneratedReport` keeps the evaluation files the
end-of-period job produced, as they were sent to the leaders.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from aduan.core.models import Agency

from .models import SanctionLevel


class Sanction(models.Model):
    """One agency's step of the ladder for one evaluation period (a sanction or a reward)."""

    class State(models.TextChoices):
        PROPOSED = "diusulkan", _("Diusulkan")
        APPROVED = "disetujui", _("Disetujui pimpinan")
        ISSUED = "diterbitkan", _("Surat diterbitkan")
        ACKNOWLEDGED = "diterima", _("Diterima kepala OPD")
        PLAN_FILED = "rencana", _("Rencana perbaikan disusun")
        REVIEWED = "ditinjau", _("Ditinjau pada periode berikutnya")

    # Decided by the leaders: the step is theirs now, the agency may see it.
    DECIDED = (
        State.APPROVED,
        State.ISSUED,
        State.ACKNOWLEDGED,
        State.PLAN_FILED,
        State.REVIEWED,
    )
    # The agency sees its record once the letter exists.
    VISIBLE_TO_AGENCY = (State.ISSUED, State.ACKNOWLEDGED, State.PLAN_FILED, State.REVIEWED)

    agency = models.ForeignKey(
        Agency, verbose_name=_("OPD"), on_delete=models.PROTECT, related_name="sanctions"
    )
    period = models.CharField(_("periode evaluasi"), max_length=7)
    state = models.CharField(
        _("status"), max_length=20, choices=State.choices, default=State.PROPOSED
    )
    proposed_level = models.ForeignKey(
        SanctionLevel,
        verbose_name=_("langkah yang diusulkan"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The leaders' step: the proposal, or the step they amended it to.
    level = models.ForeignKey(
        SanctionLevel,
        verbose_name=_("langkah yang disetujui"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The figures at proposal time, so the record explains itself after a recount.
    score = models.DecimalField(_("skor"), max_digits=4, decimal_places=3, null=True)
    judged = models.PositiveIntegerField(_("tahap terukur"), default=0)
    reasons = models.TextField(_("alasan usulan"), blank=True)
    amendment_reason = models.TextField(_("alasan perubahan"), blank=True)
    proposed_at = models.DateTimeField(_("diusulkan pada"))
    decided_at = models.DateTimeField(_("diputuskan pada"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField(_("surat diterbitkan pada"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    letter_title = models.CharField(_("judul surat"), max_length=200, blank=True)
    letter_text = models.TextField(_("isi surat"), blank=True)
    acknowledged_at = models.DateTimeField(_("diterima pada"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("ditinjau pada"), null=True, blank=True)
    # Empty when the review was computed from the next period's score.
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    held = models.BooleanField(_("perbaikan berhasil"), null=True, blank=True)
    review_note = models.TextField(_("catatan tinjauan"), blank=True)

    class Meta:
        ordering = ["-period", "agency__short_name"]
        verbose_name = _("sanksi atau penghargaan")
        verbose_name_plural = _("sanksi dan penghargaan")
        constraints = [
            models.UniqueConstraint(fields=["agency", "period"], name="sanction_per_period")
        ]
        indexes = [models.Index(fields=["period", "state"], name="sanction_period")]

    def __str__(self) -> str:
        return f"{self.period} {self.agency} {self.step}"

    @property
    def step(self) -> SanctionLevel:
        """The step in force: the leaders' once decided, else the proposal."""
        return self.level or self.proposed_level

    @property
    def is_decided(self) -> bool:
        return self.state in self.DECIDED

    @property
    def is_reviewable(self) -> bool:
        return (
            self.state in (self.State.ISSUED, self.State.ACKNOWLEDGED, self.State.PLAN_FILED)
            and not self.step.is_reward
        )

    @property
    def amended(self) -> bool:
        return self.level_id is not None and self.level_id != self.proposed_level_id

    @property
    def needs_plan(self) -> bool:
        return self.step.requires_plan and not self.step.is_reward

    @property
    def plan_or_none(self):
        try:
            return self.plan
        except ImprovementPlan.DoesNotExist:
            return None

    @property
    def plan_status(self) -> str:
        """How the improvement plan stands, in a few words for the report and the pages."""
        if not self.needs_plan:
            return str(_("Tidak perlu rencana"))
        if self.state == self.State.REVIEWED:
            if self.held is None:
                return str(_("Ditinjau"))
            return str(_("Berhasil: skor membaik") if self.held else _("Tidak berhasil"))
        if self.state in (self.State.PROPOSED, self.State.APPROVED, self.State.ISSUED):
            return str(_("Menunggu penerimaan surat"))
        if self.state == self.State.ACKNOWLEDGED:
            return str(_("Rencana belum disusun"))
        return str(_("Rencana disusun, menunggu periode berikutnya"))


class ImprovementPlan(models.Model):
    """The agency head's answer to a reprimand: what the agency will do, and by when."""

    sanction = models.OneToOneField(Sanction, on_delete=models.CASCADE, related_name="plan")
    summary = models.TextField(_("ringkasan"))
    filed_at = models.DateTimeField(_("disusun pada"))
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("rencana perbaikan")
        verbose_name_plural = _("rencana perbaikan")

    def __str__(self) -> str:
        return str(self.sanction)


class ImprovementAction(models.Model):
    plan = models.ForeignKey(ImprovementPlan, on_delete=models.CASCADE, related_name="actions")
    description = models.CharField(_("tindakan"), max_length=300)
    due_date = models.DateField(_("tenggat"))

    class Meta:
        ordering = ["due_date", "id"]
        verbose_name = _("tindakan perbaikan")
        verbose_name_plural = _("tindakan perbaikan")

    def __str__(self) -> str:
        return self.description


class LetterTemplate(models.Model):
    """The wording of the letter for one kind of step, edited by the city in the admin.

    Placeholders in braces are filled when the letter is issued: ``{opd}`` (the
    agency's full name), ``{opd_singkat}``, ``{periode}``, ``{langkah}`` (the step),
    ``{alasan}`` (the reasons), ``{skor}``, ``{tindak_lanjut}`` (the step's
    consequence), ``{tanggal}`` (the date of issue) and ``{kota}`` (the service).
    """

    kind = models.CharField(
        _("jenis langkah"), max_length=20, choices=SanctionLevel.Kind.choices, unique=True
    )
    title = models.CharField(_("judul"), max_length=200)
    body = models.TextField(
        _("isi"),
        help_text=_(
            "Tempat isian: {opd}, {opd_singkat}, {periode}, {langkah}, {alasan}, {skor}, "
            "{tindak_lanjut}, {tanggal}, {kota}."
        ),
    )

    class Meta:
        verbose_name = _("templat surat")
        verbose_name_plural = _("templat surat")

    def __str__(self) -> str:
        return self.title


class GeneratedReport(models.Model):
    """The evaluation files of an ended period, made once by the end-of-period job."""

    period = models.CharField(_("periode evaluasi"), max_length=7, unique=True)
    generated_at = models.DateTimeField(_("dibuat pada"))
    pdf = models.BinaryField(_("PDF"))
    xlsx = models.BinaryField(_("XLSX"))
    notified = models.PositiveIntegerField(_("pimpinan yang diberi tahu"), default=0)

    class Meta:
        ordering = ["-period"]
        verbose_name = _("laporan evaluasi tersimpan")
        verbose_name_plural = _("laporan evaluasi tersimpan")

    def __str__(self) -> str:
        return self.period
