"""What every back-office view shares: who may enter, safe redirects, list rows."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme

from aduan.core import disclosure
from aduan.core.models import Privacy
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


def summarise_rows(rows, user, *, handling: bool) -> None:
    """Give each complaint of a staff list what its row may show ``user``.

    ``row_summary`` is the staff projection's one line (``None``: a secret complaint
    outside the lists of those who handle it); ``privacy_flag`` names any mode other
    than ``publik``, so templates never compare privacy values themselves.
    """
    for c in rows:
        c.row_summary = disclosure.staff_summary(c, user, handling=handling)
        c.privacy_flag = c.get_privacy_display() if c.privacy != Privacy.PUBLIK else ""
