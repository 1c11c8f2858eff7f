"""Per-agency figures of one period: the leaders' dashboard and the evaluation report.

:class:`AgencyRow` holds what the seeds ask Diskominfo to evaluate: what reached the
agency, what it left unanswered and unresolved at the end of the period, its breaches
by stage, its on-time rates and median times, what it planned for a budget year, and
how citizens judged its answers. :func:`dashboard_rows` fills rows from the
pre-aggregated counts; :mod:`aduan.reports.evaluation` fills the same rows straight
from the stage records and the event log, and a test holds the two equal.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aduan.core.models import Agency
from aduan.deadlines.models import SLA_STAGES, Stage

from . import measures
from .periods import Period

STAGE_LABELS = {
    Stage.DISPATCH: gettext_lazy("Disposisi"),
    Stage.RESPONSE: gettext_lazy("Tanggapan pertama"),
    Stage.RESOLUTION: gettext_lazy("Penyelesaian"),
    Stage.BUDGET: gettext_lazy("Rencana anggaran"),
}


@dataclass
class AgencyRow:
    agency: Agency | None  # None: the moderators (dispatch, direct answers)
    dispatched: int = 0
    answers: int = 0
    disputes: int = 0
    ratings: int = 0
    rating_sum: int = 0
    undispatched: int = 0
    unanswered: int = 0
    unresolved: int = 0
    deferred: int = 0
    judged: dict = field(default_factory=dict)
    on_time: dict = field(default_factory=dict)
    breaches: dict = field(default_factory=dict)
    medians: dict = field(default_factory=dict)
    overdue_now: int | None = None
    # Complaints received in the period by outcome; outside ``numbers()`` because the
    # evaluation report fills its rows from the stage records, which know no outcome.
    outcomes: measures.Outcomes = field(default_factory=measures.Outcomes)

    @property
    def name(self) -> str:
        return self.agency.name if self.agency else _("Moderator (Diskominfo)")

    @property
    def short_name(self) -> str:
        return self.agency.short_name if self.agency else _("Moderator")

    def rate(self, stage: str) -> float | None:
        judged = self.judged.get(stage, 0)
        return self.on_time.get(stage, 0) / judged if judged else None

    @property
    def total_breaches(self) -> int:
        return sum(self.breaches.values())

    @property
    def mean_rating(self) -> float | None:
        return self.rating_sum / self.ratings if self.ratings else None

    @property
    def reopen_rate(self) -> float | None:
        return self.disputes / self.answers if self.answers else None

    @property
    def is_empty(self) -> bool:
        return not any(v for k, v in self.numbers().items() if not k.startswith("median"))

    def numbers(self) -> dict:
        """Every figure as a flat dict: what the equality test compares."""
        result = {
            "dispatched": self.dispatched,
            "answers": self.answers,
            "disputes": self.disputes,
            "ratings": self.ratings,
            "rating_sum": self.rating_sum,
            "undispatched": self.undispatched,
            "unanswered": self.unanswered,
            "unresolved": self.unresolved,
            "deferred": self.deferred,
        }
        for stage in SLA_STAGES:
            result[f"judged_{stage}"] = self.judged.get(stage, 0)
            result[f"on_time_{stage}"] = self.on_time.get(stage, 0)
            result[f"breaches_{stage}"] = self.breaches.get(stage, 0)
            result[f"median_{stage}"] = self.medians.get(stage)
        return result

    def reasons(self) -> list[str]:
        """Why the agency looks slow, worst first, in words for the leaders."""
        found = []
        for stage in SLA_STAGES:
            n = self.breaches.get(stage, 0)
            if n:
                found.append(
                    (
                        n,
                        _("%(n)s tahap %(stage)s terlambat")
                        % {"n": n, "stage": str(STAGE_LABELS[stage]).lower()},
                    )
                )
        if self.unanswered:
            found.append(
                (self.unanswered, _("%(n)s aduan belum ditanggapi") % {"n": self.unanswered})
            )
        if self.unresolved:
            found.append((self.unresolved, _("%(n)s aduan belum selesai") % {"n": self.unresolved}))
        if self.disputes:
            found.append((self.disputes, _("%(n)s jawaban dibantah") % {"n": self.disputes}))
        return [text for _n, text in sorted(found, key=lambda x: -x[0])]


def slowest_first(rows: list[AgencyRow]) -> list[AgencyRow]:
    return sorted(
        rows,
        key=lambda r: (-r.total_breaches, -(r.unanswered + r.unresolved), r.short_name.lower()),
    )


def agencies_by_id() -> dict[int, Agency]:
    return {a.pk: a for a in Agency.objects.all()}


def dashboard_rows(period: Period, public: bool | None = None) -> list[AgencyRow]:
    """One row per agency with any figure in ``period``, from the monthly counts."""
    agencies = agencies_by_id()
    rows: dict[int | None, AgencyRow] = {}

    def row(agency_id) -> AgencyRow:
        if agency_id not in rows:
            rows[agency_id] = AgencyRow(agencies.get(agency_id) if agency_id else None)
        return rows[agency_id]

    for (agency_id, stage), perf in measures.performance(period.months, public).items():
        target = row(agency_id)
        if stage == "":
            target.dispatched += perf.dispatched
            target.answers += perf.answers
            target.disputes += perf.disputes
            target.ratings += perf.ratings
            target.rating_sum += perf.rating_sum
        elif stage in SLA_STAGES:
            target.judged[stage] = perf.judged
            target.on_time[stage] = perf.on_time
            target.breaches[stage] = perf.breached
            target.medians[stage] = perf.median_seconds
    fields = {
        Stage.DISPATCH: "undispatched",
        Stage.RESPONSE: "unanswered",
        Stage.RESOLUTION: "unresolved",
        Stage.BUDGET: "deferred",
    }
    for (agency_id, stage), n in measures.open_at(period.end_month, public).items():
        target = row(agency_id)
        setattr(target, fields[stage], getattr(target, fields[stage]) + n)
    for agency_id, outcomes in measures.outcomes_by_agency(period.months, bool(public)).items():
        if agency_id in rows:
            rows[agency_id].outcomes = outcomes
    return [r for r in rows.values() if not r.is_empty]
