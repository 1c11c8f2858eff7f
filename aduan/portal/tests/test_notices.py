"""A reporter who gave a phone and an e-mail hears on both when they choose:
POST /k/<token>/kabar/."""

import pytest

from aduan.core import lifecycle
from aduan.core.models import OutboundMessage, Status
from aduan.portal.models import NoticePreference

from .conftest import flashes


def routes(complaint):
    return sorted(
        (m.channel, m.recipient) for m in OutboundMessage.objects.filter(complaint=complaint)
    )


@pytest.fixture
def both(complaint_in):
    return complaint_in(Status.DIDISPOSISIKAN, reporter_email="budi@contoh.id")


def test_by_default_one_channel(both, adi):
    OutboundMessage.objects.all().delete()
    lifecycle.acknowledge(both, adi)
    assert routes(both) == [("sms", "+6281234567890")]


def test_both_channels_when_chosen(client, both, adi):
    response = client.post(f"/k/{both.token}/kabar/", {"both_channels": "on"}, follow=True)
    assert ("success", "Kabar aduan akan dikirim ke nomor HP dan e-mail Anda.") in flashes(response)
    assert NoticePreference.objects.get(complaint=both).both_channels
    OutboundMessage.objects.all().delete()

    lifecycle.acknowledge(both, adi)

    assert routes(both) == [("email", "budi@contoh.id"), ("sms", "+6281234567890")]
    sms, email = (OutboundMessage.objects.get(channel=c) for c in ("sms", "email"))
    assert both.code in email.body and both.code in sms.body
    assert email.subject.startswith(f"[{both.code}]")


def test_unticking_goes_back_to_one_channel(client, both, adi):
    client.post(f"/k/{both.token}/kabar/", {"both_channels": "on"})
    client.post(f"/k/{both.token}/kabar/", {})
    OutboundMessage.objects.all().delete()
    lifecycle.acknowledge(both, adi)
    assert routes(both) == [("sms", "+6281234567890")]


def test_internal_events_send_nothing_on_either(client, both, adi):
    client.post(f"/k/{both.token}/kabar/", {"both_channels": "on"})
    OutboundMessage.objects.all().delete()
    lifecycle.record_note(both, adi, note="Catatan internal.")
    assert routes(both) == []


def test_the_choice_is_offered_only_with_both_contacts(client, both, complaint_in):
    assert 'id="kabar"' in client.get(f"/k/{both.token}/").content.decode()
    phone_only = complaint_in(Status.DIDISPOSISIKAN)
    assert 'id="kabar"' not in client.get(f"/k/{phone_only.token}/").content.decode()
    client.post(f"/k/{phone_only.token}/kabar/", {"both_channels": "on"})
    assert not NoticePreference.objects.filter(complaint=phone_only).exists()


def test_get_is_refused(client, both):
    assert client.get(f"/k/{both.token}/kabar/").status_code == 405
