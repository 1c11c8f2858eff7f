"""The deadline clock: the first after-transition subscriber (``aduan.core.effects``).

After every event row the lifecycle writes, :func:`on_transition` opens, pauses,
resumes, recomputes and ends the complaint's stage records, and writes the
deadlines onto the complaint:

=====================  ================================================================
event                  effect
=====================  ================================================================
created                dispatch stage opens (clock from receipt)
dispatched             dispatch stage ends; response and resolution stages open
                       (resolution uses the multi-agency amount with supporting agencies)
acknowledged, update,  response stage ends (the agency's first response)
info_requested, ...
info_requested         every running stage pauses (``due_at`` null on the complaint)
info_provided          paused stages resume, deadlines shifted by the pause
returned               response ends, resolution cancelled, a new dispatch cycle opens
deferred               resolution ends as deferred; a budget stage holds the planned date
resolved               every stage ends (answer_directly ends the dispatch stage)
disputed               a new cycle of response + resolution (or dispatch) opens
corrected              running deadlines recomputed under the new kind/category/priority
rejected, merged,      the dispatch stage ends (a moderator decided); the others are
closed, confirmed      cancelled
=====================  ================================================================

It runs inside the transition's transaction and uses ``event.created_at`` as
"now", so back-dated demo data and simulations get the deadlines the system would
have given at the time. It writes the complaint with ``update()``: deadlines are
derived data and must not bump ``version`` (a form opened before would turn stale).
"""

from __future__ import annotations

from datetime import datetime

from aduan.core.models import (
    OPEN_STATUSES,
    RUNNING_CLOCK_STATUSES,
    Complaint,
    Event,
    Status,
)

from .models import SLA_STAGES, EscalationFiring, Stage, StageRecord
from .policy import add_amount, pause_mode, shift_by_pauses, step_moment
from .store import get_calendar, get_policy

E = Event.Kind
Outcome = StageRecord.Outcome

# Events that change nothing about deadlines; skipped before any query.
IGNORED_EVENTS = frozenset({E.NOTE, E.RATED, E.CONTACT_VIEWED})
# Whatever the agency does first counts as its response (as ``first_response_at`` does).
RESPONSE_EVENTS = frozenset(
    {E.ACKNOWLEDGED, E.UPDATE, E.INFO_REQUESTED, E.DEFERRED, E.RESOLVED, E.RETURNED}
)
_DUE_FIELDS = {
    Stage.DISPATCH: "dispatch_due_at",
    Stage.RESPONSE: "response_due_at",
    Stage.RESOLUTION: "resolution_due_at",
}


def on_transition(complaint: Complaint, event: Event) -> None:
    if event.kind in IGNORED_EVENTS:
        return
    first = complaint.__dict__.pop("_filing_ledger", None)
    if first is not None and event.kind == E.CREATED and first.at == event.created_at:
        # The filing's own ledger, already reckoned by before_filing: give its record the
        # complaint's new id and write it.
        for record in first.new:
            record.complaint_id = complaint.pk
        first.save()
        return
    ledger = Ledger(complaint, event.created_at)
    ledger.apply(event)
    ledger.save()


def before_filing(complaint: Complaint, at: datetime) -> None:
    """Write a complaint's first deadlines onto it before the filing inserts it: the row
    goes in with them, and :meth:`Ledger.save` of the filing then needs no UPDATE.

    The same ledger the filing's event runs, on the complaint not yet saved; it is kept
    on the complaint, and :func:`on_transition` of the filing's event writes its stage
    record with the complaint's id rather than reckoning the deadline again."""
    complaint._filing = True
    try:
        ledger = Ledger(complaint, at)
        ledger.start(Stage.DISPATCH)
        for name, value in ledger.due_fields().items():
            setattr(complaint, name, value)
        complaint._filing_ledger = ledger
    finally:
        del complaint._filing


def budget_deadline(calendar, year: int) -> datetime:
    """The planned date of a budget-deferred complaint: the last moment of that year."""
    return datetime(year, 12, 31, 23, 59, 59, tzinfo=calendar.tz)


class Ledger:
    """The stage records of one complaint, changed at one moment ``at``."""

    def __init__(self, complaint: Complaint, at: datetime):
        self.complaint = complaint
        self.at = at
        self.calendar = get_calendar()
        self.policy = get_policy()
        # A complaint being filed (marked by the lifecycle) has no records yet: no query.
        filing = getattr(complaint, "_filing", False)
        records = [] if filing else list(StageRecord.objects.filter(complaint_id=complaint.pk))
        self.cycles: dict[str, int] = {}
        self.open: dict[str, StageRecord] = {}
        for record in records:
            self.cycles[record.stage] = max(self.cycles.get(record.stage, 0), record.cycle)
            if record.is_open:
                self.open[record.stage] = record
        self.new: list[StageRecord] = []
        self.changed: dict[int, StageRecord] = {}
        self.fields: dict[str, object] = {}

    # -- the event table --------------------------------------------------------------

    def apply(self, event: Event) -> None:
        kind = event.kind
        status = self.complaint.status
        if kind == E.CREATED:
            self.start(Stage.DISPATCH)
        elif kind == E.CORRECTED:
            self.reclassify()
        elif kind == E.DISPATCHED:
            self.finish(Stage.DISPATCH)
            for stage in (Stage.RESPONSE, Stage.RESOLUTION, Stage.BUDGET):
                self.finish(stage, Outcome.CANCELLED)
            multi = bool((event.data or {}).get("supporting"))
            self.start(Stage.RESPONSE, self.complaint.lead_agency_id, multi)
            self.start(Stage.RESOLUTION, self.complaint.lead_agency_id, multi)
        elif kind == E.DISPUTED:
            for stage in list(self.open):
                self.finish(stage, Outcome.CANCELLED)
            if status == Status.DIDISPOSISIKAN and self.complaint.lead_agency_id:
                multi = self.complaint.supporting_agencies.exists()
                self.start(Stage.RESPONSE, self.complaint.lead_agency_id, multi)
                self.start(Stage.RESOLUTION, self.complaint.lead_agency_id, multi)
            else:
                self.start(Stage.DISPATCH)
        else:
            if kind in RESPONSE_EVENTS:
                self.finish(Stage.RESPONSE)
            if kind == E.RETURNED:
                self.finish(Stage.RESOLUTION, Outcome.CANCELLED)
                self.start(Stage.DISPATCH)
            elif kind == E.INFO_REQUESTED:
                self.pause()
            elif kind == E.INFO_PROVIDED:
                self.resume()
            elif kind == E.DEFERRED:
                self.finish(Stage.RESOLUTION, Outcome.DEFERRED)
                self.finish(Stage.BUDGET, Outcome.CANCELLED)
                if self.complaint.budget_year:
                    self.start_budget(self.complaint.budget_year)
            elif kind == E.RESOLVED:
                for stage in (Stage.DISPATCH, Stage.RESOLUTION, Stage.BUDGET):
                    self.finish(stage)
        if status not in OPEN_STATUSES:
            # A moderator's rejection or merge is the dispatch stage's decision; any
            # other stage still running just stops.
            for stage in list(self.open):
                self.finish(stage, None if stage == Stage.DISPATCH else Outcome.CANCELLED)

    # -- stage operations ---------------------------------------------------------------

    def _rule(self, stage: str):
        c = self.complaint
        return self.policy.rule_for(
            stage, kind=c.kind, category_id=c.category_id, priority=c.priority
        )

    def start(self, stage: str, agency_id: int | None = None, multi_agency: bool = False):
        self.finish(stage, Outcome.CANCELLED)
        rule = self._rule(stage)
        due = None
        if rule is not None:
            due = add_amount(self.calendar, self.at, rule.amount_for(multi_agency), rule.unit)
        record = StageRecord(
            complaint_id=self.complaint.pk,
            stage=stage,
            cycle=self.cycles.get(stage, 0) + 1,
            agency_id=agency_id,
            unit=rule.unit if rule else "",
            multi_agency=multi_agency,
            started_at=self.at,
            base_due_at=due,
            due_at=due,
        )
        self.cycles[stage] = record.cycle
        record.next_escalation_at = self.next_escalation(record, fired=frozenset())
        self.new.append(record)
        self.open[stage] = record
        self.fields[_DUE_FIELDS[stage]] = due

    def start_budget(self, year: int) -> None:
        due = budget_deadline(self.calendar, year)
        record = StageRecord(
            complaint_id=self.complaint.pk,
            stage=Stage.BUDGET,
            cycle=self.cycles.get(Stage.BUDGET, 0) + 1,
            agency_id=self.complaint.lead_agency_id,
            started_at=self.at,
            base_due_at=due,
            due_at=due,
        )
        self.cycles[Stage.BUDGET] = record.cycle
        self.new.append(record)
        self.open[Stage.BUDGET] = record

    def finish(self, stage: str, outcome: str | None = None) -> None:
        """End ``stage``: met or late by the clock unless ``outcome`` says otherwise."""
        record = self.open.pop(stage, None)
        if record is None:
            return
        if record.paused_at is not None:
            self._resume(record)
        late = record.due_at is not None and self.at > record.due_at
        record.completed_at = self.at
        record.outcome = outcome or (Outcome.LATE if late else Outcome.MET)
        # Planning for a budget year is never a breach (the seeds: "every complaint will
        # be handled", only later); any other stage that ends after its deadline is.
        record.breached = late and record.stage != Stage.BUDGET
        record.next_escalation_at = None
        self._touch(record)
        if outcome == Outcome.CANCELLED and stage in _DUE_FIELDS:
            self.fields[_DUE_FIELDS[stage]] = None

    def pause(self) -> None:
        for record in self.open.values():
            if record.stage in SLA_STAGES and record.paused_at is None:
                record.paused_at = self.at
                record.next_escalation_at = None
                self._touch(record)

    def resume(self) -> None:
        paused = [r for r in self.open.values() if r.paused_at is not None]
        fired = self._fired(paused)
        for record in paused:
            self._resume(record)
            record.next_escalation_at = self.next_escalation(record, fired.get(record.pk, ()))
            if record.stage in _DUE_FIELDS:
                self.fields[_DUE_FIELDS[record.stage]] = record.due_at

    def _resume(self, record: StageRecord) -> None:
        began = record.paused_at
        if record.due_at is not None:
            record.due_at = self.calendar.shift_deadline(
                record.due_at, began, self.at, pause_mode(record.unit)
            )
        record.paused_clock_seconds += max(0.0, (self.at - began).total_seconds())
        record.paused_working_seconds += self.calendar.working_seconds_between(began, self.at)
        record.paused_at = None
        self._touch(record)

    def reclassify(self) -> None:
        """Recompute running deadlines after a corrected kind, category or priority."""
        running = [r for r in self.open.values() if r.stage in SLA_STAGES]
        fired = self._fired(running)
        for record in running:
            rule = self._rule(record.stage)
            if rule is None:
                base = due = None
                unit = ""
            else:
                unit = rule.unit
                base = add_amount(
                    self.calendar, record.started_at, rule.amount_for(record.multi_agency), unit
                )
                due = shift_by_pauses(
                    self.calendar,
                    base,
                    unit,
                    record.paused_clock_seconds,
                    record.paused_working_seconds,
                )
            if (base, due, unit) == (record.base_due_at, record.due_at, record.unit):
                continue
            record.unit, record.base_due_at, record.due_at = unit, base, due
            if record.paused_at is None:
                record.next_escalation_at = self.next_escalation(record, fired.get(record.pk, ()))
            self._touch(record)
            self.fields[_DUE_FIELDS[record.stage]] = due

    # -- helpers ------------------------------------------------------------------------

    def next_escalation(self, record: StageRecord, fired) -> datetime | None:
        """The moment of the earliest ladder step not fired yet (past moments included:
        the sweep fires those on its next pass)."""
        if record.paused_at is not None or record.due_at is None:
            return None
        moments = [
            step_moment(
                self.calendar,
                step,
                started_at=record.started_at,
                base_due_at=record.base_due_at,
                due_at=record.due_at,
                unit=record.unit,
                paused_clock_seconds=record.paused_clock_seconds,
                paused_working_seconds=record.paused_working_seconds,
            )
            for step in self.policy.steps_for(record.stage)
            if step.id not in fired
        ]
        moments = [m for m in moments if m is not None]
        return min(moments) if moments else None

    def _fired(self, records) -> dict[int, set[int]]:
        ids = [r.pk for r in records if r.pk is not None]
        fired: dict[int, set[int]] = {}
        if ids:
            rows = EscalationFiring.objects.filter(record_id__in=ids).values_list(
                "record_id", "step_id"
            )
            for record_id, step_id in rows:
                fired.setdefault(record_id, set()).add(step_id)
        return fired

    def _touch(self, record: StageRecord) -> None:
        if record.pk is not None:
            self.changed[record.pk] = record

    def _current(self) -> tuple[str, datetime | None]:
        """The stage the complaint is in now and its running deadline (None: no clock)."""
        status = self.complaint.status
        running = [r for r in self.open.values() if r.stage in SLA_STAGES]
        if status == Status.DITUNDA_ANGGARAN:
            return Stage.BUDGET, None
        if status == Status.MENUNGGU_INFO:
            paused = sorted(running, key=_stage_order)
            return (paused[0].stage if paused else ""), None
        if status not in RUNNING_CLOCK_STATUSES or not running:
            return "", None
        timed = [r for r in running if r.due_at is not None and r.paused_at is None]
        if timed:
            nearest = min(timed, key=lambda r: (r.due_at, _stage_order(r)))
            return nearest.stage, nearest.due_at
        return min(running, key=_stage_order).stage, None

    def due_fields(self) -> dict[str, object]:
        """The complaint's deadline columns as this ledger leaves them."""
        stage, due = self._current()
        return {**self.fields, "due_stage": stage, "due_at": due}

    def save(self) -> None:
        if len(self.new) == 1:  # a filing's first stage: the compiled INSERT
            self.new[0].save(force_insert=True)
        elif self.new:
            StageRecord.objects.bulk_create(self.new)
        for record in self.changed.values():
            record.save(
                update_fields=[
                    "due_at",
                    "paused_at",
                    "paused_clock_seconds",
                    "paused_working_seconds",
                    "completed_at",
                    "outcome",
                    "breached",
                    "next_escalation_at",
                    "unit",
                    "base_due_at",
                ]
            )
        fields = self.due_fields()
        written = getattr(self.complaint, "_filing", False) and all(
            getattr(self.complaint, name) == value for name, value in fields.items()
        )
        if not written:  # a filing's INSERT already holds them (before_filing)
            Complaint.objects.filter(pk=self.complaint.pk).update(**fields)
        # The caller's object shows the new deadlines without a reload.
        for name, value in fields.items():
            setattr(self.complaint, name, value)


_ORDER = {stage: i for i, stage in enumerate(SLA_STAGES)}


def _stage_order(record: StageRecord) -> int:
    return _ORDER.get(record.stage, len(_ORDER))
