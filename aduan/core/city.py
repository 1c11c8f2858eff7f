"""The deployment's city, read once and kept: every page and every message names it.

:func:`current_city` returns the single :class:`~aduan.core.models.City` row, or the
neutral :meth:`City.default` while none exists (a fresh install renders every page).
Each process keeps one copy: saving or deleting the row in this process drops it at
once (and again when the transaction commits, so a rolled-back edit is not kept);
other processes (the worker, other web workers) pick the change up within
:data:`CACHE_SECONDS`, as the deadline calendar does.
"""

from __future__ import annotations

import time
from email.utils import formataddr, parseaddr

from django.conf import settings
from django.db import transaction

from .models import City

CACHE_SECONDS = 60.0

_cache: dict[str, tuple[City, float]] = {}


def current_city() -> City:
    """The deployment's city (cached), or the neutral default when there is no row."""
    entry = _cache.get("city")
    now = time.monotonic()
    if entry is not None and now - entry[1] < CACHE_SECONDS:
        return entry[0]
    city = City.objects.order_by("pk").first() or City.default()
    _cache["city"] = (city, now)
    return city


def invalidate(*_args, **_kwargs) -> None:
    """Forget the cached city now and when the current transaction commits."""
    _cache.clear()
    if transaction.get_connection().in_atomic_block:
        # Read again inside the transaction, the uncommitted row would be cached; a
        # rollback must not leave it behind.
        transaction.on_commit(_cache.clear)


def site_name() -> str:
    """The service's name: the ``SITE_NAME`` setting when the operator set one, else the
    city's."""
    return settings.SITE_NAME or current_city().site_name


def from_email() -> str:
    """The sender of outgoing e-mail: ``DEFAULT_FROM_EMAIL``, named after the service
    unless the setting already carries a display name."""
    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    if name or not address:
        return settings.DEFAULT_FROM_EMAIL
    return formataddr((site_name(), address))
