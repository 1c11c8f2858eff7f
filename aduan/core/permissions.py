"""Who may see and do what: one role-to-permission map, scoped by agency.

Access helpers return the same 404 for "does not exist" and "not yours", so a
staff member cannot probe for complaints outside their reach.
"""

from __future__ import annotations

from django.http import Http404

from .models import AGENCY_STATUSES, Complaint, Privacy, Role

# Actions on complaints, by role. Agency roles act only on their agency's complaints.
PERMISSIONS: dict[str, frozenset[str]] = {
    Role.MODERATOR: frozenset(
        {
            "view_all",
            "view_contact",
            "verify",
            "dispatch",
            "reject",
            "merge",
            "answer_directly",
            "correct",
            # Set or correct a complaint's pin and kelurahan (office "lokasi" action).
            "set_location",
            "request_info",
            "note",
            "close",
            "file_for_citizen",
            "view_reports",
            "redact",
            # The moderators' desk keeps its own response templates (Diskominfo).
            "edit_templates",
            "notifications",
        }
    ),
    Role.ADMIN_OPD: frozenset(
        {
            "view_agency",
            "view_contact",
            "acknowledge",
            "post_update",
            "request_info",
            "return_dispatch",
            "defer_to_budget",
            "resolve",
            "note",
            "assign",
            "set_location",
            "edit_templates",
            "notifications",
        }
    ),
    Role.KEPALA_OPD: frozenset(
        {
            "view_agency",
            "view_contact",
            "acknowledge",
            "post_update",
            "request_info",
            "return_dispatch",
            "defer_to_budget",
            "resolve",
            "note",
            "assign",
            "set_location",
            "edit_templates",
            "notifications",
        }
    ),
    Role.PIMPINAN: frozenset({"view_all", "view_reports"}),
    # ``view_audit``: the city-wide audit log (logins, staff actions, contact views,
    # exports), for those who keep the system and those who inspect it.
    Role.ADMIN_SISTEM: frozenset({"view_all", "view_reports", "admin", "view_audit"}),
    # The inspectorate reads and reviews; it acts on nothing and sees no reporter's
    # contact (no ``view_contact``).
    Role.INSPEKTORAT: frozenset({"view_all", "view_reports", "view_audit"}),
}


def has_perm(user, action: str) -> bool:
    if not user.is_authenticated:
        return False
    return action in PERMISSIONS.get(user.role, frozenset())


def visible_complaints(user):
    """The complaints a staff member may see at all."""
    if has_perm(user, "view_all"):
        return Complaint.objects.all()
    if has_perm(user, "view_agency") and user.agency_id:
        return Complaint.objects.for_agency(user.agency_id)
    return Complaint.objects.none()


def access_complaint(user, code: str) -> Complaint:
    complaint = visible_complaints(user).filter(code=code).first()
    if complaint is None:
        raise Http404("Aduan tidak ditemukan.")
    return complaint


def can_act(user, action: str, complaint: Complaint) -> bool:
    """May ``user`` perform ``action`` on this complaint?

    The lifecycle decides which statuses allow a transition; this only adds
    the agency rule: agency staff act while the complaint is with their
    agency (notes at any time), and only the lead agency speaks to the citizen.
    """
    if not has_perm(user, action):
        return False
    if user.role in (Role.ADMIN_OPD, Role.KEPALA_OPD):
        if not user.agency_id:
            return False
        agencies = {
            complaint.lead_agency_id,
            *complaint.supporting_agencies.values_list("id", flat=True),
        }
        if user.agency_id not in agencies:
            return False
        # An agency acts while the complaint is with it.
        if complaint.status not in AGENCY_STATUSES and action != "note":
            return False
        # The citizen hears one voice: acknowledging, public updates, answers, returns
        # and questions are the lead agency's; supporting agencies contribute notes.
        lead_only = {
            "acknowledge",
            "post_update",
            "resolve",
            "return_dispatch",
            "defer_to_budget",
            "request_info",
        }
        if action in lead_only and complaint.lead_agency_id != user.agency_id:
            return False
    return True


def can_see_reporter(user, complaint: Complaint) -> bool:
    """Anonymous complaints hide the reporter from everyone but the moderators."""
    if not has_perm(user, "view_contact"):
        return False
    return not (complaint.privacy == Privacy.ANONIM and user.role != Role.MODERATOR)
