"""Every change of a sanction record, one function per transition.

The life of a record (:class:`~aduan.reports.records.Sanction`)::

    proposed → approved (as proposed, or amended to another step with a reason)
             → issued (the letter's text frozen from the city's template)
             → acknowledged (by the agency's head)
             → plan filed (reprimands and the black vest: actions with due dates)
             → reviewed (at the next period: held or not, computed from that period's
               score, or set by a leader when the agency was not ranked)

Each function runs in one transaction, locks the row, checks the source state and the
actor's permission (``access.may``), saves with ``update_fields`` and writes one audit
entry. The audit log has no action of its own for these records: they use the generic
``STAFF_ACTION`` with a description naming the transition, the agency and the period,
and the record's id in ``extra``.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from aduan.core import audit
from aduan.core.city import site_name
from aduan.core.models import AuditEntry
from aduan.core.signals import staff_notice

from . import scoring
from .access import may
from .models import SanctionLevel
from .periods import Period
from .records import ImprovementAction, ImprovementPlan, LetterTemplate, Sanction

State = Sanction.State
# A review needs the letter out; the plan (when the step asks for one) is part of what
# the review reads, not a precondition: an agency that never filed one is reviewed too.
REVIEWABLE = (State.ISSUED, State.ACKNOWLEDGED, State.PLAN_FILED)
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


class WrongState(Exception):
    """The record is not in a state this transition starts from."""


def _locked(sanction: Sanction, *sources: str) -> Sanction:
    # A second leader's click in another tab must see the first one's decision.
    fresh = (
        # Only the record's own row is locked: ``level`` is nullable (an outer join),
        # which PostgreSQL refuses to lock.
        Sanction.objects.select_for_update(of=("self",))
        .select_related("agency", "proposed_level", "level")
        .get(pk=sanction.pk)
    )
    if fresh.state not in sources:
        raise WrongState(fresh.state)
    return fresh


def _check(actor, action: str, sanction: Sanction | None = None) -> None:
    if not may(actor, action, sanction.agency_id if sanction else None):
        raise PermissionDenied


def _audit(sanction: Sanction, actor, what: str, **extra) -> None:
    audit.record(
        AuditEntry.Action.STAFF_ACTION,
        actor=actor,
        description=f"{what}: {sanction.agency.short_name}, {sanction.period}, {sanction.step}",
        sanction=sanction.pk,
        state=sanction.state,
        **extra,
    )


def _pct(value) -> str:
    return "–" if value is None else f"{Decimal(value) * 100:.1f}%".replace(".", ",")


# -- proposal -------------------------------------------------------------------------


def _streak(agency_id: int, cards: list[scoring.Scorecard], passes) -> int:
    """How many periods in a row, newest first, the agency was ranked and ``passes``."""
    n = 0
    for card in cards:
        score = next((s for s in card.scores if s.agency.pk == agency_id), None)
        if score is None or not score.ranked or not passes(score.displayed):
            break
        n += 1
    return n


def _reward_for(score, history, rewards) -> SanctionLevel | None:
    for reward in sorted(rewards, key=lambda r: -r.order):
        threshold = Decimal(reward.min_score) * 100
        if _streak(score.agency.pk, history, lambda d, t=threshold: d >= t) >= reward.periods:
            return reward
    return None


def proposals(period: Period) -> list[tuple[scoring.Score, SanctionLevel, list[str]]]:
    """What the city's rules give each ranked agency for ``period``: ``(score, step,
    reasons)``. Unranked agencies (below the minimum volume) get nothing.

    The rung is the computed ladder's (``scoring``), escalated for a repeat offender:
    an agency whose step in the previous period was a rung and that is slow again gets
    at least the next rung, whatever the leaders amended last time.
    """
    card = scoring.scorecard(period)
    rungs = list(SanctionLevel.objects.filter(is_active=True).order_by("order"))
    rewards = list(SanctionLevel.steps.rewards().filter(is_active=True))
    earlier = {
        s.agency_id: s
        for s in Sanction.objects.filter(period=period.previous().code).select_related(
            "proposed_level", "level"
        )
    }
    depth = max([r.periods for r in rewards] or [1])
    history = [card] + [scoring.scorecard(period.previous(i)) for i in range(1, depth)]
    result = []
    with translation.override(settings.LANGUAGE_CODE):
        for score in card.ranked:
            step, reasons = score.level, []
            shown = _pct(score.score)
            if step is not None:
                reasons.append(
                    _(
                        "Skor %(score)s (%(n)s tahap terukur) di bawah %(limit)s selama "
                        "%(periods)s periode berturut-turut."
                    )
                    % {
                        "score": shown,
                        "n": score.judged,
                        "limit": _pct(step.max_score),
                        "periods": step.periods,
                    }
                )
            before = earlier.get(score.agency.pk)
            slow = bool(rungs) and score.displayed < Decimal(rungs[0].max_score) * 100
            if before is not None and not before.step.is_reward and slow:
                higher = [r for r in rungs if r.order > before.step.order]
                nxt = higher[0] if higher else before.step
                if step is None or nxt.order > step.order:
                    step = nxt
                    reasons.append(
                        _(
                            "Skor %(score)s masih di bawah %(limit)s, dan periode "
                            "sebelumnya sudah mendapat %(before)s: naik ke %(step)s."
                        )
                        % {
                            "score": shown,
                            "limit": _pct(rungs[0].max_score),
                            "before": before.step.name,
                            "step": nxt.name,
                        }
                    )
            if step is None:
                step = _reward_for(score, history, rewards)
                if step is not None:
                    reasons.append(
                        _(
                            "Skor %(score)s (%(n)s tahap terukur), sama dengan atau di atas "
                            "%(limit)s selama %(periods)s periode berturut-turut."
                        )
                        % {
                            "score": shown,
                            "n": score.judged,
                            "limit": _pct(step.min_score),
                            "periods": step.periods,
                        }
                    )
            if step is not None:
                result.append((score, step, reasons))
    return result


def propose(period: Period, *, actor=None) -> list[Sanction]:
    """Record the proposals for an ended ``period``; returns the rows added.

    Idempotent: an agency that already has a record for the period keeps it (whatever
    its state), so running it twice, or by the job and a leader at once, adds nothing.
    ``actor`` is the leader who asked, or None for the end-of-period job.
    """
    if actor is not None:
        _check(actor, "decide_sanctions")
    if period.end > timezone.now():
        raise WrongState("running")
    added = []
    now = timezone.now()
    for score, step, reasons in proposals(period):
        try:
            # One savepoint per row: a concurrent proposer's row is skipped, not fatal.
            with transaction.atomic():
                sanction, created = Sanction.objects.get_or_create(
                    agency=score.agency,
                    period=period.code,
                    defaults={
                        "proposed_level": step,
                        "score": Decimal(str(round(score.score, 3))),
                        "judged": score.judged,
                        "reasons": "\n".join(reasons),
                        "proposed_at": now,
                    },
                )
                if created:
                    _audit(sanction, actor, "Sanksi/penghargaan diusulkan")
                    added.append(sanction)
        except IntegrityError:
            continue
    return added


# -- the leaders' decision ---------------------------------------------------------------


@transaction.atomic
def approve(sanction: Sanction, actor) -> Sanction:
    _check(actor, "decide_sanctions")
    sanction = _locked(sanction, State.PROPOSED)
    sanction.state = State.APPROVED
    sanction.level = sanction.proposed_level
    sanction.decided_at = timezone.now()
    sanction.decided_by = actor
    sanction.save(update_fields=["state", "level", "decided_at", "decided_by"])
    _audit(sanction, actor, "Sanksi/penghargaan disetujui")
    return sanction


@transaction.atomic
def amend(sanction: Sanction, actor, level: SanctionLevel, reason: str) -> Sanction:
    """Approve another step than the proposal; the reason is kept on the record."""
    _check(actor, "decide_sanctions")
    reason = (reason or "").strip()
    if not reason:
        raise ValueError("reason")
    sanction = _locked(sanction, State.PROPOSED)
    sanction.state = State.APPROVED
    sanction.level = level
    sanction.amendment_reason = reason
    sanction.decided_at = timezone.now()
    sanction.decided_by = actor
    sanction.save(update_fields=["state", "level", "amendment_reason", "decided_at", "decided_by"])
    _audit(
        sanction,
        actor,
        "Sanksi/penghargaan diubah",
        proposed=sanction.proposed_level.code,
        approved=level.code,
    )
    return sanction


# -- the letter ------------------------------------------------------------------------


def fill(text: str, values: dict[str, str]) -> str:
    """Replace ``{name}`` placeholders; unknown names stay as typed. No format
    mini-language: the template is typed by the city, not trusted code."""
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def letter_values(sanction: Sanction, on: date | None = None) -> dict[str, str]:
    from .periods import parse_period

    period = parse_period(sanction.period)
    step = sanction.step
    reasons = sanction.reasons
    if sanction.amendment_reason:
        reasons = f"{reasons}\n{sanction.amendment_reason}".strip()
    return {
        "opd": sanction.agency.name,
        "opd_singkat": sanction.agency.short_name,
        "periode": period.label if period else sanction.period,
        "langkah": step.name,
        "alasan": reasons,
        "skor": _pct(sanction.score),
        "tindak_lanjut": step.consequence,
        "tanggal": date_format(on or timezone.localdate(), "j F Y"),
        "kota": site_name(),
    }


@transaction.atomic
def issue(sanction: Sanction, actor) -> Sanction:
    """Freeze the letter's text from the city's current template."""
    _check(actor, "decide_sanctions")
    sanction = _locked(sanction, State.APPROVED)
    template = LetterTemplate.objects.filter(kind=sanction.step.kind).first()
    with translation.override(settings.LANGUAGE_CODE):
        values = letter_values(sanction)
        title = fill(template.title, values) if template else sanction.step.name
        body = fill(template.body, values) if template else values["alasan"]
    sanction.state = State.ISSUED
    sanction.issued_at = timezone.now()
    sanction.issued_by = actor
    sanction.letter_title = title[:200]
    sanction.letter_text = body
    sanction.save(update_fields=["state", "issued_at", "issued_by", "letter_title", "letter_text"])
    _audit(sanction, actor, "Surat sanksi/penghargaan diterbitkan")
    _tell_the_head(sanction)
    return sanction


def _tell_the_head(sanction: Sanction) -> None:
    """E-mail the agency's heads that a letter awaits them (through the core outbox)."""
    from aduan.core.models import Role, User
    from aduan.core.notify import queue_message

    heads = list(User.objects.filter(role=Role.KEPALA_OPD, agency=sanction.agency, is_active=True))
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("[%(site)s] %(title)s") % {"site": site_name(), "title": sanction.letter_title}
        body = _(
            "Surat %(step)s untuk %(agency)s (periode %(period)s) telah diterbitkan. "
            "Silakan masuk ke kantor %(site)s, menerima surat, dan menyusun rencana "
            "perbaikan bila diminta."
        ) % {
            "step": sanction.step.name,
            "agency": sanction.agency.name,
            "period": sanction.period,
            "site": site_name(),
        }
        notice = _("Surat %(step)s periode %(period)s menunggu diterima.") % {
            "step": sanction.step.name,
            "period": sanction.period,
        }
    staff_notice.send(
        sender=__name__,
        users=heads,
        text=notice,
        link=reverse("reports:sanction", kwargs={"pk": sanction.pk}),
    )
    for head in heads:
        if head.email:
            queue_message("email", head.email, body, subject=subject)


# -- the agency's answer -----------------------------------------------------------------


@transaction.atomic
def acknowledge(sanction: Sanction, actor) -> Sanction:
    _check(actor, "answer_sanction", sanction)
    sanction = _locked(sanction, State.ISSUED)
    sanction.state = State.ACKNOWLEDGED
    sanction.acknowledged_at = timezone.now()
    sanction.acknowledged_by = actor
    sanction.save(update_fields=["state", "acknowledged_at", "acknowledged_by"])
    _audit(sanction, actor, "Surat sanksi/penghargaan diterima kepala OPD")
    return sanction


@transaction.atomic
def file_plan(
    sanction: Sanction, actor, summary: str, actions: list[tuple[str, date]]
) -> ImprovementPlan:
    """The agency head's improvement plan: a summary and at least one dated action."""
    _check(actor, "answer_sanction", sanction)
    sanction = _locked(sanction, State.ACKNOWLEDGED)
    if not sanction.needs_plan:
        raise WrongState("no plan asked")
    if not summary.strip() or not actions:
        raise ValueError("plan")
    plan = ImprovementPlan.objects.create(
        sanction=sanction, summary=summary.strip(), filed_at=timezone.now(), filed_by=actor
    )
    ImprovementAction.objects.bulk_create(
        ImprovementAction(plan=plan, description=text, due_date=due) for text, due in actions
    )
    sanction.state = State.PLAN_FILED
    sanction.save(update_fields=["state"])
    _audit(sanction, actor, "Rencana perbaikan disusun", actions=len(actions))
    return plan


# -- the review at the next period ---------------------------------------------------------


def computed_hold(sanction: Sanction, card: scoring.Scorecard) -> bool | None:
    """Did the next period's score clear the step's threshold? None when the agency
    was not ranked then (too few stages to say)."""
    score = next((s for s in card.scores if s.agency.pk == sanction.agency_id), None)
    if score is None or not score.ranked:
        return None
    return score.displayed >= Decimal(sanction.step.max_score) * 100


@transaction.atomic
def review(
    sanction: Sanction, *, actor=None, held: bool | None = None, note: str = "", card=None
) -> Sanction:
    """Close a sanction at the next period. With an ``actor`` (a leader) ``held`` is
    theirs; without one (the job) it is computed from the next period's scorecard,
    and nothing happens while that cannot tell."""
    if actor is not None:
        _check(actor, "decide_sanctions")
        if held is None:
            raise ValueError("held")
    sanction = _locked(sanction, *REVIEWABLE)
    if sanction.step.is_reward:
        raise WrongState("reward")
    if actor is None:
        from .periods import parse_period

        card = card or scoring.scorecard(parse_period(sanction.period).next())
        held = computed_hold(sanction, card)
        if held is None:
            return sanction
    sanction.state = State.REVIEWED
    sanction.held = held
    sanction.review_note = note.strip()
    sanction.reviewed_at = timezone.now()
    sanction.reviewed_by = actor
    sanction.save(update_fields=["state", "held", "review_note", "reviewed_at", "reviewed_by"])
    _audit(sanction, actor, "Sanksi ditinjau", held=held)
    return sanction


def review_period(period: Period) -> list[Sanction]:
    """The job's review of ``period``'s sanctions once the next period has ended."""
    reviewed, card = [], None
    for sanction in Sanction.objects.filter(period=period.code, state__in=REVIEWABLE):
        if sanction.step.is_reward:
            continue
        card = card or scoring.scorecard(period.next())
        done = review(sanction, card=card)
        if done.state == State.REVIEWED:
            reviewed.append(done)
    return reviewed


def current_steps() -> dict[int, SanctionLevel]:
    """Each agency's step in force: the leaders' decision of the latest period they
    decided anything for. An agency with no record that period has no step."""
    latest = (
        Sanction.objects.filter(state__in=Sanction.DECIDED)
        .order_by("-period")
        .values_list("period", flat=True)
        .first()
    )
    if latest is None:
        return {}
    return {
        s.agency_id: s.step
        for s in Sanction.objects.filter(period=latest, state__in=Sanction.DECIDED).select_related(
            "level", "proposed_level"
        )
    }
