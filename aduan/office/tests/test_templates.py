"""Response templates: per agency and category, safe placeholders, editable only by their owners."""

import pytest
from django.utils import timezone
from django.utils.formats import date_format

from aduan.core.models import Kind, Privacy, Status
from aduan.office.models import ResponseTemplate
from aduan.office.responses import render_text

from .conftest import login

pytestmark = pytest.mark.django_db


def test_render_text_fills_known_and_keeps_unknown():
    out = render_text(
        "Aduan {kode} di {kelurahan}: {lain} {kode}", {"kode": "K", "kelurahan": "Oro"}
    )
    assert out == "Aduan K di Oro: {lain} K"


@pytest.mark.parametrize(
    "body,expected",
    [
        # Attribute, index, conversion and format-spec fields are not placeholders.
        ("{kode.__class__.__mro__}", "{kode.__class__.__mro__}"),
        ("{kode[0]}", "{kode[0]}"),
        ("{kode!r}", "{kode!r}"),
        ("{kode:>30}", "{kode:>30}"),
        ("{0}", "{0}"),
        # Stray braces (str.format would raise) stay as written.
        ("{", "{"),
        ("}{", "}{"),
        ("{{kode}}", "{ADU}"),
    ],
)
def test_render_text_never_reaches_attributes_or_raises(body, expected):
    assert render_text(body, {"kode": "ADU"}) == expected


def test_placeholders_on_the_complaint_page(complaint_in, adi, city):
    c = complaint_in(Status.DIPROSES)
    t = ResponseTemplate.objects.create(
        agency=city["dpupr"],
        category=city["roads"],
        title="Jalan selesai",
        body="Yth. {nama_pelapor}, aduan {kode} di {kelurahan} ditangani {opd} pada {tanggal}. {x}",
    )
    html = login(adi).get(f"/kantor/aduan/{c.code}/?templat={t.pk}").content.decode()
    today = date_format(timezone.localdate(), "j F Y")
    form = html.split('id="aksi-selesaikan"')[1].split("</details>")[0]
    expected = (
        f"Yth. Budi Santoso, aduan {c.code} di Kauman ditangani Dinas Pekerjaan Umum "
        f"pada {today}. {{x}}"
    )
    assert expected in form


def test_templates_offered_by_agency_and_category(complaint_in, adi, city):
    c = complaint_in(Status.DIPROSES)
    ResponseTemplate.objects.create(
        agency=city["dpupr"], category=city["roads"], title="Jalan", body="a"
    )
    ResponseTemplate.objects.create(agency=city["dpupr"], title="Umum DPUPR", body="b")
    ResponseTemplate.objects.create(
        agency=city["dpupr"], category=city["waste"], title="Sampah", body="c"
    )
    ResponseTemplate.objects.create(agency=city["dlh"], title="Umum DLH", body="d")
    ResponseTemplate.objects.create(agency=city["dpupr"], title="Lama", body="e", is_active=False)
    html = login(adi).get(f"/kantor/aduan/{c.code}/").content.decode()
    picker = html.split('name="templat"')[1].split("</select>")[0]
    assert picker.index(">Jalan") < picker.index(">Umum DPUPR")
    for other in ("Sampah", "Umum DLH", "Lama"):
        assert other not in picker


def test_moderator_answers_directly_from_diskominfo_template(complaint_in, mira, city):
    c = complaint_in(Status.BARU, kind=Kind.INFORMASI)
    t = ResponseTemplate.objects.create(
        agency=city["kominfo"], title="Jam layanan", body="Aduan {kode}: buka 08.00, salam {opd}."
    )
    ResponseTemplate.objects.create(agency=city["dpupr"], title="Punya DPUPR", body="x")
    html = login(mira).get(f"/kantor/aduan/{c.code}/?templat={t.pk}").content.decode()
    form = html.split('id="aksi-jawab"')[1].split("</details>")[0]
    assert f"Aduan {c.code}: buka 08.00, salam Diskominfo." in form
    assert "Punya DPUPR" not in form


def test_foreign_template_id_is_ignored(complaint_in, adi, city):
    c = complaint_in(Status.DIPROSES)
    t = ResponseTemplate.objects.create(agency=city["dlh"], title="DLH", body="RAHASIA-DLH {kode}")
    html = login(adi).get(f"/kantor/aduan/{c.code}/?templat={t.pk}").content.decode()
    assert "RAHASIA-DLH" not in html


def test_anonymous_reporter_name_is_empty(complaint_in, mira, city):
    c = complaint_in(Status.BARU, privacy=Privacy.ANONIM, kind=Kind.INFORMASI)
    t = ResponseTemplate.objects.create(
        agency=city["kominfo"], title="T", body="Yth. [{nama_pelapor}]"
    )
    html = login(mira).get(f"/kantor/aduan/{c.code}/?templat={t.pk}").content.decode()
    assert "Yth. []" in html


# -- editing -------------------------------------------------------------------


def test_agency_creates_edits_and_deletes_its_own(adi, city):
    client = login(adi)
    r = client.post(
        "/kantor/templat/baru/",
        {"title": "Terima kasih", "body": "Aduan {kode} kami terima.", "is_active": "on"},
    )
    assert r.status_code == 302
    t = ResponseTemplate.objects.get()
    assert (t.agency, t.updated_by, t.category) == (city["dpupr"], adi, None)
    r = client.post(
        f"/kantor/templat/{t.pk}/",
        {"title": "Terima kasih", "body": "Baru {kode}", "category": city["roads"].pk},
    )
    assert r.status_code == 302
    t.refresh_from_db()
    assert (t.body, t.category, t.is_active) == ("Baru {kode}", city["roads"], False)
    assert "Terima kasih" in client.get("/kantor/templat/").content.decode()
    assert client.post(f"/kantor/templat/{t.pk}/hapus/").status_code == 302
    assert not ResponseTemplate.objects.exists()


def test_preview_uses_sample_values(adi):
    r = login(adi).post("/kantor/templat/baru/", {"title": "", "body": "Aduan {kode} {salah}"})
    assert r.status_code == 400
    assert "Aduan ADU-2611-0042 {salah}" in r.content.decode()


def test_duplicate_title_in_same_agency_is_refused(adi, dewi, city):
    ResponseTemplate.objects.create(agency=city["dpupr"], title="Salam", body="x")
    r = login(adi).post("/kantor/templat/baru/", {"title": "salam", "body": "y"})
    assert r.status_code == 400
    # Another agency may use the same title.
    assert (
        login(dewi).post("/kantor/templat/baru/", {"title": "Salam", "body": "y"}).status_code
        == 302
    )


def test_other_agencys_templates_are_404(adi, dewi, city):
    theirs = ResponseTemplate.objects.create(agency=city["dlh"], title="DLH", body="x")
    client = login(adi)
    assert "DLH" not in client.get("/kantor/templat/").content.decode().split("<main")[1]
    assert client.get(f"/kantor/templat/{theirs.pk}/").status_code == 404
    r = client.post(f"/kantor/templat/{theirs.pk}/", {"title": "Dibajak", "body": "y"})
    assert r.status_code == 404
    assert client.post(f"/kantor/templat/{theirs.pk}/hapus/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.title == "DLH"


def test_moderators_edit_the_diskominfo_templates(mira, city):
    r = login(mira).post("/kantor/templat/baru/", {"title": "Info", "body": "x", "is_active": "on"})
    assert r.status_code == 302
    assert ResponseTemplate.objects.get().agency == city["kominfo"]


def test_read_only_roles_have_no_templates(sekar, sari):
    for user in (sekar, sari):
        assert login(user).get("/kantor/templat/").status_code == 403


def test_delete_needs_post(adi, city):
    t = ResponseTemplate.objects.create(agency=city["dpupr"], title="T", body="x")
    assert login(adi).get(f"/kantor/templat/{t.pk}/hapus/").status_code == 405
