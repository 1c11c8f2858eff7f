"""Agency scorecards: a fair score, a ranking with ties, the sanction ladder and the
appreciation list, per evaluation period.

The score's main part is the on-time rate of an agency's response and resolution
stages judged in the period (``counting.py``), shrunk toward the city's rate for the
same period with the beta-binomial (empirical Bayes) posterior mean::

    part = (on_time + k * city_rate) / (judged + k)

Satisfaction (the reporters' star ratings), answers not reopened and answers not
disputed are parts too, each shrunk the same way toward the city's rate. The score is
their weighted mean with the weights the city sets in ``ReportSettings`` (the scorecard
page prints them); a part without data for the agency in the period drops out, and an
agency with no judged stage has no score at all.

``k`` (``ReportSettings.prior_strength``, default 20) works as k extra stages at the
city's rate: an agency with 5 judged stages, all late, scores near the city average,
not 0%; one with 500 scores what it did. Fairness rules on top:

* below ``min_volume`` judged stages an agency is *not ranked* (and not sanctioned,
  nor appreciated): a handful of cases says little;
* ranks compare the score *as displayed* (a percentage with one decimal), and equal
  displayed scores share a rank ("1, 2, 2, 4"), so no agency is placed above another
  on a difference nobody can see;
* sanctions follow :class:`~aduan.reports.models.SanctionLevel` rows: a level applies
  when the agency was ranked with a score below its threshold in as many consecutive
  periods as it asks, ending with the evaluated one; the highest such level applies.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from aduan.core.models import Agency
from aduan.deadlines.models import Stage

from . import measures
from .models import ReportSettings, SanctionLevel
from .periods import Period

SCORED_STAGES = (Stage.RESPONSE, Stage.RESOLUTION)


@dataclass
class Score:
    agency: Agency
    judged: int
    on_time: int
    score: float | None
    ranked: bool
    rank: int | None = None
    level: SanctionLevel | None = None
    appreciated: bool = False
    perf: dict = field(default_factory=dict)  # stage -> measures.Perf
    flows: measures.Perf | None = None
    # What became of the agency's complaints: shown beside the score, not part of it.
    outcomes: measures.Outcomes = field(default_factory=measures.Outcomes)
    # The score's parts ({"timeliness": 0.83, "satisfaction": 0.7, ...}), each pulled
    # toward the city's rate; only the parts the agency had data for.
    parts: dict = field(default_factory=dict)

    @property
    def raw_rate(self) -> float | None:
        return self.on_time / self.judged if self.judged else None

    @property
    def displayed(self) -> Decimal | None:
        """The score as shown: a percentage with one decimal; ranks compare this."""
        if self.score is None:
            return None
        return (Decimal(str(self.score)) * 100).quantize(Decimal("0.1"))

    def median(self, stage: str) -> float | None:
        perf = self.perf.get(stage)
        return perf.median_seconds if perf else None

    def rate(self, stage: str) -> float | None:
        perf = self.perf.get(stage)
        return perf.on_time_rate if perf else None

    def breaches(self, stage: str) -> int:
        perf = self.perf.get(stage)
        return perf.breached if perf else 0


@dataclass
class Scorecard:
    period: Period
    scores: list[Score]
    city_rate: float | None
    settings: ReportSettings
    levels: list[SanctionLevel]

    @property
    def ranked(self) -> list[Score]:
        return [s for s in self.scores if s.ranked]

    @property
    def unranked(self) -> list[Score]:
        return [s for s in self.scores if not s.ranked]

    @property
    def with_data(self) -> list[Score]:
        return [s for s in self.scores if s.judged]

    @property
    def without_data(self) -> list[Score]:
        return [s for s in self.scores if not s.judged]

    @property
    def appreciated(self) -> list[Score]:
        return [s for s in self.ranked if s.appreciated]

    @property
    def ladder(self) -> list[SanctionLevel]:
        """Every active step, sanctions and rewards, as the scorecard page documents them."""
        return list(SanctionLevel.steps.filter(is_active=True).order_by("order"))

    def sanctioned(self) -> list[tuple[SanctionLevel, list[Score]]]:
        """Each level, highest first, with the agencies on it."""
        return [
            (level, [s for s in self.ranked if s.level == level])
            for level in sorted(self.levels, key=lambda lv: -lv.order)
        ]


def shrink(on_time: int, judged: int, city_rate: float, strength: float) -> float:
    """The posterior mean of the on-time rate under a Beta prior centred on the city's
    rate with ``strength`` pseudo-observations."""
    if judged + strength == 0:
        return city_rate
    return (on_time + strength * city_rate) / (judged + strength)


def competition_ranks(values: list[Decimal | None]) -> list[int | None]:
    """Rank 1 for the highest; equal values share a rank and the next rank skips."""
    ranks = []
    for value in values:
        if value is None:
            ranks.append(None)
        else:
            ranks.append(1 + sum(1 for other in values if other is not None and other > value))
    return ranks


def _raw_scores(period: Period, settings: ReportSettings, agencies) -> tuple[list, float | None]:
    perf = measures.performance(period.months)
    totals: dict[int, list[int]] = {}
    for (agency_id, stage), p in perf.items():
        if agency_id is None or stage not in SCORED_STAGES:
            continue
        entry = totals.setdefault(agency_id, [0, 0])
        entry[0] += p.on_time
        entry[1] += p.judged
    all_on_time = sum(on_time for on_time, _ in totals.values())
    all_judged = sum(judged for _, judged in totals.values())
    city_rate = all_on_time / all_judged if all_judged else None
    quality = measures.quality_by_agency(period.start, period.end)
    counts = {agency_id: _part_counts(q) for agency_id, q in quality.items()}
    for agency_id, (on_time, judged) in totals.items():
        counts.setdefault(agency_id, {})["timeliness"] = (on_time, judged)
    city = _city_rates(counts)
    weights = settings.weights()
    scores = []
    for agency in agencies:
        on_time, judged = totals.get(agency.pk, (0, 0))
        parts = {}
        if city_rate is not None and judged:
            for name, (good, n) in counts.get(agency.pk, {}).items():
                if n and city.get(name) is not None and weights.get(name, 0) > 0:
                    parts[name] = shrink(good, n, city[name], settings.prior_strength)
        score = _combine(parts, weights) if parts else None
        scores.append(
            Score(
                agency=agency,
                judged=judged,
                on_time=on_time,
                score=score,
                ranked=score is not None and judged >= max(settings.min_volume, 1),
                perf={stage: perf.get((agency.pk, stage)) for stage in SCORED_STAGES},
                flows=perf.get((agency.pk, "")),
                parts=parts,
            )
        )
    return scores, city_rate


def _part_counts(q: measures.Quality) -> dict[str, tuple[float, int]]:
    """(good, out of) per quality part of the score."""
    return {
        "satisfaction": (q.rating_points, q.rated),
        "reopen": (q.answered - q.reopened, q.answered),
        "disputes": (q.answers - q.disputes, q.answers),
    }


def _city_rates(counts: dict[int, dict]) -> dict[str, float | None]:
    good: dict[str, float] = {}
    out_of: dict[str, int] = {}
    for parts in counts.values():
        for name, (g, n) in parts.items():
            good[name] = good.get(name, 0.0) + g
            out_of[name] = out_of.get(name, 0) + n
    return {name: (good[name] / out_of[name] if out_of[name] else None) for name in good}


def _combine(parts: dict[str, float], weights: dict[str, float]) -> float:
    """The weighted mean of the parts present; absent parts' weights drop out."""
    total = sum(weights[name] for name in parts)
    return sum(weights[name] * value for name, value in parts.items()) / total


def scorecard(period: Period, settings: ReportSettings | None = None) -> Scorecard:
    settings = settings or ReportSettings.load()
    agencies = list(Agency.objects.filter(is_active=True))
    scores, city_rate = _raw_scores(period, settings, agencies)
    ranked = [s for s in scores if s.ranked]
    for score, rank in zip(ranked, competition_ranks([s.displayed for s in ranked]), strict=True):
        score.rank = rank
    outcomes = measures.outcomes_by_agency(period.months)
    for score in scores:
        score.outcomes = outcomes.get(score.agency.pk, measures.Outcomes())
    levels = list(SanctionLevel.objects.filter(is_active=True))
    _apply_sanctions(period, settings, agencies, scores, levels)
    threshold = Decimal(settings.appreciation_min_score) * 100
    for score in ranked:
        score.appreciated = (
            score.rank <= settings.appreciation_size
            and score.displayed >= threshold
            and score.level is None
        )
    scores.sort(
        key=lambda s: (
            not s.ranked,
            s.rank or 0,
            -(s.judged or 0),
            s.agency.short_name.lower(),
        )
    )
    return Scorecard(period, scores, city_rate, settings, levels)


def _apply_sanctions(period, settings, agencies, scores, levels) -> None:
    if not levels:
        return
    history = [{s.agency.pk: s for s in scores}]
    for back in range(1, max(level.periods for level in levels)):
        earlier, _rate = _raw_scores(period.previous(back), settings, agencies)
        history.append({s.agency.pk: s for s in earlier})
    for score in scores:
        if not score.ranked:
            continue
        for level in sorted(levels, key=lambda lv: -lv.order):
            streak = 0
            for past in history:
                entry = past.get(score.agency.pk)
                if entry is None or not entry.ranked:
                    break
                if entry.displayed >= Decimal(level.max_score) * 100:
                    break
                streak += 1
            if streak >= level.periods:
                score.level = level
                break
