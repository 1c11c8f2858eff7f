"""What the bimonthly meeting decides on, beside the evaluation's counts: the scorecard,
the ladder steps proposed and approved, each agency's improvement-plan status (with the
previous period's plans and whether they held), and what became of the complaints.

Counts only: no complaint is named here, so the published files may carry all of it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count

from . import scoring
from .models import ComplaintSummary, Result
from .periods import Period
from .records import Sanction

# The outcomes of answered complaints, in the order the report lists them; "fixed"
# stands alone, never summed with referrals or refusals.
OUTCOME_RESULTS = (
    Result.FIXED,
    Result.ANSWERED,
    Result.REFERRED,
    Result.PLANNED,
    Result.CANNOT_ACT,
)


@dataclass
class AgencyAccount:
    agency: object
    score: scoring.Score | None = None
    sanction: Sanction | None = None
    previous: Sanction | None = None
    outcomes: dict = field(default_factory=dict)  # Result -> n

    @property
    def name(self) -> str:
        return self.agency.name

    def outcome_list(self) -> list[int]:
        return [self.outcomes.get(r, 0) for r in OUTCOME_RESULTS]

    @property
    def previous_held(self) -> bool | None:
        """The previous period's plan: the review's verdict, else what this period's
        score says so far."""
        if self.previous is None or self.previous.step.is_reward:
            return None
        if self.previous.state == Sanction.State.REVIEWED:
            return self.previous.held
        if self.score is None or not self.score.ranked:
            return None
        from decimal import Decimal

        return self.score.displayed >= Decimal(self.previous.step.max_score) * 100


@dataclass
class Accountability:
    period: Period
    card: scoring.Scorecard
    rows: list[AgencyAccount]

    @property
    def outcome_titles(self) -> list[str]:
        labels = dict(Result.choices)
        return [str(labels[r]) for r in OUTCOME_RESULTS]

    @property
    def outcome_totals(self) -> list[int]:
        return [
            sum(row.outcome_list()[i] for row in self.rows) for i in range(len(OUTCOME_RESULTS))
        ]


def outcomes(period: Period) -> dict[int | None, dict[str, int]]:
    """Complaints received in the period, by lead agency and result."""
    counts: dict[int | None, dict[str, int]] = defaultdict(dict)
    rows = (
        ComplaintSummary.objects.filter(month__in=period.months, result__in=OUTCOME_RESULTS)
        .values("agency_id", "result")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in rows:
        counts[row["agency_id"]][row["result"]] = row["n"]
    return counts


def build(period: Period) -> Accountability:
    card = scoring.scorecard(period)
    records = {
        s.agency_id: s
        for s in Sanction.objects.filter(period=period.code).select_related(
            "proposed_level", "level", "plan"
        )
    }
    earlier = {
        s.agency_id: s
        for s in Sanction.objects.filter(period=period.previous().code).select_related(
            "proposed_level", "level", "plan"
        )
    }
    by_outcome = outcomes(period)
    rows = []
    for score in card.scores:
        pk = score.agency.pk
        row = AgencyAccount(
            agency=score.agency,
            score=score,
            sanction=records.get(pk),
            previous=earlier.get(pk),
            outcomes=by_outcome.get(pk, {}),
        )
        if row.score.judged or row.sanction or row.previous or row.outcomes:
            rows.append(row)
    return Accountability(period, card, rows)
