"""The reporter's actions through the API: add information, confirm, dispute, rate."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from aduan.core.models import Attachment, Event, Status

from .conftest import post_json


def act(client, complaint, action, payload=None, token=None):
    return post_json(
        client,
        f"/api/v1/complaints/{complaint.code}/{action}",
        payload or {},
        HTTP_X_COMPLAINT_TOKEN=token if token is not None else complaint.token,
    )


def test_add_info_when_asked(client, complaint_in, jpeg):
    complaint = complaint_in(Status.MENUNGGU_INFO)
    response = client.post(
        f"/api/v1/complaints/{complaint.code}/info",
        data={
            "text": "Tepatnya di depan rumah nomor 12.",
            "photos": [SimpleUploadedFile("a.jpg", jpeg(), "image/jpeg")],
        },
        HTTP_X_COMPLAINT_TOKEN=complaint.token,
    )
    assert response.status_code == 200, response.content
    complaint.refresh_from_db()
    assert complaint.status == Status.DIDISPOSISIKAN
    event = complaint.events.get(kind=Event.Kind.INFO_PROVIDED)
    assert event.note == "Tepatnya di depan rumah nomor 12." and event.data == {"via": "app"}
    assert Attachment.objects.filter(event=event).count() == 1
    # Twice: the question has been answered; nothing more is recorded.
    again = act(client, complaint, "info", {"text": "lagi"})
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "not_waiting_for_info"
    assert complaint.events.filter(kind=Event.Kind.INFO_PROVIDED).count() == 1


def test_wrong_token_looks_like_unknown_code(client, complaint_in):
    complaint = complaint_in(Status.MENUNGGU_INFO)
    for token in ("", "wrong-token", "\u00e9"):
        response = act(client, complaint, "info", {"text": "halo"}, token=token)
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"
    complaint.refresh_from_db()
    assert complaint.status == Status.MENUNGGU_INFO


def test_wrong_method_is_refused(client, complaint_in):
    complaint = complaint_in(Status.SELESAI)
    response = client.get(
        f"/api/v1/complaints/{complaint.code}/confirm", HTTP_X_COMPLAINT_TOKEN=complaint.token
    )
    assert response.status_code == 405
    complaint.refresh_from_db()
    assert complaint.status == Status.SELESAI


def test_confirm_closes_once(client, complaint_in):
    complaint = complaint_in(Status.SELESAI)
    response = act(client, complaint, "confirm")
    assert response.status_code == 200 and response.json()["status"] == Status.DITUTUP
    assert complaint.events.filter(kind=Event.Kind.CONFIRMED).count() == 1
    again = act(client, complaint, "confirm")
    assert again.status_code == 409 and again.json()["error"]["code"] == "illegal_transition"
    assert complaint.events.filter(kind=Event.Kind.CONFIRMED).count() == 1


def test_dispute_reopens(client, complaint_in):
    complaint = complaint_in(Status.SELESAI)
    missing = act(client, complaint, "dispute", {})
    assert missing.status_code == 400 and missing.json()["error"]["field"] == "reason"
    response = act(client, complaint, "dispute", {"reason": "Lubangnya masih ada."})
    assert response.status_code == 200
    complaint.refresh_from_db()
    assert complaint.status == Status.DIDISPOSISIKAN and complaint.reopen_count == 1
    assert complaint.events.get(kind=Event.Kind.DISPUTED).note == "Lubangnya masih ada."


def test_rate_once(client, complaint_in):
    complaint = complaint_in(Status.DITUTUP)
    bad = act(client, complaint, "rating", {"rating": 9})
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "out_of_range"
    response = act(client, complaint, "rating", {"rating": "4", "comment": "Cepat."})
    assert response.status_code == 200 and response.json()["rating"] == 4
    event = complaint.events.get(kind=Event.Kind.RATED)
    assert event.data == {"rating": 4, "via": "app"}
    again = act(client, complaint, "rating", {"rating": 5})
    assert again.status_code == 409
    assert complaint.events.filter(kind=Event.Kind.RATED).count() == 1


def test_actions_out_of_order_are_conflicts(client, complaint_in):
    complaint = complaint_in(Status.DIPROSES)
    for action, payload in (
        ("confirm", {}),
        ("dispute", {"reason": "belum"}),
        ("rating", {"rating": 3}),
    ):
        response = act(client, complaint, action, payload)
        assert response.status_code == 409, action
    complaint.refresh_from_db()
    assert complaint.status == Status.DIPROSES
