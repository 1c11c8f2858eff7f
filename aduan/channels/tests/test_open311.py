"""Open311 GeoReport v2, validated against the official schemas in ../shared/open311."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from xml.etree import ElementTree as ET

import pytest
from django.utils import timezone
from jsonschema import Draft7Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

from aduan.channels.models import ApiClient, Open311Submission
from aduan.core import lifecycle
from aduan.core.models import Channel, Complaint, Privacy, Status

from .conftest import CODE_RE, open311_schema_dir

BASE = "/open311/v2"


def parse_xml(data: bytes) -> ET.Element:
    return ET.fromstring(data)  # noqa: S314 - our own server's response


def load_validators() -> dict[str, Draft7Validator]:
    """The official Open311 JSON schemas, by name ("request", "requests", ...)."""
    folder = open311_schema_dir()
    contents = {
        p.name: json.loads(p.read_text()) for p in folder.glob("*.json") if p.name != "swagger.json"
    }
    registry = Registry().with_resources(
        (name, Resource.from_contents(body, default_specification=DRAFT7))
        for name, body in contents.items()
    )
    return {
        name.removesuffix(".json"): Draft7Validator(body, registry=registry)
        for name, body in contents.items()
    }


@pytest.fixture(scope="module")
def validators():
    return load_validators()


def valid_against(validators, name, data):
    errors = sorted(validators[name].iter_errors(data), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors]


def assert_datetimes(request: dict):
    for key in ("requested_datetime", "updated_datetime", "expected_datetime"):
        if request.get(key) is not None:
            assert datetime.fromisoformat(request[key]).tzinfo is not None


@pytest.fixture
def api_client(db):
    return ApiClient.objects.create(name="Aplikasi mitra")


@pytest.fixture
def listed(complaint_in, make_complaint, city, mira):
    """Visible in searches: verified or later; plus ones that must never be listed."""
    visible = complaint_in(Status.DIPROSES, reporter_name="Budi Santoso")
    answered = complaint_in(Status.SELESAI, category=city["waste"])
    hidden_new = make_complaint()
    secret = complaint_in(Status.DIPROSES, privacy=Privacy.RAHASIA)
    return {"visible": visible, "answered": answered, "new": hidden_new, "secret": secret}


def test_discovery(client, db):
    data = client.get(f"{BASE}/discovery.json").json()
    assert data["endpoints"][0]["url"].endswith("/open311/v2")
    assert set(data["endpoints"][0]["formats"]) == {"text/xml", "application/json"}
    root = parse_xml(client.get(f"{BASE}/discovery.xml").content)
    assert root.tag == "discovery"
    assert [f.text for f in root.find("endpoints/endpoint/formats")] == [
        "text/xml",
        "application/json",
    ]


def test_services_json_and_xml(client, city, validators):
    response = client.get(f"{BASE}/services.json")
    assert response["Content-Type"].startswith("application/json")
    data = response.json()
    valid_against(validators, "services", data)
    assert {s["service_code"] for s in data} == {"jalan-rusak", "sampah", "air-pdam", "lainnya"}
    xml = client.get(f"{BASE}/services.xml")
    assert xml["Content-Type"].startswith("text/xml")
    assert xml.content.startswith(b"<?xml version='1.0' encoding='utf-8'?>")
    root = parse_xml(xml.content)
    assert root.tag == "services"
    codes = {s.findtext("service_code") for s in root.findall("service")}
    assert codes == {s["service_code"] for s in data}
    assert root.find("service/metadata").text == "true"


def test_service_definition(client, city, validators):
    data = client.get(f"{BASE}/services/jalan-rusak.json").json()
    valid_against(validators, "service-definition", data)
    kelurahan = next(a for a in data["attributes"] if a["code"] == "kelurahan")
    assert {v["key"] for v in kelurahan["values"]} == {
        city["kauman"].code,
        city["oro"].code,
        city["gadang"].code,
    }
    root = parse_xml(client.get(f"{BASE}/services/jalan-rusak.xml").content)
    assert root.tag == "service_definition"
    assert len(root.findall("attributes/attribute")) == 3
    assert root.find("attributes/attribute/values/value/key") is not None
    missing = client.get(f"{BASE}/services/nope.json")
    assert missing.status_code == 404
    assert missing.json() == [{"code": 404, "description": "service_code tidak dikenal."}]


def post_request(client, **fields):
    return client.post(f"{BASE}/requests.json", data=fields)


def test_post_request_creates_a_complaint(client, city, api_client, validators):
    response = post_request(
        client,
        api_key=api_client.api_key,
        service_code="jalan-rusak",
        lat="-7.9826",
        long="112.6308",
        address_string="Jl. Merdeka Selatan",
        description="Aspal berlubang dalam di depan alun-alun, bahaya untuk motor.",
        email="warga@contoh.id",
        first_name="Rina",
        last_name="Wati",
        phone="081234567890",
        **{"attribute[jenis]": "pengaduan", "attribute[kelurahan]": city["kauman"].code},
    )
    assert response.status_code == 200, response.content
    [item] = response.json()
    assert CODE_RE.match(item["service_request_id"])
    complaint = Complaint.objects.get(code=item["service_request_id"])
    assert complaint.channel == Channel.OPEN311 and complaint.status == Status.BARU
    assert complaint.category == city["roads"] and complaint.kelurahan == city["kauman"]
    assert complaint.reporter_name == "Rina Wati" and complaint.reporter_phone == "+6281234567890"
    submission = Open311Submission.objects.get(complaint=complaint)
    assert submission.client == api_client and item["token"] == submission.token
    # The token resolves to the id; GET by id finds it (content hidden until verified).
    tokens = client.get(f"{BASE}/tokens/{item['token']}.json").json()
    assert tokens == [{"service_request_id": complaint.code, "token": submission.token}]
    [fetched] = client.get(f"{BASE}/requests/{complaint.code}.json").json()
    valid_against(validators, "request", fetched)
    assert fetched["description"] is None and fetched["status"] == "open"
    assert "Rina" not in json.dumps(fetched) and "warga@contoh.id" not in json.dumps(fetched)


def test_the_client_last_use_is_stamped_to_the_minute(client, city, api_client):
    def file():
        response = post_request(
            client,
            api_key=api_client.api_key,
            service_code="sampah",
            description="Sampah menumpuk di depan pasar sudah seminggu tidak diangkut.",
            first_name="Rina",
            phone="081234567890",
            **{"attribute[kelurahan]": city["kauman"].code},
        )
        assert response.status_code == 200, response.content
        api_client.refresh_from_db()
        return api_client.last_used_at

    first = file()
    assert first is not None
    assert file() == first, "a second filing within the minute writes no new stamp"
    ApiClient.objects.filter(pk=api_client.pk).update(last_used_at=first - timedelta(minutes=2))
    assert file() > first


def test_post_request_xml_response(client, city, api_client):
    response = client.post(
        f"{BASE}/requests.xml",
        data={
            "api_key": api_client.api_key,
            "service_code": "lainnya",
            "address_id": city["gadang"].code,
            "description": "Saluran air tersumbat sampah sejak hujan deras kemarin sore.",
            # Open311 used to file a publik request with neither a name nor a contact; it
            # now asks for both like the portal and the API (one intake, core.intake).
            "first_name": "Rina",
            "phone": "081234567890",
        },
    )
    assert response.status_code == 200
    root = parse_xml(response.content)
    assert root.tag == "service_requests"
    code = root.findtext("request/service_request_id")
    assert Complaint.objects.get(code=code).category is None


@pytest.mark.parametrize(
    ("fields", "status", "fragment"),
    [
        ({"api_key": "wrong"}, 403, "api_key"),
        ({"api_key": None}, 403, "api_key"),
        ({"service_code": None}, 400, "service_code"),
        ({"service_code": "nope"}, 400, "service_code"),
        ({"lat": None, "long": None}, 400, "Lokasi"),
        ({"lat": "91"}, 400, "lat"),
        ({"long": None}, 400, "lat dan long"),
        ({"description": "pendek"}, 400, "description"),
        ({"attribute[privasi]": "x"}, 400, "attribute[privasi]"),
        ({"email": "bukan"}, 400, "email"),
        ({"address_id": "00.00"}, 400, "address_id"),
        ({"media_url": "javascript:alert(1)"}, 400, "media_url"),
        # Rules Open311 gained from the shared intake (the portal's and the API's).
        ({"first_name": None}, 400, "first_name"),
        ({"email": None}, 400, "phone atau email"),
        ({"phone": "12345"}, 400, "phone"),
        ({"long": "150"}, 400, "long"),
        ({"address_string": "x" * 301}, 400, "address_string"),
    ],
)
def test_post_request_errors(client, city, api_client, fields, status, fragment):
    data = {
        "api_key": api_client.api_key,
        "service_code": "sampah",
        "lat": "-7.98",
        "long": "112.63",
        "description": "Tumpukan sampah di TPS liar sudah seminggu tidak diangkut.",
        # A publik request names its reporter and a way to reach them (see above).
        "first_name": "Rina",
        "email": "rina@contoh.id",
    }
    for key, value in fields.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    response = post_request(client, **data)
    assert response.status_code == status
    [error] = response.json()
    assert error["code"] == status and fragment in error["description"]
    xml = client.post(f"{BASE}/requests.xml", data=data)
    root = parse_xml(xml.content)
    assert root.tag == "errors" and root.findtext("error/code") == str(status)
    assert not Complaint.objects.exists()


def test_inactive_client_is_refused(client, city, api_client):
    api_client.is_active = False
    api_client.save()
    response = post_request(client, api_key=api_client.api_key, service_code="sampah")
    assert response.status_code == 403


def test_get_requests_lists_public_ones_only(client, listed, validators):
    response = client.get(f"{BASE}/requests.json")
    data = response.json()
    valid_against(validators, "requests", data)
    for item in data:
        valid_against(validators, "request", item)
        assert_datetimes(item)
    codes = [r["service_request_id"] for r in data]
    assert set(codes) == {listed["visible"].code, listed["answered"].code}
    text = json.dumps(data)
    assert "Budi" not in text and "+62" not in text
    answered = next(r for r in data if r["service_request_id"] == listed["answered"].code)
    assert answered["status"] == "closed" and "ditambal" in answered["status_notes"]
    visible = next(r for r in data if r["service_request_id"] == listed["visible"].code)
    assert visible["agency_responsible"] == "Dinas Pekerjaan Umum"
    assert visible["address_id"] == listed["visible"].kelurahan.code
    # XML carries the same requests.
    root = parse_xml(client.get(f"{BASE}/requests.xml").content)
    assert sorted(r.findtext("service_request_id") for r in root.findall("request")) == sorted(
        codes
    )


def test_secret_complaint_shows_its_status_only(client, listed, validators):
    code = listed["secret"].code
    # By its id, like the tracking page: the status and nothing else.
    [item] = client.get(f"{BASE}/requests/{code}.json").json()
    valid_against(validators, "request", item)
    assert item["status"] == "open" and item["status_notes"] == str(Status.DIPROSES.label)
    assert item["description"] is None and item["agency_responsible"] is None
    assert item["lat"] is None and item["address"] is None and item["service_name"] is None
    assert client.get(f"{BASE}/request/{code}.json").json() == [item]
    # Never an item of a list, even asked for by its id.
    listed_ids = client.get(f"{BASE}/requests.json?service_request_id={code}").json()
    assert listed_ids == []


def test_get_requests_filters(client, listed, city):
    visible, answered = listed["visible"].code, listed["answered"].code
    by_status = client.get(f"{BASE}/requests.json?status=closed").json()
    assert [r["service_request_id"] for r in by_status] == [answered]
    by_service = client.get(f"{BASE}/requests.json?service_code=jalan-rusak").json()
    assert [r["service_request_id"] for r in by_service] == [visible]
    ids = client.get(
        f"{BASE}/requests.json?service_request_id={visible},{listed['new'].code}&status=closed"
    ).json()
    # A list of ids overrides the other filters; an unverified one is simply absent
    # (a list is a public surface: listed complaints only).
    assert [r["service_request_id"] for r in ids] == [visible]
    # Looked up on its own, the unverified one shows its status and nothing else.
    [new] = client.get(f"{BASE}/requests/{listed['new'].code}.json").json()
    assert new["status_notes"] == str(Status.BARU.label) and new["requested_datetime"]
    assert new["description"] is None and new["lat"] is None and new["address"] is None
    now = timezone.localtime()
    start = (now - timedelta(days=1)).isoformat(timespec="seconds")
    end = (now + timedelta(days=1)).isoformat(timespec="seconds")
    window = client.get(f"{BASE}/requests.json", {"start_date": start, "end_date": end}).json()
    assert len(window) == 2
    old_start = (now - timedelta(days=30)).isoformat(timespec="seconds")
    old_end = (now - timedelta(days=20)).isoformat(timespec="seconds")
    assert (
        client.get(f"{BASE}/requests.json", {"start_date": old_start, "end_date": old_end}).json()
        == []
    )


def test_default_window_is_90_days(client, make_complaint, mira):
    old = make_complaint(at=timezone.now() - timedelta(days=120))
    lifecycle.verify(old, mira)
    recent = make_complaint()
    lifecycle.verify(recent, mira)
    codes = [r["service_request_id"] for r in client.get(f"{BASE}/requests.json").json()]
    assert codes == [recent.code]


@pytest.mark.parametrize(
    "query",
    [
        "status=pending",
        "start_date=yesterday",
        "start_date=2026-01-01T00:00:00",
        "start_date=2026-01-01T00:00:00%2B07:00&end_date=2026-06-01T00:00:00%2B07:00",
        "start_date=2026-03-01T00:00:00%2B07:00&end_date=2026-01-01T00:00:00%2B07:00",
        "end_date=0001-01-01T00:00:00%2B00:00",
        "service_code=%00",
    ],
)
def test_get_requests_bad_filters(client, db, query):
    response = client.get(f"{BASE}/requests.json?{query}")
    assert response.status_code == 400
    [error] = response.json()
    assert error["code"] == 400 and error["description"]


def test_unknown_ids_and_formats(client, db):
    assert client.get(f"{BASE}/requests/ADU-2611-9999.json").status_code == 404
    assert client.get(f"{BASE}/requests/garbage.xml").status_code == 404
    assert client.get(f"{BASE}/tokens/nope.json").status_code == 404
    response = client.get(f"{BASE}/services.csv")
    assert response.status_code == 400
    assert parse_xml(response.content).tag == "errors"
    assert client.delete(f"{BASE}/requests.json").status_code == 405


def test_unreadable_post_body_is_a_spec_error(client, db):
    response = client.post(
        f"{BASE}/requests.json", data=b"garbage", content_type="multipart/form-data"
    )
    assert response.status_code == 400
    assert response.json()[0]["code"] == 400


def test_jurisdiction_id_is_checked_when_configured(client, city, settings):
    settings.ADUAN_OPEN311_JURISDICTION = "malangkota.go.id"
    assert client.get(f"{BASE}/services.json?jurisdiction_id=malangkota.go.id").status_code == 200
    assert client.get(f"{BASE}/services.json").status_code == 200
    other = client.get(f"{BASE}/services.json?jurisdiction_id=surakarta.go.id")
    assert other.status_code == 404 and other.json()[0]["code"] == 404
