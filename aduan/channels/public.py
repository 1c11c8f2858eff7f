"""What of a complaint may leave the building through the API and Open311.

Never the reporter's identity. Nothing of a ``rahasia`` complaint but its
status. Free text is masked (names, phone numbers, NIK, e-mail, plates)
before it is shown, exactly as on the public pages.
"""

from __future__ import annotations

from aduan.core.models import CLOSED_STATUSES, Complaint, Privacy, Status
from aduan.lib.privacy import mask_pii


def shows_content(complaint: Complaint) -> bool:
    return complaint.privacy != Privacy.RAHASIA


def shows_in_public_lists(complaint: Complaint) -> bool:
    """Checked by a moderator and not rejected: what the public feed would show."""
    return shows_content(complaint) and complaint.status not in (Status.BARU, Status.DITOLAK)


def _names(complaint: Complaint) -> list[str]:
    return [complaint.reporter_name] if complaint.reporter_name else []


def masked_text(complaint: Complaint) -> str | None:
    if not shows_content(complaint):
        return None
    return mask_pii(complaint.text, _names(complaint))


def masked_answer(complaint: Complaint) -> str | None:
    if not shows_content(complaint) or not complaint.answer:
        return None
    return mask_pii(complaint.answer, _names(complaint))


def masked_address(complaint: Complaint) -> str | None:
    if not shows_content(complaint) or not complaint.address:
        return None
    return mask_pii(complaint.address, _names(complaint))


def is_closed(complaint: Complaint) -> bool:
    """Open311's two states: anything answered or ended is closed."""
    return complaint.status in CLOSED_STATUSES or complaint.status == Status.SELESAI


def status_note(complaint: Complaint) -> str:
    """One line on where the complaint stands, for Open311 ``status_notes``."""
    if complaint.status == Status.DITOLAK and complaint.rejection_reason_id:
        return f"{complaint.get_status_display()}: {complaint.rejection_reason.label}"
    if complaint.status == Status.DIGABUNG and complaint.merged_into_id:
        return f"{complaint.get_status_display()}: {complaint.merged_into.code}"
    answer = masked_answer(complaint)
    if answer and complaint.status in (Status.SELESAI, Status.DITUTUP):
        return answer
    return str(complaint.get_status_display())
