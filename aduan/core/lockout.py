"""Login lockout on django-axes: per account-and-address, and per address, with a cool-down.

Axes counts failed logins in ``axes.AccessAttempt`` rows (username, address, browser). Our
``AXES_LOCKOUT_PARAMETERS`` name two criteria, in this order:

1. the account from one address (``AXES_FAILURE_LIMIT`` failures): an attacker guessing
   one account's password is stopped at his own address, while the real person, from any
   other address, still logs in. Locking the account itself would hand the attacker a
   switch that locks anyone out.
2. the address alone (``ADUAN_LOGIN_ADDRESS_FAILURE_LIMIT`` failures, set higher): one
   address trying a few passwords on each of many accounts (password spraying) meets a
   wall too, but an office behind one NAT address survives a morning of typos.

Axes compares one count with one limit (the largest count of its criteria), so the
handler below folds the address criterion into that count. Every lock ends by itself
``AXES_COOLOFF_TIME`` after the last failure; a system admin unlocks earlier by deleting
the rows under "Axes: access attempts" in the admin.
"""

from __future__ import annotations

import math

from axes.backends import AxesStandaloneBackend
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_cool_off, get_failure_limit
from django.conf import settings
from django.db.models import Max, Sum
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from .middleware import clock_text, wait_text

ACCOUNT, ADDRESS = "account", "address"


class LockoutHandler(AxesDatabaseHandler):
    """Axes' database handler with a separate, higher limit for the address criterion."""

    def get_failures(self, request, credentials=None) -> int:
        attempts = self.get_user_attempts(request, credentials)
        if len(attempts) != 2:
            # Lockout parameters other than ours: axes' own rule (largest count).
            return super().get_failures(request, credentials)
        per_account, per_address = (
            qs.aggregate(n=Sum("failures_since_start"))["n"] or 0 for qs in attempts
        )
        limit = get_failure_limit(request, credentials)
        if per_address >= settings.ADUAN_LOGIN_ADDRESS_FAILURE_LIMIT:
            request.aduan_lockout = ADDRESS
            return max(per_account, limit)
        if per_account >= limit:
            request.aduan_lockout = ACCOUNT
        return per_account

    def reset_user_attempts(self, request, credentials=None) -> int:
        # After a successful login only the account's own failures from this address are
        # forgotten: clearing the address's count would let someone who holds one valid
        # account wipe it between guesses at the others.
        count, _ = self.filter_user_attempts(request, credentials)[0].delete()
        return count


def seconds_until_retry(request, credentials=None) -> int:
    """When the lock that refused this request ends (its newest failure plus the cool-down)."""
    handler = LockoutHandler()
    attempts = handler.get_user_attempts(request, credentials)
    which = attempts[-1] if getattr(request, "aduan_lockout", ACCOUNT) == ADDRESS else attempts[0]
    latest = which.aggregate(t=Max("attempt_time"))["t"]
    cool_off = get_cool_off(request)
    if latest is None or cool_off is None:
        return int(cool_off.total_seconds()) if cool_off else 0
    return max(1, math.ceil((latest + cool_off - timezone.now()).total_seconds()))


def lockout_response(request, original_response=None, credentials=None):
    """``AXES_LOCKOUT_CALLABLE``: a 429 page saying why, until when, and who can unlock."""
    seconds = seconds_until_retry(request, credentials)
    when = {"wait": wait_text(seconds), "time": clock_text(seconds)}
    if getattr(request, "aduan_lockout", ACCOUNT) == ADDRESS:
        reason = _(
            "Terlalu banyak percobaan masuk yang gagal dari alamat jaringan Anda. Demi "
            "keamanan, masuk dari alamat ini ditahan sampai pukul %(time)s (sekitar %(wait)s "
            "lagi)."
        )
    else:
        reason = _(
            "Terlalu banyak kata sandi yang salah untuk akun ini dari alamat jaringan Anda. "
            "Demi keamanan, akun ini tidak dapat masuk dari alamat ini sampai pukul %(time)s "
            "(sekitar %(wait)s lagi)."
        )
    response = render(
        request,
        "core/login_locked.html",
        {"reason": reason % when, "retry_after": seconds},
        status=429,
    )
    response["Retry-After"] = str(seconds)
    return response


class TestClientBackend(AxesStandaloneBackend):
    """For ``settings_test`` only: lets a request-less ``authenticate()`` through.

    Django's test client ``login()`` authenticates without a request, which axes refuses
    (it cannot tell whose address is locked). Every login through HTTP, in the tests as
    in production, still passes the request and meets the lockout.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
