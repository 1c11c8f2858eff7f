"""The mobile-app API: reference data, filing, idempotency, errors, tracking, own complaints."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from aduan.channels.models import AppSubmission
from aduan.core import lifecycle
from aduan.core.models import Attachment, Channel, Complaint, Event, Privacy, Status

from .conftest import CODE_RE, post_json

URL = "/api/v1/complaints"
DEVICE = "device-token-0123456789abcdef"


def valid(city, **extra):
    data = {
        "text": "Lampu penerangan jalan di depan SD Kauman 2 mati sejak seminggu.",
        "kelurahan": city["kauman"].code,
        "category": city["roads"].code,
        "reporter_name": "Rina Wati",
        "reporter_phone": "0812 3456 7890",
        "latitude": -7.98,
        "longitude": 112.63,
    }
    data.update(extra)
    return data


def error_of(response):
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"field", "code", "message"}
    return body["error"]


def test_reference_data(client, city):
    cats = client.get("/api/v1/categories").json()
    assert {c["code"] for c in cats} == {"jalan-rusak", "sampah", "air-pdam"}
    areas = client.get("/api/v1/areas").json()
    klojen = next(a for a in areas if a["name"] == "Klojen")
    assert {k["name"] for k in klojen["kelurahan"]} == {"Kauman", "Oro-oro Dowo"}


def test_openapi_and_docs_are_served(client, db):
    doc = client.get("/api/v1/openapi.json").json()
    assert doc["info"]["version"] == "1"
    body = doc["paths"]["/api/v1/complaints"]["post"]["requestBody"]["content"]
    assert set(body) == {"application/json", "multipart/form-data"}
    assert client.get("/api/v1/docs").status_code == 200


def test_file_json_creates_one_complaint_in_the_queue(client, city):
    response = post_json(client, URL, valid(city), HTTP_X_DEVICE_TOKEN=DEVICE)
    assert response.status_code == 201, response.content
    body = response.json()
    assert CODE_RE.match(body["code"]) and body["status"] == "baru"
    complaint = Complaint.objects.get(code=body["code"])
    assert complaint.channel == Channel.APP and complaint.status == Status.BARU
    assert complaint.reporter_phone == "+6281234567890"
    assert complaint.kelurahan == city["kauman"] and str(complaint.latitude) == "-7.980000"
    assert body["token"] == complaint.token
    assert body["tracking_url"].endswith(f"/lacak/{complaint.code}/")
    assert complaint.events.get().kind == Event.Kind.CREATED


def test_file_multipart_with_photos(client, city, jpeg):
    data = valid(city)
    data["photos"] = [
        SimpleUploadedFile("a.jpg", jpeg(exif_gps=True), "image/jpeg"),
        SimpleUploadedFile("b.png", jpeg("PNG"), "image/png"),
    ]
    response = client.post(URL, data=data)
    assert response.status_code == 201, response.content
    complaint = Complaint.objects.get(code=response.json()["code"])
    assert Attachment.objects.filter(complaint=complaint).count() == 2


def test_idempotency_key_returns_first_result(client, city):
    headers = {"HTTP_IDEMPOTENCY_KEY": "9a1f-key-1", "HTTP_X_DEVICE_TOKEN": DEVICE}
    first = post_json(client, URL, valid(city), **headers)
    second = post_json(client, URL, valid(city), **headers)
    assert first.status_code == second.status_code == 201
    assert first.content == second.content
    assert Complaint.objects.count() == 1
    # The same key with another body is refused, not answered with the wrong complaint.
    other = post_json(
        client, URL, valid(city, text="Sampah menumpuk di pasar besar sejak lama."), **headers
    )
    assert other.status_code == 409
    assert error_of(other)["code"] == "idempotency_key_reused"
    assert Complaint.objects.count() == 1


def test_idempotency_key_is_namespaced(client, city, make_complaint):
    # A portal submission with the same raw key is a different submission.
    make_complaint(submission_key="same-key")
    response = post_json(client, URL, valid(city), HTTP_IDEMPOTENCY_KEY="same-key")
    assert response.status_code == 201
    assert Complaint.objects.count() == 2
    assert Complaint.objects.get(code=response.json()["code"]).submission_key.startswith("api:")


@pytest.mark.parametrize(
    ("change", "field", "code", "status"),
    [
        ({"text": None}, "text", "required", 400),
        ({"text": "pendek"}, "text", "too_short", 400),
        ({"text": 42}, "text", "invalid_type", 400),
        ({"text": "a\x00" * 20}, "text", "invalid_characters", 400),
        ({"kelurahan": "99.99"}, "kelurahan", "not_found", 400),
        ({"category": "nope"}, "category", "not_found", 400),
        ({"kind": "gosip"}, "kind", "invalid_choice", 400),
        ({"latitude": "abc"}, "latitude", "invalid_number", 400),
        ({"latitude": 40}, "latitude", "out_of_range", 400),
        ({"longitude": None}, "longitude", "incomplete_location", 400),
        ({"reporter_phone": "12"}, "reporter_phone", "invalid_phone", 400),
        ({"reporter_email": "bukan-email"}, "reporter_email", "invalid_email", 400),
        ({"reporter_name": ""}, "reporter_name", "required", 400),
        ({"reporter_phone": ""}, "reporter_phone", "contact_required", 400),
    ],
)
def test_bad_input_gets_field_code_and_message(client, city, change, field, code, status):
    data = valid(city)
    for key, value in change.items():
        if value is None:
            data.pop(key)
        else:
            data[key] = value
    response = post_json(client, URL, data)
    assert response.status_code == status
    error = error_of(response)
    assert (error["field"], error["code"]) == (field, code)
    assert error["message"]
    assert not Complaint.objects.exists()


def test_anonymous_needs_no_contact(client, city):
    data = valid(city, privacy=Privacy.ANONIM, reporter_name="", reporter_phone="")
    assert post_json(client, URL, data).status_code == 201


def test_unreadable_bodies_are_json_errors(client, city):
    assert error_of(post_json(client, URL, b"{not json"))["code"] == "invalid_json"
    assert error_of(post_json(client, URL, b"[1, 2]"))["code"] == "invalid_json"
    response = client.post(URL, data="x", content_type="text/plain")
    assert response.status_code == 415
    assert error_of(response)["code"] == "unsupported_media_type"
    bad = client.post(
        URL, data=valid(city) | {"photos": SimpleUploadedFile("x.jpg", b"%PDF-1", "image/jpeg")}
    )
    assert error_of(bad) == error_of(bad) and error_of(bad)["code"] == "photo_not_image"
    bad_key = post_json(client, URL, valid(city), HTTP_IDEMPOTENCY_KEY="has space")
    assert error_of(bad_key)["field"] == "Idempotency-Key"
    assert not Complaint.objects.exists()


def test_track_shows_public_fields_only(client, make_complaint):
    complaint = make_complaint(text="Jalan rusak, hubungi saya di 081234567890 ya, Budi Santoso.")
    body = client.get(f"/api/v1/complaints/{complaint.code}").json()
    assert body["code"] == complaint.code and body["status"] == "baru"
    assert "081234567890" not in json.dumps(body)
    assert "Budi" not in json.dumps(body)
    assert "reporter_phone" not in body and "token" not in body
    secret = make_complaint(privacy=Privacy.RAHASIA)
    body = client.get(f"/api/v1/complaints/{secret.code.lower()}").json()
    assert body["text"] is None and body["kelurahan"] is None


def test_track_unknown_code_is_404_json(client, db):
    for code in ("ADU-2611-9999", "nonsense", "%00"):
        response = client.get(f"/api/v1/complaints/{code}")
        assert response.status_code == 404
        assert error_of(response)["code"] == "not_found"


def test_my_complaints_by_device_token(client, city):
    mine = post_json(client, URL, valid(city), HTTP_X_DEVICE_TOKEN=DEVICE).json()
    post_json(client, URL, valid(city), HTTP_X_DEVICE_TOKEN="another-device-token-000")
    listed = client.get("/api/v1/me/complaints", HTTP_X_DEVICE_TOKEN=DEVICE).json()
    assert [c["code"] for c in listed] == [mine["code"]]
    assert listed[0]["token"] == mine["token"] and listed[0]["can_add_info"] is False
    # Stored hashed: the raw token is nowhere in the database.
    assert not AppSubmission.objects.filter(device_token_hash=DEVICE).exists()
    missing = client.get("/api/v1/me/complaints")
    assert missing.status_code == 400 and error_of(missing)["field"] == "X-Device-Token"


def test_ninja_validation_errors_use_our_shape(client, db):
    headers = {"HTTP_X_DEVICE_TOKEN": DEVICE}
    for query, code in (("abc", "invalid_type"), ("0", "out_of_range"), ("101", "out_of_range")):
        response = client.get(f"/api/v1/me/complaints?limit={query}", **headers)
        assert response.status_code == 400
        assert error_of(response) == {
            "field": "limit",
            "code": code,
            "message": error_of(response)["message"],
        }
    assert client.get("/api/v1/me/complaints?limit=5", **headers).status_code == 200


def test_a_true_bug_is_a_logged_json_500(client, db, monkeypatch, caplog):
    from aduan.channels.api import views

    class Broken:
        class objects:
            @staticmethod
            def filter(**kwargs):
                raise RuntimeError("database on fire")

    monkeypatch.setattr(views, "Category", Broken)
    response = client.get("/api/v1/categories")
    assert response.status_code == 500
    assert error_of(response)["code"] == "server_error"
    assert "database on fire" in caplog.text


def test_my_complaints_show_the_question_while_waiting(client, city, mira, adi):
    filed = post_json(client, URL, valid(city), HTTP_X_DEVICE_TOKEN=DEVICE).json()
    complaint = Complaint.objects.get(code=filed["code"])
    lifecycle.dispatch(complaint, mira, lead=city["dpupr"], note="Catatan untuk OPD saja.")
    lifecycle.request_info(complaint, adi, question="Di sebelah mana tepatnya?")
    [own] = client.get("/api/v1/me/complaints", HTTP_X_DEVICE_TOKEN=DEVICE).json()
    assert own["can_add_info"] is True and own["info_question"] == "Di sebelah mana tepatnya?"
    assert (own["can_confirm"], own["can_dispute"], own["can_rate"]) == (False, False, False)
    assert own["photos"] == [] and own["token"] == filed["token"]
    # The reporter reads the question, not the moderator's note to the agency.
    assert "Catatan untuk OPD" not in json.dumps(own)
    assert {e["by"] for e in own["timeline"]} <= {"Moderator", "DPUPRPKP", "Pelapor", "Sistem"}
