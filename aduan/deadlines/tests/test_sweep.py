"""The sweep: each ladder step fires once, on time, never early; piket auto-dispatch."""

import threading
from datetime import timedelta

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection, transaction

from aduan.core import jobs, lifecycle
from aduan.core.models import Event, OutboundMessage, Role, Status, User
from aduan.deadlines.models import DutyShift, EscalationFiring, EscalationStep, StageRecord
from aduan.deadlines.sweep import _Run, sweep

from .conftest import wib


def fired(complaint=None):
    qs = EscalationFiring.objects.all()
    if complaint is not None:
        qs = qs.filter(complaint=complaint)
    return list(qs.order_by("fired_at", "id").values_list("stage", "action", "skipped"))


ESCALATION_SUBJECTS = ("Pengingat", "Terlambat", "Eskalasi", "Disposisi otomatis")


def mail_to(user):
    """Escalation e-mails to ``user`` (the back office's own dispatch notices left out)."""
    return [
        m
        for m in OutboundMessage.objects.filter(recipient=user.email).order_by("id")
        if any(word in m.subject for word in ESCALATION_SUBJECTS)
    ]


@pytest.fixture
def left_alone(make_complaint, mira, city, emails):
    """Dispatched to DPUPR on Monday 2 March 2026 at 10:00; nobody at DPUPR reacts."""
    complaint = make_complaint(at=wib(2026, 3, 2, 9, 0))
    lifecycle.dispatch(complaint, mira, lead=city["dpupr"], at=wib(2026, 3, 2, 10, 0))
    return complaint


# Response due Tuesday 3 March 10:00 (24 clock hours); resolution due Thursday 5 March
# 16:00 (3 working days). 75% of the resolution's 30 working hours is 22.5 hours:
# Monday 6, Tuesday 8, Wednesday 8, then Thursday 08:30.
LADDER = [
    (wib(2026, 3, 3, 4, 0), "response", "remind_handlers"),
    (wib(2026, 3, 3, 10, 0), "response", "warning_board"),
    (wib(2026, 3, 4, 16, 0), "response", "notify_agency_head"),
    (wib(2026, 3, 5, 8, 30), "resolution", "remind_handlers"),
    (wib(2026, 3, 5, 16, 0), "resolution", "warning_board"),
    (wib(2026, 3, 6, 16, 0), "response", "notify_pimpinan"),
    (wib(2026, 3, 6, 16, 0), "resolution", "notify_agency_head"),
    (wib(2026, 3, 10, 16, 0), "resolution", "notify_pimpinan"),
]


def test_complaint_left_alone_climbs_the_ladder_step_by_step(left_alone, emails):
    for moment in sorted({m for m, _s, _a in LADDER}):
        due_before = sorted((s, a, False) for m, s, a in LADDER if m < moment)
        due_by_now = sorted((s, a, False) for m, s, a in LADDER if m <= moment)
        sweep(moment - timedelta(seconds=1))
        assert sorted(fired(left_alone)) == due_before  # nothing early
        sweep(moment)
        assert sorted(fired(left_alone)) == due_by_now  # on time, and once
    sweep(wib(2026, 4, 30, 12, 0))
    assert sorted(fired(left_alone)) == sorted((s, a, False) for _m, s, a in LADDER)
    firings = EscalationFiring.objects.filter(complaint=left_alone)
    for firing in firings:
        # Fired at its moment (the sweep ran exactly then), never before.
        assert firing.fired_at == firing.scheduled_at
        assert firing.event.data["escalation"]["action"] == firing.action
        assert firing.event.created_at == firing.fired_at
        assert firing.event.is_public is False
    assert Event.objects.filter(complaint=left_alone, data__has_key="escalation").count() == 8


def test_step_is_not_fired_one_second_early(left_alone):
    sweep(wib(2026, 3, 3, 3, 59, 59))
    assert fired(left_alone) == []
    assert sweep(wib(2026, 3, 3, 4, 0)) == {"remind_handlers": 1}


def test_each_rung_reaches_the_right_people_at_office_hours(left_alone, emails):
    adi, kurnia, sekar, dewi = (emails[n] for n in ("adi", "kurnia", "sekar", "dewi"))
    sweep(wib(2026, 3, 3, 4, 0))
    [reminder] = mail_to(adi)
    # 04:00 is outside office hours: held until Tuesday's opening.
    assert reminder.next_attempt_at == wib(2026, 3, 3, 8, 0)
    assert left_alone.code in reminder.subject
    sweep(wib(2026, 3, 4, 16, 0))
    [head] = mail_to(kurnia)
    assert "Kepala" in head.body
    # 16:00 is closing time: Thursday's opening.
    assert head.next_attempt_at == wib(2026, 3, 5, 8, 0)
    sweep(wib(2026, 3, 6, 16, 0))
    assert len(mail_to(sekar)) == 1
    assert mail_to(dewi) == []  # another agency's admin hears nothing
    # No reporter data in staff mail.
    for message in OutboundMessage.objects.filter(recipient__endswith="@kota.test"):
        assert "Budi" not in message.body and "6281234567890" not in message.body


def test_sweeping_twice_at_the_same_moment_fires_nothing_more(left_alone):
    assert sweep(wib(2026, 3, 3, 9, 59)) == {"remind_handlers": 1}
    assert sweep(wib(2026, 3, 3, 9, 59)) == {}
    assert sweep(wib(2026, 3, 3, 10, 0)) == {"warning_board": 1}
    assert sweep(wib(2026, 3, 3, 10, 0)) == {}
    assert sweep(wib(2026, 3, 3, 10, 30)) == {}
    assert len(fired(left_alone)) == 2


def claim_board_elsewhere(complaint):
    """Insert the board step's claim as another worker would, a moment earlier."""
    record = StageRecord.objects.get(complaint=complaint, stage="response")
    board = EscalationStep.objects.get(stage="response", action="warning_board")
    EscalationFiring.objects.create(
        record=record,
        complaint=complaint,
        stage="response",
        cycle=record.cycle,
        step=board,
        action=board.action,
        scheduled_at=record.due_at,
        fired_at=record.due_at,
    )
    return record


def test_a_step_claimed_by_another_worker_is_not_fired_again(left_alone):
    sweep(wib(2026, 3, 3, 9, 0))  # the reminder
    record = claim_board_elsewhere(left_alone)
    notes = Event.objects.filter(complaint=left_alone, kind=Event.Kind.NOTE).count()
    assert sweep(wib(2026, 3, 3, 10, 0)) == {}
    assert Event.objects.filter(complaint=left_alone, kind=Event.Kind.NOTE).count() == notes
    record.refresh_from_db()
    assert record.next_escalation_at == wib(2026, 3, 4, 16, 0)  # the head, next


def test_losing_the_claim_race_fires_nothing(left_alone):
    sweep(wib(2026, 3, 3, 9, 0))
    record = claim_board_elsewhere(left_alone)
    notes = Event.objects.filter(complaint=left_alone, kind=Event.Kind.NOTE).count()
    # This worker read the fired steps before the other one's claim committed: its
    # insert hits the unique constraint, and it does nothing.
    run = _Run(wib(2026, 3, 3, 10, 0))
    with transaction.atomic():
        run.escalate(
            StageRecord.objects.get(pk=record.pk),
            fired=set(
                EscalationFiring.objects.filter(
                    record=record, action="remind_handlers"
                ).values_list("step_id", flat=True)
            ),
        )
    assert run.counts == {"taken": 1}
    assert Event.objects.filter(complaint=left_alone, kind=Event.Kind.NOTE).count() == notes
    assert EscalationFiring.objects.filter(record=record, action="warning_board").count() == 1


def test_late_sweep_skips_stale_reminders_and_fires_the_rest_once(left_alone):
    counts = sweep(wib(2026, 3, 13, 12, 0))
    assert counts == {
        "skipped": 2,
        "warning_board": 2,
        "notify_agency_head": 2,
        "notify_pimpinan": 2,
    }
    assert sweep(wib(2026, 3, 13, 12, 0)) == {}
    assert EscalationFiring.objects.filter(skipped=True, action="remind_handlers").count() == 2


def test_answered_in_time_nothing_escalates(left_alone, adi):
    lifecycle.acknowledge(left_alone, adi, at=wib(2026, 3, 2, 15, 0))
    lifecycle.resolve(left_alone, adi, answer="Sudah ditambal.", at=wib(2026, 3, 4, 10, 0))
    assert sweep(wib(2026, 4, 1, 10, 0)) == {}
    assert fired(left_alone) == []


def test_paused_complaint_does_not_escalate(left_alone, adi):
    lifecycle.request_info(left_alone, adi, question="Di mana?", at=wib(2026, 3, 2, 11, 0))
    assert sweep(wib(2026, 3, 20, 10, 0)) == {}


def test_budget_deferred_complaint_never_escalates(left_alone, adi):
    lifecycle.defer_to_budget(
        left_alone, adi, year=2027, plan="APBD 2027", at=wib(2026, 3, 2, 12, 0)
    )
    assert sweep(wib(2028, 3, 1, 10, 0)) == {}


@pytest.fixture
def lebaran_rota(mira):
    """Mira is on duty over Lebaran 2026; Rudi, another moderator, is on leave."""
    mira.email = "mira@kota.test"
    mira.save(update_fields=["email"])
    rudi = User.objects.create_user(
        username="rudi", email="rudi@kota.test", role=Role.MODERATOR, password="x"
    )
    DutyShift.objects.create(
        moderator=mira, starts_at=wib(2026, 3, 17, 16, 0), ends_at=wib(2026, 3, 25, 8, 0)
    )
    return mira, rudi


def hourly(start, hours):
    for hour in range(hours):
        sweep(start + timedelta(hours=hour))


def test_complaint_filed_on_the_eve_of_lebaran_is_dispatched_on_time(
    make_complaint, lebaran_rota, city
):
    mira, rudi = lebaran_rota
    # Tuesday 17 March 2026, 16:30: the offices close for a week (18-24 March).
    complaint = make_complaint(at=wib(2026, 3, 17, 16, 30))
    assert complaint.due_at == wib(2026, 3, 18, 16, 30)
    hourly(wib(2026, 3, 17, 17, 0), 48)  # nobody acts for two days
    complaint.refresh_from_db()
    assert complaint.status == Status.DIDISPOSISIKAN
    assert complaint.lead_agency == city["dpupr"]
    dispatch = Event.objects.get(complaint=complaint, kind=Event.Kind.DISPATCHED)
    assert dispatch.created_at == wib(2026, 3, 18, 15, 0)  # first sweep after 14:30
    assert dispatch.created_at < wib(2026, 3, 18, 16, 30)
    assert dispatch.actor is None
    assert dispatch.data["automatic"] is True and dispatch.data["review"] is True
    record = StageRecord.objects.get(complaint=complaint, stage="dispatch")
    assert (record.outcome, record.breached) == ("met", False)
    # The moderator on duty was warned first (at any hour: the rota), then told.
    reminder, told = mail_to(mira)
    assert reminder.next_attempt_at == wib(2026, 3, 18, 11, 0)
    assert "Pengingat" in reminder.body
    assert "otomatis" in told.body and "DPUPRPKP" in told.body
    assert mail_to(rudi) == []
    # The agency's clock now runs: 1x24 hours, through the holiday.
    assert complaint.due_stage == "response"
    assert complaint.due_at == wib(2026, 3, 19, 15, 0)
    assert complaint.resolution_due_at == wib(2026, 3, 27, 16, 0)


def test_uncategorised_complaint_on_the_eve_is_left_to_the_piket(make_complaint, lebaran_rota):
    mira, _rudi = lebaran_rota
    complaint = make_complaint(at=wib(2026, 3, 17, 16, 30), category=None)
    hourly(wib(2026, 3, 17, 17, 0), 26)
    complaint.refresh_from_db()
    assert complaint.status == Status.BARU
    note = Event.objects.get(complaint=complaint, data__escalation__action="auto_dispatch")
    assert note.data["escalation"]["dispatched"] is False
    assert "belum berkategori" in note.note
    assert any("belum berkategori" in m.body for m in mail_to(mira))
    # At the deadline it joins the warning board like any other.
    assert ("dispatch", "warning_board", False) in fired(complaint)


def test_auto_dispatch_can_be_switched_off(make_complaint, lebaran_rota):
    EscalationStep.objects.filter(action="auto_dispatch").update(is_active=False)
    from aduan.deadlines import store

    store.invalidate()
    complaint = make_complaint(at=wib(2026, 3, 17, 16, 30))
    hourly(wib(2026, 3, 17, 17, 0), 26)
    complaint.refresh_from_db()
    assert complaint.status == Status.BARU


def test_sweep_command_with_now(left_alone, capsys):
    call_command("deadlines", "sweep", "--now", "2026-03-03T10:00:00+07:00")
    assert "warning_board: 1" in capsys.readouterr().out
    call_command("deadlines", "sweep", "--now", "2026-03-03T10:00:00")  # local time
    assert "nothing due" in capsys.readouterr().out


def test_sweep_is_a_registered_job():
    job = next(j for j in jobs.registered() if j.name == "deadlines.sweep")
    assert job.func is sweep and job.every_seconds == 60


def _default_policy():
    """The policy the migrations install: an earlier transactional test flushes the tables,
    taking migration data with it, so this test installs what it relies on itself."""
    from aduan.deadlines import presets, store
    from aduan.deadlines.models import EscalationStep, SlaRule, WorkingHours

    presets.install_hours(WorkingHours)
    if not SlaRule.objects.exists():
        presets.install_rules(SlaRule, "default")
    presets.install_ladder(EscalationStep)
    store.invalidate()


@pytest.mark.django_db(transaction=True)
def test_concurrent_sweeps_never_fire_twice(city, mira, emails):
    if connection.vendor != "postgresql":
        pytest.skip("row locks and parallel writers need PostgreSQL")
    _default_policy()
    complaints = []
    for i in range(12):
        c, _ = lifecycle.create_complaint(
            text=f"Lampu jalan mati nomor {i}",
            channel="web",
            category=city["roads"],
            at=wib(2026, 3, 2, 9, i),
        )
        lifecycle.dispatch(c, mira, lead=city["dpupr"], at=wib(2026, 3, 2, 10, i))
        complaints.append(c)
    now = wib(2026, 3, 13, 12, 0)
    barrier = threading.Barrier(4)
    results, errors = [], []

    def work():
        try:
            barrier.wait()
            results.append(sweep(now, batch_size=3))
        except Exception as error:  # reported below; a thread must not die silently
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    # Per complaint: response and resolution each fire board, head and pimpinan and
    # skip the stale reminder.
    assert EscalationFiring.objects.count() == 12 * 8
    acted = sum(v for r in results for k, v in r.items() if k not in ("taken", "errors"))
    assert acted == 12 * 8
    assert Event.objects.filter(data__has_key="escalation").count() == 12 * 6
    assert OutboundMessage.objects.filter(recipient="sekar@kota.test").count() == 12 * 2


def test_escalations_also_arrive_in_the_back_office(left_alone, emails):
    try:
        notification = apps.get_model("office", "Notification")
    except LookupError:
        pytest.skip("the back office's in-app notifications are not installed")
    sweep(wib(2026, 3, 3, 5, 0))
    sweep(wib(2026, 3, 4, 16, 0))
    kurnia = emails["kurnia"]
    [notice] = notification.objects.filter(recipient=kurnia, kind="escalation")
    assert left_alone.code in notice.text and "Kepala" in notice.text
    assert notice.created_at == wib(2026, 3, 4, 16, 0)
    # Reminder and board for the handling admin.
    assert notification.objects.filter(recipient=emails["adi"], kind="escalation").count() == 2
