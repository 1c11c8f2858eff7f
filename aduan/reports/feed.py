"""The public feed's query: filtered, searched, newest first, one page at a time.

Pages are keyset pages on (received_at, complaint id), so page 5,000 costs what page 1
costs: the cursor is the last row shown, and each filter has a partial index that
starts right there. Rows come from :class:`ComplaintSummary` (masked text), joined to
the live complaint so that one made ``rahasia`` a second ago is not shown.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from django.db import connection
from django.db.models import BooleanField, Q
from django.db.models.expressions import RawSQL

from aduan.core.models import Complaint
from aduan.lib.codes import normalize_code

from .models import ComplaintSummary

PAGE_SIZE = 20
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_CURSOR_RE = re.compile(r"^(\d{1,18})\.(\d{1,18})$")
_WORD_RE = re.compile(r"\w+", re.UNICODE)


def listed():
    """Summaries that may be shown, checked against the live complaint too (the core's
    one definition of "listed"), so a complaint made ``rahasia`` a second ago is gone
    before the next pass of the job."""
    return ComplaintSummary.objects.filter(listed=True, complaint__in=Complaint.objects.listed())


def encode_cursor(summary: ComplaintSummary) -> str:
    micros = (summary.received_at - _EPOCH) // timedelta(microseconds=1)
    return f"{micros}.{summary.complaint_id}"


def decode_cursor(raw: str | None) -> tuple[datetime, int] | None:
    match = _CURSOR_RE.match(raw or "")
    if not match:
        return None
    return _EPOCH + timedelta(microseconds=int(match.group(1))), int(match.group(2))


def search(query, text: str):
    """Complaints whose code is ``text`` or whose public text has all its words.

    Only the masked text is searched: searching the original would let anyone find
    which complaints mention a given name.
    """
    code = normalize_code(text)
    if code:
        return query.filter(code=code)
    words = [w.lower() for w in _WORD_RE.findall(text)][:8]
    if not words:
        return query
    if connection.vendor == "postgresql":
        # Matches the GIN index of migration 0002; each word also matches as a prefix.
        tsquery = " & ".join(f"{w}:*" for w in words)
        return query.filter(
            RawSQL(
                "to_tsvector('simple', reports_complaintsummary.public_text) "
                "@@ to_tsquery('simple', %s)",
                [tsquery],
                output_field=BooleanField(),
            )
        )
    for word in words:
        query = query.filter(public_text__icontains=word)
    return query


def filtered(filters: dict):
    query = listed()
    if filters.get("kategori"):
        query = query.filter(category=filters["kategori"])
    if filters.get("kecamatan"):
        query = query.filter(kecamatan=filters["kecamatan"])
    if filters.get("kelurahan"):
        query = query.filter(kelurahan=filters["kelurahan"])
    if filters.get("opd"):
        query = query.filter(agency=filters["opd"])
    if filters.get("status"):
        query = query.filter(status=filters["status"])
    if filters.get("q"):
        query = search(query, filters["q"])
    return query


def page(filters: dict, cursor: str | None, size: int | None = None):
    """``(rows, next_cursor)``; ``next_cursor`` is None on the last page."""
    size = size or PAGE_SIZE
    query = filtered(filters)
    after = decode_cursor(cursor)
    if after:
        moment, pk = after
        query = query.filter(received_at__lte=moment).filter(
            Q(received_at__lt=moment) | Q(complaint_id__lt=pk)
        )
    rows = list(
        query.select_related("category", "kecamatan", "kelurahan", "agency").order_by(
            "-received_at", "-complaint_id"
        )[: size + 1]
    )
    more = len(rows) > size
    rows = rows[:size]
    return rows, (encode_cursor(rows[-1]) if more and rows else None)
