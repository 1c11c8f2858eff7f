"""The sweep: fire the escalation steps that have come due, and dispatch on the moderators'
behalf when their deadline is about to pass (holiday coverage).

Cost model. Each open stage record carries ``next_escalation_at``, the moment of its
earliest unfired step, kept by the transition hook; a partial index covers it. A sweep
with nothing due is one indexed range query, whatever the number of open complaints;
calendar arithmetic happens only for the records that are due. A batch of due records
costs the same dozen statements whether it holds one record or two hundred: its claim,
the steps already fired, the supporting agencies, then one insert per table (events,
firings, outbox, in-app notices) and one update of the records' next moments. Only an
automatic dispatch, a lifecycle transition, is carried out record by record.

Concurrency. Batches are claimed with ``SELECT ... FOR UPDATE SKIP LOCKED`` on the stage
record *and its complaint*: a complaint locked by a transition in progress is skipped
(picked up on the next pass), and lifecycle transitions and the sweep lock the
complaint first, so they cannot deadlock. The lock is the claim: a record is escalated
by the one sweep holding it, from the fired steps read under the lock. The unique
constraint of :class:`EscalationFiring` guarantees the rest (a claim written by other
means, or SQLite, which ignores the row locks and serialises writers instead): a batch
whose insert hits it is escalated again record by record, each claim in a savepoint,
and a sweep that loses the race on a step does nothing for it.
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Case, DateTimeField, Value, When
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from aduan.core import effects, lifecycle
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
            fresh, again = [], []
            for record in batch:
                if record.pk in seen:
                    # Should not happen (each pass moves the record's moment past now);
                    # never loop on it.
                    log.error("stage record %s came due twice in one sweep", record.pk)
                    again.append(record.pk)
                else:
                    seen.add(record.pk)
                    fresh.append(record)
            if again:
                _postpone(again, now)
            run.escalate_batch(fresh)
        if len(batch) < batch_size:
            # A short batch took everything due that nobody else holds.
            break
    return dict(run.counts)


def _postpone(ids: list[int], now: datetime) -> None:
    StageRecord.objects.filter(pk__in=ids).update(next_escalation_at=now + RETRY_AFTER)


@dataclass
class _Firing:
    """One step of a plan: claimed as skipped, or acted on with ``text`` for ``users``."""

    step: StepData
    moment: datetime
    skipped: bool
    text: str | None = None
    users: list = field(default_factory=list)
    event: Event | None = None


@dataclass
class _Plan:
    """What escalating one claimed record writes: its firings and its next moment."""

    record: StageRecord
    firings: list[_Firing]
    next_at: datetime | None


class _Run:
    """One sweep pass: its clock, calendar, policy, recipients and counts."""

    def __init__(self, now: datetime):
        self.now = now
        self.calendar = get_calendar()
        self.policy = get_policy()
        self.audience = alerts.Audience(now)
        self.counts: Counter = Counter()
        self._opening: datetime | None = None

    # -- a batch at a time -------------------------------------------------------------

    def escalate_batch(self, records: list[StageRecord]) -> None:
        """Escalate a claimed batch with a fixed number of statements, whatever its size.

        The steps are worked out in Python first (:meth:`plan`), then written with one
        insert per table and one update of the records (:meth:`write`). The batch's row
        locks make the fired steps read here final, so the claims cannot collide; should
        one collide anyway, or a write fail, the group is escalated again one record at a
        time, claim by claim, as :meth:`escalate` always did. An automatic dispatch is a
        lifecycle transition of its own: that record goes alone, in its place in the order.
        """
        if not records:
            return
        fired = self.fired_steps(records)
        self.audience.load_supporting(records)
        group: list[_Plan] = []
        failed: list[int] = []
        for record in records:
            try:
                plan = self.plan(record, set(fired[record.pk]))
            except Exception:
                log.exception("escalation of stage record %s failed", record.pk)
                self.counts["errors"] += 1
                failed.append(record.pk)
                continue
            if plan is None:
                self.write(group, fired)
                group = []
                self.escalate_alone(record, set(fired[record.pk]))
            else:
                group.append(plan)
        self.write(group, fired)
        if failed:
            _postpone(failed, self.now)

    @staticmethod
    def fired_steps(records: list[StageRecord]) -> dict[int, set[int]]:
        fired: dict[int, set[int]] = defaultdict(set)
        rows = EscalationFiring.objects.filter(record__in=records).values_list(
            "record_id", "step_id"
        )
        for record_id, step_id in rows:
            fired[record_id].add(step_id)
        return fired

    def plan(self, record: StageRecord, fired: set[int]) -> _Plan | None:
        """The steps of ``record`` due now, as :meth:`escalate` would fire them; ``None``
        when one of them is an automatic dispatch to carry out."""
        timeline = self.timeline(record, fired)
        late = record.due_at is not None and self.now >= record.due_at
        firings = []
        for moment, _order, step in timeline:
            if moment > self.now:
                break
            skipped = step.action in BEFORE_DEADLINE_ACTIONS and late
            if step.action == Action.AUTO_DISPATCH and not skipped:
                return None
            fired.add(step.id)
            item = _Firing(step, moment, skipped)
            if not skipped:
                overdue = overdue_text(record.due_at, self.now, self.calendar)
                item.text = alerts.step_text(step.action, record, record.complaint, overdue)
                item.users = self.audience.for_step(step.action, record)
            firings.append(item)
        upcoming = [moment for moment, _order, step in timeline if step.id not in fired]
        return _Plan(record, firings, min(upcoming) if upcoming else None)

    def write(self, plans: list[_Plan], fired: dict[int, set[int]]) -> None:
        if not plans:
            return
        try:
            with transaction.atomic():
                counts = self._write(plans)
        except Exception as error:
            # A collided claim is expected now and then; anything else is a bug to see.
            report = log.info if isinstance(error, IntegrityError) else log.exception
            report("batch write failed (%s); %d stage records one by one", error, len(plans))
            for plan in plans:
                self.escalate_alone(plan.record, set(fired[plan.record.pk]))
            return
        self.counts.update(counts)

    def _write(self, plans: list[_Plan]) -> Counter:
        counts: Counter = Counter()
        events = []
        for plan in plans:
            for item in plan.firings:
                if not item.skipped:
                    # The row ``lifecycle.record_note`` writes; its after-transition step
                    # follows below, once per row, as there.
                    item.event = Event(
                        complaint=plan.record.complaint,
                        kind=Event.Kind.NOTE,
                        note=item.text,
                        is_public=False,
                        data=self.note_data(plan.record, item.step, item.moment),
                        created_at=self.now,
                        actor=None,
                        actor_label="",
                    )
                    events.append(item.event)
        Event.objects.bulk_create(events)
        for event in events:
            effects.after_transition(event.complaint, event)
        firings = []
        mailbag = alerts.Mailbag(self.now)
        for plan in plans:
            record, complaint = plan.record, plan.record.complaint
            for item in plan.firings:
                step = item.step
                firings.append(
                    EscalationFiring(
                        record=record,
                        complaint_id=record.complaint_id,
                        stage=record.stage,
                        cycle=record.cycle,
                        step_id=step.id,
                        action=step.action,
                        scheduled_at=item.moment,
                        fired_at=self.now,
                        skipped=item.skipped,
                        event=item.event,
                    )
                )
                if item.skipped:
                    counts["skipped"] += 1
                    continue
                counts[step.action] += 1
                mailbag.add(
                    item.users,
                    complaint,
                    subject=alerts.step_subject(step.action, complaint),
                    text=item.text,
                    send_at=self.send_at(step),
                )
        EscalationFiring.objects.bulk_create(firings)
        mailbag.send()
        moments = DateTimeField()
        next_at = Case(
            *(When(pk=p.record.pk, then=Value(p.next_at, moments)) for p in plans),
            output_field=moments,
        )
        if connection.features.requires_casted_case_in_updates:
            # PostgreSQL types the CASE of bound parameters as text (as bulk_update knows).
            next_at = Cast(next_at, moments)
        StageRecord.objects.filter(pk__in=[p.record.pk for p in plans], outcome="").update(
            next_escalation_at=next_at
        )
        return counts

    # -- one record at a time ------------------------------------------------------------

    def escalate_alone(self, record: StageRecord, fired: set[int]) -> None:
        try:
            with transaction.atomic():
                self.escalate(record, fired)
        except Exception:
            log.exception("escalation of stage record %s failed", record.pk)
            self.counts["errors"] += 1
            _postpone([record.pk], self.now)

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

    def timeline(self, record: StageRecord, fired: set[int]) -> list[tuple]:
        """(moment, order, step) of the steps not fired yet, earliest first."""
        timeline = []
        for step in self.policy.steps_for(record.stage):
            if step.id in fired:
                continue
            moment = self.moment(step, record)
            if moment is not None:
                timeline.append((moment, step.order, step))
        timeline.sort(key=lambda item: (item[0], item[1]))
        return timeline

    def send_at(self, step: StepData) -> datetime:
        if not step.respect_working_hours:
            return self.now
        if self._opening is None:
            self._opening = self.calendar.next_working_moment(self.now)
        return self._opening

    def escalate(self, record: StageRecord, fired: set[int]) -> None:
        timeline = self.timeline(record, fired)
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

    @staticmethod
    def note_data(record, step, moment, **extra) -> dict:
        return {
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

    def note(self, record, step, moment, text, **extra) -> Event:
        """The escalation's event row on the complaint's (internal) timeline."""
        data = self.note_data(record, step, moment, **extra)
        # The sweep's ``now`` is the truth (it differs in simulations and replays).
        return lifecycle.record_note(record.complaint, None, note=text, data=data, at=self.now)

    def send(self, users, complaint, step: StepData, text: str) -> None:
        alerts.deliver(
            users,
            complaint,
            subject=alerts.step_subject(step.action, complaint),
            text=text,
            now=self.now,
            send_at=self.send_at(step),
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
