"""The staff's second factor and the staff session's limits.

A password opens a staff session, but for the roles in ``ADUAN_2FA_REQUIRED_ROLES``
(and anyone who may enter the Django admin, and anyone who enrolled of their own
accord) the session reaches nothing but the second-factor pages and logout until
it is verified with a code from an authenticator app (TOTP) or a one-time recovery
code. The devices are django-otp's; this module holds the policy, the one middleware
that enforces it on every URL, the admin site that asks for the same, and the writes
(enrol, replace, new recovery codes, reset) that the views in ``views/account.py`` call.

The same middleware ends a staff session after ``ADUAN_STAFF_IDLE_SECONDS`` without a
request, and ends every other session of a user whose second factor changed
(Django's session hash already ends them when the password changes).
"""

from __future__ import annotations

import re
import time
from base64 import b32encode
from dataclasses import dataclass
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import logout
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect
from django_otp import login as otp_login
from django_otp import verify_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from aduan.core import audit

RECOVERY_CODE_COUNT = 10
# Session keys. The stamp names the user's second-factor devices as they were when
# the session began; any change (enrol, replace, new codes, reset) changes it.
LAST_SEEN_KEY = "aduan_last_seen"
STAMP_KEY = "aduan_2fa_stamp"
# The last-seen time is written at most this often, so a busy page does not write
# its session row on every request; the idle limit is exact to within this.
LAST_SEEN_RESOLUTION = 60

# What an unverified session may still reach: the second step itself, logging out,
# and the language switch those pages carry.
UNVERIFIED_VIEWS = frozenset(
    {
        "office:login",
        "office:logout",
        "office:second_factor_verify",
        "office:second_factor_enrol",
        "admin:logout",
        "set_language",
    }
)


def required_roles() -> frozenset[str]:
    return frozenset(settings.ADUAN_2FA_REQUIRED_ROLES)


def is_staff_account(user) -> bool:
    return bool(user.is_authenticated and (user.role or user.is_staff))


def role_requires(user) -> bool:
    """The role (or entry to the Django admin) makes the second factor compulsory."""
    return bool(user.role in required_roles() or user.is_staff or user.is_superuser)


def confirmed_devices(user) -> list:
    return [
        *TOTPDevice.objects.filter(user=user, confirmed=True),
        *StaticDevice.objects.filter(user=user, confirmed=True),
    ]


def device_stamp(devices) -> str:
    return ",".join(sorted(d.persistent_id for d in devices))


def is_verified(user) -> bool:
    check = getattr(user, "is_verified", None)
    return bool(check and check())


@dataclass(frozen=True)
class SecondFactor:
    """What the templates and views need to know about one staff session."""

    required: bool
    enrolled: bool
    verified: bool

    @property
    def pending(self) -> bool:
        """A second step is owed before any other staff page."""
        return (self.required or self.enrolled) and not self.verified

    @property
    def prompt(self) -> bool:
        """An optional role that has not enrolled yet: the nav invites them."""
        return not self.required and not self.enrolled


def state_of(user, devices=None) -> SecondFactor:
    if devices is None:
        devices = confirmed_devices(user)
    return SecondFactor(
        required=role_requires(user),
        enrolled=any(isinstance(d, TOTPDevice) for d in devices),
        verified=is_verified(user),
    )


def next_step_url(state: SecondFactor, next_url: str = "") -> str:
    name = "office:second_factor_verify" if state.enrolled else "office:second_factor_enrol"
    url = reverse(name)
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


# --- Codes -----------------------------------------------------------------------------


def normalise_code(raw: str) -> str:
    """Spaces and dashes people type or copy from the printed list are not part of a code."""
    return re.sub(r"[\s-]+", "", raw or "").lower()


def looks_like_totp(code: str) -> bool:
    return len(code) == 6 and code.isdigit()


class Throttled(Exception):
    """Too many wrong codes lately: django-otp refuses to check another until ``until``."""

    def __init__(self, until):
        super().__init__(until)
        self.until = until


def check_code(user, raw: str, *, allow_recovery: bool = True):
    """The device that accepts ``raw`` for ``user``, or ``None``.

    Six digits are checked against the authenticator; anything else against the
    recovery codes (each works once: django-otp deletes it when it matches). Every
    device counts its own failures and refuses checks for a growing delay after
    each one; :class:`Throttled` says until when.
    """
    code = normalise_code(raw)
    if looks_like_totp(code):
        candidates = list(TOTPDevice.objects.filter(user=user, confirmed=True))
    elif allow_recovery and code:
        candidates = list(StaticDevice.objects.filter(user=user, confirmed=True))
    else:
        candidates = []
    for device in candidates:
        allowed, info = device.verify_is_allowed()
        if not allowed:
            raise Throttled(info.get("locked_until"))
        verified = verify_token(user, device.persistent_id, code)
        if verified is not None:
            if isinstance(verified, StaticDevice):
                second_factor_changed(user, "recovery_code_used", user)
            return verified
    if code:
        second_factor_changed(user, "code_failed", user)
    return None


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def format_recovery_code(token: str) -> str:
    return f"{token[:4]}-{token[4:]}" if len(token) == 8 else token


# --- Writes ----------------------------------------------------------------------------


def pending_device(user) -> TOTPDevice:
    """The not-yet-confirmed authenticator this user is setting up (the same one on a
    reload, so the QR code they scanned stays valid until they confirm it)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    return device


def secret_for_manual_entry(device: TOTPDevice) -> str:
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// address as an inline SVG, drawn here: the secret never leaves
    the server for a QR service, and the page needs no script."""
    return segno.make(device.config_url, error="m").svg_inline(
        scale=4, light="#fff", dark="#000", svgclass="office-qr", lineclass=None
    )


def _new_recovery_codes(user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="recovery", confirmed=True)
    tokens = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=t) for t in tokens)
    return [format_recovery_code(t) for t in tokens]


@transaction.atomic
def confirm_device(request, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm the pending authenticator with its first code and replace whatever the
    user had before; returns the new recovery codes (shown once), or ``None`` for a
    wrong code. The session that did it becomes verified; every other one ends."""
    user = request.user
    code = normalise_code(code)
    if not looks_like_totp(code) or not device.verify_token(code):
        return None
    replacing = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _new_recovery_codes(user)
    _verified_by(request, device)
    second_factor_changed(user, "replaced" if replacing else "enrolled", user)
    return codes


@transaction.atomic
def regenerate_recovery_codes(request) -> list[str]:
    codes = _new_recovery_codes(request.user)
    # The session stays verified through the authenticator; the old codes are gone.
    request.session[STAMP_KEY] = device_stamp(confirmed_devices(request.user))
    second_factor_changed(request.user, "recovery_codes_regenerated", request.user)
    return codes


@transaction.atomic
def reset_second_factor(user, actor) -> int:
    """A system admin removes every device of ``user`` (a lost phone and lost codes).
    Their sessions end at their next request; a required role enrols again at login."""
    removed = 0
    for model in (TOTPDevice, StaticDevice):
        removed += model.objects.filter(user=user).delete()[1].get(model._meta.label, 0)
    second_factor_changed(user, "reset", actor)
    return removed


def verified_login(request, device) -> None:
    """The second step passed: mark the session and give it a fresh key (the session
    just gained rights, so an id seen before this moment must not carry them)."""
    _verified_by(request, device)


def _verified_by(request, device) -> None:
    otp_login(request, device)
    request.session.cycle_key()
    request.session[STAMP_KEY] = device_stamp(confirmed_devices(request.user))


# What each change is called in the audit log (core.audit).
_AUDIT_ACTIONS = {
    "enrolled": audit.Action.MFA_ENROLLED,
    "replaced": audit.Action.MFA_ENROLLED,
    "recovery_codes_regenerated": audit.Action.MFA_ENROLLED,
    "reset": audit.Action.MFA_RESET,
    "recovery_code_used": audit.Action.RECOVERY_CODE_USED,
    "code_failed": audit.Action.MFA_FAILED,
}


def second_factor_changed(user, action: str, actor) -> None:
    """Where every second-factor event is recorded: enrolled, replaced,
    recovery_codes_regenerated, reset, recovery_code_used, code_failed. The account
    it concerns is named in the entry, so a reset by a system admin is on record for
    both of them."""
    audit.record(
        _AUDIT_ACTIONS[action],
        actor=actor,
        description=user.get_username(),
        change=action,
        user=user.get_username(),
        user_id=user.pk,
    )


# --- Enforcement -----------------------------------------------------------------------


def _to_login(request, message: str):
    logout(request)
    messages.warning(request, message)
    url = reverse("office:login")
    if request.method == "GET" and not getattr(request, "htmx", False):
        url = f"{url}?{urlencode({'next': request.get_full_path()})}"
    if getattr(request, "htmx", False):
        return HttpResponseClientRedirect(url)
    return redirect(url)


class StaffSessionMiddleware:
    """The one gate of every staff session, whatever view or app serves the URL.

    After AuthenticationMiddleware, OTPMiddleware and MessageMiddleware. For a staff
    account it (1) ends the session after the idle limit, (2) ends it when the user's
    second factor changed since it began, (3) sends a session that owes its second
    step to that step from any view but the few in ``UNVERIFIED_VIEWS``, and (4) puts
    ``request.second_factor`` where templates can read it.

    The idle limit is a last-seen time in the session rather than a short
    SESSION_COOKIE_AGE with SESSION_SAVE_EVERY_REQUEST: it applies to staff only (a
    citizen's session keeps its own life), it writes the session at most once a minute
    instead of on every request, it works with any session engine, and it can tell
    the person why they must log in again.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if not is_staff_account(user):
            return self.get_response(request)
        session = request.session
        now = int(time.time())
        last_seen = session.get(LAST_SEEN_KEY)
        if last_seen is not None and now - last_seen > settings.ADUAN_STAFF_IDLE_SECONDS:
            return _to_login(
                request, _("Sesi Anda berakhir karena lama tidak aktif. Silakan masuk lagi.")
            )
        # A clock that went back (frozen time in tests, a corrected server clock) only
        # refreshes the time; it never ends a session.
        if last_seen is None or abs(now - last_seen) >= LAST_SEEN_RESOLUTION:
            session[LAST_SEEN_KEY] = now
        devices = confirmed_devices(user)
        stamp = device_stamp(devices)
        if STAMP_KEY not in session:
            session[STAMP_KEY] = stamp
        elif session[STAMP_KEY] != stamp:
            return _to_login(
                request,
                _("Verifikasi dua langkah akun Anda diubah. Silakan masuk lagi."),
            )
        request.second_factor = state_of(user, devices)
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        state = getattr(request, "second_factor", None)
        if state is None or not state.pending:
            return None
        match = request.resolver_match
        if match is not None and match.view_name in UNVERIFIED_VIEWS:
            return None
        next_url = request.get_full_path() if request.method == "GET" else ""
        url = next_step_url(state, next_url)
        if getattr(request, "htmx", False):
            return HttpResponseClientRedirect(url)
        return redirect(url)


class AdminSite(admin.AdminSite):
    """Django's admin, entered only by a session that passed its second step (for
    every account that may enter it, whatever its role); its login page is the back
    office's, so there is one way in."""

    def has_permission(self, request):
        return super().has_permission(request) and is_verified(request.user)

    def login(self, request, extra_context=None):
        next_url = request.GET.get("next") or reverse("admin:index")
        if not request.user.is_authenticated:
            return redirect(f"{reverse('office:login')}?{urlencode({'next': next_url})}")
        # A session that still owes its second step never gets here (the middleware
        # sends it on); this is someone logged in without the right to the admin.
        return super().login(request, extra_context)
