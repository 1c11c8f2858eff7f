"""Triage work for ``aduan worker``: automatic dispatch, keeping suggestions fresh, retraining
on a schedule and trimming the duplicate index. Each job is safe on several workers."""

from __future__ import annotations

import logging
import time
from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from aduan.core.models import MODERATOR_STATUSES, Complaint

from . import duplicates, loader
from .actions import auto_dispatch
from .models import RoutingModelVersion, Suggestion, Target, TrainingRun, TriageSettings
from .training import TrainingBusy, count_new_decisions, train_from_database

log = logging.getLogger("aduan.triage")

REFRESH_BATCH = 100
NEW_BATCH = 100
# Seconds one triage.new run may keep going before it hands over to the next tick.
NEW_BUDGET_SECONDS = 20.0


def _claim_untriaged(pk: int) -> Complaint | None:
    """Inside a transaction: the complaint, locked, if it still has no suggestion and no
    other worker is suggesting it now; else None.

    ``skip_locked`` passes over a complaint another worker holds; the second look at the
    suggestion, a statement of its own, sees one committed between the first query and
    the lock (the lock's recheck would not: the suggestion is another table). On SQLite
    there is one worker process, and these locks are no-ops.
    """
    complaint = (
        Complaint.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(pk=pk, status__in=MODERATOR_STATUSES)
        .first()
    )
    if complaint is None or Suggestion.objects.filter(complaint_id=pk).exists():
        return None
    return complaint


def _suggest_new(pks, settings, counts: dict, failed: set) -> None:
    from .suggest import compute

    for pk in pks:
        try:
            with transaction.atomic():
                complaint = _claim_untriaged(pk)
                if complaint is None:
                    continue
                compute(complaint, full=True, settings=settings)
        except Exception:
            log.exception("triage of complaint %s failed", pk)
            failed.add(pk)
            counts["errors"] += 1
            continue
        counts["suggested"] += 1


def triage_new(batch: int = NEW_BATCH, budget_seconds: float = NEW_BUDGET_SECONDS) -> dict:
    """Suggest for queue complaints that have none yet, oldest first, within a time budget.

    New complaints come here instead of being triaged in the citizen's request (hooks.py):
    routing, spam and personal-data screening, the duplicate search and mass events, one
    complaint per transaction, in filing order (a mass event forms as its reports came
    in). Several workers share the work: each complaint is claimed with its row lock.
    A complaint whose computation fails is left for the next run.
    """
    settings = TriageSettings.load()
    started = time.monotonic()
    counts = {"suggested": 0, "errors": 0}
    failed: set[int] = set()
    while time.monotonic() - started < budget_seconds:
        pks = list(
            Complaint.objects.filter(status__in=MODERATOR_STATUSES, triage__isnull=True)
            .exclude(pk__in=failed)
            .order_by("received_at", "pk")
            .values_list("pk", flat=True)[:batch]
        )
        if not pks:
            break
        before = counts["suggested"] + counts["errors"]
        _suggest_new(pks, settings, counts, failed)
        if counts["suggested"] + counts["errors"] == before:
            break  # all held by other workers
    return {k: v for k, v in counts.items() if v}


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
    _suggest_new([c.pk for c in missing], settings, counts, set())
    for complaint in stale:
        try:
            with transaction.atomic():
                compute(complaint, full=False, settings=settings)
        except Exception:
            log.exception("triage refresh of %s failed", complaint.code)
            counts["errors"] += 1
            continue
        counts["refreshed"] += 1
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

    jobs.register("triage.new", every_seconds=2, queue=jobs.TRIAGE)(triage_new)
    jobs.register("triage.auto_dispatch", every_seconds=60)(auto_dispatch)
    jobs.register("triage.refresh", every_seconds=300)(refresh)
    jobs.register("triage.retrain", every_seconds=3600, queue=jobs.TRAINING)(retrain)
    jobs.register("triage.cleanup", every_seconds=86400)(cleanup)
