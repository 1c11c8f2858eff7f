"""The sweep: fire the escalation steps that have come due, and dispatch on the moderators'
behalf when their deadline is about to pass (holiday coverage).

Cost model. Each open stage record carries ``next_escalation_at``, the moment of its
earliest unfired step, kept by the transition hook; a partial index covers it. A sweep
with nothing due is one indexed range query, whatever the number of open complaints;
calendar arithmetic happens only for the records that are due.

Concurrency. Batches are claimed with ``SELECT ... FOR UPDATE SKIP LOCKED`` on the stage
record *and its complaint*: a complaint locked by a transition in progress is skipped
(picked up on the next pass), and lifecycle transitions and the sweep lock the
complaint first, so they cannot deadlock. The guarantee that a step fires once is
the unique constraint of :class:`EscalationFiring`: the insert is the claim, inside
a savepoint, and a sweep that loses the race does nothing. SQLite ignores the row
locks; its single writer serialises sweeps instead.
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from aduan.core import lifecycle
from aduan.core.models import MODERATOR_STATUSES, Agency, Complaint, Event

from . import alerts
from .display import overdue_text
from .models import EscalationFiring, EscalationStep, Stage, StageRecord
from .policy import StepData, step_moment
from .store import get_calendar, get_policy

log = logging.getLogger("aduan.deadlines")

Action = EscalationStep.Action
BATCH_SIZE = 200
# A record whose escalation raised is looked at again after this long.
RETRY_AFTER = timedelta(minutes=5)
# Steps that only make sense before the deadline: reached later (the worker was down,
# back-dated data), they are claimed as skipped instead of acted on.
BEFORE_DEADLINE_ACTIONS = frozenset({Action.REMIND_HANDLERS, Action.AUTO_DISPATCH})


def predict_agency(complaint: Complaint) -> Agency | None:
    """The agency a complaint without a category should go to, or ``None``.

    Asks the predictor named by the ``ADUAN_AGENCY_PREDICTOR`` setting (a dotted path to
    ``fn(complaint) -> Agency | None`` that never raises; the project names the triage
    app's routing model there). Named, not imported: deadlines sits below triage, and a
    deployment without a predictor (an empty setting) leaves uncategorised complaints
    to the moderators on duty.
    """
    path = getattr(settings, "ADUAN_AGENCY_PREDICTOR", "")
    if not path:
        return None
    return import_string(path)(complaint)


def sweep(now: datetime | None = None, *, batch_size: int = BATCH_SIZE) -> dict[str, int]:
    """Fire every escalation step due at ``now`` (default: the current time).

    Safe to run in several workers at once. Returns counts by action (``skipped``,
    ``taken`` for steps another sweep fired first, ``errors``); empty when idle.
    """
    now = now or timezone.now()
    due = StageRecord.objects.filter(outcome="", next_escalation_at__lte=now)
    # The common case, every minute: nothing due. One index probe, no transaction.
    if not due.exists():
        return {}
    run = _Run(now)
    seen: set[int] = set()
    while True:
        with transaction.atomic():
            batch = list(
                due.select_related("complaint__category__agency", "agency")
                .order_by("next_escalation_at", "id")
                .select_for_update(skip_locked=True, of=("self", "complaint"))[:batch_size]
            )
            if not batch:
                break
            fired = defaultdict(set)
            rows = EscalationFiring.objects.filter(record__in=batch).values_list(
                "record_id", "step_id"
            )
            for record_id, step_id in rows:
                fired[record_id].add(step_id)
            for record in batch:
                if record.pk in seen:
                    # Should not happen (each pass moves the record's moment past now);
                    # never loop on it.
                    log.error("stage record %s came due twice in one sweep", record.pk)
                    _postpone(record, now)
                    continue
                seen.add(record.pk)
                try:
                    with transaction.atomic():
                        run.escalate(record, fired[record.pk])
                except Exception:
                    log.exception("escalation of stage record %s failed", record.pk)
                    run.counts["errors"] += 1
                    _postpone(record, now)
        if len(batch) < batch_size:
            # A short batch took everything due that nobody else holds.
            break
    return dict(run.counts)


def _postpone(record: StageRecord, now: datetime) -> None:
    StageRecord.objects.filter(pk=record.pk).update(next_escalation_at=now + RETRY_AFTER)


class _Run:
    """One sweep pass: its clock, calendar, policy, recipients and counts."""

    def __init__(self, now: datetime):
        self.now = now
        self.calendar = get_calendar()
        self.policy = get_policy()
        self.audience = alerts.Audience(now)
        self.counts: Counter = Counter()

    def moment(self, step: StepData, record: StageRecord) -> datetime | None:
        return step_moment(
            self.calendar,
            step,
            started_at=record.started_at,
            base_due_at=record.base_due_at,
            due_at=record.due_at,
            unit=record.unit,
            paused_clock_seconds=record.paused_clock_seconds,
            paused_working_seconds=record.paused_working_seconds,
        )

    def escalate(self, record: StageRecord, fired: set[int]) -> None:
        timeline = []
        for step in self.policy.steps_for(record.stage):
            if step.id in fired:
                continue
            moment = self.moment(step, record)
            if moment is not None:
                timeline.append((moment, step.order, step))
        timeline.sort(key=lambda item: (item[0], item[1]))
        for moment, _order, step in timeline:
            if moment > self.now:
                break
            fired.add(step.id)
            if self.fire(record, step, moment) == "ended":
                # A transition (the automatic dispatch) ended the stage, and its hook
                # has rewritten this record: nothing more to do here.
                return
        upcoming = [moment for moment, _order, step in timeline if step.id not in fired]
        StageRecord.objects.filter(pk=record.pk, outcome="").update(
            next_escalation_at=min(upcoming) if upcoming else None
        )

    def claim(self, record, step: StepData, moment: datetime, *, skipped=False, text=None):
        """Insert the firing, with an event row carrying ``text`` if given; ``None``
        when another sweep has it already.

        Event and claim share one savepoint: a sweep that loses the race on the unique
        constraint leaves no trace.
        """
        try:
            with transaction.atomic():
                event = None if text is None else self.note(record, step, moment, text)
                return EscalationFiring.objects.create(
                    record=record,
                    complaint_id=record.complaint_id,
                    stage=record.stage,
                    cycle=record.cycle,
                    step_id=step.id,
                    action=step.action,
                    scheduled_at=moment,
                    fired_at=self.now,
                    skipped=skipped,
                    event=event,
                )
        except IntegrityError:
            return None

    def fire(self, record: StageRecord, step: StepData, moment: datetime) -> str:
        late = record.due_at is not None and self.now >= record.due_at
        skipped = step.action in BEFORE_DEADLINE_ACTIONS and late
        if step.action == Action.AUTO_DISPATCH and not skipped:
            # Its event is the dispatch itself (or a note when it cannot dispatch).
            firing = self.claim(record, step, moment)
            if firing is None:
                self.counts["taken"] += 1
                return "taken"
            self.counts[step.action] += 1
            return self.auto_dispatch(record, step, firing)
        complaint = record.complaint
        text = None
        if not skipped:
            overdue = overdue_text(record.due_at, self.now, self.calendar)
            text = alerts.step_text(step.action, record, complaint, overdue)
        firing = self.claim(record, step, moment, skipped=skipped, text=text)
        if firing is None:
            self.counts["taken"] += 1
            return "taken"
        if skipped:
            self.counts["skipped"] += 1
            return "skipped"
        self.counts[step.action] += 1
        self.send(self.audience.for_step(step.action, record), complaint, step, text)
        return "fired"

    def note(self, record, step, moment, text, **extra) -> Event:
        """The escalation's event row on the complaint's (internal) timeline."""
        data = {
            "escalation": {
                "action": step.action,
                "stage": record.stage,
                "cycle": record.cycle,
                "step": step.order,
                "due_at": record.due_at.isoformat() if record.due_at else None,
                "scheduled_at": moment.isoformat(),
                **extra,
            }
        }
        # The sweep's ``now`` is the truth (it differs in simulations and replays).
        return lifecycle.record_note(record.complaint, None, note=text, data=data, at=self.now)

    def send(self, users, complaint, step: StepData, text: str) -> None:
        send_at = (
            self.calendar.next_working_moment(self.now) if step.respect_working_hours else self.now
        )
        alerts.deliver(
            users,
            complaint,
            subject=alerts.step_subject(step.action, complaint),
            text=text,
            now=self.now,
            send_at=send_at,
        )

    def auto_dispatch(self, record: StageRecord, step: StepData, firing) -> str:
        """Dispatch to the category's agency on the moderators' behalf, for review."""
        complaint = record.complaint
        if complaint.status not in MODERATOR_STATUSES:
            return "fired"
        agency = None
        if complaint.category_id and complaint.category.agency.is_active:
            agency = complaint.category.agency
        else:
            agency = predict_agency(complaint)
        users = self.audience.on_duty()
        if agency is None:
            text = _(
                "Aduan %(code)s belum berkategori sehingga tidak dapat didisposisikan otomatis. "
                "Tenggat disposisi %(due)s: mohon petugas piket segera mendisposisikannya."
            ) % {"code": complaint.code, "due": alerts.local_text(record.due_at)}
            firing.event = self.note(record, step, firing.scheduled_at, text, dispatched=False)
            firing.save(update_fields=["event"])
            self.send(users, complaint, step, text)
            return "fired"
        try:
            event = lifecycle.dispatch(
                complaint,
                None,
                lead=agency,
                note=_(
                    "Diteruskan otomatis oleh sistem sesuai kategori aduan agar tidak "
                    "melewati batas waktu disposisi."
                ),
                automatic=True,
                at=self.now,
            )
        except lifecycle.TransitionError as error:
            log.warning("automatic dispatch of %s refused: %s", complaint.code, error.message)
            return "fired"
        # Marked for the moderators' review; the board and the office queue read this.
        data = {**event.data, "review": True, "reason": "dispatch_deadline", "step": step.order}
        Event.objects.filter(pk=event.pk).update(data=data)
        firing.event = event
        firing.save(update_fields=["event"])
        text = _(
            "Aduan %(code)s didisposisikan otomatis ke %(agency)s karena tenggat disposisi "
            "(%(due)s) hampir lewat. Mohon ditinjau."
        ) % {
            "code": complaint.code,
            "agency": agency.short_name,
            "due": alerts.local_text(record.due_at),
        }
        self.send(users, complaint, step, text)
        return "ended"


__all__ = ["Stage", "predict_agency", "sweep"]
