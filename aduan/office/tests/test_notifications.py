"""Staff notifications: in-app rows and e-mails through the outbox, written by
``office.notify.on_transition``, a subscriber of the after-transition step (``core.effects``)."""

import pytest

from aduan.core import lifecycle
from aduan.core.models import OutboundMessage, Privacy, Role, Status, User
from aduan.office.models import Notification
from conftest import PASSWORD

from .conftest import login, post_action

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(mira, adi, kurnia, dewi):
    for user in (mira, adi, kurnia, dewi):
        user.email = f"{user.username}@kota.test"
        user.save()
    return {"mira": mira, "adi": adi, "kurnia": kurnia, "dewi": dewi}


def notified(kind):
    return {n.recipient.username for n in Notification.objects.filter(kind=kind)}


def emails_to(address):
    return OutboundMessage.objects.filter(channel="email", recipient=address)


def test_dispatch_notifies_lead_and_supporting_staff(make_complaint, staff, city):
    c = make_complaint()
    lifecycle.dispatch(c, staff["mira"], lead=city["dpupr"], supporting=[city["dlh"]])
    assert notified(Notification.Kind.DISPATCHED) == {"adi", "kurnia", "dewi"}
    mail = emails_to("adi@kota.test").get()
    assert mail.subject == f"[{c.code}] Disposisi baru"
    assert f"http://testserver/kantor/aduan/{c.code}/" in mail.body
    assert "OPD utama" in mail.body
    assert "mendukung DPUPRPKP" in emails_to("dewi@kota.test").get().body
    assert not emails_to("mira@kota.test").exists()


def test_inactive_staff_and_staff_without_email(make_complaint, staff, city):
    staff["kurnia"].is_active = False
    staff["kurnia"].save()
    staff["adi"].email = ""
    staff["adi"].save()
    lifecycle.dispatch(make_complaint(), staff["mira"], lead=city["dpupr"])
    assert notified(Notification.Kind.DISPATCHED) == {"adi"}
    assert not OutboundMessage.objects.filter(channel="email").exists()


def test_return_notifies_moderators(complaint_in, staff):
    c = complaint_in(Status.DIDISPOSISIKAN)
    post_action(login(staff["adi"]), c, "kembalikan", reason="Wewenang provinsi.")
    n = Notification.objects.get(kind=Notification.Kind.RETURNED)
    assert n.recipient == staff["mira"]
    assert "DPUPRPKP mengembalikan" in n.text and "Wewenang provinsi." in n.text
    assert emails_to("mira@kota.test").filter(subject__contains="dikembalikan").exists()


def test_citizen_reply_goes_to_whoever_holds_it(complaint_in, staff, client):
    at_agency = complaint_in(Status.MENUNGGU_INFO)
    client.post(f"/k/{at_agency.token}/informasi/", {"text": "Depan toko roti."})
    assert notified(Notification.Kind.INFO_PROVIDED) == {"adi", "kurnia"}
    Notification.objects.all().delete()
    at_moderators = complaint_in(Status.TERVERIFIKASI)
    lifecycle.request_info(at_moderators, staff["mira"], question="Di mana?")
    client.post(f"/k/{at_moderators.token}/informasi/", {"text": "Di Kauman."})
    assert notified(Notification.Kind.INFO_PROVIDED) == {"mira"}


def test_dispute_notifies_lead_agency(complaint_in, staff, client):
    c = complaint_in(Status.SELESAI)
    client.post(f"/k/{c.token}/bantah/", {"reason": "Lubangnya masih ada."})
    assert notified(Notification.Kind.DISPUTED) == {"adi", "kurnia"}
    assert "Lubangnya masih ada." in Notification.objects.filter(kind="disputed").first().text


def test_contribution_notifies_lead_staff(make_complaint, staff, city):
    c = make_complaint()
    lifecycle.dispatch(c, staff["mira"], lead=city["dpupr"], supporting=[city["dlh"]])
    Notification.objects.all().delete()
    post_action(login(staff["dewi"]), c, "catatan", note="Truk dikirim.")
    assert notified(Notification.Kind.CONTRIBUTION) == {"adi", "kurnia"}
    # The lead's own notes are not contributions.
    post_action(login(staff["adi"]), c, "catatan", note="Catatan sendiri.")
    assert Notification.objects.filter(kind=Notification.Kind.CONTRIBUTION).count() == 2


def test_supporting_agencys_assignment_is_not_a_contribution(make_complaint, staff, city):
    # Every note runs the after-transition step; the note an assignment writes (with its
    # ``data``) must reach the assigned officer only, not the lead agency as a contribution.
    c = make_complaint()
    lifecycle.dispatch(c, staff["mira"], lead=city["dpupr"], supporting=[city["dlh"]])
    Notification.objects.all().delete()
    r = post_action(login(staff["dewi"]), c, "tugaskan", officer=staff["dewi"].pk)
    assert r.status_code == 302
    note = c.events.get(kind="note")
    assert note.agency == city["dlh"] and note.data == {"assigned_to": "dewi"}
    assert not Notification.objects.filter(kind=Notification.Kind.CONTRIBUTION).exists()
    # A note the system writes for a supporting agency's staff is not one either.
    lifecycle.record_note(c, staff["dewi"], note="Kontak pelapor.", data={"redaction": True})
    assert not Notification.objects.filter(kind=Notification.Kind.CONTRIBUTION).exists()
    # The same person's hand-written note still is.
    post_action(login(staff["dewi"]), c, "catatan", note="Truk dikirim besok pagi.")
    assert notified(Notification.Kind.CONTRIBUTION) == {"adi", "kurnia"}


def test_assignment_notifies_the_officer(complaint_in, staff):
    c = complaint_in(Status.DIPROSES)
    post_action(login(staff["kurnia"]), c, "tugaskan", officer=staff["adi"].pk)
    n = Notification.objects.get(kind=Notification.Kind.ASSIGNED)
    assert n.recipient == staff["adi"]


def test_rolled_back_transition_notifies_nobody(make_complaint, staff, city):
    c = make_complaint()
    with pytest.raises(lifecycle.StaleComplaint):
        lifecycle.dispatch(c, staff["mira"], lead=city["dpupr"], expected_version=99)
    assert not Notification.objects.exists()


def test_confidential_content_stays_out_of_mail(make_complaint, staff, city):
    c = make_complaint(privacy=Privacy.RAHASIA, text="Dugaan pungli di loket kelurahan.")
    lifecycle.dispatch(c, staff["mira"], lead=city["dpupr"])
    assert "pungli" not in emails_to("adi@kota.test").get().body


def test_anonymous_reporter_not_in_staff_mail(make_complaint, staff, city):
    c = make_complaint(privacy=Privacy.ANONIM, reporter_name="Siti Rahmawati")
    lifecycle.dispatch(c, staff["mira"], lead=city["dpupr"])
    for mail in OutboundMessage.objects.filter(channel="email"):
        assert "Siti" not in mail.body


# -- the page -------------------------------------------------------------------


def test_unread_counter_page_and_mark_read(make_complaint, staff, city):
    c = make_complaint()
    lifecycle.dispatch(c, staff["mira"], lead=city["dpupr"])
    client = login(staff["adi"])
    html = client.get("/kantor/opd/").content.decode()
    assert '<span class="office-count"' in html.split("</nav>")[0]
    page = client.get("/kantor/notifikasi/").content.decode()
    assert c.code in page
    n = Notification.objects.get(recipient=staff["adi"])
    r = client.post(f"/kantor/notifikasi/{n.pk}/")
    assert r["Location"] == f"/kantor/aduan/{c.code}/"
    n.refresh_from_db()
    assert n.read_at is not None
    assert "office-count" not in client.get("/kantor/opd/").content.decode()


def test_mark_all_read(make_complaint, staff, city):
    for _ in range(3):
        lifecycle.dispatch(make_complaint(), staff["mira"], lead=city["dpupr"])
    client = login(staff["adi"])
    assert client.post("/kantor/notifikasi/baca-semua/").status_code == 302
    assert not Notification.objects.filter(recipient=staff["adi"], read_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=staff["kurnia"], read_at__isnull=True).count() == 3


def test_cannot_open_someone_elses_notification(make_complaint, staff, city):
    lifecycle.dispatch(make_complaint(), staff["mira"], lead=city["dpupr"])
    theirs = Notification.objects.get(recipient=staff["kurnia"])
    assert login(staff["adi"]).post(f"/kantor/notifikasi/{theirs.pk}/").status_code == 404
    assert login(staff["dewi"]).post(f"/kantor/notifikasi/{theirs.pk}/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_wrong_methods(staff):
    client = login(staff["adi"])
    assert client.get("/kantor/notifikasi/baca-semua/").status_code == 405
    assert client.get("/kantor/notifikasi/1/").status_code == 405


def test_older_page(make_complaint, staff, city, monkeypatch):
    from aduan.office.views import notifications

    monkeypatch.setattr(notifications, "PAGE_SIZE", 2)
    made = [make_complaint() for _ in range(3)]
    for c in made:
        lifecycle.dispatch(c, staff["mira"], lead=city["dpupr"])
    client = login(staff["adi"])
    first = client.get("/kantor/notifikasi/").content.decode()
    assert made[2].code in first and made[0].code not in first
    older = first.split('href="?sebelum=')[1].split('"')[0]
    second = client.get(f"/kantor/notifikasi/?sebelum={older}").content.decode()
    assert made[0].code in second and made[2].code not in second


def test_agency_user_is_only_notified_for_own_agency(make_complaint, staff, city):
    pdam_admin = User.objects.create_user(
        username="puji", password=PASSWORD, role=Role.ADMIN_OPD, agency=city["pdam"]
    )
    lifecycle.dispatch(make_complaint(), staff["mira"], lead=city["dpupr"])
    assert not Notification.objects.filter(recipient=pdam_admin).exists()
