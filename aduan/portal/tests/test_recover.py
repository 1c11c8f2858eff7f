"""A lost private link: /lacak/pulihkan/ (code + contact) then /lacak/pulihkan/kode/."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from aduan.core.models import OutboundMessage, Status
from aduan.portal import recovery
from aduan.portal.models import RecoveryCode

URL = "/lacak/pulihkan/"
CODE_URL = "/lacak/pulihkan/kode/"


@pytest.fixture
def filed(complaint_in):
    complaint = complaint_in(Status.DIPROSES, reporter_email="Budi@Contoh.id")
    OutboundMessage.objects.all().delete()
    return complaint


def without_tokens(response) -> str:
    return re.sub(r'value="[^"]{32,}"', "", response.content.decode())


def ask(client, code, contact):
    return client.post(URL, {"kode": code, "kontak": contact})


def sent_code(recipient) -> str:
    [message] = OutboundMessage.objects.filter(recipient=recipient)
    return re.search(r"\b(\d{6})\b", message.body).group(1)


@pytest.mark.parametrize(
    ("contact", "channel", "recipient"),
    [
        ("0812-3456-7890", "sms", "+6281234567890"),
        ("budi@contoh.ID", "email", "budi@contoh.ID"),
    ],
)
def test_right_pair_sends_a_code_there_and_it_opens_the_page(
    client, filed, contact, channel, recipient
):
    response = ask(client, filed.code.lower(), contact)
    assert response.status_code == 302 and response["Location"] == CODE_URL
    message = OutboundMessage.objects.get()
    assert (message.channel, message.recipient) == (channel, recipient)
    assert filed.code in message.body and filed.token not in message.body
    row = RecoveryCode.objects.get()
    assert sent_code(recipient) not in row.code_hash

    opened = client.post(CODE_URL, {"code": sent_code(recipient)}, follow=True)
    assert opened.redirect_chain[-1][0] == f"/k/{filed.token}/"
    assert f"/k/{filed.token}/" in opened.content.decode()
    # Used once.
    assert client.get(CODE_URL).status_code == 302


@pytest.mark.parametrize(
    ("code", "contact"),
    [
        ("ADU-2612-0001", "0813 0000 0000"),  # right code, wrong phone
        ("ADU-2612-0001", "orang@lain.id"),  # right code, wrong e-mail
        ("ADU-2001-9999", "0812-3456-7890"),  # no such code
    ],
)
def test_wrong_pair_gets_the_same_answer_and_nothing_is_sent(client, filed, code, contact):
    code = code.replace("ADU-2612-0001", filed.code)
    right = ask(client, filed.code, "0812-3456-7890")
    OutboundMessage.objects.all().delete()
    other = Client()
    wrong = ask(other, code, contact)
    assert (wrong.status_code, wrong["Location"]) == (right.status_code, right["Location"])
    assert without_tokens(other.get(CODE_URL)) == without_tokens(client.get(CODE_URL))
    assert OutboundMessage.objects.count() == 0
    # Whatever is typed, the unsent code never opens anything.
    for guess in ("000000", "123456"):
        response = other.post(CODE_URL, {"code": guess})
        assert response.status_code == 400


def test_code_expires_after_ten_minutes(client, filed):
    ask(client, filed.code, "0812 3456 7890")
    row = RecoveryCode.objects.get()
    row.expires_at = timezone.now() - timedelta(seconds=1)
    row.save()
    response = client.post(CODE_URL, {"code": sent_code("+6281234567890")}, follow=True)
    assert response.redirect_chain[-1][0] == URL
    assert "Kode tidak berlaku lagi" in response.content.decode()
    assert (row.expires_at - row.created_at) <= timedelta(minutes=10, seconds=1)


def test_five_wrong_tries_spend_the_code(client, filed):
    ask(client, filed.code, "0812 3456 7890")
    right = sent_code("+6281234567890")
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    for _ in range(4):
        assert client.post(CODE_URL, {"code": wrong}).status_code == 400
    fifth = client.post(CODE_URL, {"code": wrong}, follow=True)
    assert fifth.redirect_chain[-1][0] == URL
    # The right code after that opens nothing.
    result, complaint = recovery.check_code(RecoveryCode.objects.get().pk, right)
    assert result is recovery.Check.SPENT and complaint is None


def test_at_most_three_codes_an_hour_per_complaint(client, filed):
    for _ in range(5):
        ask(client, filed.code, "0812 3456 7890")
    assert OutboundMessage.objects.count() == 3
    assert RecoveryCode.objects.count() == 5


def test_an_unreadable_contact_is_a_form_error(client, filed):
    response = ask(client, filed.code, "bukan kontak")
    assert response.status_code == 400
    assert "Tuliskan nomor HP" in response.content.decode()
    assert RecoveryCode.objects.count() == 0


def test_the_code_page_without_a_request_goes_back(client, db):
    assert client.get(CODE_URL)["Location"] == URL


def test_tracking_page_links_to_recovery(client, db):
    assert 'href="/lacak/pulihkan/"' in client.get("/lacak/").content.decode()
