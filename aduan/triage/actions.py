"""Acting on suggestions: a moderator accepts one, the worker dispatches automatically, and a
moderator reviews what was dispatched automatically.

Every status change goes through aduan.core.lifecycle; this module only decides which
transition to call, and marks the dispatch event so training and the review list can tell
an accepted suggestion or an automatic decision from a moderator's own choice.
"""

from __future__ import annotations

import logging
from collections import Counter

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from aduan.core import lifecycle
from aduan.core.lifecycle import TransitionError, stored_text
from aduan.core.models import (
    DROPPED_STATUSES,
    MODERATOR_STATUSES,
    Agency,
    Category,
    Event,
    Status,
)

from . import hooks, mass
from .models import DuplicateLink, Review, Suggestion, TriageSettings

log = logging.getLogger("aduan.triage")

S = Suggestion.AutoState
# A near-duplicate this close should be merged, not dispatched a second time; weaker
# look-alikes (about one per complaint on the benchmark corpus) must not block dispatch.
STRONG_DUPLICATE = 0.7


def _mark(event: Event, extra: dict) -> None:
    event.data = {**event.data, **extra}
    Event.objects.filter(pk=event.pk).update(data=event.data)


def _supporting(category: Category | None, lead: Agency) -> list[Agency]:
    if category is None:
        return []
    return [a for a in category.supporting_agencies.filter(is_active=True) if a.pk != lead.pk]


def _not_in_queue(complaint) -> TransitionError:
    if complaint.lead_agency_id and complaint.status not in MODERATOR_STATUSES:
        return lifecycle.IllegalTransition(
            _("Aduan %(code)s sudah didisposisikan ke %(agency)s.")
            % {"code": complaint.code, "agency": complaint.lead_agency.short_name}
        )
    return lifecycle.IllegalTransition(
        _("Tindakan ini tidak dapat dilakukan pada aduan berstatus “%(status)s”.")
        % {"status": complaint.get_status_display()}
    )


def accept(complaint, actor, *, expected_version=None) -> Event:
    """Dispatch as suggested: the category corrected first when the suggestion differs, then
    the suggested agency as lead with the category's supporting agencies."""
    if complaint.status not in MODERATOR_STATUSES:
        raise _not_in_queue(complaint)
    suggestion = (
        Suggestion.objects.select_related("agency", "category").filter(complaint=complaint).first()
    )
    if suggestion is None or suggestion.agency is None or not suggestion.agency.is_active:
        raise TransitionError(_("Belum ada saran OPD yang dapat diterima untuk aduan ini."))
    lead = suggestion.agency
    category = complaint.category
    # The correction would otherwise recompute the very suggestion being accepted.
    with transaction.atomic(), hooks.quiet():
        version = expected_version
        suggested = suggestion.category
        if suggested is not None and suggested.is_active and suggested.pk != complaint.category_id:
            lifecycle.correct(
                complaint,
                actor,
                category=suggested,
                reason=stored_text("Kategori disesuaikan dengan saran triase."),
                expected_version=version,
            )
            category = suggested
            version = complaint.version if version is not None else None
        event = lifecycle.dispatch(
            complaint,
            actor,
            lead=lead,
            supporting=_supporting(category, lead),
            expected_version=version,
        )
        _mark(
            event,
            {
                "triage": {
                    "accepted": True,
                    "model_version": suggestion.agency_version_id,
                    "confidence": suggestion.agency_confidence,
                }
            },
        )
    return event


# -- automatic dispatch (the worker) ---------------------------------------------------------


def _judge(suggestion: Suggestion, settings: TriageSettings) -> tuple[str, str]:
    version = suggestion.agency_version
    threshold = version.threshold_for(settings.precision_target)
    confidence = suggestion.agency_confidence
    if confidence is None or confidence < threshold:
        return S.BELOW, f"{confidence or 0:.4f} < {threshold:.4f}"
    if suggestion.agency_label in version.blocked_for(settings.precision_target):
        # The per-agency guard: this agency's recent predictions missed the target.
        return S.BELOW, f"guard: {suggestion.agency_label}"
    if not suggestion.agency.is_active:
        return S.SKIPPED, "agency inactive"
    if suggestion.is_flagged:
        return S.SKIPPED, f"flagged: {suggestion.spam_label}"
    complaint = suggestion.complaint
    strong = DuplicateLink.objects.filter(
        Q(complaint=complaint) | Q(other=complaint), similarity__gte=STRONG_DUPLICATE
    ).exclude(Q(complaint__status__in=DROPPED_STATUSES) | Q(other__status__in=DROPPED_STATUSES))
    if strong.exists():
        return S.SKIPPED, "likely duplicate"
    if (held := mass.hold(complaint, settings)) is not None:
        return held
    return "go", ""


def auto_dispatch(batch: int = 100) -> dict:
    """Dispatch new complaints whose suggested agency is as sure as the active model's
    threshold for the precision target; each is claimed first (safe on several workers).

    Off unless ``TriageSettings.auto_dispatch_enabled``. Spam, abuse, possible duplicates
    and mass events are left to the moderators. Every dispatch is marked for review.
    """
    settings = TriageSettings.load()
    if not settings.auto_dispatch_enabled:
        return {}
    rows = (
        Suggestion.objects.filter(
            auto_state=S.PENDING,
            complaint__status=Status.BARU,
            complaint__returned=False,
            agency__isnull=False,
            agency_version__is_active=True,
        )
        .select_related("complaint", "agency", "agency_version", "category")
        .order_by("complaint__received_at", "pk")[:batch]
    )
    counts: Counter = Counter()
    for suggestion in rows:
        state, note = _judge(suggestion, settings)
        pending = Suggestion.objects.filter(pk=suggestion.pk, auto_state=S.PENDING)
        if state != "go":
            pending.update(auto_state=state, auto_note=note[:200])
            counts[state] += 1
            continue
        if not pending.update(auto_state=S.CLAIMED):
            counts["taken"] += 1
            continue
        claimed = Suggestion.objects.filter(pk=suggestion.pk)
        try:
            event = _dispatch(suggestion, settings)
        except TransitionError as exc:
            claimed.update(auto_state=S.FAILED, auto_note=exc.message[:200])
            counts["failed"] += 1
        except Exception as exc:
            log.exception("automatic dispatch of %s failed", suggestion.complaint.code)
            claimed.update(auto_state=S.FAILED, auto_note=repr(exc)[:200])
            counts["failed"] += 1
        else:
            claimed.update(auto_state=S.DISPATCHED, auto_event=event, auto_note="")
            counts["dispatched"] += 1
    return dict(counts)


def _strong_category(suggestion: Suggestion, settings: TriageSettings):
    """The suggested category when its own model is as sure as its threshold for the
    precision target (and its guard allows it) and it differs from the filed one; else None."""
    category = suggestion.category
    version = suggestion.category_version
    if category is None or version is None or not category.is_active:
        return None
    if category.pk == suggestion.complaint.category_id:
        return None
    if not version.is_strong(
        suggestion.category_confidence, suggestion.category_label, settings.precision_target
    ):
        return None
    return category


def _dispatch(suggestion: Suggestion, settings: TriageSettings | None = None) -> Event:
    complaint = suggestion.complaint
    lead = suggestion.agency
    settings = settings or TriageSettings.load()
    recategorised = None
    with transaction.atomic(), hooks.quiet():
        category = complaint.category
        strong = _strong_category(suggestion, settings)
        if strong is not None:
            # The category model is as sure as auto-dispatch demands: set it too, logged
            # as a correction by the system (no actor) and named in the dispatch event.
            previous = category.code if category else None
            lifecycle.correct(
                complaint,
                None,
                category=strong,
                reason=stored_text("Kategori disesuaikan otomatis dengan saran triase."),
                expected_version=complaint.version,
            )
            category = strong
            recategorised = {
                "from": previous,
                "to": strong.code,
                "model_version": suggestion.category_version_id,
                "confidence": suggestion.category_confidence,
            }
        supporting = (
            _supporting(category, lead) if category and category.agency_id == lead.pk else []
        )
        event = lifecycle.dispatch(
            complaint,
            None,
            lead=lead,
            supporting=supporting,
            automatic=True,
            expected_version=complaint.version,
        )
        _mark(
            event,
            {
                "automatic": True,
                "review": True,
                "reason": "triage",
                "model_version": suggestion.agency_version_id,
                "confidence": suggestion.agency_confidence,
                **({"category": recategorised} if recategorised else {}),
            },
        )
    return event


# -- review of automatic dispatches ------------------------------------------------------------


def pending_reviews():
    """Automatic dispatches (by triage or by the deadline sweep) no moderator has reviewed."""
    return (
        Event.objects.filter(
            kind=Event.Kind.DISPATCHED, data__automatic=True, triage_review__isnull=True
        )
        .select_related("complaint", "complaint__lead_agency", "complaint__category")
        .order_by("-created_at", "-id")
    )


def review(
    event: Event,
    actor,
    *,
    agency: Agency | None = None,
    category: Category | None = None,
    note: str = "",
    expected_version=None,
) -> Review:
    """Confirm an automatic dispatch (no ``agency``, or the same one) or correct it.

    A correction records the right agency as a training label and corrects the category
    through ``lifecycle.correct``. Moving the complaint itself to the right agency needs a
    lifecycle transition from "didisposisikan"; when ``lifecycle.redispatch`` exists it is
    used, otherwise an internal note asks the agency to return it (bukan wewenang).
    """
    complaint = event.complaint
    if Review.objects.filter(event=event).exists():
        raise TransitionError(_("Disposisi otomatis ini sudah ditinjau."))
    dispatched = Agency.objects.filter(code=(event.data or {}).get("lead")).first()
    right = agency or dispatched
    if right is None:
        raise TransitionError(_("Pilih OPD yang tepat."))
    wrong_agency = dispatched is not None and right.pk != dispatched.pk
    change_category = category is not None and category.pk != complaint.category_id
    verdict = (
        Review.Verdict.CORRECTED if wrong_agency or change_category else Review.Verdict.CONFIRMED
    )
    with transaction.atomic():
        version = expected_version
        if change_category:
            lifecycle.correct(
                complaint,
                actor,
                category=category,
                reason=stored_text("Koreksi atas disposisi otomatis."),
                expected_version=version,
            )
            version = complaint.version if version is not None else None
        if wrong_agency:
            _move(complaint, actor, dispatched, right, note, version)
        elif verdict == Review.Verdict.CONFIRMED:
            lifecycle.record_note(
                complaint,
                actor,
                note=stored_text("Disposisi otomatis ke %(agency)s dikonfirmasi moderator.")
                % {"agency": right.short_name},
                data={"triage_review": "confirmed", "event": event.pk},
            )
        try:
            with transaction.atomic():
                return Review.objects.create(
                    event=event,
                    complaint=complaint,
                    verdict=verdict,
                    agency=right,
                    category=category if change_category else None,
                    note=note.strip(),
                    actor=actor,
                )
        except IntegrityError as exc:
            raise TransitionError(_("Disposisi otomatis ini sudah ditinjau.")) from exc


def _move(complaint, actor, wrong: Agency, right: Agency, note: str, version) -> None:
    redispatch = getattr(lifecycle, "redispatch", None)
    still_there = complaint.status == Status.DIDISPOSISIKAN and complaint.lead_agency_id == wrong.pk
    if redispatch is not None and still_there:
        redispatch(
            complaint,
            actor,
            lead=right,
            supporting=_supporting(complaint.category, right),
            reason=note.strip() or stored_text("Koreksi atas disposisi otomatis."),
            expected_version=version,
        )
        return
    lifecycle.record_note(
        complaint,
        actor,
        note=stored_text(
            "Menurut moderator, disposisi otomatis ke %(wrong)s keliru; OPD yang tepat: "
            "%(right)s. %(wrong)s dimohon mengembalikan aduan ini (bukan wewenang) agar "
            "dapat didisposisikan ulang."
        )
        % {"wrong": wrong.short_name, "right": right.short_name}
        + (f" {note.strip()}" if note.strip() else ""),
        data={"triage_review": "corrected", "right_agency": right.code},
    )
