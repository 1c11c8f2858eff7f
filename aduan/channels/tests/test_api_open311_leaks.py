"""A crawl of the API and Open311 for planted personal data: nothing of it may come out.

Complaints in every privacy mode and in the statuses a citizen meets most are filed with a
reporter who names themselves in the text, a phone number, a NIK and e-mail addresses (one
written out), a moderator's redaction, internal staff notes, an agency update with a phone
number, the reporter's own information and dispute, and photos. Then every public read of
the mobile API and Open311 (single and lists, JSON and XML, many ids at once) is fetched and
searched for any of it.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from xml.etree import ElementTree as ET

import pytest

from aduan.core import lifecycle
from aduan.core.models import Privacy, Redaction, Status
from aduan.lib.images import clean_image

from .test_open311 import load_validators, valid_against

NAME = "Sulastri Wulandari"
PHONE = "0812-3456-7890"
NIK = "3573014506900002"
EMAIL = "budi.santoso@gmail.com"
SPELLED_EMAIL = "budi at gmail dot com"
REDACTED = "gudang kosong samping kandang ayam"
ADDRESS = "Jl. Kawi Atas Gg. Melati No. 17"
LATITUDE, LONGITUDE = Decimal("-7.982612"), Decimal("112.630845")
TEXT = (
    f"Saya {NAME} warga RT 3. Jalan di depan {REDACTED} berlubang besar dan sudah memakan "
    f"korban. Hubungi saya di {PHONE}, NIK {NIK}, e-mail {EMAIL} atau {SPELLED_EMAIL}."
)
VERIFY_NOTE = "Dicek lewat telepon ke pelapor langsung"
DISPATCH_NOTE = "Prioritaskan diam-diam, sandi Merpati Tujuh"
REJECT_NOTE = "Pengirim yang sama sudah lima kali iseng"
AGENCY_PHONE = "0813-9876-5432"
UPDATE = f"Tim sudah survei lokasi; pengawas lapangan dapat dihubungi di {AGENCY_PHONE}."
INFO = "Tepatnya di belakang pos ronda bercat kuning"
DISPUTE = "Masih berlubang, tetangga ikut jatuh tersungkur"
ANSWER = f"Lubang sudah ditambal. Terima kasih Bu Sulastri, info lanjut di {AGENCY_PHONE}."

# Every planted value, and the forms it may take once stored (the phone normalised).
PLANTED = [
    NAME,
    "Sulastri",
    "Wulandari",
    PHONE,
    "34567890",
    "3456-7890",
    NIK,
    EMAIL,
    "budi.santoso",
    SPELLED_EMAIL,
    REDACTED,
    VERIFY_NOTE,
    DISPATCH_NOTE,
    "Merpati",
    REJECT_NOTE,
    AGENCY_PHONE,
    "98765432",
    INFO,
    "pos ronda",
    DISPUTE,
    "tersungkur",
    # Staff members' own names (the personas' display names).
    "Mira",
    # Exact positions: public ones are rounded to three decimals.
    "7.9826",
    "112.6308",
    "/media/",
]
STATUSES = [Status.BARU, Status.TERVERIFIKASI, Status.DIDISPOSISIKAN, Status.SELESAI]
STATUSES += [Status.DITOLAK]
PRIVACIES = [Privacy.PUBLIK, Privacy.ANONIM, Privacy.RAHASIA]
LISTED = {Status.TERVERIFIKASI, Status.DIDISPOSISIKAN, Status.SELESAI}


@pytest.fixture
def planted(make_complaint, city, mira, adi, jpeg):
    """One complaint per (privacy, status), each carrying every planted value."""

    def photo():
        return [clean_image(jpeg())]

    made = {}
    for privacy in PRIVACIES:
        for status in STATUSES:
            c = make_complaint(
                text=TEXT,
                privacy=privacy,
                reporter_name=NAME,
                reporter_phone=PHONE,
                reporter_email=EMAIL,
                address=ADDRESS,
                latitude=LATITUDE,
                longitude=LONGITUDE,
                photos=photo(),
            )
            Redaction.objects.create(
                complaint=c, text=REDACTED, reason="Menyebut tempat pribadi", created_by=mira
            )
            if status == Status.DITOLAK:
                lifecycle.reject(c, mira, reason=city["spam"], note=REJECT_NOTE)
            elif status != Status.BARU:
                lifecycle.verify(c, mira, note=VERIFY_NOTE)
            if status in (Status.DIDISPOSISIKAN, Status.SELESAI):
                lifecycle.dispatch(c, mira, lead=city["dpupr"], note=DISPATCH_NOTE)
                lifecycle.request_info(c, adi, question="Di sebelah mana tepatnya?")
                lifecycle.provide_info(c, text=INFO, photos=photo())
            if status == Status.SELESAI:
                lifecycle.post_update(c, adi, note=UPDATE, photos=photo())
                lifecycle.resolve(c, adi, answer=ANSWER, internal_note=VERIFY_NOTE)
                lifecycle.dispute(c, reason=DISPUTE)
                lifecycle.resolve(c, adi, answer=ANSWER, photos=photo())
            c.refresh_from_db()
            assert c.status == status, (privacy, status, c.status)
            made[privacy, status] = c
    return made


def crawl(client, complaints) -> dict[str, bytes]:
    """Every public read of the API and Open311 for these complaints, by URL."""
    codes = [c.code for c in complaints]
    urls = [f"/api/v1/complaints/{code}" for code in codes]
    for fmt in ("json", "xml"):
        urls += [f"/open311/v2/requests/{code}.{fmt}" for code in codes]
        urls.append(f"/open311/v2/requests.{fmt}")
        urls.append(f"/open311/v2/requests.{fmt}?service_request_id={','.join(codes)}")
    bodies = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code in (200, 404), (url, response.status_code)
        bodies[url] = response.content
    return bodies


def test_nothing_planted_leaves_through_api_or_open311(client, planted):
    bodies = crawl(client, planted.values())
    tokens = [c.token for c in planted.values()]
    for url, body in bodies.items():
        text = body.decode("utf-8")
        for value in PLANTED + tokens:
            assert value.lower() not in text.lower(), (url, value)
    # The crawl read real content: masked text of the listed ones came out.
    everything = b"".join(bodies.values()).decode()
    assert "[telepon]" in everything and "[NIK]" in everything and "[email]" in everything
    assert "[disamarkan]" in everything and "[nama]" in everything


def test_open311_lists_hold_listed_complaints_only(client, planted):
    codes = ",".join(c.code for c in planted.values())
    wanted = {
        c.code
        for (privacy, status), c in planted.items()
        if status in LISTED and privacy != Privacy.RAHASIA
    }
    validators = load_validators()
    for url in (
        "/open311/v2/requests.json",
        f"/open311/v2/requests.json?service_request_id={codes}",
    ):
        data = client.get(url).json()
        valid_against(validators, "requests", data)
        assert {item["service_request_id"] for item in data} == wanted, url
        for item in data:
            valid_against(validators, "request", item)
    for fmt_url in (
        "/open311/v2/requests.xml",
        f"/open311/v2/requests.xml?service_request_id={codes}",
    ):
        root = ET.fromstring(client.get(fmt_url).content)  # noqa: S314 - our own response
        assert {r.findtext("service_request_id") for r in root.findall("request")} == wanted


def test_open311_place_photo_and_position_are_public_ones(client, planted):
    public = planted[Privacy.PUBLIK, Status.SELESAI]
    anonymous = planted[Privacy.ANONIM, Status.SELESAI]
    place = "Kel. Kauman, Kec. Klojen"
    [item] = client.get(f"/open311/v2/requests/{public.code}.json").json()
    assert item["address"] == f"{ADDRESS}, {place}"
    assert (item["lat"], item["long"]) == (-7.983, 112.631)
    assert item["status"] == "closed" and "[telepon]" in item["status_notes"]
    assert re.fullmatch(r"http://testserver/foto/[\w-]+/", item["media_url"])
    served = client.get(item["media_url"].removeprefix("http://testserver"))
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"
    # Anonymous: the kelurahan only, no street address, no photo; still rounded.
    [item] = client.get(f"/open311/v2/requests/{anonymous.code}.json").json()
    assert item["address"] == place and ADDRESS not in json.dumps(item)
    assert item["media_url"] is None and (item["lat"], item["long"]) == (-7.983, 112.631)
    root = ET.fromstring(client.get(f"/open311/v2/requests/{anonymous.code}.xml").content)  # noqa: S314
    assert root.findtext("request/address") == place
    raw = client.get("/open311/v2/requests.json").content.decode()
    assert not re.search(r'"(lat|long)": -?\d+\.\d{4,}', raw)


@pytest.mark.parametrize(
    ("privacy", "status"),
    [
        (Privacy.PUBLIK, Status.BARU),
        (Privacy.PUBLIK, Status.DITOLAK),
        (Privacy.ANONIM, Status.BARU),
        (Privacy.RAHASIA, Status.DIDISPOSISIKAN),
        (Privacy.RAHASIA, Status.SELESAI),
    ],
)
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_open311_unlisted_by_id_is_status_only(client, planted, privacy, status, fmt):
    complaint = planted[privacy, status]
    response = client.get(f"/open311/v2/requests/{complaint.code}.{fmt}")
    if fmt == "json":
        [item] = response.json()
        valid_against(load_validators(), "request", item)
    else:
        root = ET.fromstring(response.content)  # noqa: S314 - our own response
        item = {child.tag: child.text for child in root.find("request")}
    shown = {key for key, value in item.items() if value not in (None, "")}
    assert shown == {"service_request_id", "status", "requested_datetime", "status_notes"}
    assert item["status_notes"] == complaint.get_status_display()


@pytest.mark.parametrize("privacy", PRIVACIES)
@pytest.mark.parametrize("status", [Status.BARU, Status.DITOLAK])
def test_api_track_of_unlisted_is_status_only(client, planted, privacy, status):
    complaint = planted[privacy, status]
    body = client.get(f"/api/v1/complaints/{complaint.code}").json()
    assert body["code"] == complaint.code and body["status"] == status
    assert body["status_label"] == complaint.get_status_display() and body["received_at"]
    assert body["timeline"] == []
    shown = {"code", "status", "status_label", "received_at", "timeline"}
    rest = {key: value for key, value in body.items() if key not in shown}
    assert rest and all(value is None for value in rest.values()), rest


def test_api_track_of_rahasia_is_status_only(client, planted):
    complaint = planted[Privacy.RAHASIA, Status.SELESAI]
    body = client.get(f"/api/v1/complaints/{complaint.code}").json()
    assert body["status"] == Status.SELESAI and body["timeline"] == []
    assert body["text"] is None and body["agency"] is None and body["kind"] is None


def test_api_track_of_listed_shows_public_notes_and_no_names(client, planted):
    complaint = planted[Privacy.PUBLIK, Status.SELESAI]
    body = client.get(f"/api/v1/complaints/{complaint.code}").json()
    assert body["agency"] == "Dinas Pekerjaan Umum" and body["kelurahan"] == "Kauman"
    assert "[disamarkan]" in body["text"] and "[telepon]" in body["answer"]
    notes = {e["kind"]: e["note"] for e in body["timeline"]}
    # The agency's update is written for the public: shown, masked.
    assert "[telepon]" in notes["update"] and "survei" in notes["update"]
    # The dispatch note, the reporter's information and dispute: never.
    assert notes["dispatched"] is None and notes["disputed"] is None
    assert notes["info_provided"] is None
    assert {e["by"] for e in body["timeline"]} <= {"Moderator", "DPUPRPKP", "Pelapor", "Sistem"}


def test_api_reporter_sees_own_complaint_with_photos_and_actions(client, planted):
    complaint = planted[Privacy.ANONIM, Status.SELESAI]
    response = client.post(
        f"/api/v1/complaints/{complaint.code}/rating",
        data=json.dumps({"rating": 4}),
        content_type="application/json",
        HTTP_X_COMPLAINT_TOKEN=complaint.token,
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["token"] == complaint.token and body["text"] == TEXT
    assert body["address"] == ADDRESS and body["rating"] == 4
    assert (body["can_confirm"], body["can_dispute"], body["can_rate"]) == (True, True, False)
    assert body["can_add_info"] is False and body["info_question"] is None
    [photo] = body["photos"]
    assert photo.startswith(f"http://testserver/k/{complaint.token}/foto/")
    assert "/media/" not in photo
    assert client.get(photo.removeprefix("http://testserver")).status_code == 200
    notes = {e["kind"]: e["note"] for e in body["timeline"]}
    # Their own words come back to them; the staff's internal notes do not.
    assert notes["info_provided"] == INFO and notes["disputed"] == DISPUTE
    assert notes["dispatched"] is None and notes["verified"] is None
    assert "Mira" not in response.content.decode() and "Adi" not in {
        e["by"] for e in body["timeline"]
    }


def test_open311_lists_take_a_fixed_number_of_queries(
    client, planted, django_assert_max_num_queries
):
    # Complaints, their photos (with the events they belong to), redactions: three
    # queries for any number of complaints, photos of events included.
    codes = ",".join(c.code for c in planted.values())
    with django_assert_max_num_queries(3):
        data = client.get(f"/open311/v2/requests.json?service_request_id={codes}").json()
    assert len(data) == 6 and sum(item["media_url"] is not None for item in data) == 3
    with django_assert_max_num_queries(3):
        assert len(client.get("/open311/v2/requests.xml").content) > 1000


def test_api_track_of_merged_names_a_listed_survivor_only(client, make_complaint, mira):
    listed_survivor = make_complaint()
    lifecycle.verify(listed_survivor, mira)
    merged = make_complaint(text=TEXT, reporter_name=NAME)
    lifecycle.merge(merged, mira, into=listed_survivor)
    body = client.get(f"/api/v1/complaints/{merged.code}").json()
    assert body["status"] == Status.DIGABUNG and body["merged_into"] == listed_survivor.code
    assert body["text"] is None and body["timeline"] == []
    unlisted_survivor = make_complaint()
    other = make_complaint(text=TEXT, reporter_name=NAME)
    lifecycle.merge(other, mira, into=unlisted_survivor)
    body = client.get(f"/api/v1/complaints/{other.code}").json()
    assert body["status"] == Status.DIGABUNG and body["merged_into"] is None
    [item] = client.get(f"/open311/v2/requests/{merged.code}.json").json()
    assert item["status_notes"] == merged.get_status_display()
