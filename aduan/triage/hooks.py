"""The after-transition subscriber: triage a complaint when it is filed, corrected or returned.

It is named in ``aduan.core.effects.SUBSCRIBERS`` and runs inside the transition's
transaction, but it never computes there. Inference takes a while (a model, the duplicate
search), and inside the transaction it would hold the complaint's row lock (on SQLite, the
database's only write lock) and keep the citizen's filing waiting on it.

- A new complaint is left to the worker's ``triage.new`` job (jobs.py), which suggests for
  new complaints in filing order on its own queue within seconds: the citizen's request
  does no inference at all. With ``ADUAN_AFTER_FILING = "request"`` the web process computes
  it itself right after the commit instead.
- A correction or a return (a moderator's action) is recomputed right after the commit,
  so the moderator's next page shows the fresh suggestion.

A failure after the commit is logged and leaves the complaint without a fresh suggestion;
the complaint is filed whatever triage does, and the worker catches up. Automatic dispatch
never happens here; the worker does it (jobs.py).
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import logging

from django.conf import settings
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
    if full and settings.ADUAN_AFTER_FILING == "worker":
        return  # jobs.triage_new suggests it, on the worker
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
