"""What the reporter is told, and on which channel.

Messages are outbox rows written in the caller's transaction: if the change
rolls back, nothing is sent; if it commits, the worker sends it, retrying.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from aduan.lib import smsgrammar
from aduan.lib.gsm7 import WithSms

from .city import current_city
from .models import Channel, Complaint, Event, OutboundMessage
from .outcomes import short_phrase

# Status events a reporter hears about. Internal notes never leave the building.
_TEMPLATES = {
    Event.Kind.CREATED: "Aduan Anda diterima dengan kode {code}. Pantau di {url}",
    Event.Kind.DISPATCHED: "Aduan {code} diteruskan ke {agencies} untuk ditindaklanjuti. {url}",
    Event.Kind.ACKNOWLEDGED: "Aduan {code} sedang diproses oleh {agency}. {url}",
    Event.Kind.UPDATE: "Perkembangan aduan {code} dari {agency}: {note} {url}",
    Event.Kind.INFO_REQUESTED: (
        "Aduan {code}: petugas meminta informasi tambahan: {note} "
        "Balas pesan ini dengan jawaban Anda, atau lewat {url}"
    ),
    Event.Kind.DEFERRED: "Aduan {code} direncanakan pada tahun anggaran {year}: {note} {url}",
    Event.Kind.RESOLVED: (
        "Aduan {code} telah dijawab ({outcome}): {note} Bila belum selesai, balas pesan "
        "ini: BANTAH {code} dan alasannya. Untuk menilai jawaban ini, balas NILAI {code} "
        "1-5 (5 terbaik). Rincian: {url}"
    ),
    Event.Kind.REJECTED: "Aduan {code} tidak dapat diproses: {reason}. {referral}{url}",
    Event.Kind.MERGED: "Aduan {code} digabung dengan aduan {into}. Pantau di {url_into}",
    Event.Kind.CLOSED: "Aduan {code} ditutup. Terima kasih telah menyampaikan aduan.",
}

_SMS_LIMIT = 459  # three concatenated SMS parts
# E-mail and chat carry the whole answer (SMS has its own wording, cut to three parts); a
# chat message holds 4,096 characters on WhatsApp and Telegram, with room for the rest.
_NOTE_LIMIT = 3500


def tracking_url(complaint: Complaint, private: bool = True) -> str:
    base = settings.SITE_URL.rstrip("/")
    if private:
        return f"{base}/k/{complaint.token}/"
    return f"{base}/lacak/{complaint.code}/"


def _shorten(text: str, limit: int) -> str:
    # A notice composed with its SMS wording (GSM-7, one or three parts) takes that.
    if limit == _SMS_LIMIT and getattr(text, "sms", ""):
        return text.sms
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def render_reporter_message(complaint: Complaint, event: Event) -> str | None:
    # Imported here: disclosure reads the lifecycle's table, and the lifecycle sends these.
    from .disclosure import CITIZEN_NOTE_KINDS

    template = _TEMPLATES.get(event.kind)
    if template is None or not event.is_public:
        return None
    # Which staff notes reach the citizen is disclosure's rule, here as on every page.
    note = event.note if event.kind in CITIZEN_NOTE_KINDS else ""
    full_note = note  # the SMS wording cuts its own way, to fit its parts
    data = event.data or {}
    reason = complaint.rejection_reason
    into = complaint.merged_into
    # The outcome the event recorded, not the complaint's latest: a re-answer after a
    # dispute tells what that answer decided.
    outcome = ""
    if event.kind == Event.Kind.RESOLVED:
        outcome = short_phrase(
            data.get("outcome", complaint.outcome),
            data.get("outcome_note", complaint.outcome_note),
            complaint.budget_year,
        )
    if not outcome:
        template = template.replace(" ({outcome})", "")
    sms = smsgrammar.notice_sms(
        event.kind,
        code=complaint.code,
        url=tracking_url(complaint),
        number=current_city().sms_number,
        rated=complaint.rating is not None,
        note=full_note,
        agency=(event.agency.short_name if event.agency_id else ""),
        agencies=data.get("agencies") or (complaint.lead_agency or ""),
        outcome=outcome,
        year=data.get("year", complaint.budget_year or ""),
        reason=reason.label if reason else "",
        referral=reason.referral if reason else "",
        into=into.code if into else "",
        into_url=tracking_url(into, private=False) if into else "",
    )
    text = template.format(
        code=complaint.code,
        url=tracking_url(complaint),
        agencies=data.get("agencies") or (complaint.lead_agency or ""),
        agency=(event.agency.short_name if event.agency_id else "petugas"),
        note=_shorten(note, _NOTE_LIMIT),
        year=data.get("year", complaint.budget_year or ""),
        reason=reason.label if reason else "",
        referral=(f"Rujukan: {reason.referral}. " if reason and reason.referral else ""),
        into=into.code if into else "",
        outcome=outcome,
        url_into=tracking_url(into, private=False) if into else "",
    )
    return WithSms(text, sms or "")


def reporter_routes(complaint: Complaint) -> list[tuple[str, str]]:
    """(channel, recipient) pairs: the channel the citizen used first, else SMS or e-mail."""
    if complaint.channel in (Channel.WHATSAPP, Channel.TELEGRAM) and complaint.reporter_handle:
        return [(complaint.channel, complaint.reporter_handle)]
    if complaint.channel == Channel.EMAIL and complaint.reporter_email:
        return [("email", complaint.reporter_email)]
    if complaint.reporter_phone:
        return [("sms", complaint.reporter_phone)]
    if complaint.reporter_email:
        return [("email", complaint.reporter_email)]
    return []


def queue_message(channel, recipient, body, *, subject="", complaint=None) -> OutboundMessage:
    return OutboundMessage.objects.create(
        channel=channel,
        recipient=recipient,
        subject=subject,
        body=body,
        complaint=complaint,
        next_attempt_at=timezone.now(),
    )


def _followers(complaint: Complaint) -> list[Complaint]:
    """The complaint and those merged into it: one case, every reporter hears the answer."""
    return [complaint, *Complaint.objects.filter(merged_into=complaint)]


def notify_reporter(complaint: Complaint, event: Event) -> list[OutboundMessage]:
    body = render_reporter_message(complaint, event)
    if not body:
        return []
    messages = []
    routes: list[tuple[str, str]] = []
    # A merged complaint's own reporter is told about the merge; afterwards they
    # follow the survivor, so its public events reach them too (once per address).
    # Nothing can have been merged into a complaint being filed.
    alone = event.kind in (Event.Kind.MERGED, Event.Kind.CREATED)
    followers = [complaint] if alone else _followers(complaint)
    for follower in followers:
        for route in reporter_routes(follower):
            if route not in routes:
                routes.append(route)
    for channel, recipient in routes:
        text = _shorten(body, _SMS_LIMIT) if channel == "sms" else body
        messages.append(
            queue_message(
                channel,
                recipient,
                text,
                subject=f"[{complaint.code}] {event.get_kind_display()}",
                complaint=complaint,
            )
        )
    return messages


ACKNOWLEDGE_BATCH = 200


def acknowledge_new(batch: int = ACKNOWLEDGE_BATCH) -> int:
    """Write the acknowledgment of every complaint filed with ``acknowledgment_pending``
    (``ADUAN_AFTER_FILING = "worker"``); returns how many were acknowledged.

    Run by the outbox job just before it sends. Each batch is one transaction: the
    messages are written and the marks cleared together, so a worker killed midway
    leaves the batch for the next run and a reporter is acknowledged once. The
    complaints are claimed with ``skip_locked``, so two workers never take the same one.
    """
    done = 0
    while True:
        with transaction.atomic():
            pending = list(
                Complaint.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(acknowledgment_pending=True)
                .order_by("pk")[:batch]
            )
            if not pending:
                return done
            created = {
                e.complaint_id: e
                for e in Event.objects.filter(complaint__in=pending, kind=Event.Kind.CREATED)
            }
            for complaint in pending:
                event = created.get(complaint.pk)
                if event is not None:
                    notify_reporter(complaint, event)
            Complaint.objects.filter(pk__in=[c.pk for c in pending]).update(
                acknowledgment_pending=False
            )
            done += len(pending)
        if len(pending) < batch:
            return done
