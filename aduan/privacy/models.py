"""Records of personal-data processing: proof of control, citizens' requests, anonymisations.

UU No. 27/2022 (Pelindungan Data Pribadi) gives the data subject the rights to see their
data and to have it erased; the controller must answer and keep a record of it. A citizen
proves control of a phone number or e-mail address with a one-time code
(:class:`VerificationCode`); what they then see or ask is a :class:`DataRequest`; each
complaint whose reporter was removed, by request or by the retention policy, has one
:class:`Anonymisation`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ContactKind(models.TextChoices):
    PHONE = "phone", _("Nomor HP")
    EMAIL = "email", _("E-mail")


class VerificationCode(models.Model):
    """A one-time code sent to a phone or e-mail address.

    Only an HMAC of the code is stored (keyed with the deployment's secret and the row):
    a copy of the database does not reveal it. Rows are deleted a day after they expire.
    """

    kind = models.CharField(max_length=10, choices=ContactKind.choices)
    contact = models.CharField(max_length=200)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)
    # False when nothing was sent: the contact is unknown here, or asked too often.
    sent = models.BooleanField(default=False)

    class Meta:
        indexes = [models.Index(fields=["contact", "created_at"], name="privacy_code_contact")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.pk}"


class DataRequest(models.Model):
    """A data subject's request, and what became of it.

    ``contact`` is the verified phone or e-mail, kept only while the request needs it
    (to find the complaints and to tell the citizen the outcome); a finished request
    keeps the masked form in ``contact_masked``.
    """

    class Kind(models.TextChoices):
        ACCESS = "access", _("Melihat data")
        ERASURE = "erasure", _("Penghapusan data")

    class State(models.TextChoices):
        RECEIVED = "received", _("Diterima, menunggu keputusan")
        APPROVED = "approved", _("Disetujui, menunggu aduan yang masih berjalan selesai")
        DONE = "done", _("Selesai")
        REFUSED = "refused", _("Ditolak")

    kind = models.CharField(_("jenis"), max_length=10, choices=Kind.choices)
    state = models.CharField(_("status"), max_length=10, choices=State.choices)
    contact_kind = models.CharField(max_length=10, choices=ContactKind.choices)
    contact = models.CharField(max_length=200, blank=True)
    contact_masked = models.CharField(_("kontak"), max_length=200)
    citizen_note = models.TextField(_("catatan warga"), blank=True)
    complaints = models.ManyToManyField("core.Complaint", blank=True, related_name="data_requests")
    created_at = models.DateTimeField(_("diajukan"), default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decision_note = models.TextField(_("alasan"), blank=True)
    # Staff chose to remove the reporter from complaints still running as well.
    anonymise_open = models.BooleanField(default=False)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("permintaan data pribadi")
        verbose_name_plural = _("permintaan data pribadi")
        indexes = [models.Index(fields=["state", "created_at"], name="privacy_request_state")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.kind} {self.state}"

    @property
    def is_pending(self) -> bool:
        return self.state in (self.State.RECEIVED, self.State.APPROVED)


class Anonymisation(models.Model):
    """A complaint whose reporter was removed: when and why. The retention job skips it."""

    class Reason(models.TextChoices):
        RETENTION = "retention", _("Masa simpan berakhir")
        REQUEST = "request", _("Permintaan pelapor")

    complaint = models.OneToOneField(
        "core.Complaint", on_delete=models.CASCADE, related_name="anonymisation"
    )
    reason = models.CharField(max_length=10, choices=Reason.choices)
    request = models.ForeignKey(
        DataRequest, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.reason}"
