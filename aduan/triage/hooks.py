"""The lifecycle subscriber: triage a complaint when it is filed, corrected or returned.

It runs inside the transition's transaction, so it works in a savepoint and swallows every
error: a citizen's filing (or a moderator's correction) must succeed whatever happens to
triage, with or without a model. Automatic dispatch never happens here; the worker does it
after the filing has committed (jobs.py).
"""

from __future__ import annotations

import contextlib
import contextvars
import logging

from django.db import transaction

from aduan.core.models import MODERATOR_STATUSES, Event

log = logging.getLogger("aduan.triage")

_quiet = contextvars.ContextVar("triage_quiet", default=False)
_KINDS = frozenset({Event.Kind.CREATED, Event.Kind.CORRECTED, Event.Kind.RETURNED})


@contextlib.contextmanager
def quiet():
    """Skip recomputing suggestions inside the block (accepting one corrects, then dispatches)."""
    token = _quiet.set(True)
    try:
        yield
    finally:
        _quiet.reset(token)


def on_transition(complaint, event) -> None:
    if event.kind not in _KINDS or _quiet.get():
        return
    if event.kind != Event.Kind.CREATED and complaint.status not in MODERATOR_STATUSES:
        return
    try:
        from .suggest import compute

        with transaction.atomic():
            compute(complaint, full=event.kind == Event.Kind.CREATED)
    except Exception:
        log.exception("triage of complaint %s failed; it goes on without", complaint.code)
