"""Moderators hide more text from the public; each redaction is logged as an event and
applies to the feed, the tracking page and open data at once."""

import pytest

from aduan.core.models import Event
from aduan.reports.models import Redaction
from aduan.reports.publishing import public_text
from conftest import PASSWORD

HIDE = "Jalan Kawi"


@pytest.fixture
def url(aggregated):
    return f"/kantor/laporan/samarkan/{aggregated['quick'].code}/"


def _login(client, user):
    client.login(username=user.username, password=PASSWORD)


def test_a_moderator_redacts_and_it_is_logged(aggregated, client, mira, url):
    quick = aggregated["quick"]
    assert HIDE in client.get("/publik/").content.decode()
    _login(client, mira)
    page = client.get(url)
    assert page.status_code == 200 and HIDE in page.content.decode()
    response = client.post(url, {"text": HIDE, "reason": "Alamat rumah pelapor."})
    assert response.status_code == 302
    redaction = Redaction.objects.get()
    assert (redaction.complaint, redaction.text, redaction.created_by) == (quick, HIDE, mira)
    event = redaction.event
    assert event.kind == Event.Kind.NOTE and not event.is_public and event.actor == mira
    assert "Alamat rumah pelapor." in event.note and HIDE not in event.note
    # Applied everywhere at once, before any job pass.
    assert HIDE not in client.get("/publik/").content.decode()
    assert HIDE not in client.get(f"/lacak/{quick.code}/").content.decode()
    assert HIDE not in b"".join(client.get("/publik/data/aduan.csv").streaming_content).decode()
    assert "[disamarkan]" in public_text(quick, "text")


def test_redaction_matches_any_case_in_the_answer_too(aggregated, client, mira):
    slow = aggregated["slow"]
    _login(client, mira)
    client.post(
        f"/kantor/laporan/samarkan/{slow.code}/", {"text": "diaspal ULANG", "reason": "uji"}
    )
    assert "diaspal ulang" not in public_text(slow, "answer").lower()
    assert "diaspal ulang" not in client.get(f"/lacak/{slow.code}/").content.decode().lower()


def test_twice_the_same_text_is_refused(aggregated, client, mira, url):
    _login(client, mira)
    client.post(url, {"text": HIDE, "reason": "Alamat."})
    again = client.post(url, {"text": HIDE.upper(), "reason": "Alamat lagi."})
    assert again.status_code == 400 and "sudah disamarkan" in again.content.decode()
    assert Redaction.objects.count() == 1
    assert Event.objects.filter(data__redaction=True).count() == 1


def test_text_that_is_not_there_is_refused(aggregated, client, mira, url):
    _login(client, mira)
    response = client.post(url, {"text": "tidak ada di aduan", "reason": "uji"})
    assert response.status_code == 400
    assert not Redaction.objects.exists()


@pytest.mark.parametrize("who", ["adi", "dewi", "kurnia", "sekar"])
def test_only_moderators(aggregated, client, request, url, who):
    _login(client, request.getfixturevalue(who))
    assert client.get(url).status_code == 403
    assert client.post(url, {"text": HIDE, "reason": "x"}).status_code == 403
    assert not Redaction.objects.exists()


def test_wrong_method(aggregated, client, mira, url):
    _login(client, mira)
    assert client.put(url).status_code == 405
    assert client.delete(url).status_code == 405


def test_unknown_code_is_not_found(aggregated, client, mira):
    _login(client, mira)
    assert client.get("/kantor/laporan/samarkan/ADU-2609-9999/").status_code == 404


def test_anonymous_visitors_log_in_first(aggregated, client, url):
    response = client.post(url, {"text": HIDE, "reason": "x"})
    assert response.status_code == 302 and "/kantor/masuk/" in response["Location"]
