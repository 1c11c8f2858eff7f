"""E-mail threads: which complaint a reply answers, and the headers that let it answer.

Every e-mail we send about a complaint carries its own Message-ID (the outbox row's
stable key, see :func:`aduan.core.senders.message_key`), remembered in
:class:`~aduan.channels.models.OutboundMailId`. A reply names that id in In-Reply-To
or References; so does a citizen's follow-up to their own first mail, whose id is in
the inbound log. Those ids decide the thread before the tracking code in the subject
does: clients rewrite subjects, translate "Re:" and drop brackets, never the ids.
"""

from __future__ import annotations

import re

from aduan.core.models import Complaint

from .models import InboundMessageLog, OutboundMailId

GATEWAY = "email"
_ANGLE_ID = re.compile(r"<([^<>\s]+)>")
# References grows with every reply; the newest ids are enough to find the thread.
MAX_IDS = 20
# How many of our earlier ids an outgoing mail lists in References.
MAX_REFERENCES = 10


def message_ids(value) -> list[str]:
    """The ids of an In-Reply-To or References header, bare (no angle brackets), in order.

    A lone id without brackets (some clients write that) is taken as it is.
    """
    text = str(value or "").strip()
    if not text:
        return []
    found = _ANGLE_ID.findall(text)
    if not found and " " not in text:
        found = [text.strip("<>")]
    return [i[:300] for i in found if i]


def bare(message_id: str) -> str:
    return (message_id or "").strip().strip("<>").strip()


def remember(message, message_id: str) -> None:
    """Keep the Message-ID of an outbox row about a complaint (the same id on a re-send)."""
    if message.complaint_id:
        OutboundMailId.objects.get_or_create(
            message_id=bare(message_id)[:300],
            defaults={"complaint_id": message.complaint_id, "outbound_id": message.pk},
        )


def complaint_for(ids: list[str]) -> Complaint | None:
    """The complaint of the first id we know: one we sent, or a mail filed or threaded before."""
    ids = [bare(i) for i in ids if bare(i)][:MAX_IDS]
    if not ids:
        return None
    known = dict(
        OutboundMailId.objects.filter(message_id__in=ids).values_list("message_id", "complaint_id")
    )
    # The inbound log keeps a Message-ID as the header wrote it, normally in brackets.
    for raw_id, complaint_id in InboundMessageLog.objects.filter(
        gateway=GATEWAY,
        gateway_message_id__in=ids + [f"<{i}>" for i in ids],
        complaint__isnull=False,
    ).values_list("gateway_message_id", "complaint_id"):
        known.setdefault(bare(raw_id), complaint_id)
    for message_id in ids:
        if message_id in known:
            return Complaint.objects.filter(pk=known[message_id]).first()
    return None


def reply_headers(message) -> dict[str, str]:
    """In-Reply-To and References for an outgoing mail about a complaint.

    In-Reply-To names the citizen's latest mail about it, References the citizen's first
    mail and our own earlier ones: the citizen's client shows one conversation.
    """
    if not message.complaint_id:
        return {}
    theirs = list(
        InboundMessageLog.objects.filter(gateway=GATEWAY, complaint_id=message.complaint_id)
        .exclude(gateway_message_id="")
        .exclude(gateway_message_id__startswith="sha256:")
        .exclude(gateway_message_id__startswith="malformed:")
        .order_by("created_at", "id")
        .values_list("gateway_message_id", flat=True)
    )
    ours = list(
        OutboundMailId.objects.filter(complaint_id=message.complaint_id)
        .exclude(outbound_id=message.pk)
        .order_by("-created_at", "-id")
        .values_list("message_id", flat=True)[:MAX_REFERENCES]
    )
    references = ([bare(theirs[0])] if theirs else []) + [bare(i) for i in reversed(ours)]
    headers = {}
    if theirs:
        headers["In-Reply-To"] = f"<{bare(theirs[-1])}>"
    if references:
        headers["References"] = " ".join(f"<{i}>" for i in dict.fromkeys(references))
    return headers
