"""Reading the pre-aggregated counts: the numbers every report page shows.

Nothing here touches the complaint or event tables except :func:`overdue_now`, a
bounded live query on the indexed (status, due_at) pair.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Sum
from django.utils import timezone

from aduan.core.models import RUNNING_CLOCK_STATUSES, Complaint
from aduan.deadlines.models import Stage

from . import sketch
from .models import MonthlyCount, PerformanceCounts, Result, VolumeCount

OPEN_STAGES = (Stage.DISPATCH, Stage.RESPONSE, Stage.RESOLUTION, Stage.BUDGET)


@dataclass
class Perf:
    """Counts of one agency (and stage) summed over some months."""

    started: int = 0
    completed: int = 0
    judged: int = 0
    on_time: int = 0
    breached: int = 0
    seconds: float = 0.0
    dispatched: int = 0
    answers: int = 0
    disputes: int = 0
    ratings: int = 0
    rating_sum: int = 0
    hist: dict = field(default_factory=dict)

    def add(self, row) -> None:
        for name in PerformanceCounts.COUNT_FIELDS:
            setattr(self, name, getattr(self, name) + row[name])
        sketch.add(self.hist, row["hist"] or {})

    def merge(self, other: Perf) -> None:
        for name in PerformanceCounts.COUNT_FIELDS:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        sketch.add(self.hist, other.hist)

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time / self.judged if self.judged else None

    @property
    def median_seconds(self) -> float | None:
        return sketch.quantile(self.hist, 0.5)

    @property
    def mean_rating(self) -> float | None:
        return self.rating_sum / self.ratings if self.ratings else None

    @property
    def reopen_rate(self) -> float | None:
        return self.disputes / self.answers if self.answers else None


def performance(months: list[date], public: bool | None = None) -> dict[tuple, Perf]:
    """``{(agency_id or None, stage): Perf}`` over ``months``; ``stage`` "" holds the
    agency-level flows. ``public=True`` leaves out rahasia complaints."""
    query = MonthlyCount.objects.filter(month__in=months)
    if public:
        query = query.filter(public=True)
    result: dict[tuple, Perf] = defaultdict(Perf)
    fields = ("agency_id", "stage", "hist", *PerformanceCounts.COUNT_FIELDS)
    for row in query.values(*fields):
        result[(row["agency_id"], row["stage"])].add(row)
    return dict(result)


def open_at(end_month: date, public: bool | None = None) -> dict[tuple, int]:
    """``{(agency_id, stage): n}`` stage records still running at the start of
    ``end_month``: every start before it minus every completion before it."""
    query = MonthlyCount.objects.filter(month__lt=end_month, stage__in=OPEN_STAGES)
    if public:
        query = query.filter(public=True)
    rows = query.values("agency_id", "stage").annotate(s=Sum("started"), c=Sum("completed"))
    return {(r["agency_id"], r["stage"]): r["s"] - r["c"] for r in rows if r["s"] - r["c"]}


def volume(dimension: str, months: list[date], public: bool = True) -> dict[str, Counter]:
    """``{key: Counter(result -> n)}`` of complaints received in ``months``."""
    query = VolumeCount.objects.filter(dimension=dimension, month__in=months)
    if public:
        query = query.filter(public=True)
    result: dict[str, Counter] = defaultdict(Counter)
    rows = query.values("key", "result").annotate(total=Sum("n")).order_by()
    for row in rows:
        result[row["key"]][row["result"]] += row["total"]
    return dict(result)


def volume_by_month(months: list[date], public: bool = True) -> dict[date, Counter]:
    query = VolumeCount.objects.filter(dimension=VolumeCount.Dimension.KIND, month__in=months)
    if public:
        query = query.filter(public=True)
    result: dict[date, Counter] = {m: Counter() for m in months}
    rows = query.values("month", "result").annotate(total=Sum("n")).order_by()
    for row in rows:
        result[row["month"]][row["result"]] += row["total"]
    return result


def overdue_now() -> dict[int | None, int]:
    """Complaints past their running deadline right now, by lead agency (None: still
    with the moderators). The warning board's query, counted."""
    rows = (
        Complaint.objects.filter(status__in=RUNNING_CLOCK_STATUSES, due_at__lt=timezone.now())
        .values("lead_agency_id", "due_stage")
        .annotate(n=Count("pk"))
        .order_by()
    )
    result: Counter = Counter()
    for row in rows:
        agency = row["lead_agency_id"] if row["due_stage"] != Stage.DISPATCH else None
        result[agency] += row["n"]
    return dict(result)


# The results that say what became of a complaint, in the order reports list them.
OUTCOME_RESULTS = (
    Result.FIXED,
    Result.ANSWERED,
    Result.REFERRED,
    Result.PLANNED,
    Result.CANNOT_ACT,
)


@dataclass
class Outcomes:
    """Complaints by what became of them, each outcome counted on its own.

    ``fixed_rate`` is the share of complaints with an outcome that were actually fixed:
    a referral, an explanation, a plan or a refusal is an outcome but never a fix.
    """

    fixed: int = 0
    answered: int = 0
    referred: int = 0
    planned: int = 0
    cannot_act: int = 0

    NAMES = ("fixed", "answered", "referred", "planned", "cannot_act")

    @classmethod
    def of(cls, counter) -> Outcomes:
        return cls(
            fixed=counter.get(Result.FIXED, 0),
            answered=counter.get(Result.ANSWERED, 0),
            referred=counter.get(Result.REFERRED, 0),
            planned=counter.get(Result.PLANNED, 0),
            cannot_act=counter.get(Result.CANNOT_ACT, 0),
        )

    def add(self, other: Outcomes) -> None:
        for name in self.NAMES:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def concluded(self) -> int:
        return sum(getattr(self, name) for name in self.NAMES)

    @property
    def fixed_rate(self) -> float | None:
        return self.fixed / self.concluded if self.concluded else None

    def items(self) -> list[tuple[str, int]]:
        """(result value, n) in report order, for tables and exports."""
        return list(zip(OUTCOME_RESULTS, (getattr(self, n) for n in self.NAMES), strict=True))


def outcomes_by_agency(months: list[date], public: bool = False) -> dict[int | None, Outcomes]:
    """``{lead agency id or None: Outcomes}`` of complaints received in ``months``, as
    they stand at the last aggregation. ``public=True`` leaves out rahasia complaints."""
    result = {}
    for key, counter in volume(VolumeCount.Dimension.AGENCY, months, public).items():
        result[int(key) if key else None] = Outcomes.of(counter)
    return result


def outcomes_total(months: list[date], public: bool = False) -> Outcomes:
    """The city's :class:`Outcomes` of complaints received in ``months``."""
    total = Outcomes()
    for counter in volume(VolumeCount.Dimension.KIND, months, public).values():
        total.add(Outcomes.of(counter))
    return total


@dataclass
class Quality:
    """What citizens made of an agency's answers in a period, beside its timeliness.

    ``answers`` and ``disputes`` count events (an answer disputed twice is two disputes);
    ``answered`` and ``reopened`` count complaints: those answered in the period, and
    those of them reopened by the reporter in it (in Aduan a complaint is reopened only
    by a dispute). ``rating_points`` sums ratings mapped to 0..1 (1 star 0, 5 stars 1).
    """

    answers: int = 0
    disputes: int = 0
    answered: int = 0
    reopened: int = 0
    rated: int = 0
    rating_points: float = 0.0


def quality_by_agency(start, end) -> dict[int, Quality]:
    """``{lead agency id: Quality}`` from the event rows of ``[start, end)``: three
    grouped queries on the events' indexed time, read once per scorecard."""
    from aduan.core.models import Event

    events = Event.objects.filter(
        created_at__gte=start, created_at__lt=end, complaint__lead_agency__isnull=False
    )
    result: dict[int, Quality] = defaultdict(Quality)
    kinds = (Event.Kind.RESOLVED, Event.Kind.DISPUTED)
    for row in (
        events.filter(kind__in=kinds)
        .values("complaint__lead_agency", "kind")
        .annotate(n=Count("id"), complaints=Count("complaint", distinct=True))
    ):
        entry = result[row["complaint__lead_agency"]]
        if row["kind"] == Event.Kind.RESOLVED:
            entry.answers, entry.answered = row["n"], row["complaints"]
        else:
            entry.disputes, entry.reopened = row["n"], row["complaints"]
    # Each complaint rated in the period counts once, with its rating as it stands.
    for row in (
        events.filter(kind=Event.Kind.RATED, complaint__rating__isnull=False)
        .values("complaint__lead_agency", "complaint_id", "complaint__rating")
        .distinct()
    ):
        entry = result[row["complaint__lead_agency"]]
        entry.rated += 1
        entry.rating_points += (min(max(row["complaint__rating"], 1), 5) - 1) / 4
    for entry in result.values():
        # A complaint answered before the period and reopened in it is not one of the
        # period's answers: the rates never pass 1.
        entry.reopened = min(entry.reopened, entry.answered)
        entry.disputes = min(entry.disputes, entry.answers)
    return dict(result)
