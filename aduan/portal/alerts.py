"""Citizen notices beyond the core's one route, and e-mail alerts for followers.

:func:`on_transition` is a subscriber of the after-transition step (named in
``core.effects.SUBSCRIBERS``); it runs inside the transition's transaction, so a change
that rolls back sends nothing. For every event it

1. sends the reporter's notice on their other channel too, when they gave a phone number
   and an e-mail address and chose to hear on both (:class:`NoticePreference`); the core
   (``core.notify``) has already chosen the first route and renders the text;
2. tells the confirmed followers of the complaint about a public event, and the followers
   of its kelurahan about a complaint that has just become public. Only what
   ``core.disclosure.for_public`` shows goes out, and nothing of a complaint that is not
   listed (``rahasia``, new, rejected, merged).

The outbox has no headers: the unsubscribe link is in the body (no ``List-Unsubscribe``).
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from aduan.core import disclosure
from aduan.core.city import site_name
from aduan.core.models import UNLISTED_STATUSES, Complaint, Event, Privacy
from aduan.core.notify import queue_message, render_reporter_message, reporter_routes

from .models import Follow, NoticePreference

_UNSUBSCRIBE_SALT = "aduan.portal.follow.unsubscribe"
_SMS_LIMIT = 459  # three concatenated SMS parts, as the core's notices


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def unsubscribe_url(follow: Follow) -> str:
    token = signing.dumps(follow.pk, salt=_UNSUBSCRIBE_SALT)
    return absolute(reverse("portal:unfollow", args=[token]))


def follow_from_unsubscribe(token: str) -> Follow | None:
    try:
        pk = signing.loads(token, salt=_UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return Follow.objects.filter(pk=pk).first()


def on_transition(complaint: Complaint, event: Event) -> None:
    _other_channel(complaint, event)
    if event.is_public:
        _tell_followers(complaint, event)


# -- the reporter on both channels ------------------------------------------------------


def both_channels(complaint: Complaint) -> bool:
    return bool(
        complaint.reporter_phone
        and complaint.reporter_email
        and NoticePreference.objects.filter(complaint=complaint, both_channels=True).exists()
    )


def extra_routes(complaint: Complaint) -> list[tuple[str, str]]:
    """The routes the reporter chose besides the one the core sends on."""
    if not both_channels(complaint):
        return []
    first = reporter_routes(complaint)
    wanted = [("sms", complaint.reporter_phone), ("email", complaint.reporter_email)]
    return [route for route in wanted if route not in first]


def _other_channel(complaint: Complaint, event: Event) -> None:
    if event.kind == Event.Kind.MERGED or not complaint.has_contact:
        return
    routes = extra_routes(complaint)
    if not routes:
        return
    body = render_reporter_message(complaint, event)
    if not body:
        return
    for channel, recipient in routes:
        # An SMS takes the notice's SMS wording when the core composed one.
        text = (getattr(body, "sms", "") or str(body)[:_SMS_LIMIT]) if channel == "sms" else body
        queue_message(
            channel,
            recipient,
            str(text),
            subject=f"[{complaint.code}] {event.get_kind_display()}",
            complaint=complaint,
        )


# -- followers ----------------------------------------------------------------------------


def _city_language():
    return translation.override(settings.LANGUAGE_CODE)


def _public_event(view, event: Event):
    for item in view.events or ():
        if item.kind == event.kind and item.at == event.created_at:
            return item
    return None


def _became_public(complaint: Complaint, event: Event) -> bool:
    return event.from_status in UNLISTED_STATUSES and disclosure.is_listed(complaint)


def _tell_followers(complaint: Complaint, event: Event) -> None:
    if complaint.privacy == Privacy.RAHASIA or not disclosure.is_listed(complaint):
        return
    on_complaint = list(
        Follow.objects.filter(complaint=complaint, confirmed_at__isnull=False).order_by("pk")
    )
    in_area = []
    if complaint.kelurahan_id and _became_public(complaint, event):
        in_area = list(
            Follow.objects.filter(
                kelurahan_id=complaint.kelurahan_id, confirmed_at__isnull=False
            ).order_by("pk")
        )
    if not on_complaint and not in_area:
        return
    view = disclosure.for_public(complaint, events=True)
    status_url = absolute(reverse("portal:status", args=[complaint.code]))
    with _city_language():
        if on_complaint:
            item = _public_event(view, event)
            if item is not None:
                text = _("Perkembangan aduan %(code)s: %(label)s.") % {
                    "code": complaint.code,
                    "label": item.label,
                }
                if item.note:
                    text += "\n\n" + item.note
                subject = f"[{complaint.code}] {item.label}"
                for follow in on_complaint:
                    _send(follow, subject, text, status_url)
        if in_area:
            text = _("Aduan baru di Kelurahan %(kelurahan)s (%(code)s):") % {
                "kelurahan": view.kelurahan,
                "code": complaint.code,
            }
            text += "\n\n" + view.text[:600]
            subject = _("Aduan baru di Kelurahan %(kelurahan)s") % {"kelurahan": view.kelurahan}
            for follow in in_area:
                _send(follow, subject, text, status_url)


def _send(follow: Follow, subject: str, text: str, status_url: str) -> None:
    body = (
        f"{text}\n\n"
        + _("Selengkapnya: %(url)s") % {"url": status_url}
        + "\n\n"
        + _("Anda menerima e-mail ini karena mengikuti kabar di %(site)s. Berhenti: %(url)s")
        % {"site": site_name(), "url": unsubscribe_url(follow)}
    )
    queue_message("email", follow.email, body, subject=subject)
