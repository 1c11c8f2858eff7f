"""Removing the reporter from a complaint; the case itself stays for statistics.

What goes: the reporter's name, phone, e-mail and chat handle; the same wherever the
complaint's texts quote them (complaint text, address, answer and notes, every event's
note and the personal parts of its data, moderators' redactions, staff notifications),
masked with ``aduan.lib.privacy.mask_pii`` (which also masks any other phone number, NIK,
e-mail or plate it finds); the private link (a new token, so an old SMS opens nothing);
the channel records that tie the complaint to a person (the imported social-media post,
the app installation, the Open311 device and account, raw inbound messages, messages
sent about it). What stays: status, dates, kind, category, agencies, area and point,
outcome, rating, photos (re-encoded without metadata at upload) and the events' shape.

One event (an internal note, "sistem" unless a staff member decided it) says that the
personal data was removed and why, without the data; an :class:`Anonymisation` row
marks the complaint so it is done once.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_noop

from aduan.channels.models import (
    AppSubmission,
    InboundMessageLog,
    Open311Submission,
    SocialPost,
)
from aduan.core import lifecycle
from aduan.core.models import Complaint, Event, OutboundMessage, Redaction
from aduan.lib.codes import new_token
from aduan.lib.privacy import REDACTED, mask_pii, names_introduced, redact
from aduan.office.models import Notification

from .models import Anonymisation, DataRequest

# Complaint fields written by or about the citizen: masked.
TEXT_FIELDS = ("text", "address", "answer", "outcome_note", "budget_plan", "rating_comment")
CONTACT_FIELDS = ("reporter_name", "reporter_phone", "reporter_email", "reporter_handle")
# Keys of ``Event.data`` that hold what someone wrote or who sent it; other values are
# structure (codes, statuses, agency names) and lose only exact copies of the contact.
PERSONAL_KEYS = frozenset(
    {"from", "sender", "sender_name", "name", "phone", "email", "handle", "subject"}
    | {"text", "raw_text", "body", "note", "reporter"}
)
# Shorter exact strings would match too much unrelated text.
_MIN_EXACT = 5


def _phone_forms(phone: str) -> list[str]:
    """``+6281234567890`` as people also write it: ``6281234567890``, ``081234567890``."""
    if not phone:
        return []
    forms = [phone, phone.lstrip("+")]
    if phone.startswith("+62"):
        forms.append("0" + phone[3:])
    return forms


class Scrubber:
    """Masks one complaint's reporter out of any text or event data of that complaint."""

    def __init__(self, complaint: Complaint, redactions: list[str]):
        self.names = [complaint.reporter_name] if complaint.reporter_name else []
        self.names += names_introduced(complaint.text)
        self.redactions = [r for r in redactions if r and r != REDACTED]
        exact = [complaint.reporter_name, complaint.reporter_email, complaint.reporter_handle]
        exact += _phone_forms(complaint.reporter_phone)
        self.exact = sorted({s for s in exact if s and len(s) >= _MIN_EXACT}, key=len)[::-1]

    def _exact_out(self, value: str) -> str:
        lowered = value.lower()
        hits = [s for s in self.exact if s.lower() in lowered]
        return redact(value, hits) if hits else value

    def text(self, value: str) -> str:
        if not value:
            return value
        # The moderators' redactions first: they were chosen on the text as written.
        if self.redactions:
            value = redact(value, self.redactions)
        return self._exact_out(mask_pii(value, self.names))

    def data(self, value, key: str | None = None):
        if isinstance(value, dict):
            return {k: self.data(v, str(k)) for k, v in value.items()}
        if isinstance(value, list):
            return [self.data(v, key) for v in value]
        if isinstance(value, str):
            return self.text(value) if key in PERSONAL_KEYS else self._exact_out(value)
        return value


def is_anonymised(complaint: Complaint) -> bool:
    return Anonymisation.objects.filter(complaint_id=complaint.pk).exists()


def _note(reason: str, request: DataRequest | None) -> str:
    if reason == Anonymisation.Reason.REQUEST and request is not None:
        text = gettext_noop(
            "Data pribadi pelapor dihapus atas permintaan pelapor (UU No. 27 Tahun 2022)."
        )
        return f"{lifecycle.stored_text(text)} #{request.pk}"
    return lifecycle.stored_text(
        gettext_noop(
            "Data pribadi pelapor dihapus karena masa simpannya berakhir "
            "(kebijakan retensi data pribadi)."
        )
    )


@transaction.atomic
def anonymise(
    complaint: Complaint,
    *,
    reason: str,
    actor=None,
    request: DataRequest | None = None,
    at=None,
) -> bool:
    """Remove the reporter from ``complaint``; False when that was done already."""
    locked = lifecycle.lock(complaint)
    if is_anonymised(locked):
        return False
    at = at or timezone.now()
    redactions = list(Redaction.objects.filter(complaint=locked).values_list("text", flat=True))
    scrub = Scrubber(locked, redactions)

    changes = {field: scrub.text(getattr(locked, field)) for field in TEXT_FIELDS}
    changes.update(dict.fromkeys(CONTACT_FIELDS, ""))
    # The private link dies with the person: whoever holds an old message sees nothing.
    changes["token"] = new_token()
    changes["submission_key"] = None
    # Bumped like a transition: a form opened before cannot write the old values back.
    Complaint.objects.filter(pk=locked.pk).update(
        **changes, version=F("version") + 1, updated_at=at
    )

    for event in Event.objects.filter(complaint=locked).only("pk", "note", "data"):
        note, data = scrub.text(event.note), scrub.data(event.data)
        if note != event.note or data != event.data:
            Event.objects.filter(pk=event.pk).update(note=note, data=data)
    # The strings a moderator hid are themselves personal data; the texts now carry
    # the redaction, so the rows keep only their reason.
    Redaction.objects.filter(complaint=locked).update(text=REDACTED)
    for notice in Notification.objects.filter(complaint=locked).only("pk", "text"):
        text = scrub.text(notice.text)
        if text != notice.text:
            Notification.objects.filter(pk=notice.pk).update(text=text[:300])

    # What ties the complaint to a person outside its own fields.
    SocialPost.objects.filter(complaint=locked).delete()
    AppSubmission.objects.filter(complaint=locked).update(
        device_token_hash="", idempotency_key="", fingerprint=""
    )
    Open311Submission.objects.filter(complaint=locked).update(
        device_id="", account_id="", media_url="", attributes={}
    )
    InboundMessageLog.objects.filter(complaint=locked).delete()
    OutboundMessage.objects.filter(complaint=locked).delete()

    Anonymisation.objects.create(complaint=locked, reason=reason, request=request, at=at)
    complaint.refresh_from_db()
    lifecycle.record_note(
        complaint,
        actor,
        note=_note(reason, request),
        data={"privacy": "reporter_removed", "reason": reason}
        | ({"request": request.pk} if request is not None else {}),
        at=at,
    )
    return True
