"""The system admin's page for erasure requests: approve (closed complaints at once,
running ones when they close, or at once with a reason) or refuse with a reason."""

import pytest
from django.core.management import call_command

from aduan.core import lifecycle
from aduan.core.models import AuditEntry, Complaint, Event, OutboundMessage, Status
from aduan.privacy.models import Anonymisation, DataRequest

from .conftest import PHONE

LIST = "/kantor/data-subjek/"


@pytest.fixture
def erasure(complaint_in, proven, client):
    """Budi asked for erasure; one complaint closed, one still running, one of Siti."""
    closed = complaint_in(Status.DITUTUP)
    running = complaint_in(Status.DIPROSES, text="Saya Budi Santoso, HP 081234567890. Lubang.")
    other = complaint_in(Status.DITUTUP, reporter_name="Siti", reporter_phone="+6285711112222")
    proven()
    client.post("/data-saya/hapus/", {"note": "Mohon dihapus."})
    client.logout()
    OutboundMessage.objects.all().delete()
    return {
        "request": DataRequest.objects.get(kind=DataRequest.Kind.ERASURE),
        "closed": closed,
        "running": running,
        "other": other,
    }


def url(erasure, action=""):
    return f"{LIST}{erasure.pk}/" + (f"{action}/" if action else "")


def notes(complaint):
    return complaint.events.filter(kind=Event.Kind.NOTE, data__privacy="reporter_removed")


def test_list_and_detail_for_the_system_admin_without_the_contact(client, erasure, sari):
    client.force_login(sari)
    page = client.get(LIST)
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    html = page.content.decode()
    assert f"#{erasure['request'].pk}" in html and "+62812****7890" in html and PHONE not in html
    detail = client.get(url(erasure["request"])).content.decode()
    assert erasure["closed"].code in detail and erasure["running"].code in detail
    assert erasure["other"].code not in detail
    assert "Mohon dihapus." in detail and PHONE not in detail


@pytest.mark.parametrize("who", ["mira", "adi", "sekar"])
def test_other_roles_may_not(client, erasure, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(LIST).status_code == 403
    assert client.get(url(erasure["request"])).status_code == 403
    assert client.post(url(erasure["request"], "setujui")).status_code == 403
    assert client.post(url(erasure["request"], "tolak"), {"note": "x"}).status_code == 403
    assert DataRequest.objects.get(kind="erasure").state == DataRequest.State.RECEIVED


def test_anonymous_visitors_are_sent_to_log_in(client, erasure):
    response = client.get(LIST)
    assert response.status_code == 302 and "/kantor/masuk/" in response["Location"]
    response = client.post(url(erasure["request"], "setujui"))
    assert response.status_code == 302 and not Anonymisation.objects.exists()


def test_unknown_request_is_404(client, erasure, sari):
    client.force_login(sari)
    assert client.get(f"{LIST}999999/").status_code == 404


def test_decisions_are_post_only(client, erasure, sari):
    client.force_login(sari)
    assert client.get(url(erasure["request"], "setujui")).status_code == 405
    assert client.get(url(erasure["request"], "tolak")).status_code == 405


def test_approval_removes_the_reporter_from_closed_complaints_now(client, erasure, sari, adi):
    client.force_login(sari)
    response = client.post(url(erasure["request"], "setujui"), {"note": ""})
    assert response.status_code == 302
    request = DataRequest.objects.get(kind="erasure")
    assert request.state == DataRequest.State.APPROVED and request.decided_by == sari
    closed = Complaint.objects.get(pk=erasure["closed"].pk)
    assert (closed.reporter_name, closed.reporter_phone, closed.reporter_email) == ("", "", "")
    assert closed.text == erasure["closed"].text  # no personal data in it: unchanged
    [note] = notes(closed)
    assert note.actor == sari and not note.is_public and PHONE not in note.note
    assert f"#{request.pk}" in note.note
    # The running complaint keeps its contact until it closes.
    running = Complaint.objects.get(pk=erasure["running"].pk)
    assert running.reporter_phone == PHONE and not notes(running).exists()
    # Siti's complaint is untouched.
    assert Complaint.objects.get(pk=erasure["other"].pk).reporter_name == "Siti"
    [told] = OutboundMessage.objects.filter(recipient=PHONE)
    assert "disetujui" in told.body and "1 aduan masih berjalan" in told.body
    assert AuditEntry.objects.filter(
        action=AuditEntry.Action.DATA_REQUEST, actor=sari, description__contains="disetujui"
    ).exists()

    # The running one closes; the next retention pass finishes the request.
    lifecycle.resolve(running, adi, answer="Sudah ditambal.")
    lifecycle.confirm(running)
    OutboundMessage.objects.all().delete()
    call_command("retention")
    running.refresh_from_db()
    assert running.reporter_phone == "" and "081234567890" not in running.text
    assert "Budi" not in running.text and "Lubang." in running.text
    assert notes(running).get().actor is None
    request.refresh_from_db()
    assert request.state == DataRequest.State.DONE and request.contact == ""
    assert request.completed_at is not None
    [done] = OutboundMessage.objects.filter(recipient=PHONE)
    assert "telah dihapus" in done.body


def test_approval_now_for_running_complaints_needs_a_reason(client, erasure, sari):
    client.force_login(sari)
    response = client.post(url(erasure["request"], "setujui"), {"anonymise_open": "on"})
    assert response.status_code == 400
    assert "Tuliskan alasan menghapus data" in response.content.decode()
    assert DataRequest.objects.get(kind="erasure").state == DataRequest.State.RECEIVED
    assert not Anonymisation.objects.exists()

    response = client.post(
        url(erasure["request"], "setujui"),
        {"anonymise_open": "on", "note": "Pelapor merasa terancam."},
    )
    assert response.status_code == 302
    request = DataRequest.objects.get(kind="erasure")
    assert request.state == DataRequest.State.DONE and request.anonymise_open
    assert request.decision_note == "Pelapor merasa terancam."
    running = Complaint.objects.get(pk=erasure["running"].pk)
    assert running.reporter_phone == "" and running.status == Status.DIPROSES
    assert Anonymisation.objects.count() == 2


def test_deciding_twice_changes_nothing(client, erasure, sari):
    client.force_login(sari)
    client.post(url(erasure["request"], "setujui"), {"note": ""})
    events = Event.objects.count()
    messages = OutboundMessage.objects.count()
    again = client.post(url(erasure["request"], "setujui"), {"note": ""})
    assert again.status_code == 400 and "sudah diputuskan" in again.content.decode()
    refused = client.post(url(erasure["request"], "tolak"), {"note": "Salah klik."})
    assert refused.status_code == 400
    assert Event.objects.count() == events and OutboundMessage.objects.count() == messages
    assert DataRequest.objects.get(kind="erasure").state == DataRequest.State.APPROVED


def test_refusal_needs_a_reason_the_citizen_is_told(client, erasure, sari):
    client.force_login(sari)
    assert client.post(url(erasure["request"], "tolak"), {"note": ""}).status_code == 400
    assert DataRequest.objects.get(kind="erasure").state == DataRequest.State.RECEIVED
    response = client.post(
        url(erasure["request"], "tolak"), {"note": "Aduan sedang diperiksa Ombudsman."}
    )
    assert response.status_code == 302
    request = DataRequest.objects.get(kind="erasure")
    assert request.state == DataRequest.State.REFUSED and request.contact == ""
    assert request.decided_by == sari and request.completed_at
    [told] = OutboundMessage.objects.filter(recipient=PHONE)
    assert "Ombudsman" in told.body
    assert Complaint.objects.get(pk=erasure["closed"].pk).reporter_phone == PHONE
    assert not Anonymisation.objects.exists()
