"""Who may open the report pages, hide text from the public and act on sanction records
(role map in core.permissions)."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404

from aduan.core.models import Role
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


# Who acts on the sanction records. Kept beside the reports until core.permissions'
# role map grows these actions: leaders decide, issue and review; the agency head (not
# the agency's admins) answers for the agency.
SANCTION_ROLES: dict[str, frozenset[str]] = {
    "decide_sanctions": frozenset({Role.PIMPINAN}),
    "answer_sanction": frozenset({Role.KEPALA_OPD}),
}


def may(user, action: str, agency_id: int | None = None) -> bool:
    """May ``user`` take a sanction ``action``? ``answer_sanction`` is scoped to the
    user's own agency."""
    if not user.is_authenticated or user.role not in SANCTION_ROLES.get(action, ()):
        return False
    if action == "answer_sanction":
        return user.agency_id is not None and user.agency_id == agency_id
    return True


def access_sanction(user, pk: int):
    """The sanction record ``pk`` if ``user`` may read it, else the same 404 for "does
    not exist" and "not yours". Report readers see every record; an agency's staff see
    their agency's once the letter is issued."""
    from .records import Sanction

    sanction = (
        Sanction.objects.select_related("agency", "proposed_level", "level").filter(pk=pk).first()
    )
    if sanction is not None:
        if has_perm(user, "view_reports"):
            return sanction
        if (
            user.is_authenticated
            and getattr(user, "is_agency_staff", False)
            and user.agency_id == sanction.agency_id
            and sanction.state in Sanction.VISIBLE_TO_AGENCY
        ):
            return sanction
    raise Http404
