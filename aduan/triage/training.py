"""Training routing models from the city's own decisions or from an archive, as versions.

What the database teaches (``decisions_dataset``): for every complaint, its dispatches and
returns in order, and the moderators' reviews of automatic dispatches. The last dispatch
wins; a return ("bukan wewenang") unlearns the dispatch before it; an automatic dispatch
counts only once a moderator reviewed it (confirmed, or corrected to the right agency).
The agency model learns from the text plus the category *as the citizen filed it* (the
one a new complaint will have), the kelurahan and the channel; the category model from the
text, kelurahan and channel, to the final category.
"""

from __future__ import annotations

import contextlib
import logging
import os
from dataclasses import dataclass, field
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from aduan.core.models import MODERATOR_STATUSES, Category, Complaint, Event
from aduan.lib.routing import RoutingModel, order_by_date, read_labelled_csv

from .models import (
    Review,
    RoutingModelVersion,
    Target,
    TrainingRun,
    TriageSettings,
)

log = logging.getLogger("aduan.triage")

# Fewer labelled complaints than this teach nothing worth suggesting.
MIN_ROWS = 20
# A claimed training that never finished (a killed worker) stops blocking after this.
STALE_AFTER = timedelta(hours=3)
# Fields a CSV column can stand for, so the model sees them as it will on new complaints.
FIELDS = ("category", "kelurahan", "channel")


class TrainingBusy(Exception):
    """Another training is running."""


@dataclass
class Dataset:
    texts: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    extras: list[dict] = field(default_factory=list)
    skipped: int = 0

    def __len__(self) -> int:
        return len(self.texts)


# -- what the database teaches --------------------------------------------------------------


def final_agencies() -> dict[int, str]:
    """Complaint id -> the agency code it should have gone to, by the rules above."""
    label: dict[int, str | None] = {}
    trusted: dict[int, bool] = {}
    last_dispatch: dict[int, int] = {}
    rows = (
        Event.objects.filter(kind__in=(Event.Kind.DISPATCHED, Event.Kind.RETURNED))
        .order_by("complaint_id", "created_at", "id")
        .values_list("complaint_id", "id", "kind", "data")
    )
    for complaint_id, event_id, kind, data in rows.iterator(chunk_size=5000):
        data = data or {}
        if kind == Event.Kind.DISPATCHED and data.get("lead"):
            label[complaint_id] = data["lead"]
            trusted[complaint_id] = not data.get("automatic")
            last_dispatch[complaint_id] = event_id
        elif kind == Event.Kind.RETURNED:
            label[complaint_id] = None
    reviews = Review.objects.order_by("created_at", "id").values_list(
        "complaint_id", "event_id", "agency__code"
    )
    for complaint_id, event_id, agency_code in reviews:
        # A review speaks for the dispatch it reviewed, unless that was returned or replaced.
        if last_dispatch.get(complaint_id) == event_id and label.get(complaint_id):
            label[complaint_id] = agency_code
            trusted[complaint_id] = True
    return {cid: code for cid, code in label.items() if code and trusted.get(cid)}


def _filed_categories() -> dict[int, str | None]:
    """Complaint id -> the category code before the first moderator correction of it."""
    filed: dict[int, str | None] = {}
    rows = (
        Event.objects.filter(kind=Event.Kind.CORRECTED, data__changes__has_key="category")
        .order_by("complaint_id", "created_at", "id")
        .values_list("complaint_id", "data")
    )
    for complaint_id, data in rows.iterator(chunk_size=5000):
        if complaint_id not in filed:
            filed[complaint_id] = (data.get("changes", {}).get("category") or [None])[0]
    return filed


def decisions_dataset(target: str) -> Dataset:
    """The labelled complaints of the database for ``target``, oldest first."""
    labels = final_agencies()
    dataset = Dataset()
    if not labels:
        return dataset
    filed = _filed_categories() if target == Target.AGENCY else {}
    names = dict(Category.objects.values_list("code", "name"))
    rows = (
        Complaint.objects.filter(pk__in=list(labels))
        .order_by("received_at", "pk")
        .values_list("pk", "text", "channel", "kelurahan__name", "category__code")
    )
    for pk, text, channel, kelurahan, category in rows.iterator(chunk_size=2000):
        extra = {"channel": channel}
        if kelurahan:
            extra["kelurahan"] = kelurahan
        if target == Target.AGENCY:
            label = labels[pk]
            code = filed.get(pk, category)
            if code and names.get(code):
                extra["category"] = names[code]
        else:
            label = category
        if not (text or "").strip() or not label:
            dataset.skipped += 1
            continue
        dataset.texts.append(text)
        dataset.labels.append(label)
        dataset.extras.append(extra)
    return dataset


def count_new_decisions(since=None) -> int:
    """Moderator decisions (dispatches, corrections, reviews) after ``since`` (all if None)."""
    events = Event.objects.filter(
        kind__in=(Event.Kind.DISPATCHED, Event.Kind.CORRECTED), actor__isnull=False
    )
    reviews = Review.objects.all()
    if since is not None:
        events = events.filter(created_at__gt=since)
        reviews = reviews.filter(created_at__gt=since)
    return events.count() + reviews.count()


# -- honest figures ----------------------------------------------------------------------------


def metrics_of(model: RoutingModel, precision_target: float) -> dict:
    """What the model's own selection measured on the most recent slice of its history.

    ``auto_dispatch`` counts what the per-agency guard lets through; ``thresholds`` and
    ``guard`` hold, per stored precision target, the threshold and the blocked labels.
    """
    selection = model.selection
    chosen = (selection.get("candidates") or {}).get(selection.get("chosen"), {})
    threshold, _ = model.auto_for(precision_target)
    entry = model.auto.get(str(precision_target), {})
    return {
        "method": "recent holdout",
        "n": model.n_train,
        "n_holdout": (selection.get("holdout") or {}).get("n", 0),
        "pipeline": selection.get("chosen"),
        "fallback": bool(selection.get("fallback")),
        "accuracy": chosen.get("accuracy"),
        "macro_f1": chosen.get("macro_f1"),
        "per_class": selection.get("per_class") or {},
        "auto_dispatch": {
            "precision_target": precision_target,
            "threshold": float(threshold),
            "coverage": float(entry.get("guarded_coverage") or 0.0),
            "precision": entry.get("guarded_precision"),
        },
        "thresholds": {t: float(v["threshold"]) for t, v in model.auto.items()},
        "guard": {t: list(v["blocked"]) for t, v in model.auto.items()},
        "selection": {k: v for k, v in selection.items() if k != "per_class"},
    }


def category_table() -> dict[str, str]:
    """The city's category-to-agency table: category name -> agency code (active ones)."""
    return dict(
        Category.objects.filter(is_active=True, agency__is_active=True).values_list(
            "name", "agency__code"
        )
    )


# -- versions ------------------------------------------------------------------------------------


def fit_version(
    target: str,
    dataset: Dataset,
    *,
    source: str,
    precision_target: float,
    activate: bool = True,
    trained_by: str = "",
) -> RoutingModelVersion:
    """Train on ``dataset`` (oldest first): the model selects its pipeline, threshold and
    per-agency guard on the most recent slice, then refits on everything. Store (and
    activate) a version. With too little history the agency model is led by the category
    table and never auto-dispatches."""
    if len(dataset) == 0:
        raise ValueError("no labelled complaints to train on")
    table = category_table() if target == Target.AGENCY else None
    model = RoutingModel(precision_target=precision_target).fit(
        dataset.texts, dataset.labels, dataset.extras or None, table=table
    )
    metrics = metrics_of(model, precision_target)
    version = RoutingModelVersion.objects.create(
        target=target,
        source=source[:200],
        trained_by=trained_by[:120],
        n_train=len(dataset),
        n_skipped=dataset.skipped,
        labels=list(model.classes_),
        metrics=metrics,
        precision_target=precision_target,
        threshold=metrics["auto_dispatch"]["threshold"],
        blob=model.to_bytes(),
    )
    if activate:
        activate_version(version)
    log.info(
        "routing model v%s (%s) trained on %s complaints: %s, accuracy %s",
        version.pk,
        target,
        version.n_train,
        metrics["pipeline"],
        metrics.get("accuracy"),
    )
    return version


@transaction.atomic
def activate_version(version: RoutingModelVersion) -> RoutingModelVersion:
    # Lock the target's rows so two activations cannot interleave.
    list(
        RoutingModelVersion.objects.select_for_update()
        .filter(target=version.target)
        .values_list("pk", flat=True)
    )
    RoutingModelVersion.objects.filter(target=version.target, is_active=True).exclude(
        pk=version.pk
    ).update(is_active=False)
    RoutingModelVersion.objects.filter(pk=version.pk).update(is_active=True)
    version.is_active = True
    return version


def rollback(target: str) -> RoutingModelVersion:
    """Activate the version before the active one; ValueError when there is none."""
    current = RoutingModelVersion.objects.filter(target=target, is_active=True).first()
    if current is None:
        raise ValueError(f"no active {target} model to roll back from")
    previous = (
        RoutingModelVersion.objects.filter(target=target, pk__lt=current.pk)
        .defer("blob")
        .order_by("-pk")
        .first()
    )
    if previous is None:
        raise ValueError(f"v{current.pk} is the oldest {target} model; nothing to roll back to")
    return activate_version(previous)


# -- the claim -------------------------------------------------------------------------------------


@contextlib.contextmanager
def training_run(trigger: str):
    """Claim the one training slot (raises TrainingBusy when taken) and record the run."""
    now = timezone.now()
    TrainingRun.objects.filter(finished_at__isnull=True, started_at__lt=now - STALE_AFTER).update(
        state=TrainingRun.State.ABANDONED, finished_at=now
    )
    try:
        with transaction.atomic():
            run = TrainingRun.objects.create(trigger=trigger)
    except IntegrityError as exc:
        raise TrainingBusy("another routing model training is running") from exc
    try:
        yield run
    except BaseException as exc:
        run.detail = {**run.detail, "error": repr(exc)[:500]}
        _finish(run, TrainingRun.State.FAILED)
        raise
    _finish(run, run.state if run.state != TrainingRun.State.RUNNING else TrainingRun.State.DONE)


def _finish(run: TrainingRun, state: str) -> None:
    run.state = state
    run.finished_at = timezone.now()
    run.save(update_fields=["state", "finished_at", "detail"])


# -- entry points --------------------------------------------------------------------------------


def train_from_database(
    *,
    targets=(Target.AGENCY, Target.CATEGORY),
    activate: bool = True,
    trigger: str = "command",
    trained_by: str = "",
    precision_target: float | None = None,
    min_rows: int = MIN_ROWS,
    folds: int | None = None,
    refresh: bool = True,
) -> list[RoutingModelVersion]:
    """Train a version per target from the moderators' decisions; return the new versions.

    A target with fewer than ``min_rows`` labelled complaints (or a single label) is
    skipped. ``folds`` is ignored: kept for older callers, from when figures came from
    cross-validation (the model now measures itself on its most recent slice). With
    ``refresh`` the moderator queue's suggestions are recomputed with the new
    models. Raises TrainingBusy when another training runs.
    """
    target_precision = precision_target or TriageSettings.load().precision_target
    versions = []
    with training_run(trigger) as run:
        for target in targets:
            dataset = decisions_dataset(target)
            if len(dataset) < min_rows or len(set(dataset.labels)) < 2:
                run.detail[target] = f"skipped: {len(dataset)} labelled complaints"
                continue
            version = fit_version(
                target,
                dataset,
                source="database",
                precision_target=target_precision,
                activate=activate,
                trained_by=trained_by or trigger,
            )
            run.detail[target] = f"v{version.pk}"
            versions.append(version)
        if not versions:
            run.state = TrainingRun.State.SKIPPED
    if refresh and versions and activate:
        refresh_queue()
    return versions


def train_from_csv(
    path: str,
    *,
    text_column: str,
    label_column: str,
    extra_columns: dict[str, str] | None = None,
    target: str = Target.AGENCY,
    activate: bool = True,
    trigger: str = "command",
    trained_by: str = "",
    precision_target: float | None = None,
    date_column: str | None = None,
) -> RoutingModelVersion:
    """Train a version from an archive CSV (any column names).

    ``extra_columns`` maps a column to the field it holds ("category", "kelurahan",
    "channel"), so the model meets it again on new complaints. Rows with an empty text or
    label are skipped and counted in ``n_skipped``. The rows' order is taken as time order,
    unless ``date_column`` names the column to sort them by (undated rows are skipped).
    """
    extra_columns = extra_columns or {}
    wanted = list(extra_columns) + ([date_column] if date_column else [])
    rows, skipped = read_labelled_csv(path, text_column, label_column, wanted or None)
    if date_column:
        rows, undated = order_by_date(rows, date_column)
        skipped += undated
    dataset = Dataset(skipped=skipped)
    for row in rows:
        dataset.texts.append(row[0])
        dataset.labels.append(row[1])
        if extra_columns:
            extra = (row[2] if len(row) > 2 else None) or {}
            dataset.extras.append({extra_columns[k]: v for k, v in extra.items()})
    if len(dataset) == 0:
        raise ValueError(f"no usable rows in {path} ({skipped} skipped)")
    target_precision = precision_target or TriageSettings.load().precision_target
    with training_run(trigger) as run:
        version = fit_version(
            target,
            dataset,
            source=f"csv:{os.path.basename(path)}",
            precision_target=target_precision,
            activate=activate,
            trained_by=trained_by or trigger,
        )
        run.detail[target] = f"v{version.pk}"
    if activate:
        refresh_queue()
    return version


def refresh_queue(limit: int = 1000) -> int:
    """Recompute the suggestions of the moderator queue (newest first); return how many."""
    from .suggest import compute

    settings = TriageSettings.load()
    done = 0
    queue = Complaint.objects.filter(status__in=MODERATOR_STATUSES).select_related(
        "kelurahan", "category", "triage"
    )
    for complaint in queue.order_by("-received_at")[:limit]:
        has_suggestion = hasattr(complaint, "triage")
        try:
            with transaction.atomic():
                compute(complaint, full=not has_suggestion, settings=settings)
        except Exception:
            log.exception("refreshing the suggestion of %s failed", complaint.code)
            continue
        done += 1
    return done
