"""What every back-office view shares: who may enter, safe redirects, list rows."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme

from aduan.core import disclosure
from aduan.core.models import Complaint, Privacy
from aduan.core.permissions import has_perm


def staff_required(view):
    """Logged in and holding a staff role; anyone else gets 403 (or the login page)."""

    @wraps(view)
    @login_required
    def wrapped(request, *args, **kwargs):
        if not request.user.role:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def require_perm(user, action: str) -> None:
    if not has_perm(user, action):
        raise PermissionDenied


def redirect_back(request, fallback: str, *args):
    """Back to the page named in ``next`` when it is ours, else to ``fallback``."""
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(fallback, *args)


# The choice fields a list row names, labelled once per list (see ``summarise_rows``).
_LABELLED = ("status", "kind", "channel", "priority", "privacy")


def _choice_labels(name: str) -> dict:
    """``{value: label}`` of a Complaint choice field, in the active language."""
    return {value: str(label) for value, label in Complaint._meta.get_field(name).flatchoices}


def summarise_rows(rows, user, *, handling: bool) -> None:
    """Give each complaint of a staff list what its row may show ``user``.

    ``row_summary`` is the staff projection's one line (``None``: a secret complaint
    outside the lists of those who handle it); ``privacy_flag`` names any mode other
    than ``publik``, so templates never compare privacy values themselves.
    ``labels`` holds the row's status, kind, channel, priority and privacy as
    ``get_FOO_display()`` would give them, translated once per list instead of per
    call (Django's ``get_FOO_display`` translates every choice of the field on every
    call: 5 fields x 50 rows made 1,700 gettext calls per page).
    """
    labels = {name: _choice_labels(name) for name in _LABELLED}
    for c in rows:
        c.row_summary = disclosure.staff_summary(c, user, handling=handling)
        c.labels = {
            name: labels[name].get(getattr(c, name), getattr(c, name)) for name in _LABELLED
        }
        c.privacy_flag = c.labels["privacy"] if c.privacy != Privacy.PUBLIK else ""
