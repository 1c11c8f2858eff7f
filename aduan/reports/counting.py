"""What counts as what: the definitions behind every report figure.

The aggregation job applies them in Python (:func:`flows`, :func:`is_judged`); the
evaluation report applies :func:`is_judged` too but counts the flows with its own SQL
(``evaluation._flows_in``), and a test holds both to the same numbers.

* A stage record is *judged* when it belongs to a deadline stage, had a deadline,
  and did not end by cancellation in time (a stage cancelled after its deadline, for
  instance a late return of a wrong dispatch, is a breach). It is *on time* when it
  did not breach.
* Its *duration* is the clock time from start to completion minus the time spent
  waiting for the citizen.
* An *answer* (a ``resolved`` event) belongs to the agency of the officer who gave
  it, or to the moderators for direct answers. A *dispute* and a *rating* belong to
  the agency whose answer they judge: the complaint's latest answer before them.
* A *dispatch* counts for the lead agency named in the event.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime

from aduan.core.models import AGENCY_STATUSES, Event
from aduan.deadlines.models import SLA_STAGES, StageRecord

E = Event.Kind
FLOW_EVENTS = (E.DISPATCHED, E.RESOLVED, E.DISPUTED, E.RATED)
_SLA = frozenset(SLA_STAGES)


def is_judged(stage: str, outcome: str, breached: bool, due_at) -> bool:
    if stage not in _SLA or due_at is None:
        return False
    if outcome == StageRecord.Outcome.OPEN:
        return False
    return outcome != StageRecord.Outcome.CANCELLED or breached


def net_seconds(started_at: datetime, completed_at: datetime, paused_seconds: float) -> float:
    return max(0.0, (completed_at - started_at).total_seconds() - (paused_seconds or 0.0))


def flows(
    events: Iterable[Mapping],
    lead_of: Mapping[int, int | None],
    agency_by_code: Mapping[str, int],
) -> Iterator[tuple[Mapping, int | None, str, int]]:
    """``(event, agency_id, measure, amount)`` for the flow events of some complaints.

    ``events`` are dicts with ``complaint_id, kind, created_at, agency_id,
    from_status, data``, ordered by complaint, then time, then id; ``lead_of`` maps
    complaint ids to their lead agency.
    """
    current = None
    answered_by: int | None = None
    for event in events:
        complaint_id = event["complaint_id"]
        if complaint_id != current:
            current, answered_by = complaint_id, None
        kind = event["kind"]
        data = event["data"] or {}
        if kind == E.DISPATCHED:
            yield event, agency_by_code.get(data.get("lead")), "dispatched", 1
        elif kind == E.RESOLVED:
            agency = event["agency_id"]
            if agency is None and event["from_status"] in AGENCY_STATUSES:
                agency = lead_of.get(complaint_id)
            answered_by = agency
            yield event, agency, "answers", 1
        elif kind == E.DISPUTED:
            yield event, answered_by, "disputes", 1
        elif kind == E.RATED:
            try:
                rating = int(data.get("rating"))
            except (TypeError, ValueError):
                continue
            yield event, answered_by, "ratings", 1
            yield event, answered_by, "rating_sum", rating


FLOW_EVENT_FIELDS = ("complaint_id", "kind", "created_at", "agency_id", "from_status", "data")
STAGE_FIELDS = (
    "complaint_id",
    "stage",
    "agency_id",
    "started_at",
    "completed_at",
    "outcome",
    "breached",
    "due_at",
    "paused_clock_seconds",
)
