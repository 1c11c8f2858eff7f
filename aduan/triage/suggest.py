"""A complaint's suggestion: route (agency, category), spam and abuse, personal data,
near-duplicates and mass events.

``compute`` runs after the filing (or correction, or return) has committed: the triage
subscriber of the after-transition step only schedules it with ``on_commit``, or the
worker's ``triage.refresh`` job catches up (see hooks.py and jobs.py). Each part still
guards itself: a broken model leaves the spam, personal-data and duplicate findings, and
``hooks.triage_committed`` logs whatever is left; the complaint is filed either way.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from aduan.core.models import Agency, Category, Complaint, Event, Status
from aduan.lib import privacy, spam

from . import duplicates, loader, mass
from .models import Suggestion, Target, TriageSettings

log = logging.getLogger("aduan.triage")

TOP_K = 4
REASONS = 5
SPAM_LOOKBACK = timedelta(days=7)
# explain() names structured fields in English; moderators read Indonesian.
_FIELD_NAMES = {"category": "kategori", "channel": "kanal", "kelurahan": "kelurahan"}
_SILENT_FIELDS = ("channel: ", "kelurahan: ")


def extras_for(complaint: Complaint, target: str) -> dict:
    """The structured fields the models learn from, as training writes them."""
    extra = {"channel": complaint.channel}
    if complaint.kelurahan_id:
        extra["kelurahan"] = complaint.kelurahan.name
    if target == Target.AGENCY and complaint.category_id:
        extra["category"] = complaint.category.name
    return extra


def agency_for_label(label: str) -> Agency | None:
    """An active agency by code, else by short or full name (archives name them freely)."""
    if not label:
        return None
    found = Agency.objects.filter(code=label, is_active=True).first()
    return found or (
        Agency.objects.filter(is_active=True)
        .filter(Q(short_name__iexact=label) | Q(name__iexact=label) | Q(code__iexact=label))
        .first()
    )


def category_for_label(label: str) -> Category | None:
    if not label:
        return None
    found = Category.objects.filter(code=label, is_active=True).first()
    return found or (
        Category.objects.filter(is_active=True)
        .filter(Q(name__iexact=label) | Q(code__iexact=label))
        .first()
    )


def _readable(reason: str) -> str:
    key, sep, value = reason.partition(": ")
    if sep and key in _FIELD_NAMES:
        return f"{_FIELD_NAMES[key]}: {value}"
    return reason


def route(loaded, complaint: Complaint, target: str, exclude: frozenset = frozenset()):
    """``(label, confidence, reasons, alternatives)`` from a loaded model, skipping ``exclude``."""
    extra = extras_for(complaint, target)
    top = loaded.model.predict(complaint.text, extra, top_k=TOP_K)
    choices = [p for p in top if p.label not in exclude]
    if not choices:
        return None
    best = choices[0]
    explained = loaded.model.explain(complaint.text, best.label, n=REASONS + 2, extra=extra)
    # The channel or the kelurahan tilt a score but explain nothing to a moderator.
    reasons = [_readable(r) for r in explained if not r.startswith(_SILENT_FIELDS)][:REASONS]
    alternatives = [{"label": p.label, "confidence": round(p.confidence, 4)} for p in choices[1:]]
    return best.label, float(best.confidence), reasons, alternatives


def returned_by(complaint: Complaint) -> frozenset:
    """Codes of agencies that returned this complaint ("bukan wewenang"): never suggest them."""
    if not complaint.returned:
        return frozenset()
    codes = Event.objects.filter(complaint=complaint, kind=Event.Kind.RETURNED).values_list(
        "data__agency", flat=True
    )
    return frozenset(c for c in codes if c)


def _predict(suggestion: Suggestion, complaint: Complaint) -> None:
    lookups = ((Target.AGENCY, agency_for_label), (Target.CATEGORY, category_for_label))
    for target, lookup in lookups:
        found = None
        try:
            loaded = loader.active(target)
            if loaded is not None:
                exclude = returned_by(complaint) if target == Target.AGENCY else frozenset()
                routed = route(loaded, complaint, target, exclude)
                # The version is kept even without a label: the refresh job then knows
                # this model has had its say.
                found = (
                    (loaded.version, lookup(routed[0]), *routed)
                    if routed is not None
                    else (loaded.version, None, "", None, [], [])
                )
                if target == Target.AGENCY:
                    for alternative in found[5]:
                        named = lookup(alternative["label"])
                        alternative["name"] = str(named) if named else alternative["label"]
        except Exception:
            log.exception("routing %s of complaint %s failed", target, complaint.code)
        _store(suggestion, target.value, found)


def _store(suggestion: Suggestion, prefix: str, found) -> None:
    version, chosen, label, confidence, reasons, alternatives = found or (
        None,
        None,
        "",
        None,
        [],
        [],
    )
    setattr(suggestion, prefix, chosen)
    setattr(suggestion, f"{prefix}_version", version)
    setattr(suggestion, f"{prefix}_label", label[:200])
    setattr(suggestion, f"{prefix}_confidence", confidence)
    setattr(suggestion, f"{prefix}_reasons", reasons)
    if prefix == Target.AGENCY:
        suggestion.agency_alternatives = alternatives


def _recent_texts(complaint: Complaint) -> list[str]:
    """The same sender's other messages of the last week: copy-paste floods show there."""
    same = Q()
    if complaint.reporter_phone:
        same |= Q(reporter_phone=complaint.reporter_phone)
    if complaint.reporter_handle:
        same |= Q(reporter_handle=complaint.reporter_handle, channel=complaint.channel)
    if complaint.reporter_email:
        same |= Q(reporter_email__iexact=complaint.reporter_email)
    if not same:
        return []
    return list(
        Complaint.objects.filter(
            same,
            received_at__gte=complaint.received_at - SPAM_LOOKBACK,
            received_at__lte=complaint.received_at,
        )
        .exclude(pk=complaint.pk)
        .order_by("-received_at")
        .values_list("text", flat=True)[:20]
    )


def _screen(suggestion: Suggestion, complaint: Complaint) -> None:
    verdict = spam.assess(complaint.text, recent_texts_from_same_sender=_recent_texts(complaint))
    suggestion.spam_label = verdict.label
    suggestion.spam_score = round(float(verdict.spam_score), 4)
    suggestion.spam_reasons = list(verdict.reasons)
    suggestion.abusive = bool(verdict.abusive)
    suggestion.threat = bool(verdict.threat)
    names = [complaint.reporter_name] if complaint.reporter_name else []
    found = privacy.detect_pii(complaint.text, known_names=names)
    suggestion.pii_kinds = sorted({span.kind for span in found})


def compute(complaint: Complaint, *, full: bool = True, settings=None) -> Suggestion:
    """Compute and save the complaint's suggestion.

    ``full`` also indexes the text, links near-duplicates and considers a mass event (on
    filing); without it only the predictions and the screening are redone (after a
    correction, a return or a new model).
    """
    settings = settings or TriageSettings.load()
    suggestion = Suggestion.objects.filter(complaint=complaint).first() or Suggestion(
        complaint=complaint
    )
    _predict(suggestion, complaint)
    _screen(suggestion, complaint)
    suggestion.computed_at = timezone.now()
    if suggestion.auto_state == Suggestion.AutoState.BELOW and complaint.status == Status.BARU:
        # A new prediction deserves a new look from the auto-dispatch job.
        suggestion.auto_state = Suggestion.AutoState.PENDING
    suggestion.save()
    if full:
        try:
            with transaction.atomic():
                keys = duplicates.index(complaint)
                matches = duplicates.find(complaint, settings, keys)
                duplicates.link(complaint, matches)
                mass.consider(complaint, matches, settings)
        except Exception:
            log.exception("duplicate search for complaint %s failed", complaint.code)
    return suggestion


def predict_agency(complaint: Complaint) -> Agency | None:
    """The agency the active model routes ``complaint`` to, when it is at least as sure as
    the active version's threshold for the configured precision target; else None.

    For dispatching on the moderators' behalf (the deadline sweep's holiday coverage).
    Never raises: no model, a broken model or a flagged complaint all give None.
    """
    try:
        # A savepoint: a database error here must not break the caller's transaction.
        with transaction.atomic():
            return _predict_agency(complaint)
    except Exception:
        log.exception("predicting the agency of %s failed", complaint.code)
        return None


def _predict_agency(complaint: Complaint) -> Agency | None:
    loaded = loader.active(Target.AGENCY)
    if loaded is None:
        return None
    flagged = Suggestion.objects.filter(complaint=complaint).values_list(
        "spam_label", "abusive", "threat"
    )
    for label, abusive, threat in flagged:
        if label != "ok" or abusive or threat:
            return None
    routed = route(loaded, complaint, Target.AGENCY, returned_by(complaint))
    if routed is None:
        return None
    label, confidence = routed[0], routed[1]
    if not loaded.version.is_strong(confidence, label, TriageSettings.load().precision_target):
        return None
    return agency_for_label(label)


def bar_for(suggestion: Suggestion, settings: TriageSettings) -> float | None:
    """The confidence a suggested agency needs to be offered for one-click acceptance: the
    same bar automatic dispatch uses. None without a model version."""
    version = suggestion.agency_version
    if version is None:
        return None
    return float(version.threshold_for(settings.precision_target))
