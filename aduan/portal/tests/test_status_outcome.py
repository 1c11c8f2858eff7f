"""The outcome in plain words: reporter page, public page and the answer notice."""

import pytest
from django.urls import reverse
from django.utils import timezone

from aduan.core import lifecycle
from aduan.core.models import Channel, Event, OutboundMessage, Outcome, Status
from aduan.office.tests.conftest import login

pytestmark = pytest.mark.django_db

NIK = "3573012505800003"


def resolve_over_http(complaint, user, **data):
    complaint.refresh_from_db()
    response = login(user).post(
        reverse("office:act", args=[complaint.code, "selesaikan"]),
        {"version": complaint.version, "answer": "Jawaban petugas.", **data},
    )
    assert response.status_code == 302
    complaint.refresh_from_db()
    return complaint


def pages(client, complaint) -> tuple[str, str]:
    own = client.get(f"/k/{complaint.token}/")
    public = client.get(f"/lacak/{complaint.code}/")
    assert own.status_code == public.status_code == 200
    return own.content.decode(), public.content.decode()


def notice(complaint) -> str:
    resolved = complaint.events.get(kind=Event.Kind.RESOLVED)
    message = OutboundMessage.objects.filter(complaint=complaint).order_by("-id").first()
    assert message is not None and str(complaint.code) in message.body
    assert resolved.data["outcome"] in Outcome.values
    return message.body


def test_referred_reads_dirujuk_ke_the_body(client, complaint_in, adi):
    c = resolve_over_http(
        complaint_in(Status.DIPROSES),
        adi,
        outcome=Outcome.REFERRED,
        outcome_note="PLN UP3 Malang",
    )
    for html in pages(client, c):
        assert "Dirujuk ke PLN UP3 Malang" in html
        assert "Sudah ditangani" not in html
    body = notice(c)
    assert "telah dijawab (dirujuk ke PLN UP3 Malang): Jawaban petugas." in body
    assert body.endswith(f"/k/{c.token}/")


def test_cannot_act_reads_the_reason_and_the_public_sees_it_masked(client, complaint_in, adi):
    reason = f"Lahan milik pribadi (NIK pemilik {NIK}); perbaikan oleh pemilik."
    c = resolve_over_http(
        complaint_in(Status.DIPROSES), adi, outcome=Outcome.CANNOT_ACT, outcome_note=reason
    )
    own, public = pages(client, c)
    assert f"Tidak dapat ditindaklanjuti: {reason}" in own
    assert "Tidak dapat ditindaklanjuti: Lahan milik pribadi" in public
    assert NIK not in public
    assert "(tidak dapat ditindaklanjuti)" in notice(c)


@pytest.mark.parametrize(
    "outcome,words,short",
    [
        (Outcome.FIXED, "Sudah ditangani", "(sudah ditangani)"),
        (Outcome.ANSWERED, "Dijawab: petugas menjelaskan", "(dijawab)"),
    ],
)
def test_fixed_and_answered(client, complaint_in, adi, outcome, words, short):
    c = resolve_over_http(complaint_in(Status.DIPROSES), adi, outcome=outcome)
    for html in pages(client, c):
        assert words in html
    assert short in notice(c)


def test_planned_names_the_budget_year(client, complaint_in, adi):
    c = complaint_in(Status.DIPROSES)
    year = timezone.localdate().year + 1
    lifecycle.defer_to_budget(c, adi, year=year, plan="Masuk APBD.")
    c = resolve_over_http(c, adi, outcome=Outcome.PLANNED)
    for html in pages(client, c):
        assert f"Direncanakan pada tahun anggaran {year}." in html
    assert f"(direncanakan TA {year})" in notice(c)


def test_no_outcome_line_before_an_answer(client, complaint_in):
    c = complaint_in(Status.DIPROSES)
    for html in pages(client, c):
        assert "Hasil:" not in html


def test_a_long_answer_and_body_still_fit_one_sms_with_the_link(complaint_in, adi):
    c = resolve_over_http(
        complaint_in(Status.DIPROSES),
        adi,
        answer="Kabel listrik di lokasi milik PLN. " * 40,
        outcome=Outcome.REFERRED,
        outcome_note="Perusahaan Listrik Negara Unit Pelaksana Pelayanan Pelanggan Malang " * 3,
    )
    message = OutboundMessage.objects.filter(complaint=c, channel="sms").order_by("-id").first()
    assert len(message.body) <= 459
    assert message.body.endswith(f"/k/{c.token}/")
    assert "(dirujuk ke Perusahaan Listrik Negara" in message.body


def test_whatsapp_reporter_gets_the_outcome_too(complaint_in, adi):
    c = complaint_in(Status.DIPROSES, channel=Channel.WHATSAPP, reporter_handle="6281234567890")
    resolve_over_http(c, adi, outcome=Outcome.REFERRED, outcome_note="BPN Kota Malang")
    message = OutboundMessage.objects.filter(complaint=c).order_by("-id").first()
    assert message.channel == Channel.WHATSAPP
    assert "(dirujuk ke BPN Kota Malang)" in message.body
