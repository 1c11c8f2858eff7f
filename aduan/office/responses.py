"""Response templates: which ones a staff member may use, and safe rendering.

Placeholders are ``{kode}``, ``{nama_pelapor}``, ``{kelurahan}``, ``{opd}`` and
``{tanggal}``. Rendering replaces only bare ``{name}`` fields from a plain
dict. We deliberately do not hand the body to ``str.format``: a template
author could write ``{kode.__class__}`` or ``{x[0]}`` and reach attributes,
and an unbalanced brace would raise. Here a field is a name and nothing
else; unknown names and stray braces stay visible so the author sees the
mistake in the preview.
"""

from __future__ import annotations

import re

from django.db.models import F, Q
from django.utils import timezone
from django.utils.formats import date_format

from aduan.core import disclosure
from aduan.core.models import Complaint, Privacy, Role
from aduan.core.permissions import has_perm

from .models import ResponseTemplate

PLACEHOLDERS = ("kode", "nama_pelapor", "kelurahan", "opd", "tanggal")
_FIELD = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


def render_text(body: str, values: dict[str, str]) -> str:
    """Replace ``{name}`` by ``values[name]``; leave everything else untouched."""
    return _FIELD.sub(lambda m: str(values.get(m.group(1), m.group(0))), body)


def placeholder_values(complaint: Complaint, user) -> dict[str, str]:
    agency = template_agency(user)
    kelurahan = complaint.kelurahan.name if complaint.kelurahan_id else ""
    view = disclosure.for_staff(complaint, user)
    # The name as this staff member may see it, and never an anonymous reporter's: the
    # answer is published, and a moderator who may see the name must not sign it in.
    name = view.reporter.name if view.reporter and view.privacy != Privacy.ANONIM else ""
    return {
        "kode": complaint.code,
        "nama_pelapor": name,
        "kelurahan": kelurahan,
        "opd": agency.name if agency else "",
        "tanggal": date_format(timezone.localdate(), "j F Y"),
    }


def render_template(template: ResponseTemplate, complaint: Complaint, user) -> str:
    return render_text(template.body, placeholder_values(complaint, user))


def template_agency(user):
    """The agency whose templates ``user`` uses and edits (moderators: their desk)."""
    if user.role in (Role.MODERATOR, Role.ADMIN_OPD, Role.KEPALA_OPD) and user.agency_id:
        return user.agency
    return None


def editable_templates(user):
    """The templates ``user`` may edit: those of their own agency, nobody else's."""
    agency = template_agency(user)
    if agency is None or not has_perm(user, "edit_templates"):
        return ResponseTemplate.objects.none()
    return ResponseTemplate.objects.filter(agency=agency).select_related("category")


def templates_for(user, complaint: Complaint):
    """Active templates of the user's agency for this complaint's category, then general ones."""
    agency = template_agency(user)
    if agency is None:
        return ResponseTemplate.objects.none()
    category = Q(category__isnull=True)
    if complaint.category_id:
        category |= Q(category_id=complaint.category_id)
    return (
        ResponseTemplate.objects.filter(category, agency=agency, is_active=True)
        .select_related("category")
        .order_by(F("category_id").asc(nulls_last=True), "title")
    )
