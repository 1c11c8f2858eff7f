"""Structured logs: one JSON object per line, for log collectors (Loki, Elasticsearch, journald).

Enabled with ``ADUAN_LOG_FORMAT=json`` (settings.py points the console handler at
:class:`JsonFormatter`; ``deploy/gunicorn.conf.py`` does the same for gunicorn's own logs).
Every line has ``time`` (UTC, ISO 8601 with milliseconds), ``level``, ``logger``,
``message``, ``process``, and ``exception`` when one was logged; values passed with
``extra=`` are added as they are when JSON can hold them, as text otherwise.

A request object handed to a logger (Django's ``django.request`` logger does) is reduced
to its method and URL route: its path may hold a reporter's private token.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

# Attributes every LogRecord has; anything else on a record came from ``extra=``.
_STANDARD = frozenset(
    logging.LogRecord("", 0, "", 0, "", None, None).__dict__.keys()
    | {"message", "asctime", "taskName"}
)


def _request_summary(request) -> dict:
    match = getattr(request, "resolver_match", None)
    return {
        "method": getattr(request, "method", None),
        "route": (match.route or match.view_name) if match is not None else None,
    }


def _plain(value):
    if hasattr(value, "META") and hasattr(value, "method"):
        return _request_summary(value)
    try:
        json.dumps(value)
    except (TypeError, ValueError):
        return str(value)
    return value


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "process": record.process,
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        for key, value in record.__dict__.items():
            if key not in _STANDARD and key not in entry and not key.startswith("_"):
                entry[key] = _plain(value)
        return json.dumps(entry, ensure_ascii=False, default=str)
