"""What the citizen portal keeps beside a complaint (the complaint itself is the core's).

- :class:`NoticePreference`: a reporter who gave both a phone number and an e-mail
  address hears on both when they choose (the core's notices use one route).
- :class:`RecoveryCode`: a one-time code that brings a lost private link back to the
  phone or e-mail the reporter gave. Only a keyed hash of the code is stored.
- :class:`Follow`: anyone's e-mail subscription to a complaint or a kelurahan, active
  only after the confirm link was opened (double opt-in).
"""

from __future__ import annotations

import secrets

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aduan.core.models import Complaint, Kelurahan


def new_follow_token() -> str:
    return secrets.token_urlsafe(24)


class NoticePreference(models.Model):
    complaint = models.OneToOneField(
        Complaint, on_delete=models.CASCADE, related_name="notice_preference"
    )
    both_channels = models.BooleanField(default=False)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.complaint_id}: {'both' if self.both_channels else 'one'}"


class RecoveryCode(models.Model):
    """A code asked for on /lacak/pulihkan/. A row is written whether or not the code
    and contact matched (``sent`` says which), so both answers cost the same."""

    complaint = models.ForeignKey(
        Complaint, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    channel = models.CharField(max_length=10, blank=True)
    recipient = models.CharField(max_length=200, blank=True)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)
    sent = models.BooleanField(default=False)

    class Meta:
        indexes = [models.Index(fields=["complaint", "created_at"], name="portal_recovery_recent")]

    def __str__(self) -> str:
        return f"recovery:{self.pk}"


class Follow(models.Model):
    """An e-mail address following one complaint or one kelurahan."""

    email = models.EmailField(_("e-mail"))
    complaint = models.ForeignKey(
        Complaint, null=True, blank=True, on_delete=models.CASCADE, related_name="follows"
    )
    kelurahan = models.ForeignKey(
        Kelurahan, null=True, blank=True, on_delete=models.CASCADE, related_name="follows"
    )
    # In the confirm link; the unsubscribe link is a signature of the row instead.
    token = models.CharField(max_length=40, unique=True, default=new_follow_token)
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(complaint__isnull=False, kelurahan__isnull=True)
                | models.Q(complaint__isnull=True, kelurahan__isnull=False),
                name="portal_follow_one_target",
            ),
        ]
        indexes = [
            models.Index(fields=["complaint", "confirmed_at"], name="portal_follow_complaint"),
            models.Index(fields=["kelurahan", "confirmed_at"], name="portal_follow_kelurahan"),
        ]

    def __str__(self) -> str:
        return f"follow:{self.pk}"
