"""Staff notifications: in-app rows plus an e-mail copy through the outbox.

:func:`on_transition` is an after-transition subscriber (named in
``aduan.core.effects.SUBSCRIBERS``): it runs inside the transition's
transaction, so a rolled-back change notifies nobody. It sees every event row,
audit rows such as ``contact_viewed`` included, and acts only on those below.
Citizens are told by ``core.notify``; this module only tells staff.

Who hears what:
- a new dispatch: the staff of the lead and supporting agencies;
- a return (bukan wewenang): the moderators;
- a citizen's reply or dispute: whoever holds the complaint now: the lead
  agency's staff, or the moderators while it is in their queue;
- a supporting agency's note: the lead agency's staff (a contribution; see
  :func:`is_contribution`);
- an assignment: the officer (called from the assign action).
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from aduan.core import disclosure
from aduan.core.models import (
    MODERATOR_STATUSES,
    Complaint,
    Event,
    Privacy,
    Role,
    User,
)
from aduan.core.notify import queue_message

from .models import Notification

AGENCY_ROLES = (Role.ADMIN_OPD, Role.KEPALA_OPD)


def agency_staff(agency_ids):
    return User.objects.filter(agency_id__in=agency_ids, role__in=AGENCY_ROLES, is_active=True)


def moderators():
    return User.objects.filter(role=Role.MODERATOR, is_active=True)


def _summary(complaint: Complaint, user) -> str:
    """The complaint's line as ``user`` may read it outside the application: nothing of a
    ``rahasia`` complaint (its content stays out of mailboxes), and an anonymous
    reporter's name, even one they wrote in the text, masked for agency staff."""
    return disclosure.staff_summary(complaint, user) or ""


def _quote(complaint: Complaint, user, text: str) -> str:
    """The reporter's words (a dispute) as ``user`` may read them in a message."""
    if complaint.privacy == Privacy.RAHASIA:
        return ""
    return disclosure.staff_text(complaint, user, text)


def _notify_each(users, complaint: Complaint, kind: str, text_for, *, exclude=None) -> None:
    """``notify_staff`` with a text written for each recipient, where it quotes the
    complaint: what one may read of it another may not."""
    for user in users:
        notify_staff([user], complaint, kind, text_for(user), exclude=exclude)


def _holders(complaint: Complaint):
    """Whoever must act next on a complaint the citizen just touched."""
    if complaint.status in MODERATOR_STATUSES or not complaint.lead_agency_id:
        return moderators()
    return agency_staff([complaint.lead_agency_id])


def _clip(text: str, limit: int = 300) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def notify_staff(users, complaint: Complaint, kind: str, text: str, *, exclude=None) -> int:
    """One in-app notification and one e-mail (if the user has an address) per user."""
    text = _clip(text)
    url = settings.SITE_URL.rstrip("/") + reverse("office:complaint", args=[complaint.code])
    subject = f"[{complaint.code}] {Notification.Kind(kind).label}"
    sent = 0
    seen = set()
    for user in users:
        if user.pk in seen or (exclude is not None and user.pk == exclude):
            continue
        seen.add(user.pk)
        Notification.objects.create(recipient=user, complaint=complaint, kind=kind, text=text)
        if user.email:
            queue_message(
                "email",
                user.email,
                f"{text}\n\n{_('Buka aduan:')} {url}",
                subject=subject,
                complaint=complaint,
            )
        sent += 1
    return sent


def is_contribution(complaint: Complaint, event: Event) -> bool:
    """A note a supporting agency's staff wrote by hand for the lead agency.

    Every note a person writes in the note form is stored without ``data``; the notes the
    system writes on someone's behalf (an assignment, a merge, a redaction, a triage review,
    a deadline warning, a channel's remark) carry ``data`` saying what they are, and since
    every note runs the after-transition step they would otherwise reach the lead agency as
    contributions.
    """
    return (
        event.kind == Event.Kind.NOTE
        and not event.data
        and bool(event.agency_id)
        and bool(complaint.lead_agency_id)
        and event.agency_id != complaint.lead_agency_id
    )


def on_transition(complaint: Complaint, event: Event) -> None:
    kind = event.kind
    code = complaint.code
    actor = event.actor_id
    if kind == Event.Kind.DISPATCHED:
        lead = complaint.lead_agency
        _notify_each(
            agency_staff([lead.pk]),
            complaint,
            Notification.Kind.DISPATCHED,
            lambda user: (
                _("Disposisi baru %(code)s untuk %(agency)s sebagai OPD utama. %(summary)s")
                % {"code": code, "agency": lead.short_name, "summary": _summary(complaint, user)}
            ),
            exclude=actor,
        )
        for agency in complaint.supporting_agencies.all():
            _notify_each(
                agency_staff([agency.pk]),
                complaint,
                Notification.Kind.DISPATCHED,
                lambda user, agency=agency: (
                    _("Disposisi baru %(code)s: %(agency)s diminta mendukung %(lead)s. %(summary)s")
                    % {
                        "code": code,
                        "agency": agency.short_name,
                        "lead": lead.short_name,
                        "summary": _summary(complaint, user),
                    }
                ),
                exclude=actor,
            )
    elif kind == Event.Kind.RETURNED:
        agency = event.agency.short_name if event.agency_id else _("OPD")
        notify_staff(
            moderators(),
            complaint,
            Notification.Kind.RETURNED,
            _("%(agency)s mengembalikan aduan %(code)s (bukan wewenang): %(reason)s")
            % {"agency": agency, "code": code, "reason": event.note},
            exclude=actor,
        )
    elif kind == Event.Kind.INFO_PROVIDED:
        notify_staff(
            _holders(complaint),
            complaint,
            Notification.Kind.INFO_PROVIDED,
            _("Pelapor aduan %(code)s mengirim informasi tambahan.") % {"code": code},
        )
    elif kind == Event.Kind.DISPUTED:
        _notify_each(
            _holders(complaint),
            complaint,
            Notification.Kind.DISPUTED,
            lambda user: _disputed(code, _quote(complaint, user, event.note)),
        )
    elif is_contribution(complaint, event):
        notify_staff(
            agency_staff([complaint.lead_agency_id]),
            complaint,
            Notification.Kind.CONTRIBUTION,
            _("%(agency)s menambahkan kontribusi pada aduan %(code)s.")
            % {"agency": event.agency.short_name, "code": code},
            exclude=actor,
        )


def _disputed(code: str, reason: str) -> str:
    if not reason:
        return _("Pelapor membantah jawaban aduan %(code)s.") % {"code": code}
    return _("Pelapor membantah jawaban aduan %(code)s: %(reason)s") % {
        "code": code,
        "reason": reason,
    }


def on_staff_notice(sender, *, users, text: str, link: str = "", **kwargs) -> int:
    """In-app rows for a notice about no single complaint (``core.signals.staff_notice``);
    the sender sends its own e-mail. Only a path on this site is kept as the link."""
    from .models import Notification

    safe_link = link if link.startswith("/") and not link.startswith("//") else ""
    rows = [
        Notification(
            recipient=user,
            kind=Notification.Kind.EVALUATION,
            text=_clip(text),
            link=safe_link[:300],
        )
        for user in users
    ]
    Notification.objects.bulk_create(rows)
    return len(rows)
