"""Who may open the report pages and hide text from the public (role map in core.permissions)."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from aduan.core.permissions import has_perm


def require(action: str):
    """View decorator: logged in and allowed ``action``, else the login page or 403."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(request, *args, **kwargs):
            if not has_perm(request.user, action):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
