"""Everything that leaves the building goes through here.

Public text is the complaint's own text with staff redactions applied first (so a
redaction matches what the moderator saw), then personal data masked by
:func:`aduan.lib.privacy.mask_pii`, with the reporter's own name as a known name.
``rahasia`` complaints have no public text at all.

Public API:

- ``public_text(complaint, field) -> str``: ``field`` is one of :data:`PUBLIC_FIELDS`.
- ``masker(complaint, redactions=None) -> Callable[[str], str]``: the same masking for
  any other text of the complaint (timeline notes); one database read for many texts.
- ``summary_fields(complaint, redactions) -> dict``: the public projection the
  aggregation job stores in :class:`~aduan.reports.models.ComplaintSummary`.
- ``refresh_public_text(complaint)``: re-mask a stored projection now (after a redaction).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from aduan.core.models import Complaint, Privacy, Status
from aduan.lib.privacy import mask_pii, redact

from .models import ComplaintSummary, Redaction, result_of
from .periods import local_day, month_of

PUBLIC_FIELDS = ("text", "answer", "outcome_note", "budget_plan")
# What Complaint.objects.public() lists, minus merged duplicates (their survivor is listed).
UNLISTED_STATUSES = frozenset({Status.BARU, Status.DITOLAK, Status.DIGABUNG})
_POINT = Decimal("0.001")


def is_listed(complaint: Complaint) -> bool:
    """May the complaint appear as an item in public (feed, map, open data)?"""
    return complaint.privacy != Privacy.RAHASIA and complaint.status not in UNLISTED_STATUSES


def known_names(complaint: Complaint) -> list[str]:
    return [complaint.reporter_name] if complaint.reporter_name else []


def redactions_of(complaint: Complaint) -> list[str]:
    cached = getattr(complaint, "_prefetched_objects_cache", {}).get("redactions")
    if cached is not None:
        return [r.text for r in cached]
    return list(Redaction.objects.filter(complaint=complaint).values_list("text", flat=True))


def masker(complaint: Complaint, redactions: Iterable[str] | None = None) -> Callable[[str], str]:
    """A function that makes any text of this complaint fit for the public."""
    names = known_names(complaint)
    strings = list(redactions) if redactions is not None else redactions_of(complaint)
    secret = complaint.privacy == Privacy.RAHASIA

    def mask(text: str) -> str:
        if secret or not text:
            return ""
        if strings:
            text = redact(text, strings)
        return mask_pii(text, names)

    return mask


def public_text(complaint: Complaint, field: str) -> str:
    """The public version of ``complaint.<field>``: redacted, masked, "" when rahasia."""
    if field not in PUBLIC_FIELDS:
        raise ValueError(f"{field!r} is not a public field")
    return masker(complaint)(getattr(complaint, field) or "")


def _point(value):
    if value is None:
        return None
    return Decimal(value).quantize(_POINT, rounding=ROUND_HALF_UP)


def summary_fields(complaint: Complaint, redactions: Iterable[str] = ()) -> dict:
    """The projection of one complaint (see :class:`ComplaintSummary`)."""
    listed = is_listed(complaint)
    mask = masker(complaint, redactions)
    return {
        "complaint_id": complaint.pk,
        "code": complaint.code,
        "received_at": complaint.received_at,
        "month": month_of(local_day(complaint.received_at)),
        "listed": listed,
        "public": complaint.privacy != Privacy.RAHASIA,
        "kind": complaint.kind,
        "status": complaint.status,
        "result": result_of(complaint.status, complaint.outcome),
        "outcome": complaint.outcome,
        "category_id": complaint.category_id,
        "kecamatan_id": complaint.kecamatan_id,
        "kelurahan_id": complaint.kelurahan_id,
        "agency_id": complaint.lead_agency_id,
        "latitude": _point(complaint.latitude) if listed else None,
        "longitude": _point(complaint.longitude) if listed else None,
        "answered_at": complaint.answered_at,
        "closed_at": complaint.closed_at,
        "budget_year": complaint.budget_year,
        # Unlisted rows keep no text: a row that is never shown cannot leak.
        "public_text": mask(complaint.text) if listed else "",
        "public_answer": mask(complaint.answer) if listed else "",
        "public_outcome_note": mask(complaint.outcome_note)[:300] if listed else "",
        "refreshed_at": timezone.now(),
    }


def refresh_public_text(complaint: Complaint) -> None:
    """Re-mask the stored projection of one complaint (its counts are the job's)."""
    fields = summary_fields(complaint, redactions_of(complaint))
    ComplaintSummary.objects.filter(complaint_id=complaint.pk).update(
        public_text=fields["public_text"],
        public_answer=fields["public_answer"],
        public_outcome_note=fields["public_outcome_note"],
    )
