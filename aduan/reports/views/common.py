"""Helpers shared by the public and staff report views."""

from __future__ import annotations

from aduan.deadlines.models import Stage

from ..periods import Period, current_evaluation_period

SCORED_STAGES = (Stage.RESPONSE, Stage.RESOLUTION)


def period_choices(n: int = 7) -> list[Period]:
    """The running evaluation period first, then the ``n - 1`` before it."""
    current = current_evaluation_period()
    return [current] + [current.previous(i) for i in range(1, n)]


def scorecard_context(card, period: Period, *, public: bool) -> dict:
    from ..sanctions import current_steps

    choices = period_choices()
    steps = current_steps()
    return {
        # The leaders' decisions in force, beside the computed ladder of the period shown.
        "current_steps": [
            (s.agency, steps[s.agency.pk]) for s in card.scores if s.agency.pk in steps
        ],
        "card": card,
        "period": period,
        "periods": choices,
        "running": period == choices[0],
        "public": public,
        "stages": SCORED_STAGES,
    }
