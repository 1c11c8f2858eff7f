"""A month of complaints replayed through the lifecycle, with the sweep every hour.

March 2026: 200 complaints at any hour; moderators who work office hours and miss a
quarter of the complaints; DLH answers fast, DPUPR slowly, PDAM often not at all;
nobody works from 18 to 24 March (Nyepi, Idul Fitri, cuti bersama). Then, for every
stage record, the steps the ladder should have fired are worked out here from the
calendar and the regulation's numbers, and compared with what the sweep did:
each step exactly once, at the first sweep after its moment, never before.
"""

import heapq
import random
from datetime import timedelta

import pytest

from aduan.core import lifecycle
from aduan.core.models import Role, Status, User
from aduan.deadlines.models import DutyShift, EscalationFiring, StageRecord
from aduan.deadlines.store import get_calendar
from aduan.deadlines.sweep import sweep

from .conftest import wib

START = wib(2026, 3, 1, 0, 0)
END = wib(2026, 4, 20, 0, 0)
COMPLAINTS = 200
TICK = timedelta(hours=1)


def ceil_tick(moment):
    """The first hourly sweep at or after ``moment``."""
    steps = -(-(moment - START) // TICK)
    return START + steps * TICK


class City:
    def __init__(self, city, mira, adi, dewi, kurnia, sekar):
        self.city = city
        self.mira = mira
        pipit = User.objects.create_user(
            username="pipit", role=Role.ADMIN_OPD, agency=city["pdam"], password="x"
        )
        User.objects.create_user(
            username="kepala.pdam", role=Role.KEPALA_OPD, agency=city["pdam"], password="x"
        )
        for user in User.objects.all():
            user.email = f"{user.username}@kota.test"
            user.save(update_fields=["email"])
        self.admins = {city["dpupr"].pk: adi, city["dlh"].pk: dewi, city["pdam"].pk: pipit}
        # (acknowledge hours, resolve hours, chance of never answering)
        self.pace = {
            city["dlh"].pk: ((1, 12), (4, 40), 0.0),
            city["dpupr"].pk: ((8, 60), (20, 160), 0.1),
            city["pdam"].pk: ((20, 90), (40, 240), 0.3),
        }
        DutyShift.objects.create(moderator=mira, starts_at=START, ends_at=END)


def script(sim, complaint, rng, calendar):
    """One complaint's life: yields the moment of its next action, then acts."""
    city, mira = sim.city, sim.mira
    filed = complaint.received_at
    missed = rng.random() < 0.25
    if missed:
        # The moderators never get to it in time: 26 hours later it has been
        # dispatched automatically (unless it has no category).
        when = calendar.next_working_moment(filed + timedelta(hours=26))
    else:
        when = calendar.next_working_moment(filed + timedelta(hours=rng.uniform(0.5, 20)))
    yield when
    complaint.refresh_from_db()
    if complaint.status == Status.BARU:
        if complaint.category is None:
            lifecycle.correct(complaint, mira, category=city["roads"], at=when)
        lead = complaint.category.agency
        supporting = [city["dlh"]] if rng.random() < 0.15 and lead != city["dlh"] else []
        lifecycle.dispatch(complaint, mira, lead=lead, supporting=supporting, at=when)
    complaint.refresh_from_db()
    admin = sim.admins[complaint.lead_agency_id]
    ack, solve, silent = sim.pace[complaint.lead_agency_id]
    if rng.random() < silent:
        return
    # Agencies work office hours only: over Lebaran their answers wait a week.
    # (An automatic dispatch may lie before the moment this script woke up at.)
    planned = complaint.dispatched_at + timedelta(hours=rng.uniform(*ack))
    when = calendar.next_working_moment(max(planned, when))
    yield when
    lifecycle.acknowledge(complaint, admin, at=when)
    roll = rng.random()
    if roll < 0.1:
        when = calendar.next_working_moment(when + timedelta(hours=rng.uniform(2, 30)))
        yield when
        lifecycle.request_info(complaint, admin, question="Mohon foto lokasinya.", at=when)
        if rng.random() < 0.3:
            return  # the citizen never replies: paused for good
        when = when + timedelta(hours=rng.uniform(5, 120))
        yield when
        lifecycle.provide_info(complaint, text="Foto terlampir.", at=when)
    elif roll < 0.15:
        when = calendar.next_working_moment(when + timedelta(hours=rng.uniform(2, 30)))
        yield when
        lifecycle.defer_to_budget(complaint, admin, year=2027, plan="APBD 2027", at=when)
        return
    when = calendar.next_working_moment(when + timedelta(hours=rng.uniform(*solve)))
    yield when
    lifecycle.resolve(complaint, admin, answer="Sudah ditindaklanjuti.", at=when)


def replay(sim, calendar):
    rng = random.Random(2026)
    cats = [sim.city["roads"], sim.city["waste"], sim.city["water"], None]
    queue = []
    for n in range(COMPLAINTS):
        filed = START + timedelta(seconds=rng.randrange(28 * 86400))
        category = rng.choices(cats, weights=[40, 30, 25, 5])[0]
        queue.append((filed, n, ("file", category)))
    heapq.heapify(queue)
    seq = COMPLAINTS
    tick = START
    while tick <= END:
        while queue and queue[0][0] <= tick:
            when, _n, item = heapq.heappop(queue)
            if isinstance(item, tuple):
                complaint, _ = lifecycle.create_complaint(
                    text="Aduan simulasi.", channel="web", category=item[1], at=when
                )
                item = script(sim, complaint, random.Random(seq), calendar)
            nxt = next(item, None)
            if nxt is not None:
                assert nxt >= when, "a script must not go back in time"
                seq += 1
                heapq.heappush(queue, (nxt, seq, item))
        sweep(tick)
        tick += TICK


def expected_moments(record, calendar):
    """The default ladder of DESIGN.md, worked out independently of the sweep."""
    start, due = record.started_at, record.due_at
    if record.unit == "clock_hours":
        remind = start + (due - start) * 0.75
    else:
        allowed = calendar.working_seconds_between(start, due)
        remind = calendar.add_working_hours(start, 0.75 * allowed / 3600)
    moments = {
        "remind_handlers": remind,
        "warning_board": due,
        "notify_agency_head": calendar.add_working_days(due, 1),
        "notify_pimpinan": calendar.add_working_days(due, 3),
    }
    if record.stage == "dispatch":
        moments["auto_dispatch"] = due - timedelta(hours=2)
    return moments


@pytest.mark.django_db
def test_a_month_of_complaints(city, mira, adi, dewi, kurnia, sekar):
    calendar = get_calendar()
    sim = City(city, mira, adi, dewi, kurnia, sekar)
    replay(sim, calendar)

    firings = {}
    for firing in EscalationFiring.objects.select_related("event", "step"):
        firings.setdefault(firing.record_id, {})[firing.action] = firing
    checked = paused_checked = 0
    for record in StageRecord.objects.exclude(stage="budget"):
        fired = firings.get(record.pk, {})
        end = record.completed_at or END + timedelta(seconds=1)
        if record.paused_clock_seconds or record.paused_at:
            # The deadline moved while the stage waited for the citizen: check that
            # no step fired before its moment as it stood then (recorded on the event).
            for firing in fired.values():
                if firing.skipped:
                    continue
                data = firing.event.data.get("escalation", {})
                if firing.action in ("warning_board", "notify_agency_head", "notify_pimpinan"):
                    assert firing.fired_at >= firing.scheduled_at >= _parse(data["due_at"])
                assert firing.fired_at - firing.scheduled_at < TICK
            paused_checked += 1
            continue
        assert record.due_at is not None
        for action, moment in expected_moments(record, calendar).items():
            tick = ceil_tick(moment)
            firing = fired.get(action)
            ended_it = action == "auto_dispatch" and firing is not None and firing.fired_at == end
            if tick >= end and not ended_it:
                assert firing is None, (record, action, "fired though the stage had ended")
                continue
            assert firing is not None, (record, action, "not escalated")
            assert firing.fired_at == tick, (record, action, "not at the first sweep after")
            assert firing.fired_at >= moment, (record, action, "early")
            before_deadline = action in ("remind_handlers", "auto_dispatch")
            assert firing.skipped == (before_deadline and tick >= record.due_at)
            if not firing.skipped and action != "auto_dispatch":
                assert firing.event.data["escalation"]["step"] == firing.step.order
        # A breach went onto the board exactly once (the unique constraint makes "more
        # than once" impossible; this checks the "once").
        if record.breached:
            assert "warning_board" in fired
        checked += 1

    # The month was eventful enough to mean something.
    records = StageRecord.objects.exclude(stage="budget")
    assert checked > 400 and paused_checked > 5
    assert records.filter(breached=True).count() > 50
    assert records.filter(outcome="met").count() > 100
    automatic = EscalationFiring.objects.filter(action="auto_dispatch", skipped=False)
    assert automatic.count() > 20
    assert EscalationFiring.objects.filter(action="notify_pimpinan").count() > 10
    assert StageRecord.objects.filter(stage="budget").exists()
    # Every automatic dispatch beat the moderators' deadline.
    for record in StageRecord.objects.filter(stage="dispatch", pk__in=automatic.values("record")):
        if record.completed_at is not None and record.outcome == "met":
            assert record.completed_at <= record.due_at


def _parse(text):
    from datetime import datetime

    return datetime.fromisoformat(text)
