"""Open data: every listed complaint's public fields, as CSV or JSON, streamed.

Only the fields below leave: never the reporter's name, phone, e-mail or handle, never
the precise address or coordinates, never a rahasia, unverified or rejected complaint
(the same rows and masked text as the feed).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator

from django.utils import timezone

from aduan.core.city import current_city
from aduan.lib.spreadsheet import csv_row

from . import feed

FIELDS = [
    "code",
    "kind",
    "category",
    "kecamatan",
    "kelurahan",
    "agency",
    "status",
    "received_at",
    "answered_at",
    "closed_at",
    "outcome",
    "outcome_note",
    "text",
    "answer",
]
LICENSE = "CC BY 4.0"
CHUNK = 2000


def _when(value) -> str:
    return timezone.localtime(value).isoformat(timespec="seconds") if value else ""


def records(filters: dict) -> Iterator[dict]:
    cursor = None
    while True:
        rows, cursor = feed.page(filters, cursor, size=CHUNK)
        for row in rows:
            yield {
                "code": row.code,
                "kind": row.kind,
                "category": row.category.name if row.category_id else "",
                "kecamatan": row.kecamatan.name if row.kecamatan_id else "",
                "kelurahan": row.kelurahan.name if row.kelurahan_id else "",
                "agency": row.agency.short_name if row.agency_id else "",
                "status": row.status,
                "received_at": _when(row.received_at),
                "answered_at": _when(row.answered_at),
                "closed_at": _when(row.closed_at),
                "outcome": row.outcome,
                "outcome_note": row.public_outcome_note,
                "text": row.public_text,
                "answer": row.public_answer,
            }
        if cursor is None:
            return


class _Line:
    def write(self, value):
        return value


def csv_lines(filters: dict) -> Iterator[str]:
    writer = csv.writer(_Line())
    yield "\ufeff" + writer.writerow(FIELDS)  # the BOM makes Excel read UTF-8
    for record in records(filters):
        # Masked citizen text and admin-typed names: never a formula in a spreadsheet.
        yield writer.writerow(csv_row(record[f] for f in FIELDS))


def json_chunks(filters: dict) -> Iterator[str]:
    head = {
        "dataset": f"Aduan publik {current_city().name}",
        "license": LICENSE,
        "generated_at": timezone.localtime().isoformat(timespec="seconds"),
        "fields": FIELDS,
    }
    yield json.dumps(head, ensure_ascii=False)[:-1] + ', "complaints": ['
    first = True
    for record in records(filters):
        yield ("" if first else ",\n") + json.dumps(record, ensure_ascii=False)
        first = False
    yield "]}\n"
