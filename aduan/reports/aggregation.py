"""The aggregation job: keep the report tables current from the event log.

Each pass reads the events written since the last one (a watermark of event ids) and
recomputes what they touched:

1. the :class:`ComplaintSummary` of every complaint that had an event;
2. :class:`VolumeCount` for the received months of those complaints (a GROUP BY over
   the summaries of one month, indexed);
3. :class:`DailyCount` for the local days the events happened on: every stage start
   and completion happens at an event (the deadline clock uses the event's time), so
   the complaints with events on a day are exactly the ones whose records that day
   can count;
4. :class:`MonthlyCount` for the months of those days, summed from the days.

Each step recomputes whole cells from the base tables, so a pass is idempotent: running
one twice, or over an event already counted, changes nothing. That makes the watermark
simple to keep honest. Event ids are taken at insert but become visible at commit, so
a pass may see id 12 before id 11 commits; the missing ids below the watermark are kept
as *gaps* and looked for on the next passes until they are older than
:data:`GAP_PATIENCE` (a rolled-back transaction leaves a gap forever).

Several workers may run the job: a pass claims the state row with ``SKIP LOCKED`` and
a worker that finds it taken does nothing. SQLite's single writer serialises passes.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable
from datetime import date, datetime, timedelta

from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Max, Min, Q
from django.utils import timezone

from aduan.core import disclosure
from aduan.core.models import Agency, Complaint, Event
from aduan.deadlines.models import StageRecord

from . import sketch
from .counting import (
    FLOW_EVENT_FIELDS,
    FLOW_EVENTS,
    STAGE_FIELDS,
    flows,
    is_judged,
    net_seconds,
)
from .models import (
    AggregationState,
    ComplaintSummary,
    DailyCount,
    MonthlyCount,
    PerformanceCounts,
    VolumeCount,
)
from .periods import add_months, day_ranges, local_day, month_of
from .publishing import summary_fields

log = logging.getLogger("aduan.reports")

STATE_NAME = "aggregate"
EVENT_BATCH = 20_000
CHUNK = 2_000
GAP_PATIENCE = timedelta(minutes=10)
MAX_GAPS = 5_000
_SUMMARY_UPDATE_FIELDS = [
    f.name for f in ComplaintSummary._meta.concrete_fields if f.name != "complaint"
]


# -- the job --------------------------------------------------------------------------


def run(now: datetime | None = None, limit: int = EVENT_BATCH) -> dict[str, int]:
    """One pass; returns what it did (empty when there was nothing new or another
    worker holds the claim)."""
    now = now or timezone.now()
    with transaction.atomic():
        state = _claim()
        if state is None:
            return {}
        gaps = {int(i): seen for i, seen in state.gaps}
        fields = ("id", "complaint_id", "kind", "created_at", "data")
        # Two index range reads; one query with "id > n OR id IN (...)" scans the table.
        events = list(Event.objects.filter(id__in=list(gaps)).values(*fields)) if gaps else []
        events += list(
            Event.objects.filter(id__gt=state.last_event_id).order_by("id").values(*fields)[:limit]
        )
        seen = {e["id"] for e in events}
        fresh = [i for i in seen if i > state.last_event_id]
        top = max(fresh, default=state.last_event_id)
        stamp = now.timestamp()
        # The first pass starts at the oldest event there is: ids below it were never
        # written (or rolled back long ago), not in flight.
        after = state.last_event_id or (min(fresh, default=1) - 1)
        for missing in _holes(after, top, seen):
            gaps[missing] = stamp
        horizon = (now - GAP_PATIENCE).timestamp()
        gaps = {i: t for i, t in gaps.items() if i not in seen and t >= horizon}
        if not events and len(gaps) == len(state.gaps):
            return {}
        complaints = {e["complaint_id"] for e in events}
        days = {local_day(e["created_at"]) for e in events}
        days |= _days_of_privacy_changes(events)
        refresh(complaints, days)
        state.last_event_id = top
        state.gaps = sorted(gaps.items())[-MAX_GAPS:]
        state.updated_at = now
        state.save()
    return {"events": len(events), "complaints": len(complaints), "days": len(days)}


def rebuild(now: datetime | None = None) -> dict[str, int]:
    """Recompute every report table from scratch (after a restore, a bulk import, or
    to check the incremental counts)."""
    now = now or timezone.now()
    with transaction.atomic():
        state = _claim(wait=True)
        top = Event.objects.aggregate(top=Max("id"))["top"] or 0
        complaints = 0
        last = 0
        while True:
            ids = list(
                Complaint.objects.filter(pk__gt=last)
                .order_by("pk")
                .values_list("pk", flat=True)[: CHUNK * 5]
            )
            if not ids:
                break
            _refresh_summaries(ids)
            complaints += len(ids)
            last = ids[-1]
        months = sorted(ComplaintSummary.objects.values_list("month", flat=True).distinct())
        VolumeCount.objects.exclude(month__in=months).delete()
        for i in range(0, len(months), 6):
            _recount_volume(months[i : i + 6])
        span = Event.objects.aggregate(first=Min("created_at"), last=Max("created_at"))
        DailyCount.objects.all().delete()
        MonthlyCount.objects.all().delete()
        days = 0
        if span["first"]:
            month = month_of(local_day(span["first"]))
            last_month = month_of(local_day(span["last"]))
            while month <= last_month:
                next_month = add_months(month, 1)
                month_days = [month + timedelta(days=i) for i in range((next_month - month).days)]
                _recount_days(month_days)
                _rollup([month])
                days += len(month_days)
                month = next_month
        state.last_event_id = top
        # Transactions still open now took recent ids; look for those again.
        state.gaps = [(i, now.timestamp()) for i in _holes(max(0, top - 100), top, None)]
        state.updated_at = now
        state.save()
    return {"complaints": complaints, "months": len(months), "days": days}


def refresh(complaint_ids: Iterable[int], days: Iterable[date]) -> None:
    """Recompute the summaries of ``complaint_ids`` and every count they or ``days``
    touch. Call inside a transaction holding the claim (or in tests)."""
    months = _refresh_summaries(sorted(set(complaint_ids)))
    _recount_volume(sorted(months))
    days = sorted(set(days))
    if days:
        _recount_days(days)
        _rollup(sorted({month_of(d) for d in days}))


# -- the claim and the watermark -------------------------------------------------------


def _claim(wait: bool = False) -> AggregationState | None:
    if not AggregationState.objects.filter(name=STATE_NAME).exists():
        try:
            with transaction.atomic():
                AggregationState.objects.create(name=STATE_NAME)
        except IntegrityError:
            pass  # another worker created it first
    query = AggregationState.objects.filter(name=STATE_NAME)
    if connection.features.has_select_for_update_skip_locked:
        query = query.select_for_update(skip_locked=not wait)
    return query.first()


def _holes(after: int, upto: int, seen: set[int] | None) -> list[int]:
    """Ids in ``(after, upto]`` that were not read (``seen``) or do not exist (None)."""
    if upto <= after:
        return []
    if seen is None:
        seen = set(Event.objects.filter(id__gt=after, id__lte=upto).values_list("id", flat=True))
    start = max(after + 1, upto - MAX_GAPS * 4)
    return [i for i in range(start, upto + 1) if i not in seen][-MAX_GAPS:]


def _days_of_privacy_changes(events) -> set[date]:
    """A complaint made (or no longer) rahasia moves all its counts between the public
    and the internal figures: every day it had events on is touched."""
    changed = [
        e["complaint_id"]
        for e in events
        if e["kind"] == Event.Kind.CORRECTED and "privacy" in (e["data"] or {}).get("changes", {})
    ]
    if not changed:
        return set()
    moments = Event.objects.filter(complaint_id__in=changed).values_list("created_at", flat=True)
    return {local_day(m) for m in moments}


# -- summaries and volume ----------------------------------------------------------------


def _refresh_summaries(ids: list[int]) -> set[date]:
    months: set[date] = set()
    for i in range(0, len(ids), CHUNK):
        chunk = ids[i : i + CHUNK]
        # The public projection reads the category, area, agency, photos and redactions
        # of each complaint: fetched for the whole chunk at once.
        complaints = list(disclosure.prefetched(Complaint.objects.filter(pk__in=chunk)))
        rows = [ComplaintSummary(**summary_fields(c)) for c in complaints]
        months |= {row.month for row in rows}
        ComplaintSummary.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["complaint"],
            update_fields=_SUMMARY_UPDATE_FIELDS,
        )
    return months


def _recount_volume(months: list[date]) -> None:
    if not months:
        return
    grouped = (
        ComplaintSummary.objects.filter(month__in=months)
        .values("month", "public", "result", "kind", "category_id", "kelurahan_id", "agency_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    cells: Counter = Counter()
    for row in grouped:
        head = (row["month"], row["result"], row["public"])
        for dimension, key in (
            (VolumeCount.Dimension.KIND, row["kind"]),
            (VolumeCount.Dimension.CATEGORY, row["category_id"]),
            (VolumeCount.Dimension.KELURAHAN, row["kelurahan_id"]),
            (VolumeCount.Dimension.AGENCY, row["agency_id"]),
        ):
            cells[(*head, dimension, "" if key is None else str(key))] += row["n"]
    VolumeCount.objects.filter(month__in=months).delete()
    VolumeCount.objects.bulk_create(
        [
            VolumeCount(month=m, result=r, public=p, dimension=d, key=k, n=n)
            for (m, r, p, d, k), n in cells.items()
        ],
        batch_size=5000,
    )


# -- performance per day and month -------------------------------------------------------


class _Cells(dict):
    """(period, agency_id, stage, public) -> counts, created on first use."""

    def __missing__(self, key):
        value = self[key] = dict.fromkeys(PerformanceCounts.COUNT_FIELDS, 0) | {"hist": {}}
        return value


def _recount_days(days: list[date]) -> None:
    wanted = set(days)
    ranges = day_ranges(days)
    when = Q()
    for start, end in ranges:
        when |= Q(created_at__gte=start, created_at__lt=end)
    complaint_ids = sorted(
        set(Event.objects.filter(when).order_by().values_list("complaint_id", flat=True).distinct())
    )
    agency_by_code = dict(Agency.objects.values_list("code", "pk"))
    cells = _Cells()
    for i in range(0, len(complaint_ids), CHUNK):
        chunk = complaint_ids[i : i + CHUNK]
        _count_chunk(chunk, wanted, agency_by_code, cells)
    DailyCount.objects.filter(day__in=days).delete()
    DailyCount.objects.bulk_create(
        [
            DailyCount(day=day, agency_id=agency, stage=stage, public=public, **counts)
            for (day, agency, stage, public), counts in cells.items()
        ],
        batch_size=5000,
    )


def _count_chunk(chunk, wanted: set[date], agency_by_code, cells: _Cells) -> None:
    facts = {
        pk: (disclosure.in_public_figures(privacy), lead)
        for pk, privacy, lead in Complaint.objects.filter(pk__in=chunk).values_list(
            "pk", "privacy", "lead_agency_id"
        )
    }
    records = StageRecord.objects.filter(complaint_id__in=chunk).values_list(*STAGE_FIELDS)
    for complaint_id, stage, agency, started, completed, outcome, breached, due, paused in records:
        public = facts[complaint_id][0]
        day = local_day(started)
        if day in wanted:
            cells[(day, agency, stage, public)]["started"] += 1
        if completed is None:
            continue
        day = local_day(completed)
        if day not in wanted:
            continue
        cell = cells[(day, agency, stage, public)]
        cell["completed"] += 1
        if is_judged(stage, outcome, breached, due):
            seconds = net_seconds(started, completed, paused)
            cell["judged"] += 1
            cell["breached" if breached else "on_time"] += 1
            cell["seconds"] += seconds
            key = str(sketch.bin_of(seconds))
            cell["hist"][key] = cell["hist"].get(key, 0) + 1
    events = (
        Event.objects.filter(complaint_id__in=chunk, kind__in=FLOW_EVENTS)
        .order_by("complaint_id", "created_at", "id")
        .values(*FLOW_EVENT_FIELDS)
    )
    lead_of = {pk: lead for pk, (_, lead) in facts.items()}
    for event, agency, measure, amount in flows(events, lead_of, agency_by_code):
        day = local_day(event["created_at"])
        if day in wanted:
            public = facts[event["complaint_id"]][0]
            cells[(day, agency, "", public)][measure] += amount


def _rollup(months: list[date]) -> None:
    if not months:
        return
    when = Q()
    for month in months:
        when |= Q(day__gte=month, day__lt=add_months(month, 1))
    cells = _Cells()
    fields = ("day", "agency_id", "stage", "public", "hist", *PerformanceCounts.COUNT_FIELDS)
    for row in DailyCount.objects.filter(when).values(*fields).iterator(chunk_size=5000):
        cell = cells[(month_of(row["day"]), row["agency_id"], row["stage"], row["public"])]
        for field in PerformanceCounts.COUNT_FIELDS:
            cell[field] += row[field]
        sketch.add(cell["hist"], row["hist"])
    MonthlyCount.objects.filter(month__in=months).delete()
    MonthlyCount.objects.bulk_create(
        [
            MonthlyCount(month=month, agency_id=agency, stage=stage, public=public, **counts)
            for (month, agency, stage, public), counts in cells.items()
        ],
        batch_size=5000,
    )


def status() -> dict:
    """How current the counts are, for the pages' "updated at" line."""
    state = AggregationState.objects.filter(name=STATE_NAME).first()
    return {
        "updated_at": state.updated_at if state else None,
        "last_event_id": state.last_event_id if state else 0,
    }


__all__ = ["rebuild", "refresh", "run", "status"]
