"""Forgetting what the portal no longer needs, run hourly by the worker.

A recovery code lives ten minutes; its row is kept a few days longer only so that the
per-complaint limit and a support question can still see it. An unconfirmed follow is an
e-mail address someone typed, perhaps not its owner's: if the confirm link was not opened
within a few days, the address is not kept. Both deletes are idempotent, so two workers
running the job at once do no harm.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from .models import Follow, RecoveryCode

KEEP = timedelta(days=3)


def purge_spent(*, now=None) -> dict[str, int]:
    now = now or timezone.now()
    cutoff = now - KEEP
    codes, _detail = RecoveryCode.objects.filter(expires_at__lt=cutoff).delete()
    follows, _detail = Follow.objects.filter(
        confirmed_at__isnull=True, created_at__lt=cutoff
    ).delete()
    return {"recovery_codes": codes, "unconfirmed_follows": follows}
