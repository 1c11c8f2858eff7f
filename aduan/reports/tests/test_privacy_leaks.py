"""No private detail reaches any public page, feed or download.

The history seeds a complaint whose text holds a name, a phone number, a NIK, an e-mail
address and a vehicle plate, a rahasia complaint, and an anonymous one that names its
reporter; every public output is fetched and searched for each of those strings.
"""

import json

import pytest

from aduan.reports.models import ReportSettings

from .conftest import ANON_NAME, EMAIL, NAME, NIK, PHONE, PLATE, SECRET_TEXT

PUBLIC_URLS = [
    "/publik/",
    "/publik/?q=trotoar",
    "/publik/?kategori=jalan-rusak",
    "/publik/?status=selesai",
    "/publik/peta/",
    "/publik/peta/?bulan=24",
    "/publik/statistik/",
    "/publik/statistik/?bulan=24",
    "/publik/data/",
    "/publik/data/aduan.csv",
    "/publik/data/aduan.json",
    "/publik/skor/?periode=2026-09",
]


def _body(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


@pytest.fixture
def published(aggregated):
    settings = ReportSettings.load()
    settings.publish_scorecard = True
    settings.save()
    return aggregated


def _secrets(history):
    secret = history["secret"]
    return {
        "name": NAME,
        "surname": "Wibowo",
        "phone": PHONE,
        "phone (international)": "6281234567890",
        "nik": NIK,
        "email": EMAIL,
        "plate": PLATE,
        "rahasia text": SECRET_TEXT,
        "rahasia answer": "inspektorat",
        "rahasia code": secret.code,
        "anonymous reporter": ANON_NAME,
        "anonymous surname": "Kusuma",
        "default reporter": "Budi Santoso",
        "reporter phone": "81234567890",
    }


def test_no_private_detail_in_public_output(published, client):
    leaks = []
    for url in PUBLIC_URLS:
        response = client.get(url)
        assert response.status_code == 200, url
        body = _body(response).lower()
        leaks += [
            f"{what} leaked into {url}"
            for what, value in _secrets(published).items()
            if value.lower() in body
        ]
    assert leaks == []


def test_the_pages_do_show_the_masked_complaint(published, client):
    # The checks above would pass on empty pages: make sure the complaint is there.
    quick = published["quick"]
    feed = client.get("/publik/").content.decode()
    assert quick.code in feed and "[nama]" in feed and "[NIK]" in feed and "[plat]" in feed
    assert "parkir di trotoar" in feed
    records = json.loads(_body(client.get("/publik/data/aduan.json")))["complaints"]
    by_code = {r["code"]: r for r in records}
    assert "[telepon]" in by_code[quick.code]["text"] and "[email]" in by_code[quick.code]["text"]
    assert published["anon"].code in by_code
    assert set(records[0]) == {
        "code",
        "kind",
        "category",
        "kecamatan",
        "kelurahan",
        "agency",
        "status",
        "received_at",
        "answered_at",
        "closed_at",
        "outcome",
        "outcome_note",
        "text",
        "answer",
    }


def test_unlisted_complaints_are_in_no_list(published, client):
    feed = client.get("/publik/").content.decode() + _body(client.get("/publik/data/aduan.csv"))
    for name in ("secret", "spam"):
        assert published[name].code not in feed
    assert published["quick"].code in feed


def test_the_tracking_page_masks_and_hides_the_secret(published, client):
    quick = client.get(f"/lacak/{published['quick'].code}/").content.decode()
    for value in (NAME, PHONE, NIK, EMAIL, PLATE):
        assert value not in quick
    secret = client.get(f"/lacak/{published['secret'].code}/").content.decode()
    assert SECRET_TEXT not in secret and "inspektorat" not in secret.lower()
