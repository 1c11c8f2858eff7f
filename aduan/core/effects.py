"""What follows every event row: the after-transition step, its subscribers in order.

Every function of :mod:`aduan.core.lifecycle` that writes an :class:`Event` calls
:func:`after_transition` once for that row, inside the same transaction, after the row
and the complaint are saved. The step runs the subscribers named in :data:`SUBSCRIBERS`,
in that order:

1. the deadline clock (``aduan.deadlines.clock``) opens, pauses and ends stage records and
   writes the deadlines onto the complaint (the database row and the caller's object);
   it goes first so that everything after it sees the complaint's current deadlines;
2. staff notifications (``aduan.office.notify``) tell the agencies and the moderators who
   must act next; they are rows in the same transaction, so a rolled-back change
   notifies nobody;
3. triage (``aduan.triage.hooks``) recomputes suggestions; it only schedules the work for
   after the commit (inference must never hold the complaint's lock or the filing open);
4. the audit log (``aduan.core.audit``) mirrors every staff action and every view of a
   reporter's contact into the append-only, city-wide log, in the same transaction;
5. citizen alerts (``aduan.portal.alerts``): the reporter's notice on their second channel
   when they chose both, and e-mail to the followers of a public complaint or kelurahan.

Statistics have no subscriber on purpose. The aggregation job
(``aduan.reports.aggregation.run``, every 30 seconds) reads every event row by id from
a watermark and keeps the ids that were still in flight as gaps to look for again, so any
path that writes an event is counted without being told; it recomputes whole cells
serialised by its claim, which a subscriber inside each transition could not do cheaper or
safer. The public pages check the live complaint's privacy and status themselves, so a
complaint made ``rahasia`` disappears before the next pass.

Subscribers are named by dotted path and imported on first use: the core is the bottom
layer and must not import the apps above it, yet the list of what a transition causes
belongs here, readable in one place, not spread over ``AppConfig.ready`` methods.

Contract for a subscriber ``fn(complaint, event)``: it runs inside the transition's
transaction, for every kind of event, including ``note`` and ``contact_viewed`` audit rows
(ignore what is not yours); an exception rolls the whole change back, so a subscriber
whose failure must not block the change catches it itself or defers the work with
``transaction.on_commit``.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
from collections.abc import Callable, Iterator

from django.db import transaction
from django.utils.module_loading import import_string

# Run on a complaint about to be filed, before its row is inserted, so that what they
# compute goes in with the INSERT: the deadline clock's first deadlines.
BEFORE_FILING: tuple[str, ...] = ("aduan.deadlines.clock.before_filing",)

SUBSCRIBERS: tuple[str, ...] = (
    "aduan.deadlines.clock.on_transition",
    "aduan.office.notify.on_transition",
    "aduan.triage.hooks.on_transition",
    "aduan.core.audit.on_transition",
    "aduan.portal.alerts.on_transition",
)

Subscriber = Callable[..., None]

# Tests add a subscriber for one block; a context variable cannot leak past it.
_extra: contextvars.ContextVar[tuple[Subscriber, ...]] = contextvars.ContextVar(
    "after_transition_extra", default=()
)


@functools.cache
def subscribers() -> tuple[Subscriber, ...]:
    """The subscribers, imported once (after the app registry is ready)."""
    return tuple(import_string(path) for path in SUBSCRIBERS)


@functools.cache
def _before_filing() -> tuple[Callable[..., None], ...]:
    return tuple(import_string(path) for path in BEFORE_FILING)


def before_filing(complaint, at) -> None:
    """Let the apps fill in what a complaint about to be filed is inserted with."""
    for step in _before_filing():
        step(complaint, at)


def after_transition(complaint, event) -> None:
    """Run every subscriber, in order, for one event row just written for ``complaint``."""
    if not transaction.get_connection().in_atomic_block:
        # The effects (stage records, notifications) must commit or roll back with the
        # event; outside a transaction a failing subscriber would leave half of them.
        raise RuntimeError("after_transition() must run inside the event's transaction")
    for subscriber in subscribers():
        subscriber(complaint, event)
    for subscriber in _extra.get():
        subscriber(complaint, event)


@contextlib.contextmanager
def extra_subscriber(fn: Subscriber) -> Iterator[None]:
    """For tests: also run ``fn(complaint, event)``, after the declared ones, in the block."""
    token = _extra.set((*_extra.get(), fn))
    try:
        yield
    finally:
        _extra.reset(token)
