"""Time the deadline sweep over 100,000 open complaints.

Run from the repository root (not a test; a few minutes on SQLite, more on PostgreSQL):

    .venv/bin/python bench/bench_sweep.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/aduan .venv/bin/python bench/bench_sweep.py

It builds its own throw-away database (Django's test-database machinery: a temporary
SQLite file, or ``aduan_bench_sweep`` on the PostgreSQL server), fills it with
``bulk_create`` (bypassing the lifecycle: the bench measures the sweep, not the
loading), and prints a Markdown table for docs/benchmarks.md.
"""

import os
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

COMPLAINTS = int(os.environ.get("BENCH_COMPLAINTS", "100000"))
DUE_SHARE = 0.01
WIB = ZoneInfo("Asia/Jakarta")
# A Tuesday in office hours, so that escalation e-mails are not held until the morning.
NOW = datetime(2026, 3, 10, 11, 0, tzinfo=WIB)


def setup_django():
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aduan.settings_test")
    import django
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):
        # A file, as in production (WAL), not the in-memory test database.
        path = Path(tempfile.mkdtemp(prefix="aduan-bench-")) / "bench.sqlite3"
        database["TEST"] = {"NAME": str(path)}
    else:
        database["TEST"] = {"NAME": "aduan_bench_sweep"}
    django.setup()
    from django.db import connection

    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    return connection, old_name


def timed(func, *args, **kwargs):
    began = time.perf_counter()
    result = func(*args, **kwargs)
    return time.perf_counter() - began, result


def master_data():
    from aduan.core.models import Agency, Category, Kecamatan, Kelurahan, Role, User

    kecamatan = Kecamatan.objects.create(code="35.73.01", name="Blimbing")
    kelurahan = [
        Kelurahan.objects.create(code=f"35.73.01.10{i:02d}", name=f"Kel {i}", kecamatan=kecamatan)
        for i in range(10)
    ]
    agencies, categories = [], []
    for i in range(10):
        agency = Agency.objects.create(code=f"opd{i}", name=f"Dinas {i}", short_name=f"OPD{i}")
        agencies.append(agency)
        categories.append(
            Category.objects.create(code=f"cat{i}", name=f"Kategori {i}", agency=agency)
        )
        for role in (Role.ADMIN_OPD, Role.KEPALA_OPD):
            User.objects.create(
                username=f"{role}.{i}", email=f"{role}.{i}@bench.test", role=role, agency=agency
            )
    kominfo = Agency.objects.create(code="diskominfo", name="Diskominfo", short_name="Kominfo")
    for i in range(3):
        User.objects.create(
            username=f"mod{i}", email=f"mod{i}@bench.test", role=Role.MODERATOR, agency=kominfo
        )
    User.objects.create(username="sekda", email="sekda@bench.test", role=Role.PIMPINAN)
    return kelurahan, agencies, categories


def fill(kelurahan, categories):
    """100,000 open complaints with their running stage records; nothing due at NOW.

    The records are what ``aduan.deadlines.clock.Ledger`` would have written.
    """
    from aduan.core.models import Complaint, Status
    from aduan.deadlines.models import StageRecord
    from aduan.deadlines.policy import add_amount
    from aduan.deadlines.store import get_calendar, get_policy

    calendar, policy = get_calendar(), get_policy()
    rng = random.Random(2026)
    complaints = []
    for i in range(COMPLAINTS):
        roll = rng.random()
        status = (
            Status.BARU if roll < 0.1 else Status.DIDISPOSISIKAN if roll < 0.4 else Status.DIPROSES
        )
        category = rng.choice(categories)
        # Every clock started within the last hour: no step is due yet.
        start = NOW - timedelta(seconds=rng.randrange(3600))
        complaints.append(
            Complaint(
                code=f"BEN-{i:07d}",
                channel="web",
                text="Aduan uji beban.",
                status=status,
                category=category,
                lead_agency_id=None if status == Status.BARU else category.agency_id,
                kelurahan=rng.choice(kelurahan),
                received_at=start,
                dispatched_at=None if status == Status.BARU else start,
            )
        )
    Complaint.objects.bulk_create(complaints, batch_size=2000)
    stages = {
        Status.BARU: ("dispatch",),
        Status.DIDISPOSISIKAN: ("response", "resolution"),
        Status.DIPROSES: ("resolution",),
    }
    rules = {
        s: policy.rule_for(s, kind="pengaduan", category_id=None, priority="normal")
        for s in ("dispatch", "response", "resolution")
    }
    records = []
    for complaint in Complaint.objects.only(
        "id", "status", "received_at", "lead_agency_id"
    ).iterator(chunk_size=5000):
        for stage in stages[complaint.status]:
            rule = rules[stage]
            due = add_amount(calendar, complaint.received_at, rule.amount, rule.unit)
            record = StageRecord(
                complaint_id=complaint.pk,
                stage=stage,
                agency_id=complaint.lead_agency_id,
                unit=rule.unit,
                started_at=complaint.received_at,
                base_due_at=due,
                due_at=due,
            )
            record.next_escalation_at = _next_step(record, policy, calendar)
            records.append(record)
    StageRecord.objects.bulk_create(records, batch_size=5000)
    return len(records)


def _next_step(record, policy, calendar):
    from aduan.deadlines.policy import step_moment

    moments = [
        step_moment(
            calendar,
            step,
            started_at=record.started_at,
            base_due_at=record.base_due_at,
            due_at=record.due_at,
            unit=record.unit,
        )
        for step in policy.steps_for(record.stage)
    ]
    return min(m for m in moments if m is not None)


def make_due(share):
    """Move ``share`` of the running stages back in time: their deadline passed two
    hours ago (the board step is due, the reminder is stale and gets skipped)."""
    from aduan.core.models import Complaint
    from aduan.deadlines.models import StageRecord

    rng = random.Random(7)
    ids = list(StageRecord.objects.filter(outcome="").values_list("id", flat=True))
    chosen = rng.sample(ids, int(len(ids) * share))
    records = list(StageRecord.objects.filter(id__in=chosen))
    for record in records:
        span = record.due_at - record.started_at
        record.due_at = record.base_due_at = NOW - timedelta(hours=2)
        record.started_at = record.due_at - span
        record.next_escalation_at = record.started_at
    StageRecord.objects.bulk_update(
        records, ["due_at", "base_due_at", "started_at", "next_escalation_at"], batch_size=1000
    )
    for record in records:
        Complaint.objects.filter(pk=record.complaint_id).update(
            due_at=record.due_at, due_stage=record.stage
        )
    return len(records)


def explain():
    """Query plans of the sweep's probe and of its batch claim."""
    from aduan.deadlines.models import StageRecord

    due = StageRecord.objects.filter(outcome="", next_escalation_at__lte=NOW)
    batch = due.order_by("next_escalation_at", "id")[:200]
    return f"probe (exists):\n{due.order_by().explain()}\nbatch:\n{batch.explain()}"


def hook_cost(categories, n=200):
    """Milliseconds per create + dispatch pair, with and without the deadline hook."""
    from aduan.core import lifecycle
    from aduan.core.models import Agency, User
    from aduan.deadlines.clock import on_transition

    moderator = User.objects.filter(role="moderator").first()
    agency = Agency.objects.get(code="opd0")

    def pairs():
        for i in range(n):
            c, _ = lifecycle.create_complaint(
                text=f"uji {i}", channel="web", category=categories[0], at=NOW
            )
            lifecycle.dispatch(c, moderator, lead=agency, at=NOW)

    with_hook, _ = timed(pairs)
    lifecycle.TRANSITION_HOOKS.remove(on_transition)
    try:
        without, _ = timed(pairs)
    finally:
        lifecycle.TRANSITION_HOOKS.append(on_transition)
    return with_hook / n * 1000, without / n * 1000


def main():
    connection, old_name = setup_django()
    from aduan.deadlines.sweep import sweep

    vendor = connection.vendor
    try:
        kelurahan, _agencies, categories = master_data()
        fill_s, records = timed(fill, kelurahan, categories)
        print(
            f"{vendor}: {COMPLAINTS} complaints, {records} running stages, filled in {fill_s:.1f} s"
        )
        # The worker imports the URLconf once, on its first escalation e-mail; do it
        # before the clock starts.
        from django.urls import reverse

        reverse("deadlines:board")
        idle = [timed(sweep, NOW)[0] for _ in range(5)]
        due = make_due(DUE_SHARE)
        if os.environ.get("BENCH_PROFILE"):
            import cProfile

            cProfile.runctx(
                "sweep(NOW)",
                globals(),
                {"sweep": sweep, "NOW": NOW},
                str(Path(tempfile.gettempdir()) / "aduan-sweep.prof"),
            )
            make_due(DUE_SHARE)
        busy_s, counts = timed(sweep, NOW)
        after_s, after = timed(sweep, NOW)
        idle_after = [timed(sweep, NOW)[0] for _ in range(5)]
        plan = explain()
        with_hook, without = hook_cost(categories)
        print()
        print(f"| {vendor} | measure | result |")
        print("| --- | --- | --- |")
        print(
            f"| {vendor} | sweep, nothing due (median of 5) | {statistics.median(idle) * 1000:.1f} ms |"
        )
        print(
            f"| {vendor} | sweep, {due} stages due ({DUE_SHARE:.0%}) | {busy_s:.2f} s ({busy_s / max(due, 1) * 1000:.1f} ms per stage) |"
        )
        print(f"| {vendor} | what it did | {dict(sorted(counts.items()))} |")
        print(
            f"| {vendor} | next sweep, nothing left | {after_s * 1000:.1f} ms ({after or 'idle'}),"
            f" then {statistics.median(idle_after) * 1000:.1f} ms |"
        )
        print(
            f"| {vendor} | create + dispatch, with / without deadline hook | {with_hook:.1f} / {without:.1f} ms per pair |"
        )
        print()
        print("Query plans:")
        print(plan)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
