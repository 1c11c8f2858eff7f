"""The staff complaint page: timeline, reporter identity, contact log, related complaints."""

from datetime import timedelta

import pytest
from django.utils import timezone

from aduan.core import lifecycle
from aduan.core.models import Event, Privacy, Status

from .conftest import login

pytestmark = pytest.mark.django_db


def page(user, complaint):
    return login(user).get(f"/kantor/aduan/{complaint.code}/")


def test_timeline_marks_public_and_internal(complaint_in, adi, mira):
    c = complaint_in(Status.DIPROSES)
    lifecycle.post_update(c, adi, note="Catatan rahasia tim", public=False)
    html = page(mira, c).content.decode()
    internal = html.split("Catatan rahasia tim")[0].rsplit("<li", 1)[1]
    assert 'class="office-internal"' in internal
    assert "Internal" in internal
    created = html.split("Aduan diterima")[0].rsplit("<li", 1)[1]
    assert 'class="office-public"' in created


def test_other_agency_gets_404(complaint_in, dewi):
    c = complaint_in(Status.DIDISPOSISIKAN)
    assert page(dewi, c).status_code == 404


def test_agency_does_not_see_complaints_not_dispatched_to_it(complaint_in, adi):
    c = complaint_in(Status.BARU)
    assert page(adi, c).status_code == 404


def test_unknown_code_is_404_like_another_agencys(mira):
    assert page(mira, type("C", (), {"code": "ADU-0101-0001"})).status_code == 404


def test_anonymous_reporter_never_in_agency_html(complaint_in, adi, kurnia):
    c = complaint_in(
        Status.DIPROSES,
        privacy=Privacy.ANONIM,
        reporter_name="Siti Rahmawati",
        reporter_phone="+6281299998888",
        reporter_email="siti@example.com",
    )
    for user in (adi, kurnia):
        html = page(user, c).content.decode()
        assert "Siti" not in html
        assert "Rahmawati" not in html
        assert "81299998888" not in html
        assert "siti@example.com" not in html
        assert "Tampilkan kontak" not in html
        assert "memilih anonim" in html
        r = login(user).post(f"/kantor/aduan/{c.code}/kontak/")
        assert r.status_code == 403
        assert "81299998888" not in r.content.decode()
    assert not c.events.filter(kind=Event.Kind.CONTACT_VIEWED).exists()


def test_anonymous_reporter_not_in_inbox_or_template_answer(complaint_in, adi):
    from aduan.office.models import ResponseTemplate

    c = complaint_in(Status.DIPROSES, privacy=Privacy.ANONIM, reporter_name="Siti Rahmawati")
    t = ResponseTemplate.objects.create(
        agency=adi.agency, title="Salam", body="Yth. {nama_pelapor}, aduan {kode} selesai."
    )
    html = login(adi).get(f"/kantor/aduan/{c.code}/?templat={t.pk}").content.decode()
    assert f"Yth. , aduan {c.code} selesai." in html
    assert "Siti" not in html
    assert "Siti" not in login(adi).get("/kantor/opd/").content.decode()


def test_moderator_sees_anonymous_reporter_name(complaint_in, mira):
    c = complaint_in(Status.BARU, privacy=Privacy.ANONIM, reporter_name="Siti Rahmawati")
    html = page(mira, c).content.decode()
    assert "Siti Rahmawati" in html
    assert "identitas hanya untuk moderator" in html


def test_contact_hidden_until_show_contact_post_which_is_logged(complaint_in, adi):
    c = complaint_in(Status.DIPROSES, reporter_phone="+6281277776666")
    html = page(adi, c).content.decode()
    assert "Budi Santoso" in html
    assert "81277776666" not in html
    assert "Tampilkan kontak" in html
    r = login(adi).post(f"/kantor/aduan/{c.code}/kontak/")
    assert r.status_code == 200
    assert "+6281277776666" in r.content.decode()
    event = c.events.get(kind=Event.Kind.CONTACT_VIEWED)
    assert (event.actor, event.is_public, event.agency) == (adi, False, adi.agency)
    # The log entry shows on the timeline for everyone on the case.
    assert "Kontak pelapor dilihat" in page(adi, c).content.decode()


def test_show_contact_get_is_405(complaint_in, mira):
    c = complaint_in(Status.BARU)
    assert login(mira).get(f"/kantor/aduan/{c.code}/kontak/").status_code == 405


def test_leader_sees_page_but_not_reporter_or_forms(complaint_in, sekar):
    c = complaint_in(Status.DIPROSES)
    r = page(sekar, c)
    assert r.status_code == 200
    html = r.content.decode()
    assert "Budi Santoso" not in html
    assert '<form method="post" action="/kantor/aduan/' not in html
    assert "Tidak ada tindakan" in html
    assert login(sekar).post(f"/kantor/aduan/{c.code}/kontak/").status_code == 403


def test_possible_duplicates_same_category_kelurahan_open_30_days(make_complaint, mira, city):
    c = make_complaint()
    twin = make_complaint(text="Lubang di jalan dekat pasar makin besar.")
    old = make_complaint(at=timezone.now() - timedelta(days=45))
    other_place = make_complaint(kelurahan=city["gadang"])
    other_category = make_complaint(category=city["waste"])
    closed = make_complaint()
    lifecycle.reject(closed, mira, reason=city["spam"])
    html = page(mira, c).content.decode()
    related = html.split("Aduan terkait")[1]
    similar = related.split("Dari nomor telepon yang sama")[0]
    assert twin.code in similar
    assert other_place.code not in similar
    assert other_category.code not in similar
    assert closed.code not in similar
    assert old.code not in similar


def test_same_reporter_phone_only_for_those_who_may_see_reporter(make_complaint, mira, adi, city):
    first = make_complaint(category=city["waste"], reporter_phone="+6281211112222")
    second = make_complaint(reporter_phone="+6281211112222", privacy=Privacy.ANONIM)
    lifecycle.dispatch(first, mira, lead=city["dpupr"])
    lifecycle.dispatch(second, mira, lead=city["dpupr"])
    html = page(mira, second).content.decode()
    assert "Dari nomor telepon yang sama" in html
    assert first.code in html.split("Dari nomor telepon yang sama")[1]
    # For the agency the anonymous complaint must not be tied to the reporter's other ones.
    assert "Dari nomor telepon yang sama" not in page(adi, second).content.decode()


def test_deadline_shown_as_text(complaint_in, mira):
    c = complaint_in(Status.BARU)
    due = timezone.now() - timedelta(hours=2)
    type(c).objects.filter(pk=c.pk).update(due_stage="dispatch", due_at=due)
    html = page(mira, c).content.decode()
    facts = html.split("<dt>Tenggat</dt>")[1].split("</dd>")[0]
    assert "Disposisi" in facts
    assert "terlambat 2 jam" in facts


def test_actions_offered_follow_role_and_status(complaint_in, mira, adi):
    c = complaint_in(Status.BARU)
    html = page(mira, c).content.decode()
    for action in ("disposisi", "tolak", "gabung", "koreksi", "minta-info"):
        assert f'id="aksi-{action}"' in html
    assert 'id="aksi-selesaikan"' not in html
    d = complaint_in(Status.DIDISPOSISIKAN)
    html = page(adi, d).content.decode()
    for action in ("terima", "selesaikan", "kembalikan", "catatan", "tugaskan"):
        assert f'id="aksi-{action}"' in html
    for action in ("disposisi", "tolak", "koreksi"):
        assert f'id="aksi-{action}"' not in html


def test_every_form_carries_the_version(complaint_in, mira):
    c = complaint_in(Status.BARU)
    html = page(mira, c).content.decode()
    forms = html.count('action="/kantor/aduan/' + c.code + "/")
    versions = html.count(f'name="version" value="{c.version}"')
    assert forms >= 5
    # The contact form is the only one without a version: it changes nothing.
    assert versions == forms - 1
