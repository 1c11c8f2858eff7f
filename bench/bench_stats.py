"""Time the report pages and the aggregation job over 1,000,000 complaints (PostgreSQL).

Run from the repository root (not a test; the first run generates the data, a few
minutes, and rebuilds every count; later runs reuse both):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/aduan .venv/bin/python bench/bench_stats.py

It keeps its own database, ``aduan_bench_stats`` on the same server (the name in
DATABASE_URL only says where the server is). Generation bypasses the lifecycle and
writes with COPY what the lifecycle and the deadline clock would have written:
complaints, their events and their stage records over three years. Environment:
``BENCH_COMPLAINTS`` (default 1,000,000), ``BENCH_FRESH=1`` to drop and regenerate,
``BENCH_REBUILD=1`` to time the full rebuild again. Prints a Markdown table for
docs/benchmarks.md.
"""

import json
import os
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlparse, urlunparse

COMPLAINTS = int(os.environ.get("BENCH_COMPLAINTS", "1000000"))
DB_NAME = "aduan_bench_stats"
MARKER = "bench-generated"
DAYS = 3 * 365
SEED = 2611
CHUNK = 50_000


def setup_django():
    """Point Django at the bench database (created when missing) and migrate it."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL server (postgres://user@host:port/db).")
    import psycopg

    parts = urlparse(url)
    admin = urlunparse(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB_NAME]).fetchone()
        if exists and os.environ.get("BENCH_FRESH") == "1":
            conn.execute(f'DROP DATABASE "{DB_NAME}" WITH (FORCE)')
            exists = None
        if not exists:
            conn.execute(f'CREATE DATABASE "{DB_NAME}"')
    os.environ["DATABASE_URL"] = urlunparse(parts._replace(path=f"/{DB_NAME}"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aduan.settings_test")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def timed(func, *args, **kwargs):
    began = time.perf_counter()
    result = func(*args, **kwargs)
    return time.perf_counter() - began, result


# -- generation -----------------------------------------------------------------------


class Ids:
    def __init__(self, start=1):
        self.next = start

    def take(self):
        value = self.next
        self.next += 1
        return value


def generate():
    """Write COMPLAINTS complaints with their events and stage records, with COPY."""
    import secrets

    from django.db import connection

    from aduan.core.models import Agency, Category, Kelurahan, RejectionReason, Role, User
    from aduan.deadlines.store import get_calendar
    from aduan.demo import corpus
    from aduan.demo import loader as demo

    demo.load_master_data()
    calendar = get_calendar()
    rng = random.Random(SEED)
    categories = {c.code: (c.pk, c.agency_id) for c in Category.objects.all()}
    kelurahan = {k.code: (k.pk, k.kecamatan_id) for k in Kelurahan.objects.all()}
    agency_code = dict(Agency.objects.values_list("pk", "code"))
    moderators = list(User.objects.filter(role=Role.MODERATOR).values_list("pk", flat=True))
    admins = dict(User.objects.filter(role=Role.ADMIN_OPD).values_list("agency_id", "pk"))
    spam = RejectionReason.objects.order_by("pk").first()
    end = datetime(2026, 11, 20, 17, 0, tzinfo=UTC)
    start = end - timedelta(days=DAYS)
    pool = corpus.generate_complaints(
        20_000, seed=SEED, start=start.date(), end=start.date() + timedelta(days=360)
    )
    span = (end - start).total_seconds()
    moments = sorted(start + timedelta(seconds=rng.random() * span) for _ in range(COMPLAINTS))

    complaint_cols = [
        "id",
        "code",
        "token",
        "kind",
        "privacy",
        "channel",
        "priority",
        "status",
        "text",
        "reporter_name",
        "reporter_phone",
        "reporter_email",
        "reporter_handle",
        "kecamatan_id",
        "kelurahan_id",
        "address",
        "latitude",
        "longitude",
        "category_id",
        "lead_agency_id",
        "received_at",
        "verified_at",
        "dispatched_at",
        "first_response_at",
        "answered_at",
        "closed_at",
        "updated_at",
        "resume_status",
        "returned",
        "budget_year",
        "budget_plan",
        "answer",
        "outcome",
        "outcome_note",
        "rejection_reason_id",
        "reopen_count",
        "rating",
        "rating_comment",
        "due_stage",
        "version",
    ]
    event_cols = [
        "id",
        "complaint_id",
        "kind",
        "actor_id",
        "actor_label",
        "agency_id",
        "from_status",
        "to_status",
        "note",
        "is_public",
        "data",
        "created_at",
    ]
    stage_cols = [
        "complaint_id",
        "stage",
        "cycle",
        "agency_id",
        "unit",
        "multi_agency",
        "started_at",
        "base_due_at",
        "due_at",
        "paused_clock_seconds",
        "paused_working_seconds",
        "completed_at",
        "outcome",
        "breached",
    ]
    events, sequence = Ids(), {}
    agency_ids = sorted(admins)
    n_events = n_stages = 0
    with connection.cursor() as cursor:
        raw = cursor.connection
        # One COPY at a time per connection: each chunk copies its complaints, then
        # their events, then their stage records.
        for first in range(0, COMPLAINTS, CHUNK):
            rows, event_rows, stage_rows = [], [], []
            for pk in range(first + 1, min(first + CHUNK, COMPLAINTS) + 1):
                received = moments[pk - 1]
                item = pool[rng.randrange(len(pool))]
                local = received + timedelta(hours=7)
                period = f"{local.year % 100:02d}{local.month:02d}"
                sequence[period] = sequence.get(period, 0) + 1
                row, evs, stages = _walk(
                    rng,
                    pk,
                    received,
                    end,
                    item,
                    categories,
                    kelurahan,
                    agency_code,
                    moderators,
                    admins,
                    agency_ids,
                    spam.pk,
                    calendar,
                )
                row["id"] = pk
                row["code"] = f"ADU-{period}-{sequence[period]:06d}"
                row["token"] = secrets.token_urlsafe(16)
                rows.append([row.get(c) for c in complaint_cols])
                for ev in evs:
                    ev["id"] = events.take()
                    ev["complaint_id"] = pk
                    event_rows.append([ev.get(c) for c in event_cols])
                stage_rows += [[st.get(c) for c in stage_cols] for st in stages]
            for table, cols, data in (
                ("core_complaint", complaint_cols, rows),
                ("core_event", event_cols, event_rows),
                ("deadlines_stagerecord", stage_cols, stage_rows),
            ):
                with (
                    raw.cursor() as copy_cursor,
                    copy_cursor.copy(f"COPY {table} ({', '.join(cols)}) FROM STDIN") as copy,
                ):
                    for values in data:
                        copy.write_row(values)
            n_events += len(event_rows)
            n_stages += len(stage_rows)
            print(f"  {first + len(rows):,} complaints", flush=True)
        for table in ("core_complaint", "core_event", "deadlines_stagerecord"):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608 - fixed table names
                f"(SELECT max(id) FROM {table}))"
            )
        for period, last in sequence.items():
            cursor.execute(
                "INSERT INTO core_codesequence (period, last) VALUES (%s, %s) "
                "ON CONFLICT (period) DO UPDATE SET last = EXCLUDED.last",
                [period, last],
            )
        cursor.execute("ANALYZE")
    return n_events, n_stages


def _walk(
    rng,
    pk,
    received,
    end,
    item,
    categories,
    kelurahan,
    agency_code,
    moderators,
    admins,
    agency_ids,
    spam_id,
    calendar,
):
    """One complaint's row, events and stage records, as the lifecycle would write them."""
    category = categories.get(item["category"])
    kel = kelurahan.get(item["kelurahan"])
    privacy = "rahasia" if rng.random() < 0.03 else item["privacy"]
    row = {
        "kind": item["kind"],
        "privacy": privacy,
        "channel": item["channel"],
        "priority": "normal",
        "text": item["text"],
        "reporter_name": item["reporter_name"] or "",
        "reporter_phone": item["reporter_phone"] or "",
        "reporter_email": "",
        "reporter_handle": "",
        "kecamatan_id": kel[1] if kel else None,
        "kelurahan_id": kel[0] if kel else None,
        "address": item["address"] or "",
        "latitude": item["lat"],
        "longitude": item["lon"],
        "category_id": category[0] if category else None,
        "received_at": received,
        "updated_at": received,
        "resume_status": "",
        "returned": False,
        "budget_plan": "",
        "answer": "",
        "outcome": "",
        "outcome_note": "",
        "reopen_count": 0,
        "rating_comment": "",
        "due_stage": "",
        "version": 1,
    }
    evs = [_ev("created", None, "Pelapor", None, "", "baru", received, {"channel": "web"})]
    stages = []
    age = (end - received).days
    roll = rng.random()
    moderator = rng.choice(moderators)
    if roll < 0.04 or (age < 2 and roll < 0.3):
        row["status"] = "baru"
        stages.append(_stage(pk, "dispatch", None, received, received + timedelta(hours=24)))
        return row, evs, stages
    dispatched = received + timedelta(hours=rng.lognormvariate(1.5, 1.0))
    if roll < 0.08:
        row.update(status="ditolak", rejection_reason_id=spam_id, closed_at=dispatched)
        evs.append(_ev("rejected", moderator, "", None, "baru", "ditolak", dispatched, {}))
        stages.append(
            _stage(pk, "dispatch", None, received, received + timedelta(hours=24), dispatched)
        )
        return row, evs, stages
    agency = category[1] if category else rng.choice(agency_ids)
    admin = admins.get(agency)
    row.update(lead_agency_id=agency, verified_at=dispatched, dispatched_at=dispatched)
    evs.append(
        _ev(
            "dispatched",
            moderator,
            "",
            None,
            "baru",
            "didisposisikan",
            dispatched,
            {"lead": agency_code[agency], "supporting": [], "automatic": False},
        )
    )
    stages.append(
        _stage(pk, "dispatch", None, received, received + timedelta(hours=24), dispatched)
    )
    # Some agencies are slower: the lognormal's centre depends on the agency.
    slowness = 1.0 + (agency % 7) * 0.25
    acknowledged = dispatched + timedelta(hours=rng.lognormvariate(2.0, 0.9) * slowness)
    resolved = acknowledged + timedelta(hours=rng.lognormvariate(3.3, 0.8) * slowness)
    response_due = dispatched + timedelta(hours=24)
    resolution_due = calendar.add_working_days(dispatched, 3)
    if acknowledged > end or (age < 10 and roll < 0.2):
        row["status"] = "didisposisikan"
        stages.append(_stage(pk, "response", agency, dispatched, response_due))
        stages.append(_stage(pk, "resolution", agency, dispatched, resolution_due))
        return row, evs, stages
    row.update(status="diproses", first_response_at=acknowledged)
    evs.append(
        _ev("acknowledged", admin, "", agency, "didisposisikan", "diproses", acknowledged, {})
    )
    stages.append(_stage(pk, "response", agency, dispatched, response_due, acknowledged))
    if roll < 0.11:
        year = (received + timedelta(days=400)).year
        row.update(status="ditunda_anggaran", budget_year=year, budget_plan="Masuk rencana APBD.")
        evs.append(
            _ev(
                "deferred",
                admin,
                "",
                agency,
                "diproses",
                "ditunda_anggaran",
                resolved,
                {"year": year},
            )
        )
        stages.append(
            _stage(
                pk, "resolution", agency, dispatched, resolution_due, resolved, outcome="deferred"
            )
        )
        stages.append(
            _stage(pk, "budget", agency, resolved, datetime(year, 12, 31, 16, 59, 59, tzinfo=UTC))
        )
        return row, evs, stages
    if resolved > end:
        stages.append(_stage(pk, "resolution", agency, dispatched, resolution_due))
        return row, evs, stages
    outcome = rng.choices(
        ["ditangani", "dijawab", "dirujuk", "tidak_dapat"], weights=[80, 10, 6, 4]
    )[0]
    row.update(
        status="selesai",
        answered_at=resolved,
        outcome=outcome,
        answer="Terima kasih, aduan sudah kami tindak lanjuti di lapangan.",
        outcome_note="Dinas terkait" if outcome in ("dirujuk", "tidak_dapat") else "",
    )
    evs.append(
        _ev("resolved", admin, "", agency, "diproses", "selesai", resolved, {"outcome": outcome})
    )
    stages.append(_stage(pk, "resolution", agency, dispatched, resolution_due, resolved))
    if rng.random() < 0.04 and resolved + timedelta(days=3) < end:
        # Disputed, reopened with the agency, answered again: a second cycle.
        disputed = resolved + timedelta(hours=20)
        again = disputed + timedelta(hours=rng.lognormvariate(3.0, 0.8) * slowness)
        if again < end:
            evs.append(
                _ev("disputed", None, "Pelapor", None, "selesai", "didisposisikan", disputed, {})
            )
            evs.append(
                _ev(
                    "resolved",
                    admin,
                    "",
                    agency,
                    "didisposisikan",
                    "selesai",
                    again,
                    {"outcome": outcome},
                )
            )
            stages.append(
                {
                    **_stage(
                        pk, "response", agency, disputed, disputed + timedelta(hours=24), again
                    ),
                    "cycle": 2,
                }
            )
            stages.append(
                {
                    **_stage(
                        pk,
                        "resolution",
                        agency,
                        disputed,
                        calendar.add_working_days(disputed, 3),
                        again,
                    ),
                    "cycle": 2,
                }
            )
            row.update(reopen_count=1, answered_at=again)
            resolved = again
    if rng.random() < 0.45 and resolved + timedelta(days=2) < end:
        rating = rng.choices([1, 2, 3, 4, 5], weights=[6, 8, 16, 35, 35])[0]
        row["rating"] = rating
        evs.append(
            _ev(
                "rated",
                None,
                "Pelapor",
                None,
                "selesai",
                "selesai",
                resolved + timedelta(days=1),
                {"rating": rating, "via": "web"},
            )
        )
    closed = resolved + timedelta(days=7)
    if closed < end:
        row.update(status="ditutup", closed_at=closed)
        evs.append(
            _ev("closed", None, "Sistem", None, "selesai", "ditutup", closed, {"automatic": True})
        )
    return row, evs, stages


def _ev(kind, actor, label, agency, before, after, at, data):
    return {
        "kind": kind,
        "actor_id": actor,
        "actor_label": label,
        "agency_id": agency,
        "from_status": before,
        "to_status": after,
        "note": "",
        "is_public": kind != "rated",
        "data": json.dumps(data),
        "created_at": at,
    }


def _stage(pk, stage, agency, started, due, completed=None, outcome=None):
    late = completed is not None and due is not None and completed > due and stage != "budget"
    if completed is not None and outcome is None:
        outcome = "late" if late else "met"
    return {
        "complaint_id": pk,
        "stage": stage,
        "cycle": 1,
        "agency_id": agency,
        "unit": "" if stage == "budget" else "clock_hours",
        "multi_agency": False,
        "started_at": started,
        "base_due_at": due,
        "due_at": due,
        "paused_clock_seconds": 0.0,
        "paused_working_seconds": 0.0,
        "completed_at": completed,
        "outcome": outcome or "",
        "breached": late,
    }


# -- measuring ------------------------------------------------------------------------


def page_time(client, url, runs=5):
    client.get(url)  # warm: templates, caches, the database's buffers
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        response = client.get(url)
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)
        times.append(time.perf_counter() - began)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(times)


def a_day_of_work(n_new, n_steps):
    """New complaints and transitions through the real lifecycle, as a busy hour brings:
    moderators dispatch, agencies acknowledge and answer."""
    from aduan.core import lifecycle
    from aduan.core.models import Complaint, Kelurahan, Role, Status, User

    rng = random.Random(time.time_ns())
    kelurahan = list(Kelurahan.objects.all())
    moderator = User.objects.filter(role=Role.MODERATOR).first()
    admins = {u.agency_id: u for u in User.objects.filter(role=Role.ADMIN_OPD)}
    for _ in range(n_new):
        lifecycle.create_complaint(
            text="Lampu jalan mati sejak kemarin malam.",
            channel="web",
            kelurahan=rng.choice(kelurahan),
        )
    steps = 0
    for status in (Status.BARU, Status.DIDISPOSISIKAN, Status.DIPROSES):
        batch = Complaint.objects.filter(status=status).select_related("category")
        for complaint in batch.order_by("-received_at")[: n_steps // 3]:
            if status == Status.BARU:
                lead = complaint.category.agency if complaint.category_id else None
                lead = lead or rng.choice(list(admins.values())).agency
                lifecycle.dispatch(complaint, moderator, lead=lead)
            elif status == Status.DIDISPOSISIKAN:
                lifecycle.acknowledge(complaint, admins.get(complaint.lead_agency_id) or moderator)
            else:
                lifecycle.resolve(
                    complaint,
                    admins.get(complaint.lead_agency_id) or moderator,
                    answer="Sudah ditangani hari ini.",
                )
            steps += 1
    return n_new, steps


def main():
    setup_django()
    from django.contrib.auth.hashers import make_password
    from django.db import connection
    from django.test import Client

    from aduan.core.models import Complaint, Role, User
    from aduan.reports import aggregation, closing
    from aduan.reports.models import AggregationState, ComplaintSummary

    results = []
    generated = AggregationState.objects.filter(name=MARKER).first()
    if generated is None or generated.last_event_id != COMPLAINTS:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM core_complaint")
            if cursor.fetchone()[0]:
                sys.exit(f"{DB_NAME} holds other data; run with BENCH_FRESH=1 to regenerate.")
        print(f"generating {COMPLAINTS:,} complaints…", flush=True)
        seconds, (n_events, n_stages) = timed(generate)
        AggregationState.objects.create(name=MARKER, last_event_id=COMPLAINTS)
        results.append(
            (
                f"generate (COPY): {COMPLAINTS:,} complaints, {n_events:,} events, "
                f"{n_stages:,} stage records",
                seconds,
            )
        )
    if os.environ.get("BENCH_REBUILD") == "1" or not ComplaintSummary.objects.exists():
        print("rebuilding every count…", flush=True)
        seconds, outcome = timed(aggregation.rebuild)
        results.append(
            (f"aggregation.rebuild() from scratch ({outcome['complaints']:,} complaints)", seconds)
        )
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    while aggregation.run():  # catch up with whatever an earlier run left behind
        pass
    seconds, outcome = timed(aggregation.run)
    results.append(("aggregation job, idle pass (nothing new)", seconds))
    new, steps = a_day_of_work(200, 400)
    seconds, outcome = timed(aggregation.run)
    results.append(
        (
            f"aggregation job after {new} new complaints and {steps} transitions "
            f"({outcome.get('events', 0)} events, {outcome.get('days', 0)} days)",
            seconds,
        )
    )
    seconds, outcome = timed(closing.auto_close)
    results.append((f"auto-close job ({outcome.get('closed', 0)} closed)", seconds))

    client = Client()
    for label, url in (
        ("/publik/statistik/ (12 months)", "/publik/statistik/"),
        ("/publik/statistik/?bulan=24", "/publik/statistik/?bulan=24"),
        ("/publik/peta/ (12 months, 300 points)", "/publik/peta/"),
        ("/publik/ feed, first page", "/publik/"),
        ("/publik/ feed, one category", "/publik/?kategori=jalan_rusak"),
        ("/publik/ feed, full-text search", "/publik/?q=lampu+mati"),
    ):
        results.append((label, page_time(client, url)))
    deep = client.get("/publik/")
    import re

    cursor_param = re.search(r"sebelum=([\d.]+)", deep.content.decode()).group(1)
    micros = int(cursor_param.split(".")[0]) - 400 * 86400 * 10**6
    results.append(
        (
            "/publik/ feed, a page 400 days back (keyset)",
            page_time(client, f"/publik/?sebelum={micros}.999999999"),
        )
    )
    leader, _ = User.objects.get_or_create(
        username="bench-sekda", defaults={"role": Role.PIMPINAN, "password": make_password("x")}
    )
    client.force_login(leader)
    for label, url in (
        ("/kantor/laporan/skor/ (scorecard, ladder over 3 periods)", "/kantor/laporan/skor/"),
        ("/kantor/laporan/ (dashboard, running period)", "/kantor/laporan/"),
        ("/kantor/laporan/evaluasi/ (direct from stage records)", "/kantor/laporan/evaluasi/"),
    ):
        results.append((label, page_time(client, url, runs=3)))
    total = Complaint.objects.count()
    print(f"\n{total:,} complaints on PostgreSQL {connection.pg_version // 10000}\n")
    print("| what | seconds |\n| --- | ---: |")
    for label, seconds in results:
        print(f"| {label} | {seconds:.3f} |")


if __name__ == "__main__":
    main()
