"""Time the deadline sweep over 100,000 open complaints.

Run from the repository root (not a test; a few minutes on SQLite, more on PostgreSQL):

    .venv/bin/python bench/bench_sweep.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/aduan .venv/bin/python bench/bench_sweep.py

It builds its own throw-away database (Django's test-database machinery: a temporary
SQLite file, or ``<name>_bench`` beside the database that ``DATABASE_URL`` names on the
PostgreSQL server), fills it with ``bulk_create`` (bypassing the lifecycle: the bench
measures the sweep, not the loading), moves 1% of the open complaints' running stages
past their deadline, times one sweep and counts the SQL statements it sends, and prints
a Markdown table for docs/benchmarks.md.
"""

import os
import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

COMPLAINTS = int(os.environ.get("BENCH_COMPLAINTS", "100000"))
DUE_SHARE = 0.01
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
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
        # Named after the configured database, so that two people benching on one
        # server never drop each other's.
        database["TEST"] = {"NAME": f"{database['NAME']}_bench"}
    django.setup()
    from django.db import connection

    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    return connection, old_name


def load() -> str:
    """The machine's 1/5/15-minute load averages (the bench machine is shared)."""
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


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


def make_due(share, rng, taken):
    """Move ``share`` of the open complaints back in time, with every running stage of
    theirs: its deadline passed two hours ago (the board step is due, the reminder is
    stale and gets skipped). ``taken`` keeps the complaints of earlier rounds out, so
    that every round sweeps fresh stages. Returns (complaints, stages) moved."""
    from aduan.core.models import Complaint
    from aduan.deadlines.models import StageRecord

    open_ids = sorted(
        set(StageRecord.objects.filter(outcome="").values_list("complaint_id", flat=True)) - taken
    )
    chosen = rng.sample(open_ids, int(COMPLAINTS * share))
    taken.update(chosen)
    records = list(StageRecord.objects.filter(outcome="", complaint_id__in=chosen))
    for record in records:
        span = record.due_at - record.started_at
        record.due_at = record.base_due_at = NOW - timedelta(hours=2)
        record.started_at = record.due_at - span
        record.next_escalation_at = record.started_at
    StageRecord.objects.bulk_update(
        records, ["due_at", "base_due_at", "started_at", "next_escalation_at"], batch_size=1000
    )
    by_complaint = {record.complaint_id: record for record in records}
    complaints = list(Complaint.objects.filter(pk__in=by_complaint))
    for complaint in complaints:
        record = by_complaint[complaint.pk]
        complaint.due_at, complaint.due_stage = record.due_at, record.stage
    Complaint.objects.bulk_update(complaints, ["due_at", "due_stage"], batch_size=1000)
    return len(chosen), len(records)


class Statements:
    """Counts the SQL statements sent while installed, by their first word."""

    def __init__(self):
        self.kinds = Counter()

    def __call__(self, execute, sql, params, many, context):
        self.kinds[sql.lstrip().split(None, 1)[0].upper()] += 1
        return execute(sql, params, many, context)

    @property
    def total(self):
        return sum(self.kinds.values())

    def __str__(self):
        parts = ", ".join(f"{n} {kind}" for kind, n in self.kinds.most_common())
        return f"{self.total} ({parts})"


def counted(connection, func, *args, **kwargs):
    """(seconds, result, statements) of one call."""
    statements = Statements()
    with connection.execute_wrapper(statements):
        seconds, result = timed(func, *args, **kwargs)
    return seconds, result, statements


def explain():
    """Query plans of the sweep's probe and of its batch claim."""
    from aduan.deadlines.models import StageRecord

    due = StageRecord.objects.filter(outcome="", next_escalation_at__lte=NOW)
    batch = due.order_by("next_escalation_at", "id")[:200]
    return f"probe (exists):\n{due.order_by().explain()}\nbatch:\n{batch.explain()}"


def hook_cost(categories, n=200):
    """Milliseconds per create + dispatch pair, with and without the deadline hook."""
    from aduan.core import effects, lifecycle
    from aduan.core.models import Agency, User

    hook = "aduan.deadlines.clock.on_transition"
    moderator = User.objects.filter(role="moderator").first()
    agency = Agency.objects.get(code="opd0")

    def pairs():
        for i in range(n):
            c, _ = lifecycle.create_complaint(
                text=f"uji {i}", channel="web", category=categories[0], at=NOW
            )
            lifecycle.dispatch(c, moderator, lead=agency, at=NOW)

    with_hook, _ = timed(pairs)
    declared = effects.SUBSCRIBERS
    effects.SUBSCRIBERS = tuple(path for path in declared if path != hook)
    effects.subscribers.cache_clear()
    try:
        without, _ = timed(pairs)
    finally:
        effects.SUBSCRIBERS = declared
        effects.subscribers.cache_clear()
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
        idle_statements = counted(connection, sweep, NOW)[2]
        rng, taken = random.Random(7), set()
        if os.environ.get("BENCH_PROFILE"):
            import cProfile

            make_due(DUE_SHARE, rng, taken)
            cProfile.runctx(
                "sweep(NOW)",
                globals(),
                {"sweep": sweep, "NOW": NOW},
                str(Path(tempfile.gettempdir()) / "aduan-sweep.prof"),
            )
        rounds = []
        for _ in range(ROUNDS):
            complaints, due = make_due(DUE_SHARE, rng, taken)
            busy_s, counts, statements = counted(connection, sweep, NOW)
            rounds.append((complaints, due, busy_s, counts, statements))
            print(
                f"round: {complaints} complaints, {due} stages due: {busy_s:.2f} s,"
                f" {statements.total} statements, {dict(sorted(counts.items()))},"
                f" load average {load()}"
            )
        after_s, after = timed(sweep, NOW)
        idle_after = [timed(sweep, NOW)[0] for _ in range(5)]
        plan = explain()
        with_hook, without = hook_cost(categories)
        print()
        print(f"load average after the rounds: {load()} ({os.cpu_count()} CPUs)")
        print(f"| {vendor} | measure | result |")
        print("| --- | --- | --- |")
        print(
            f"| {vendor} | sweep, nothing due (median of 5) | {statistics.median(idle) * 1000:.1f} ms |"
        )
        # The round in the middle by time stands for the rest.
        complaints, due, busy_s, counts, statements = sorted(rounds, key=lambda r: r[2])[
            len(rounds) // 2
        ]
        median_s = busy_s
        print(
            f"| {vendor} | sweep, {due} stages due ({complaints} complaints, {DUE_SHARE:.0%}),"
            f" median of {len(rounds)} rounds | {median_s:.2f} s ({median_s / max(due, 1) * 1000:.2f} ms per stage);"
            f" each: {', '.join(f'{r[2]:.2f}' for r in rounds)} s |"
        )
        print(
            f"| {vendor} | statements of that sweep | {statements}; {statements.total / max(due, 1):.2f} per stage |"
        )
        print(f"| {vendor} | statements, nothing due | {idle_statements} |")
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
