"""The citizen's "Data saya" pages: prove a phone or e-mail with a code from the outbox,
see and download every complaint filed with it, ask for its erasure."""

import json
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from aduan.core.models import AuditEntry, Complaint, OutboundMessage
from aduan.privacy.models import DataRequest, VerificationCode

from .conftest import PHONE, last_code


@pytest.fixture
def budi(make_complaint):
    """Two complaints of Budi (phone) and one of somebody else."""
    return {
        "first": make_complaint(reporter_email="budi@contoh.id"),
        "second": make_complaint(text="Sampah menumpuk di depan pasar, bau sekali."),
        "other": make_complaint(
            reporter_name="Siti Aminah",
            reporter_phone="+6285711112222",
            text="Lampu jalan mati di gang tiga.",
        ),
    }


def test_start_page_explains_rights_and_asks_for_a_contact(client, db):
    response = client.get("/data-saya/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Nomor 27 Tahun 2022" in html and 'action="/data-saya/kode/"' in html
    assert "no-store" in response["Cache-Control"]
    assert client.post("/data-saya/").status_code == 405


def test_code_request_is_post_only(client, db):
    assert client.get("/data-saya/kode/").status_code == 405


def test_a_known_phone_gets_a_code_by_sms_stored_only_hashed(client, budi):
    OutboundMessage.objects.all().delete()
    response = client.post("/data-saya/kode/", {"contact": "0812-3456-7890"})
    assert response.status_code == 302 and response["Location"] == "/data-saya/verifikasi/"
    [message] = OutboundMessage.objects.all()
    assert message.channel == "sms" and message.recipient == PHONE
    code = last_code()
    row = VerificationCode.objects.get()
    assert row.sent and row.contact == PHONE and code not in row.code_hash
    assert row.expires_at - row.created_at == timedelta(minutes=15)
    page = client.get("/data-saya/verifikasi/").content.decode()
    assert "+62812****7890" in page and PHONE not in page


def test_an_unknown_contact_gets_the_same_answer_and_no_message(client, budi):
    OutboundMessage.objects.all().delete()
    response = client.post("/data-saya/kode/", {"contact": "0813 9999 8888"})
    assert response.status_code == 302 and response["Location"] == "/data-saya/verifikasi/"
    assert not OutboundMessage.objects.exists()
    assert VerificationCode.objects.get().sent is False
    # No code can open anything.
    response = client.post("/data-saya/verifikasi/", {"code": "000000"})
    assert response.status_code == 400


def test_invalid_contact_is_a_form_error(client, db):
    response = client.post("/data-saya/kode/", {"contact": "bukan nomor"})
    assert response.status_code == 400
    assert "nomor HP" in response.content.decode()
    assert not VerificationCode.objects.exists()


def test_at_most_three_codes_an_hour_reach_one_contact(client, budi):
    OutboundMessage.objects.all().delete()
    for _ in range(5):
        client.post("/data-saya/kode/", {"contact": "081234567890"})
    assert OutboundMessage.objects.filter(recipient=PHONE).count() == 3
    assert VerificationCode.objects.count() == 5


def test_right_code_shows_own_complaints_only(client, budi, proven):
    proven()
    response = client.get("/data-saya/data/")
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert budi["first"].code in html and budi["second"].code in html
    assert budi["other"].code not in html and "Siti Aminah" not in html
    # Their own projection: their name and phone, links to their private pages.
    assert "Budi Santoso" in html and PHONE in html
    assert f"/k/{budi['first'].token}/" in html
    access = DataRequest.objects.get(kind=DataRequest.Kind.ACCESS)
    assert access.state == DataRequest.State.DONE and access.contact == ""
    assert access.contact_masked == "+62812****7890"
    assert set(access.complaints.all()) == {budi["first"], budi["second"]}
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.DATA_REQUEST).last()
    assert PHONE not in entry.description and f"#{access.pk}" in entry.description


def test_download_is_their_data_as_json(client, budi, proven):
    proven()
    response = client.get("/data-saya/data.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    data = json.loads(response.content)
    assert {c["code"] for c in data["complaints"]} == {budi["first"].code, budi["second"].code}
    first = next(c for c in data["complaints"] if c["code"] == budi["first"].code)
    assert first["reporter"] == {
        "name": "Budi Santoso",
        "phone": PHONE,
        "email": "budi@contoh.id",
    }
    assert first["events"][0]["what"]
    # The codes sent to them are among the messages; the private link's token is not.
    assert any("Kode verifikasi" in m["text"] for m in data["messages_sent"])
    assert budi["first"].token not in response.content.decode()
    assert AuditEntry.objects.filter(description__contains="mengunduh").exists()


def test_email_contact_works_the_same_way(client, budi, proven):
    proven("Budi@Contoh.id", recipient="budi@contoh.id")
    message = OutboundMessage.objects.filter(recipient="budi@contoh.id").latest("id")
    assert message.channel == "email"
    html = client.get("/data-saya/data/").content.decode()
    assert budi["first"].code in html and budi["second"].code not in html


def test_wrong_codes_run_out(client, budi):
    client.post("/data-saya/kode/", {"contact": "081234567890"})
    code = last_code()
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(4):
        response = client.post("/data-saya/verifikasi/", {"code": wrong})
        assert response.status_code == 400 and "Kode salah" in response.content.decode()
    response = client.post("/data-saya/verifikasi/", {"code": wrong})
    assert response.status_code == 302 and response["Location"] == "/data-saya/"
    # The right code no longer helps: ask for a new one.
    response = client.post("/data-saya/verifikasi/", {"code": code})
    assert response.status_code == 302 and response["Location"] == "/data-saya/"
    assert client.get("/data-saya/data/")["Location"] == "/data-saya/"


def test_a_code_expires_after_fifteen_minutes(client, budi):
    client.post("/data-saya/kode/", {"contact": "081234567890"})
    code = last_code()
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        response = client.post("/data-saya/verifikasi/", {"code": code})
    assert response["Location"] == "/data-saya/"


def test_a_code_works_once(client, budi, proven):
    proven()
    code = last_code()
    client.post("/data-saya/keluar/")
    client.post("/data-saya/kode/", {"contact": "081234567890"})
    session = client.session
    session["privacy.pending"]["code"] = VerificationCode.objects.order_by("id").first().pk
    session.save()
    response = client.post("/data-saya/verifikasi/", {"code": code})
    assert response["Location"] == "/data-saya/"


def test_without_proof_nothing_is_shown(client, budi):
    assert client.get("/data-saya/data/")["Location"] == "/data-saya/"
    assert client.get("/data-saya/data.json")["Location"] == "/data-saya/"
    assert client.post("/data-saya/hapus/")["Location"] == "/data-saya/"
    assert client.get("/data-saya/verifikasi/")["Location"] == "/data-saya/"
    assert not DataRequest.objects.exists()


def test_the_proof_lasts_thirty_minutes(client, budi, proven):
    proven()
    with time_machine.travel(timezone.now() + timedelta(minutes=31)):
        assert client.get("/data-saya/data/")["Location"] == "/data-saya/"


def test_leaving_ends_the_proof(client, budi, proven):
    proven()
    assert client.get("/data-saya/keluar/").status_code == 405
    client.post("/data-saya/keluar/")
    assert client.get("/data-saya/data/")["Location"] == "/data-saya/"


def test_erasure_request_is_recorded_once_and_acknowledged(client, budi, proven):
    proven()
    OutboundMessage.objects.all().delete()
    response = client.post("/data-saya/hapus/", {"note": "Saya pindah kota."}, follow=True)
    assert response.status_code == 200
    erasure = DataRequest.objects.get(kind=DataRequest.Kind.ERASURE)
    assert erasure.state == DataRequest.State.RECEIVED and erasure.contact == PHONE
    assert erasure.citizen_note == "Saya pindah kota."
    assert set(erasure.complaints.all()) == {budi["first"], budi["second"]}
    [ack] = OutboundMessage.objects.all()
    assert ack.recipient == PHONE and str(erasure.pk) in ack.body
    assert f"nomor {erasure.pk}" in response.content.decode()
    # Twice: the same request, no second message.
    client.post("/data-saya/hapus/", {"note": ""})
    assert DataRequest.objects.filter(kind=DataRequest.Kind.ERASURE).count() == 1
    assert OutboundMessage.objects.count() == 1
    # Nothing was removed yet: staff decide.
    assert Complaint.objects.get(pk=budi["first"].pk).reporter_phone == PHONE
    assert client.get("/data-saya/hapus/").status_code == 405
