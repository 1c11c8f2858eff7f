"""/admin/ is master data only: no complaint, event or photo pages; rows that hold citizens'
data for the system's bookkeeping show none of it, read-only; every admin change and every
admin page of personal data (staff accounts) leaves an audit entry."""

import pytest
from django.test import Client

from aduan.channels.models import (
    ApiClient,
    Conversation,
    InboundMessageLog,
    Open311Submission,
    SocialPost,
)
from aduan.core import audit
from aduan.core.models import (
    AuditEntry,
    OutboundMessage,
    Privacy,
    Redaction,
    Role,
    User,
)
from aduan.office.models import Notification
from conftest import PASSWORD

pytestmark = pytest.mark.django_db

A = AuditEntry.Action
NAME, PHONE, EMAIL = "Siti Rahmawati", "+6281299998888", "siti@example.com"
TRACES = ("Siti", "Rahmawati", "81299998888", "siti@example.com")


def login(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


@pytest.fixture
def anonymous(make_complaint):
    return make_complaint(
        privacy=Privacy.ANONIM,
        reporter_name=NAME,
        reporter_phone=PHONE,
        reporter_email=EMAIL,
        text=f"Saya {NAME}, sampah menumpuk di gang depan rumah.",
    )


def assert_no_reporter(html: str) -> None:
    for trace in TRACES:
        assert trace not in html


@pytest.mark.parametrize("path", ["core/complaint/", "core/event/", "core/attachment/"])
def test_complaints_events_and_photos_have_no_admin_pages(sari, anonymous, path):
    client = login(sari)
    assert client.get(f"/admin/{path}").status_code == 404
    assert client.get(f"/admin/{path}{anonymous.pk}/change/").status_code == 404
    index = client.get("/admin/").content.decode()
    assert f"/admin/{path}" not in index
    assert "/admin/core/agency/" in index


def test_the_admin_shows_no_reporter_of_an_anonymous_complaint_anywhere(sari, anonymous, mira):
    message = OutboundMessage.objects.create(
        channel="sms",
        recipient=PHONE,
        subject=f"Untuk {NAME}",
        body=f"Yth. {NAME}, aduan {anonymous.code} diterima.",
        complaint=anonymous,
        last_error=f"gateway menolak {PHONE}",
    )
    inbound = InboundMessageLog.objects.create(
        channel="sms",
        gateway="gammu",
        gateway_message_id="msg-1",
        sender=PHONE,
        sender_name=NAME,
        text=f"ADUAN {NAME} sampah",
        raw={"from": PHONE, "email": EMAIL},
        complaint=anonymous,
    )
    chat = Conversation.objects.create(channel="whatsapp", handle=PHONE)
    post = SocialPost.objects.create(
        complaint=anonymous,
        platform="x",
        author_handle="@sitirahmawati",
        url="https://x.example/sitirahmawati/1",
        text=f"{NAME} mengadu",
        imported_by=mira,
    )
    client_app = ApiClient.objects.create(name="Aplikasi kota")
    submission = Open311Submission.objects.create(
        complaint=anonymous, client=client_app, device_id="dev-81299998888", account_id=EMAIL
    )
    Notification.objects.create(
        recipient=mira, complaint=anonymous, kind="dispatched", text=f"Dari {NAME}"
    )
    Redaction.objects.create(
        complaint=anonymous, text=NAME, reason="Nama warga disebut", created_by=mira
    )
    client = login(sari)
    pages = [
        "/admin/core/outboundmessage/",
        f"/admin/core/outboundmessage/{message.pk}/change/",
        "/admin/channels/inboundmessagelog/",
        f"/admin/channels/inboundmessagelog/{inbound.pk}/change/",
        "/admin/channels/socialpost/",
        f"/admin/channels/socialpost/{post.pk}/change/",
        "/admin/channels/open311submission/",
        f"/admin/channels/open311submission/{submission.pk}/change/",
        "/admin/office/notification/",
        "/admin/core/redaction/",
    ]
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        html = response.content.decode()
        assert anonymous.code in html, path
        assert_no_reporter(html)
    # The outbox keeps its error, masked.
    error = client.get(f"/admin/core/outboundmessage/{message.pk}/change/").content.decode()
    assert "gateway menolak" in error
    # Their history pages would name them (recipient, handle): closed.
    assert client.get(f"/admin/core/outboundmessage/{message.pk}/history/").status_code == 403
    # Chat sessions are not shown at all.
    assert client.get("/admin/channels/conversation/").status_code == 404
    assert client.get(f"/admin/channels/conversation/{chat.pk}/change/").status_code == 404


def test_the_inbound_log_cannot_be_searched_by_sender_or_text(sari, anonymous):
    InboundMessageLog.objects.create(
        channel="sms", gateway="gammu", gateway_message_id="m-9", sender=PHONE, text="ADUAN"
    )
    client = login(sari)
    assert (
        client.get("/admin/channels/inboundmessagelog/", {"q": "81299998888"})
        .context["cl"]
        .result_count
        == 0
    )
    assert (
        client.get("/admin/channels/inboundmessagelog/", {"q": "m-9"}).context["cl"].result_count
        == 1
    )


def test_the_citizens_bookkeeping_is_read_only(sari, anonymous):
    message = OutboundMessage.objects.create(channel="sms", recipient=PHONE, body="x")
    client = login(sari)
    url = f"/admin/core/outboundmessage/{message.pk}/change/"
    assert client.post(url, {"recipient": "+628111"}).status_code == 403
    assert (
        client.post(
            f"/admin/core/outboundmessage/{message.pk}/delete/", {"post": "yes"}
        ).status_code
        == 403
    )
    message.refresh_from_db()
    assert message.recipient == PHONE


# -- the audit log of the admin -------------------------------------------------------------


def test_opening_staff_accounts_is_recorded(sari, adi):
    client = login(sari)
    assert client.get("/admin/core/user/").status_code == 200
    assert client.get(f"/admin/core/user/{adi.pk}/change/").status_code == 200
    views = list(AuditEntry.objects.filter(action=A.ADMIN_VIEW).order_by("id"))
    assert [(v.actor, v.extra["model"], v.extra["object_id"]) for v in views] == [
        (sari, "core.user", ""),
        (sari, "core.user", str(adi.pk)),
    ]
    assert views[1].ip_address == "127.0.0.1"


def test_master_data_pages_are_not_recorded_as_personal_data(sari, city):
    client = login(sari)
    assert client.get("/admin/core/agency/").status_code == 200
    assert client.get(f"/admin/core/agency/{city['dlh'].pk}/change/").status_code == 200
    assert not AuditEntry.objects.filter(action=A.ADMIN_VIEW).exists()


def test_an_admin_change_is_recorded_with_the_fields_not_their_values(sari, city):
    dlh = city["dlh"]
    response = login(sari).post(
        f"/admin/core/agency/{dlh.pk}/change/",
        {
            "code": dlh.code,
            "name": dlh.name,
            "short_name": "DLH Kota",
            "kind": dlh.kind,
            "email": "dlh@example.go.id",
            "description": "",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    [entry] = AuditEntry.objects.filter(action=A.ADMIN_CHANGE)
    assert entry.actor == sari
    assert (entry.extra["model"], entry.extra["object_id"], entry.extra["change"]) == (
        "core.agency",
        str(dlh.pk),
        "change",
    )
    assert "DLH Kota" in entry.description
    assert "dlh@example.go.id" not in entry.extra["message"]


def test_deleting_an_account_in_the_admin_is_recorded_and_its_trace_stays(sari, city):
    guest = User.objects.create_user("tamu", role=Role.ADMIN_OPD, agency=city["dlh"])
    earlier = audit.record(A.LOGIN, actor=guest)
    response = login(sari).post(f"/admin/core/user/{guest.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not User.objects.filter(username="tamu").exists()
    [entry] = AuditEntry.objects.filter(action=A.ADMIN_CHANGE)
    assert (entry.extra["change"], entry.description) == ("delete", "pengguna: tamu")
    earlier = AuditEntry.objects.get(pk=earlier.pk)
    assert (earlier.actor_id, earlier.actor_label) == (None, "tamu")


def test_admin_views_need_the_admin(adi):
    client = login(adi)
    response = client.get("/admin/core/user/")
    assert response.status_code in (302, 403)
    assert not AuditEntry.objects.filter(action=A.ADMIN_VIEW).exists()
