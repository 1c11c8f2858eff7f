"""Triage work for ``aduan worker``: automatic dispatch, keeping suggestions fresh, retraining
on a schedule and trimming the duplicate index. Each job is safe on several workers."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from aduan.core.models import MODERATOR_STATUSES, Complaint

from . import duplicates, loader
from .actions import auto_dispatch
from .models import RoutingModelVersion, Target, TrainingRun, TriageSettings
from .training import TrainingBusy, count_new_decisions, train_from_database

log = logging.getLogger("aduan.triage")

REFRESH_BATCH = 100


def refresh(batch: int = REFRESH_BATCH) -> dict:
    """Suggest for queue complaints that have none (filed before triage, or the
    computation after their filing failed) and re-predict those computed with a model
    that is no longer active."""
    from .suggest import compute

    settings = TriageSettings.load()
    queue = Complaint.objects.filter(status__in=MODERATOR_STATUSES)
    missing = list(queue.filter(triage__isnull=True).order_by("-received_at")[:batch])
    stale_filter = Q()
    for target in (Target.AGENCY, Target.CATEGORY):
        # A model that does not load would be "stale" forever: only working ones count.
        loaded = loader.active(target)
        if loaded is not None:
            stale_filter |= ~Q(**{f"triage__{target.value}_version_id": loaded.version.pk})
    stale = []
    if stale_filter:
        stale = list(
            queue.filter(triage__isnull=False)
            .filter(stale_filter)
            .order_by("-received_at")[: max(0, batch - len(missing))]
        )
    counts = {"suggested": 0, "refreshed": 0, "errors": 0}
    for complaint, full in [(c, True) for c in missing] + [(c, False) for c in stale]:
        try:
            with transaction.atomic():
                compute(complaint, full=full, settings=settings)
        except Exception:
            log.exception("triage refresh of %s failed", complaint.code)
            counts["errors"] += 1
            continue
        counts["suggested" if full else "refreshed"] += 1
    return {k: v for k, v in counts.items() if v}


def retrain(now=None) -> dict:
    """Train new versions from the database when the schedule and the decisions allow.

    At most every ``retrain_every_hours`` (counted from the last scheduled run, whatever its
    outcome) and only after ``retrain_min_decisions`` moderator decisions since the last
    version trained from the database. The training claim makes a second worker return
    at once while one trains.
    """
    settings = TriageSettings.load()
    if not settings.retrain_enabled:
        return {}
    now = now or timezone.now()
    every = timedelta(hours=settings.retrain_every_hours)
    last_run = (
        TrainingRun.objects.filter(trigger="schedule")
        .exclude(state=TrainingRun.State.ABANDONED)
        .order_by("-started_at")
        .first()
    )
    if last_run is not None and now - last_run.started_at < every:
        return {}
    last = (
        RoutingModelVersion.objects.filter(source="database")
        .defer("blob")
        .order_by("-created_at")
        .first()
    )
    decisions = count_new_decisions(last.created_at if last else None)
    if decisions < settings.retrain_min_decisions:
        return {}
    try:
        versions = train_from_database(trigger="schedule")
    except TrainingBusy:
        return {"busy": 1}
    return {"trained": len(versions), "decisions": decisions}


def cleanup(now=None) -> dict:
    """Forget duplicate-index rows no search window can reach."""
    settings = TriageSettings.load()
    now = now or timezone.now()
    deleted = duplicates.forget_before(now - timedelta(days=2 * settings.duplicate_window_days))
    return {"keys_deleted": deleted} if deleted else {}


def register_all() -> None:
    from aduan.core import jobs

    jobs.register("triage.auto_dispatch", every_seconds=60)(auto_dispatch)
    jobs.register("triage.refresh", every_seconds=300)(refresh)
    jobs.register("triage.retrain", every_seconds=3600, queue=jobs.TRAINING)(retrain)
    jobs.register("triage.cleanup", every_seconds=86400)(cleanup)
