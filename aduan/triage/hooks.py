"""The after-transition subscriber: triage a complaint when it is filed, corrected or returned.

It is named in ``aduan.core.effects.SUBSCRIBERS`` and runs inside the transition's
transaction, but it only schedules the work: the suggestion is computed after the commit.
Inference takes a while (a model, the duplicate search), and inside the transaction it
would hold the complaint's row lock (on SQLite, the database's only write lock) and keep the
citizen's filing waiting on it; after the commit the complaint is filed whatever triage
does. A failure is logged and leaves the complaint without a fresh suggestion; a new
complaint left with none is suggested by the worker's ``triage.refresh`` job. Automatic
dispatch never happens here; the worker does it (jobs.py).
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import logging

from django.db import transaction

from aduan.core.models import MODERATOR_STATUSES, Complaint, Event

log = logging.getLogger("aduan.triage")

_quiet = contextvars.ContextVar("triage_quiet", default=False)
_KINDS = frozenset({Event.Kind.CREATED, Event.Kind.CORRECTED, Event.Kind.RETURNED})


@contextlib.contextmanager
def quiet():
    """Skip recomputing suggestions for changes made inside the block (accepting one
    corrects, then dispatches); decided when the change is made, not at the commit."""
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
    full = event.kind == Event.Kind.CREATED
    transaction.on_commit(functools.partial(triage_committed, complaint.pk, full=full))


def triage_committed(complaint_id: int, *, full: bool) -> None:
    """Compute the suggestion of a committed complaint; log, never raise, on failure.

    Called by ``on_commit`` after the response's transaction is done: an exception here
    would reach the citizen as an error page for a complaint that was in fact filed.
    """
    from .suggest import compute

    complaint = Complaint.objects.filter(pk=complaint_id).first()
    if complaint is None:
        return
    if not full and complaint.status not in MODERATOR_STATUSES:
        # Dispatched again between the correction and now: nobody will read it.
        return
    try:
        with transaction.atomic():
            compute(complaint, full=full)
    except Exception:
        log.exception("triage of complaint %s failed; it goes on without", complaint.code)
