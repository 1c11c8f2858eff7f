"""The stored public projection of a complaint, for the feed, the map and open data.

Nothing is decided here. What the public may see of a complaint (whether it is listed,
its masked and redacted text, its rounded point) is
:func:`aduan.core.disclosure.for_public`; this module copies that projection into
:class:`~aduan.reports.models.ComplaintSummary`, next to the dimensions the counts
group by, so the public pages read exactly what the disclosure module would show.

Public API:

- ``summary_fields(complaint, redactions=None) -> dict``: the row the aggregation job
  stores (``redactions`` from a prefetch or the database when None).
- ``refresh_public_text(complaint)``: store the projection again now (after a redaction).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import timezone

from aduan.core import disclosure
from aduan.core.models import Complaint, Redaction

from .models import ComplaintSummary, result_of
from .periods import local_day, month_of

# The stored projection, as opposed to the dimensions the job counts by.
PROJECTION_FIELDS = (
    "listed",
    "latitude",
    "longitude",
    "public_text",
    "public_answer",
    "public_outcome_note",
)
_NOTE_LENGTH = ComplaintSummary._meta.get_field("public_outcome_note").max_length


def summary_fields(complaint: Complaint, redactions: Iterable[str] | None = None) -> dict:
    """The summary row of one complaint (see :class:`ComplaintSummary`)."""
    public = disclosure.for_public(complaint, redactions=redactions)
    return {
        "complaint_id": complaint.pk,
        "code": complaint.code,
        "received_at": complaint.received_at,
        "month": month_of(local_day(complaint.received_at)),
        "public": disclosure.in_public_figures(complaint.privacy),
        "kind": complaint.kind,
        "status": complaint.status,
        "result": result_of(complaint.status, complaint.outcome),
        "outcome": complaint.outcome,
        "category_id": complaint.category_id,
        "kecamatan_id": complaint.kecamatan_id,
        "kelurahan_id": complaint.kelurahan_id,
        "agency_id": complaint.lead_agency_id,
        "answered_at": complaint.answered_at,
        "closed_at": complaint.closed_at,
        "budget_year": complaint.budget_year,
        # An unlisted complaint's projection has no text and no point: a row that is
        # never shown cannot leak.
        "listed": public.listed,
        "latitude": public.latitude,
        "longitude": public.longitude,
        "public_text": public.text,
        "public_answer": public.answer,
        "public_outcome_note": public.outcome_note[:_NOTE_LENGTH],
        "refreshed_at": timezone.now(),
    }


def refresh_public_text(complaint: Complaint) -> None:
    """Store the public projection of one complaint now (its counts are the job's)."""
    # Read the redactions afresh: the caller may have just added one, and a prefetch
    # on ``complaint`` would not hold it.
    redactions = list(Redaction.objects.filter(complaint=complaint).values_list("text", flat=True))
    fields = summary_fields(complaint, redactions)
    ComplaintSummary.objects.filter(complaint_id=complaint.pk).update(
        **{name: fields[name] for name in PROJECTION_FIELDS}
    )
