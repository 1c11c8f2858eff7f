"""The bimonthly evaluation report, built straight from the stage records and events.

Diskominfo evaluates every two months and reports to the Sekda. Per agency: what was
still unanswered and unresolved when the period ended (with the list of complaints),
breaches by stage, items planned for a budget year (with the year), on-time rates,
median times, answers, disputes and ratings; and what the meeting decides on
(``accountability.py``): the scorecard, the ladder steps proposed and approved, the
improvement plans and whether the previous period's held, the complaints' outcomes. The figures follow the same definitions
(``counting.py``) as the dashboard, which reads the pre-aggregated counts instead; a
test computes both for the same period and holds them equal.

Nothing here reads the reporter's identity or the complaint text. The report is read
by the leaders and also published: :meth:`Evaluation.published` (what the PDF and XLSX
carry) counts a complaint the public may not see (see ``core.disclosure``) without
naming it: no code, category or kelurahan.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import datetime

from django.db.models import (
    BooleanField,
    Case,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    When,
)
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy

from aduan.core.models import AGENCY_STATUSES, Category, Complaint, Event, Kelurahan, Status
from aduan.deadlines.models import SLA_STAGES, Stage, StageRecord

from . import accountability, sketch
from .accountability import Accountability
from .counting import is_judged
from .dashboard import AgencyRow, agencies_by_id, slowest_first
from .periods import Period, local_day

LIST_TITLES = {
    "undispatched": gettext_lazy("Belum didisposisikan"),
    "unanswered": gettext_lazy("Belum ditanggapi"),
    "unresolved": gettext_lazy("Belum selesai"),
    "deferred": gettext_lazy("Direncanakan pada tahun anggaran"),
}
E = Event.Kind
OPEN_FIELDS = {
    Stage.DISPATCH: "undispatched",
    Stage.RESPONSE: "unanswered",
    Stage.RESOLUTION: "unresolved",
    Stage.BUDGET: "deferred",
}


@dataclass
class Item:
    """One complaint in a list of the report: identifiers and dates only."""

    code: str
    category: str
    kelurahan: str
    status: str
    started_at: datetime
    due_at: datetime | None
    days_late: int | None = None
    planned_year: int | None = None
    # May the public see the complaint as an item (``Complaint.objects.listed()``)?
    listed: bool = True

    def published(self) -> Item:
        """The item as the published files carry it."""
        if self.listed:
            return self
        return replace(self, code="", category="", kelurahan="")


@dataclass
class Evaluation:
    period: Period
    rows: list[AgencyRow]
    items: dict = field(default_factory=dict)  # (agency_id, kind) -> [Item]
    # The scorecard, ladder steps, plans and outcomes (``accountability.py``).
    accountability: Accountability | None = None
    generated_at: datetime = field(default_factory=timezone.now)

    def published(self) -> Evaluation:
        """The report as it may leave the office: the same figures, and the complaints
        the public may not see counted without their code, category or kelurahan."""
        items = {key: [i.published() for i in values] for key, values in self.items.items()}
        return replace(self, items=items)

    def items_for(self, row: AgencyRow, kind: str) -> list[Item]:
        return self.items.get((row.agency.pk if row.agency else None, kind), [])

    def sections(self, limit: int | None = None) -> list[dict]:
        """Per agency with any open item, its lists: ``{"row", "lists": [(kind, title,
        shown_items, total, is_budget)]}``; ``limit`` caps the items shown per list."""
        result = []
        for row in self.rows:
            lists = []
            for kind, title in LIST_TITLES.items():
                items = self.items_for(row, kind)
                if items:
                    shown = items[:limit] if limit else items
                    lists.append((kind, title, shown, len(items), kind == "deferred"))
            if lists:
                result.append({"row": row, "lists": lists})
        return result

    @property
    def totals(self) -> AgencyRow:
        total = AgencyRow(None)
        for row in self.rows:
            for name in (
                "dispatched",
                "answers",
                "disputes",
                "ratings",
                "rating_sum",
                "undispatched",
                "unanswered",
                "unresolved",
                "deferred",
            ):
                setattr(total, name, getattr(total, name) + getattr(row, name))
            for attr in ("judged", "on_time", "breaches"):
                mine = getattr(total, attr)
                for stage, n in getattr(row, attr).items():
                    mine[stage] = mine.get(stage, 0) + n
        return total


def build(period: Period) -> Evaluation:
    agencies = agencies_by_id()
    rows: dict[int | None, AgencyRow] = {}

    def row(agency_id) -> AgencyRow:
        if agency_id not in rows:
            rows[agency_id] = AgencyRow(agencies.get(agency_id) if agency_id else None)
        return rows[agency_id]

    start, end = period.start, period.end
    hists: dict[tuple, dict] = defaultdict(dict)
    # The database subtracts: one interval per row instead of four timestamps to parse.
    completed = (
        StageRecord.objects.filter(
            completed_at__gte=start, completed_at__lt=end, stage__in=SLA_STAGES
        )
        .annotate(
            took=ExpressionWrapper(F("completed_at") - F("started_at"), DurationField()),
            has_due=ExpressionWrapper(Q(due_at__isnull=False), BooleanField()),
        )
        .values_list(
            "stage", "agency_id", "outcome", "breached", "has_due", "took", "paused_clock_seconds"
        )
    )
    for stage, agency, outcome, breached, has_due, took, paused in completed.iterator(
        chunk_size=5000
    ):
        if not is_judged(stage, outcome, breached, True if has_due else None):
            continue
        target = row(agency)
        target.judged[stage] = target.judged.get(stage, 0) + 1
        bucket = target.breaches if breached else target.on_time
        bucket[stage] = bucket.get(stage, 0) + 1
        key = str(sketch.bin_of(max(0.0, took.total_seconds() - (paused or 0.0))))
        hist = hists[(agency, stage)]
        hist[key] = hist.get(key, 0) + 1
    for (agency, stage), hist in hists.items():
        row(agency).medians[stage] = sketch.quantile(hist)

    items: dict[tuple, list[Item]] = defaultdict(list)
    # Tens of thousands of rows at city scale: tuples and name lookups, not model objects.
    categories = dict(Category.objects.values_list("pk", "name"))
    kelurahan = dict(Kelurahan.objects.values_list("pk", "name"))
    statuses = dict(Status.choices)
    running = (
        StageRecord.objects.filter(started_at__lt=end)
        .filter(Q(completed_at__isnull=True) | Q(completed_at__gte=end))
        .annotate(listed=Exists(Complaint.objects.listed().filter(pk=OuterRef("complaint_id"))))
        .order_by("started_at", "id")
        .values_list(
            "stage",
            "agency_id",
            "started_at",
            "due_at",
            "complaint__code",
            "complaint__status",
            "complaint__category_id",
            "complaint__kelurahan_id",
            "listed",
        )
    )
    end_day = local_day(end)
    for stage, agency, started, due, code, status, category, place, listed in running.iterator(
        chunk_size=5000
    ):
        target = row(agency)
        name = OPEN_FIELDS[stage]
        setattr(target, name, getattr(target, name) + 1)
        budget = stage == Stage.BUDGET
        items[(agency, name)].append(
            Item(
                code=code,
                category=categories.get(category, ""),
                kelurahan=kelurahan.get(place, ""),
                status=str(statuses.get(status, status)),
                started_at=started,
                due_at=due,
                days_late=(end_day - local_day(due)).days
                if due is not None and due < end and not budget
                else None,
                planned_year=timezone.localtime(due).year if budget and due else None,
                listed=bool(listed),
            )
        )

    agency_by_code = {a.code: a.pk for a in agencies.values()}
    for agency, measure, amount in _flows_in(start, end, agency_by_code):
        target = row(agency)
        setattr(target, measure, getattr(target, measure) + amount)

    result = [r for r in rows.values() if not r.is_empty]
    return Evaluation(
        period=period,
        rows=slowest_first(result),
        items=dict(items),
        accountability=accountability.build(period),
    )


def _answering_agency():
    """The agency an answer event belongs to (``counting.py``), as a SQL expression."""
    return Coalesce(
        F("agency_id"),
        Case(When(from_status__in=AGENCY_STATUSES, then=F("complaint__lead_agency_id"))),
    )


def _flows_in(start, end, agency_by_code):
    """``(agency_id, measure, amount)`` of the flow events in ``[start, end)``, counted by
    the database. A second implementation of ``counting.flows`` (which the aggregation
    job runs in Python): the equality test holds the two to the same definition."""
    period = Event.objects.filter(created_at__gte=start, created_at__lt=end).order_by()
    dispatched = (
        period.filter(kind=E.DISPATCHED)
        .annotate(lead=KeyTextTransform("lead", "data"))
        .values("lead")
        .annotate(n=Count("pk"))
    )
    for row in dispatched:
        yield agency_by_code.get(row["lead"]), "dispatched", row["n"]
    answers = (
        period.filter(kind=E.RESOLVED)
        .annotate(who=_answering_agency())
        .values("who")
        .annotate(n=Count("pk"))
    )
    for row in answers:
        yield row["who"], "answers", row["n"]
    # A dispute or a rating judges the complaint's latest answer before it.
    earlier = (
        Event.objects.filter(complaint_id=OuterRef("complaint_id"), kind=E.RESOLVED)
        .filter(
            Q(created_at__lt=OuterRef("created_at"))
            | Q(created_at=OuterRef("created_at"), id__lt=OuterRef("id"))
        )
        .annotate(who=_answering_agency())
        .order_by("-created_at", "-id")
        .values("who")[:1]
    )
    judged = (
        period.filter(kind__in=(E.DISPUTED, E.RATED))
        .annotate(
            who=Subquery(earlier), rating=Cast(KeyTextTransform("rating", "data"), IntegerField())
        )
        .values("who", "kind")
        .annotate(n=Count("pk"), total=Sum("rating"))
    )
    for row in judged:
        if row["kind"] == E.DISPUTED:
            yield row["who"], "disputes", row["n"]
        else:
            yield row["who"], "ratings", row["n"]
            yield row["who"], "rating_sum", row["total"] or 0
