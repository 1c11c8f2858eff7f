"""A direct recount of what the aggregation tables should hold, written plainly from
the base tables and the written definitions, to check the job against."""

from collections import Counter, defaultdict

from django.utils import timezone

from aduan.core.models import AGENCY_STATUSES, Agency, Complaint, Event, Privacy
from aduan.deadlines.models import SLA_STAGES, StageRecord
from aduan.reports.models import DailyCount, MonthlyCount, VolumeCount, result_of


def _month(moment):
    return timezone.localtime(moment).date().replace(day=1)


def volume() -> Counter:
    cells = Counter()
    for c in Complaint.objects.all():
        head = (_month(c.received_at), result_of(c.status, c.outcome), c.privacy != Privacy.RAHASIA)
        for dimension, key in (
            ("kind", c.kind),
            ("category", c.category_id),
            ("kelurahan", c.kelurahan_id),
            ("agency", c.lead_agency_id),
        ):
            cells[(*head, dimension, "" if key is None else str(key))] += 1
    return cells


def stored_volume() -> Counter:
    return Counter(
        {
            (v.month, v.result, v.public, v.dimension, v.key): v.n
            for v in VolumeCount.objects.all()
            if v.n
        }
    )


FIELDS = (
    "started",
    "completed",
    "judged",
    "on_time",
    "breached",
    "dispatched",
    "answers",
    "disputes",
    "ratings",
    "rating_sum",
)


def performance() -> dict:
    """{(month, agency_id, stage, public): Counter(field -> n)} without zero fields."""
    cells = defaultdict(Counter)
    public = {pk: p != Privacy.RAHASIA for pk, p in Complaint.objects.values_list("pk", "privacy")}
    for r in StageRecord.objects.all():
        pub = public[r.complaint_id]
        cells[(_month(r.started_at), r.agency_id, r.stage, pub)]["started"] += 1
        if r.completed_at is None:
            continue
        cell = cells[(_month(r.completed_at), r.agency_id, r.stage, pub)]
        cell["completed"] += 1
        judged = (
            r.stage in SLA_STAGES
            and r.due_at is not None
            and (r.outcome != StageRecord.Outcome.CANCELLED or r.breached)
        )
        if judged:
            cell["judged"] += 1
            cell["breached" if r.breached else "on_time"] += 1
    codes = dict(Agency.objects.values_list("code", "pk"))
    for c in Complaint.objects.all():
        answered_by = None
        for e in Event.objects.filter(complaint=c).order_by("created_at", "id"):

            def key(agency, e=e, c=c):
                return (_month(e.created_at), agency, "", public[c.pk])

            if e.kind == Event.Kind.DISPATCHED:
                cells[key(codes.get(e.data.get("lead")))]["dispatched"] += 1
            elif e.kind == Event.Kind.RESOLVED:
                answered_by = e.agency_id
                if answered_by is None and e.from_status in AGENCY_STATUSES:
                    answered_by = c.lead_agency_id
                cells[key(answered_by)]["answers"] += 1
            elif e.kind == Event.Kind.DISPUTED:
                cells[key(answered_by)]["disputes"] += 1
            elif e.kind == Event.Kind.RATED:
                cells[key(answered_by)]["ratings"] += 1
                cells[key(answered_by)]["rating_sum"] += e.data["rating"]
    return {k: +v for k, v in cells.items() if +v}


def stored_performance(model=MonthlyCount) -> dict:
    cells = defaultdict(Counter)
    for row in model.objects.all():
        period = row.month if model is MonthlyCount else row.day.replace(day=1)
        for field in FIELDS:
            cells[(period, row.agency_id, row.stage, row.public)][field] += getattr(row, field)
    return {k: +v for k, v in cells.items() if +v}


def snapshot() -> tuple:
    """Everything the job wrote, comparable across runs."""
    volume_rows = sorted(
        VolumeCount.objects.filter(n__gt=0).values_list(
            "month", "dimension", "key", "result", "public", "n"
        )
    )
    monthly = sorted(
        (
            r["month"],
            r["agency_id"] or 0,
            r["stage"],
            r["public"],
            tuple(sorted(r["hist"].items())),
            *(r[f] for f in FIELDS),
            round(r["seconds"], 3),
        )
        for r in MonthlyCount.objects.values()
    )
    daily = sorted(
        (r["day"], r["agency_id"] or 0, r["stage"], r["public"], *(r[f] for f in FIELDS))
        for r in DailyCount.objects.values()
    )
    return volume_rows, monthly, daily
