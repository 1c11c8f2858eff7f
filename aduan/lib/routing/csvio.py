"""Reading labelled complaint exports (CSV) whatever spreadsheet or database produced them."""

import csv
import io
import sys

DELIMITERS = (",", ";", "\t")
# Tried in order; latin-1 decodes any byte sequence, so it is the last resort.
ENCODINGS = ("utf-8-sig", "cp1252", "latin-1")


class MissingColumnError(ValueError):
    """A requested column is not in the file's header."""

    def __init__(self, column, available, path=None):
        self.column = column
        self.available = list(available)
        where = f" in {path}" if path else ""
        listed = ", ".join(repr(name) for name in self.available) or "(none)"
        super().__init__(f"column {column!r} not found{where}; available columns: {listed}")


def decode(data):
    """Return ``(text, encoding)`` for raw file bytes, trying ``ENCODINGS`` in order."""
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise AssertionError("latin-1 decodes every byte sequence")


def sniff_delimiter(text):
    """The delimiter that occurs most often in the header line (outside quotes); comma on a tie.

    The header is the most reliable line to look at: column names rarely hold commas or
    semicolons, while complaint texts are full of them, which misleads ``csv.Sniffer``.
    """
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for ch in text:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in "\r\n":
            break
        elif not quoted and ch in counts:
            counts[ch] += 1
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def _resolve(column, header, path):
    if column in header:
        return header.index(column)
    folded = [name.strip().casefold() for name in header]
    if folded.count(column.strip().casefold()) == 1:
        return folded.index(column.strip().casefold())
    raise MissingColumnError(column, header, path)


class _FieldSizeLimit:
    """Lift the csv module's 128 KiB field limit while reading: some complaints are essays."""

    def __enter__(self):
        self.previous = csv.field_size_limit()
        limit = sys.maxsize
        while True:
            try:
                csv.field_size_limit(limit)
                return self
            except OverflowError:
                limit //= 2

    def __exit__(self, *exc):
        csv.field_size_limit(self.previous)


def read_labelled_csv(
    path, text_column, label_column, extra_columns=None, delimiter=None, encoding=None
):
    """Read ``(text, label)`` rows, or ``(text, label, extra)`` when ``extra_columns`` is given.

    The delimiter (comma, semicolon or tab) and the encoding (UTF-8 with or without BOM,
    falling back to cp1252, then latin-1) are detected unless given. Column names match
    exactly, or else case-insensitively. Rows with an empty text or label are skipped and
    counted; blank lines are ignored. ``extra`` maps each extra column name to the row's
    value (empty values left out). Returns ``(rows, skipped_count)``; raises
    ``MissingColumnError`` naming the column and listing those available.
    """
    with open(path, "rb") as handle:
        data = handle.read()
    if encoding is None:
        text, encoding = decode(data)
    else:
        text = data.decode(encoding)
    text = text.lstrip("\ufeff")
    delimiter = delimiter or sniff_delimiter(text)
    with _FieldSizeLimit():
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        header = [name.strip() for name in next(reader, [])]
        text_at = _resolve(text_column, header, path)
        label_at = _resolve(label_column, header, path)
        extra_at = [(name, _resolve(name, header, path)) for name in (extra_columns or [])]
        rows, skipped = [], 0
        for record in reader:
            if not any(field.strip() for field in record):
                continue
            row_text = record[text_at].strip() if text_at < len(record) else ""
            label = record[label_at].strip() if label_at < len(record) else ""
            if not row_text or not label:
                skipped += 1
                continue
            if extra_columns:
                extra = {
                    name: record[at].strip()
                    for name, at in extra_at
                    if at < len(record) and record[at].strip()
                }
                rows.append((row_text, label, extra))
            else:
                rows.append((row_text, label))
    return rows, skipped
