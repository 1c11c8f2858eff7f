"""Back-office records that are not part of a complaint's lifecycle.

Notifications, response templates and officer assignments hang off the
domain models but never change a complaint's status: that stays with
``aduan.core.lifecycle``.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aduan.core.models import Agency, Category, Complaint


class Notification(models.Model):
    """An in-app notice for one staff member; the e-mail copy goes through the outbox."""

    class Kind(models.TextChoices):
        DISPATCHED = "dispatched", _("Disposisi baru")
        RETURNED = "returned", _("Disposisi dikembalikan")
        INFO_PROVIDED = "info_provided", _("Balasan pelapor")
        DISPUTED = "disputed", _("Jawaban dibantah")
        CONTRIBUTION = "contribution", _("Kontribusi OPD pendukung")
        ASSIGNED = "assigned", _("Penugasan")
        ESCALATION = "escalation", _("Eskalasi tenggat")
        EVALUATION = "evaluation", _("Evaluasi, sanksi dan penghargaan")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    complaint = models.ForeignKey(
        Complaint, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    text = models.CharField(max_length=300)
    # A page on this site for a notice about no single complaint (core.signals.staff_notice).
    link = models.CharField(max_length=300, blank=True, default="")
    read_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notifikasi")
        verbose_name_plural = _("notifikasi")
        indexes = [
            # The unread counter in every staff page reads exactly this.
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
            models.Index(fields=["recipient", "-created_at"], name="notification_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.recipient_id} {self.kind}"


class ResponseTemplate(models.Model):
    """A reusable answer of one agency, optionally for one category.

    The body may use the placeholders of :mod:`aduan.office.responses`.
    """

    agency = models.ForeignKey(
        Agency, verbose_name=_("OPD"), on_delete=models.CASCADE, related_name="response_templates"
    )
    category = models.ForeignKey(
        Category,
        verbose_name=_("kategori"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("Kosongkan untuk templat umum yang berlaku untuk semua kategori."),
    )
    title = models.CharField(_("judul"), max_length=120)
    body = models.TextField(_("isi"))
    is_active = models.BooleanField(_("aktif"), default=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title"]
        verbose_name = _("templat jawaban")
        verbose_name_plural = _("templat jawaban")
        constraints = [
            models.UniqueConstraint(fields=["agency", "title"], name="response_template_title")
        ]

    def __str__(self) -> str:
        return self.title


class Assignment(models.Model):
    """The officer of one agency who handles a complaint for that agency.

    One row per (complaint, agency): reassigning replaces the officer; the
    history is in the complaint's events.
    """

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="assignments")
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assignments"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("penugasan")
        verbose_name_plural = _("penugasan")
        constraints = [
            models.UniqueConstraint(fields=["complaint", "agency"], name="assignment_per_agency")
        ]
        indexes = [models.Index(fields=["officer", "complaint"], name="assignment_officer")]

    def __str__(self) -> str:
        return f"{self.complaint_id} → {self.officer_id}"
