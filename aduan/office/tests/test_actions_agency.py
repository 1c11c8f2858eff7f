"""The agency's actions: follow-up by the lead agency, contributions by supporting ones."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from aduan.core import lifecycle
from aduan.core.models import Attachment, Event, Status
from aduan.office.models import Assignment

from .conftest import act_url, login, post_action

pytestmark = pytest.mark.django_db


def last_event(complaint):
    return complaint.events.order_by("-id").first()


def test_acknowledge(complaint_in, adi):
    c = complaint_in(Status.DIDISPOSISIKAN)
    r = post_action(login(adi), c, "terima")
    assert r.status_code == 302
    c.refresh_from_db()
    assert c.status == Status.DIPROSES
    assert c.first_response_at is not None
    event = last_event(c)
    assert (event.kind, event.actor, event.agency) == (Event.Kind.ACKNOWLEDGED, adi, adi.agency)


def test_public_update(complaint_in, adi):
    c = complaint_in(Status.DIPROSES)
    r = post_action(login(adi), c, "perkembangan", note="Material sudah dipesan.")
    assert r.status_code == 302
    event = last_event(c)
    assert (event.kind, event.is_public, event.note) == (
        Event.Kind.UPDATE,
        True,
        "Material sudah dipesan.",
    )


def test_internal_note(complaint_in, adi):
    c = complaint_in(Status.DIPROSES)
    r = post_action(login(adi), c, "catatan", note="Cek anggaran pemeliharaan.")
    assert r.status_code == 302
    event = last_event(c)
    assert (event.kind, event.is_public) == (Event.Kind.NOTE, False)
    c.refresh_from_db()
    assert c.status == Status.DIPROSES


def test_note_while_waiting_for_citizen_is_audit_row(complaint_in, adi):
    c = complaint_in(Status.MENUNGGU_INFO)
    version = c.version
    r = post_action(login(adi), c, "catatan", note="Menunggu foto dari pelapor.")
    assert r.status_code == 302
    c.refresh_from_db()
    assert c.version == version
    assert last_event(c).note == "Menunggu foto dari pelapor."


def test_request_info(complaint_in, adi):
    c = complaint_in(Status.DIPROSES)
    r = post_action(login(adi), c, "minta-info", question="Kirim foto lokasi?")
    assert r.status_code == 302
    c.refresh_from_db()
    assert c.status == Status.MENUNGGU_INFO
    assert last_event(c).kind == Event.Kind.INFO_REQUESTED


def test_return_not_our_authority(complaint_in, adi):
    c = complaint_in(Status.DIDISPOSISIKAN)
    r = post_action(login(adi), c, "kembalikan", reason="Ini saluran irigasi, wewenang DPKP.")
    # The agency loses sight of it, so it lands back on its own inbox.
    assert r.status_code == 302
    assert r["Location"] == "/kantor/"
    c.refresh_from_db()
    assert c.status == Status.TERVERIFIKASI
    assert c.returned is True
    assert c.lead_agency is None
    event = last_event(c)
    assert (event.kind, event.data["agency"], event.is_public) == (
        Event.Kind.RETURNED,
        "dpuprpkp",
        False,
    )


def test_returned_complaint_is_flagged_in_queue(complaint_in, adi, mira):
    c = complaint_in(Status.DIDISPOSISIKAN)
    post_action(login(adi), c, "kembalikan", reason="Bukan wewenang kami.")
    html = login(mira).get("/kantor/antrean/?returned=on").content.decode()
    assert c.code in html
    assert "Dikembalikan OPD" in html


def test_defer_to_budget(complaint_in, adi):
    c = complaint_in(Status.DIPROSES)
    year = timezone.localdate().year + 1
    r = post_action(login(adi), c, "tunda-anggaran", year=year, plan="Pengaspalan ulang APBD.")
    assert r.status_code == 302
    c.refresh_from_db()
    assert (c.status, c.budget_year, c.budget_plan) == (
        Status.DITUNDA_ANGGARAN,
        year,
        "Pengaspalan ulang APBD.",
    )
    assert last_event(c).data == {"year": year}


def test_defer_to_a_far_year_is_400(complaint_in, adi):
    c = complaint_in(Status.DIPROSES)
    r = post_action(login(adi), c, "tunda-anggaran", year=2099, plan="Nanti.")
    assert r.status_code == 400
    assert "Tahun anggaran harus antara" in r.content.decode()
    c.refresh_from_db()
    assert c.status == Status.DIPROSES


def test_resolve_with_photos_and_internal_note(complaint_in, adi, jpeg, client):
    c = complaint_in(Status.DIPROSES)
    photo = SimpleUploadedFile("hasil.jpg", jpeg(exif_gps=True), content_type="image/jpeg")
    c.refresh_from_db()
    r = login(adi).post(
        act_url(c, "selesaikan"),
        {
            "version": c.version,
            "answer": "Lubang sudah ditambal.",
            "outcome": "ditangani",
            "internal_note": "Pakai sisa material.",
            "photos": [photo],
        },
    )
    assert r.status_code == 302
    c.refresh_from_db()
    assert c.status == Status.SELESAI
    assert c.answer == "Lubang sudah ditambal."
    resolved = c.events.get(kind=Event.Kind.RESOLVED)
    assert resolved.attachments.count() == 1
    note = c.events.get(kind=Event.Kind.NOTE)
    assert (note.note, note.is_public) == ("Pakai sisa material.", False)
    stored = Attachment.objects.get(event=resolved)
    assert b"PhoneMaker" not in stored.file.read()
    assert "Lubang sudah ditambal." in client.get(f"/k/{c.token}/").content.decode()


def test_resolve_refuses_six_photos(complaint_in, adi, jpeg):
    c = complaint_in(Status.DIPROSES)
    photos = [SimpleUploadedFile(f"{i}.jpg", jpeg(), content_type="image/jpeg") for i in range(6)]
    r = login(adi).post(
        act_url(c, "selesaikan"),
        {
            "version": c.version,
            "answer": "Selesai.",
            "outcome": "ditangani",
            "photos": photos,
        },
    )
    assert r.status_code == 400
    assert "Paling banyak 5 foto" in r.content.decode()


def test_resolve_refuses_a_non_image(complaint_in, adi):
    c = complaint_in(Status.DIPROSES)
    fake = SimpleUploadedFile("x.jpg", b"%PDF-1.4 not a photo", content_type="image/jpeg")
    r = login(adi).post(
        act_url(c, "selesaikan"),
        {
            "version": c.version,
            "answer": "Selesai.",
            "outcome": "ditangani",
            "photos": [fake],
        },
    )
    assert r.status_code == 400
    c.refresh_from_db()
    assert c.status == Status.DIPROSES


def test_resolve_twice(complaint_in, adi):
    c = complaint_in(Status.DIPROSES)
    client = login(adi)
    version = c.version
    assert (
        post_action(client, c, "selesaikan", answer="Sudah.", outcome="ditangani").status_code
        == 302
    )
    r = post_action(
        client, c, "selesaikan", version=version, answer="Sudah lagi.", outcome="ditangani"
    )
    assert r.status_code == 409
    c.refresh_from_db()
    assert c.answer == "Sudah."
    assert c.events.filter(kind=Event.Kind.RESOLVED).count() == 1


def test_assign_officer_of_own_agency(complaint_in, adi, kurnia):
    c = complaint_in(Status.DIPROSES)
    r = post_action(login(kurnia), c, "tugaskan", officer=adi.pk)
    assert r.status_code == 302
    assignment = Assignment.objects.get(complaint=c)
    assert (assignment.officer, assignment.assigned_by, assignment.agency) == (
        adi,
        kurnia,
        kurnia.agency,
    )
    event = last_event(c)
    assert event.data == {"assigned_to": "adi"}
    assert event.kind == Event.Kind.NOTE
    # Assigning the same officer again changes nothing.
    r = post_action(login(kurnia), c, "tugaskan", officer=adi.pk)
    assert r.status_code == 400
    assert Assignment.objects.filter(complaint=c).count() == 1


def test_cannot_assign_officer_of_another_agency(complaint_in, kurnia, dewi):
    c = complaint_in(Status.DIPROSES)
    r = post_action(login(kurnia), c, "tugaskan", officer=dewi.pk)
    assert r.status_code == 400
    assert not Assignment.objects.exists()


@pytest.mark.parametrize(
    "action", ["terima", "perkembangan", "catatan", "kembalikan", "selesaikan", "tugaskan"]
)
def test_wrong_method(complaint_in, adi, action):
    c = complaint_in(Status.DIDISPOSISIKAN)
    assert login(adi).get(act_url(c, action)).status_code == 405


# -- several agencies ------------------------------------------------------------


@pytest.fixture
def joint(make_complaint, mira, city):
    c = make_complaint()
    lifecycle.dispatch(c, mira, lead=city["dpupr"], supporting=[city["dlh"]])
    return c


def test_supporting_agency_posts_contribution(joint, dewi, adi):
    r = post_action(login(dewi), joint, "catatan", note="Truk sampah dikirim Kamis.")
    assert r.status_code == 302
    event = last_event(joint)
    assert (event.kind, event.is_public, event.agency.code) == (Event.Kind.NOTE, False, "dlh")
    html = login(adi).get(f"/kantor/aduan/{joint.code}/").content.decode()
    resolve_form = html.split('id="aksi-selesaikan"')[1].split("</details>")[0]
    assert "Kontribusi OPD pendukung" in resolve_form
    assert "Truk sampah dikirim Kamis." in resolve_form


@pytest.mark.parametrize(
    "action,data",
    [
        ("selesaikan", {"answer": "Jawaban DLH", "outcome": "ditangani"}),
        ("terima", {}),
        ("perkembangan", {"note": "Dari DLH"}),
        ("kembalikan", {"reason": "Bukan kami"}),
        ("minta-info", {"question": "Di mana?"}),
        ("tunda-anggaran", {"year": 2099, "plan": "x"}),
    ],
)
def test_only_the_lead_agency_speaks_to_the_citizen(joint, dewi, action, data):
    r = post_action(login(dewi), joint, action, **data)
    assert r.status_code == 403
    joint.refresh_from_db()
    assert joint.status == Status.DIDISPOSISIKAN
    assert joint.events.count() == 2


def test_lead_publishes_the_joint_answer(joint, adi, dewi, client):
    post_action(login(dewi), joint, "catatan", note="Sampah diangkut.")
    r = post_action(
        login(adi),
        joint,
        "selesaikan",
        answer="Jalan ditambal, sampah diangkut DLH.",
        outcome="ditangani",
    )
    assert r.status_code == 302
    joint.refresh_from_db()
    assert joint.status == Status.SELESAI
    page = client.get(f"/k/{joint.token}/").content.decode()
    assert "Jalan ditambal, sampah diangkut DLH." in page
    assert "Sampah diangkut." not in page
