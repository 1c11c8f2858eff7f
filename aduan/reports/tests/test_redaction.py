"""Moderators hide more text from the public; each redaction is logged as an event and
applies to the feed, the tracking page and open data at once."""

import pytest

from aduan.core import disclosure
from aduan.core.models import Event, Redaction
from aduan.reports.models import ComplaintSummary
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
    assert "[disamarkan]" in disclosure.for_public(quick).text
    # The stored projection the feed and open data read was refreshed, not left to the job.
    stored = ComplaintSummary.objects.get(complaint=quick)
    assert HIDE not in stored.public_text and "[disamarkan]" in stored.public_text


def test_redaction_matches_any_case_in_the_answer_too(aggregated, client, mira):
    slow = aggregated["slow"]
    _login(client, mira)
    client.post(
        f"/kantor/laporan/samarkan/{slow.code}/", {"text": "diaspal ULANG", "reason": "uji"}
    )
    assert "diaspal ulang" not in disclosure.for_public(slow).answer.lower()
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


def test_the_preview_is_the_public_projection(aggregated, client, mira, url):
    _login(client, mira)
    client.post(url, {"text": HIDE, "reason": "Alamat."})
    page = client.get(url).content.decode()
    # The preview shows what the public sees (masked, redacted), and no "not public" notice.
    preview = page.split("Yang dilihat publik sekarang")[1].split("Tambah penyamaran")[0]
    assert "[nama]" in preview and "[disamarkan]" in preview and "parkir di" in preview
    assert HIDE not in preview
    assert "tidak tampil di halaman publik" not in page


@pytest.mark.parametrize("name", ["secret", "spam", "waiting"])
def test_an_unlisted_complaint_previews_nothing(aggregated, client, mira, name):
    complaint = aggregated[name]
    _login(client, mira)
    page = client.get(f"/kantor/laporan/samarkan/{complaint.code}/").content.decode()
    assert "tidak tampil di halaman publik" in page
    preview = page.split("Yang dilihat publik sekarang")[1].split("Tambah penyamaran")[0]
    assert complaint.text.split()[0] not in preview
