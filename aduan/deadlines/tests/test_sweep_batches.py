"""The sweep's cost and claims in batches: statements per batch, not per stage; one
sweep per stage, however many run at once."""

import threading

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from aduan.core import lifecycle
from aduan.core.models import Event, OutboundMessage, Status
from aduan.deadlines import sweep as sweep_module
from aduan.deadlines.models import EscalationFiring, EscalationStep, StageRecord
from aduan.deadlines.sweep import sweep

from .conftest import wib
from .test_sweep import _default_policy

# Dispatched on Monday 2 March 2026 and left alone: by Friday 13 March both stages of
# each complaint have skipped the stale reminder and fired board, head and pimpinan.
LATE = wib(2026, 3, 13, 12, 0)
PER_COMPLAINT = {"skipped": 2, "warning_board": 2, "notify_agency_head": 2, "notify_pimpinan": 2}


def left_alone(n, city, mira, first=0):
    complaints = []
    for i in range(first, first + n):
        complaint, _ = lifecycle.create_complaint(
            text=f"Lampu jalan mati di gang nomor {i}",
            channel="web",
            reporter_phone="+6281234567890",
            category=city["roads"],
            at=wib(2026, 3, 2, 9, 0),
        )
        lifecycle.dispatch(complaint, mira, lead=city["dpupr"], at=wib(2026, 3, 2, 10, 0))
        complaints.append(complaint)
    return complaints


def statements_of_sweep(now, **kwargs):
    """(statements, counts) of one sweep; the chunks of one bulk insert count once.

    Django splits a bulk insert to stay under the database's limit on parameters per
    statement (999 on SQLite, none on PostgreSQL): one chunk per ~100 rows, not per stage.
    """
    with CaptureQueriesContext(connection) as queries:
        counts = sweep(now, **kwargs)
    statements, previous = 0, None
    for query in queries.captured_queries:
        words = query["sql"].split(None, 3)
        target = words[2] if words[0] == "INSERT" else None
        if target is None or target != previous:
            statements += 1
        previous = target
    if connection.vendor == "postgresql":
        assert statements == len(queries)
    return statements, counts


@pytest.mark.django_db
def test_statements_do_not_grow_with_the_number_of_due_stages(city, mira, emails):
    left_alone(10, city, mira)
    few, counts = statements_of_sweep(LATE)
    assert counts == {action: 10 * n for action, n in PER_COMPLAINT.items()}
    left_alone(50, city, mira, first=10)
    many, counts = statements_of_sweep(LATE)
    assert counts == {action: 50 * n for action, n in PER_COMPLAINT.items()}
    # 100 due stages cost what 20 cost (one batch each): the claim, the fired steps, the
    # supporting agencies, one insert per table, one update; a handful of recipient
    # look-ups, memoised per sweep, come on top.
    assert many <= few + 2
    assert many <= 25


@pytest.mark.django_db
def test_statements_grow_per_batch_not_per_stage(city, mira, emails):
    left_alone(30, city, mira)
    statements, counts = statements_of_sweep(LATE, batch_size=20)
    assert counts == {a: 30 * n for a, n in PER_COMPLAINT.items()}
    # 60 due stages in three full batches of a dozen statements each (two savepoints,
    # claim, fired steps, supporting agencies, four inserts, one update), then the probe,
    # three recipient look-ups (memoised for the sweep) and the empty fourth claim.
    assert statements <= 3 * 12 + 1 + 3 + 3


def written(complaints):
    """Everything the sweep wrote for ``complaints``, codes replaced by their position."""
    ids = [c.pk for c in complaints]
    codes = {c.code: f"#{i}" for i, c in enumerate(complaints)}

    def plain(value):
        if isinstance(value, str):
            for code, place in codes.items():
                value = value.replace(code, place)
        return value

    def normal(rows):
        return [tuple(plain(value) for value in row) for row in rows]

    firings = EscalationFiring.objects.filter(complaint__in=ids).order_by("id")
    notes = Event.objects.filter(complaint__in=ids, kind="note").order_by("id")
    # Staff e-mails of the sweep (the back office's dispatch notices left out).
    mail = OutboundMessage.objects.filter(
        complaint__in=ids, recipient__endswith="@kota.test"
    ).exclude(subject__contains="Disposisi baru")
    records = StageRecord.objects.filter(complaint__in=ids).order_by("complaint__code", "stage")
    return {
        "firings": normal(
            firings.values_list(
                "complaint__code", "stage", "cycle", "action", "skipped", "scheduled_at", "fired_at"
            )
        ),
        "firing events": [plain(f.event.note) if f.event else None for f in firings],
        "notes": normal(
            (e.complaint.code, e.note, str(e.data), e.created_at, e.is_public, e.actor_id)
            for e in notes
        ),
        "mail": normal(
            mail.order_by("id").values_list(
                "complaint__code", "recipient", "subject", "body", "next_attempt_at", "state"
            )
        ),
        "records": normal(records.values_list("complaint__code", "stage", "next_escalation_at")),
    }


@pytest.mark.django_db
def test_batched_sweep_writes_what_one_by_one_writes(city, mira, emails, monkeypatch):
    """The batch path and the one-record path (kept for automatic dispatches and
    collisions) leave the same rows behind."""
    batched = left_alone(3, city, mira)
    assert sweep(LATE) == {a: 3 * n for a, n in PER_COMPLAINT.items()}
    expected = written(batched)

    def one_by_one(self, records):
        fired = self.fired_steps(records)
        for record in records:
            self.escalate_alone(record, set(fired[record.pk]))

    monkeypatch.setattr(sweep_module._Run, "escalate_batch", one_by_one)
    alone = left_alone(3, city, mira, first=3)
    assert sweep(LATE) == {a: 3 * n for a, n in PER_COMPLAINT.items()}
    assert len(expected["firings"]) == 3 * 8
    assert len(expected["notes"]) == 3 * 6 and expected["mail"]
    assert written(alone) == expected


@pytest.mark.django_db
def test_a_claim_colliding_in_a_batch_is_taken_and_the_rest_fire(city, mira, emails, monkeypatch):
    """A claim the batch did not see (written without the record's lock) makes the batch
    fall back to one record at a time: that step is ``taken``, everything else fires once."""
    complaints = left_alone(3, city, mira)
    record = StageRecord.objects.get(complaint=complaints[1], stage="response")
    board = EscalationStep.objects.get(stage="response", action="warning_board")
    EscalationFiring.objects.create(
        record=record,
        complaint=complaints[1],
        stage="response",
        cycle=record.cycle,
        step=board,
        action=board.action,
        scheduled_at=record.due_at,
        fired_at=record.due_at,
    )
    blind = sweep_module._Run.fired_steps

    def stale(records):
        fired = blind(records)
        fired[record.pk].discard(board.pk)
        return fired

    monkeypatch.setattr(sweep_module._Run, "fired_steps", staticmethod(stale))
    counts = sweep(LATE)
    assert counts.pop("taken") == 1
    assert counts == {
        "skipped": 6,
        "warning_board": 5,
        "notify_agency_head": 6,
        "notify_pimpinan": 6,
    }
    assert EscalationFiring.objects.count() == 3 * 8
    assert EscalationFiring.objects.filter(record=record, step=board).count() == 1
    assert Event.objects.filter(data__has_key="escalation").count() == 3 * 6 - 1


@pytest.mark.django_db
def test_an_automatic_dispatch_goes_alone_and_the_batch_around_it_fires(
    city, mira, emails, make_complaint
):
    stale = left_alone(2, city, mira)
    # Filed on the eve of Lebaran; its dispatch is due Wednesday 18 March 16:30.
    fresh = make_complaint(at=wib(2026, 3, 17, 16, 30))
    counts = sweep(wib(2026, 3, 18, 15, 0))
    assert counts == {
        **{action: 2 * n for action, n in PER_COMPLAINT.items()},
        "remind_handlers": 1,
        "auto_dispatch": 1,
    }
    fresh.refresh_from_db()
    assert fresh.status == Status.DIDISPOSISIKAN
    assert fresh.lead_agency == city["dpupr"]
    kinds = list(
        Event.objects.filter(complaint=fresh)
        .exclude(kind="created")
        .order_by("id")
        .values_list("kind", flat=True)
    )
    assert kinds == ["note", "dispatched"]  # the reminder, then the dispatch
    assert EscalationFiring.objects.filter(complaint__in=stale).count() == 2 * 8
    assert sweep(wib(2026, 3, 18, 15, 0)) == {}


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_never_escalate_the_same_stage(city, mira, emails):
    if connection.vendor != "postgresql":
        pytest.skip("row locks and parallel writers need PostgreSQL")
    _default_policy()
    left_alone(40, city, mira)
    barrier = threading.Barrier(2)
    results, errors = [], []

    def work():
        try:
            barrier.wait()
            results.append(sweep(LATE, batch_size=7))
        except Exception as error:  # reported below; a thread must not die silently
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    # The row locks kept the sweeps apart: neither even tried a step the other fired.
    assert all("taken" not in r and "errors" not in r for r in results)
    total = {a: sum(r.get(a, 0) for r in results) for a in PER_COMPLAINT}
    assert total == {action: 40 * n for action, n in PER_COMPLAINT.items()}
    assert EscalationFiring.objects.count() == 40 * 8
    assert Event.objects.filter(data__has_key="escalation").count() == 40 * 6
    assert StageRecord.objects.filter(outcome="", next_escalation_at__lte=LATE).count() == 0
