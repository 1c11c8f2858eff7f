"""``CEK <kode>`` by SMS and chat: anyone may send any code, so the reply is public."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from aduan.core import lifecycle
from aduan.core.models import OutboundMessage, Privacy, Status

from .conftest import post_json, sign

GENERIC = "/webhooks/sms/generic/"
TELEGRAM = "/webhooks/telegram/"
SENDER = "+6285712345678"
_ids = iter(range(1, 100_000))


def cek(client, code: str) -> str:
    """Send ``CEK code`` from a stranger's phone; the one SMS that came back."""
    body = json.dumps(
        {
            "id": f"cek-{next(_ids)}",
            "from": SENDER,
            "text": f"CEK {code}",
            "received_at": "2026-11-21T09:30:00+07:00",
        }
    ).encode()
    response = post_json(
        client, GENERIC, body, HTTP_X_ADUAN_SIGNATURE=sign("sms-hook-secret", body)
    )
    assert response.status_code == 200
    assert response.json()["outcome"] == "status_reply"
    [reply] = OutboundMessage.objects.filter(recipient=SENDER)
    OutboundMessage.objects.filter(recipient=SENDER).delete()
    return reply.body


def unlisted(status, complaint_in):
    if status == Privacy.RAHASIA:
        return complaint_in(Status.DIPROSES, privacy=Privacy.RAHASIA)
    return complaint_in(status)


@pytest.mark.parametrize("status", [Status.BARU, Status.DITOLAK, Status.DIGABUNG, Privacy.RAHASIA])
def test_unlisted_complaint_gets_its_code_and_status_only(
    client, channel_settings, complaint_in, status
):
    complaint = unlisted(status, complaint_in)
    body = cek(client, complaint.code)
    label = complaint.get_status_display()
    assert body == f"Status aduan {complaint.code}: {label}. Terima kasih."


def test_listed_complaint_gets_the_time_of_its_last_public_event(
    client, channel_settings, complaint_in, adi
):
    complaint = complaint_in(Status.DIPROSES)
    update = lifecycle.post_update(complaint, adi, note="Tim sudah survei lokasi.")
    body = cek(client, complaint.code)
    assert body.startswith(f"Status aduan {complaint.code}: Diproses OPD.")
    assert "Pembaruan terakhir" in body
    assert timezone.localtime(update.created_at).strftime("%d/%m/%Y %H:%M") in body


def test_internal_events_do_not_move_the_last_update(client, channel_settings, complaint_in, adi):
    complaint = complaint_in(Status.DIPROSES)
    later = timezone.now() + timedelta(days=3)
    lifecycle.post_update(complaint, adi, note="Kontraktor lambat.", public=False, at=later)
    lifecycle.record_note(complaint, adi, note="Rapat dengan camat.", at=later)
    body = cek(client, complaint.code)
    assert timezone.localtime(later).strftime("%d/%m/%Y") not in body
    assert "Kontraktor" not in body and "Rapat" not in body


def test_no_note_reaches_the_reply(client, channel_settings, complaint_in, city, mira, adi):
    complaint = complaint_in(Status.TERVERIFIKASI)
    lifecycle.dispatch(complaint, mira, lead=city["dpupr"], note="Awasi kontraktornya.")
    lifecycle.post_update(complaint, adi, note="Pak Budi Santoso 0812 3456 7890, besok.")
    body = cek(client, complaint.code)
    for secret in ("Awasi", "Budi", "0812", "besok"):
        assert secret not in body


def test_unknown_code(client, channel_settings, db):
    assert "tidak ditemukan" in cek(client, "ADU-2611-9999")


def test_telegram_status_of_an_unlisted_complaint(client, channel_settings, complaint_in):
    complaint = complaint_in(Status.DITOLAK, text="Saya Rahmat Hidayat, lampu mati di gang 5.")
    update = {
        "update_id": 700_001,
        "message": {
            "message_id": 1,
            "from": {"id": 42, "is_bot": False, "first_name": "Orang"},
            "chat": {"id": 42, "first_name": "Orang", "type": "private"},
            "date": 1763691000,
            "text": f"/cek {complaint.code}",
        },
    }
    response = post_json(
        client,
        TELEGRAM,
        json.dumps(update).encode(),
        HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN="tg-secret-token",
    )
    assert response.status_code == 200
    replies = list(
        OutboundMessage.objects.filter(channel="telegram").values_list("body", flat=True)
    )
    assert f"Status aduan {complaint.code}: Ditolak. Terima kasih." in replies
    joined = " ".join(replies)
    assert "Rahmat" not in joined and "lampu mati" not in joined
    assert complaint.token not in joined
    assert f"/lacak/{complaint.code}/" in joined  # the public page, which shows the status
