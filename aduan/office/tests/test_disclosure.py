"""What staff see of a complaint: the staff projection on every back-office surface.

An anonymous reporter who names themselves in the text stays unnamed for agency staff on
the complaint page, in the inbox and in their notification e-mail; moderators see
everything but the contact, which opens only through the logged "show contact"; photos
are staff URLs; office templates never decide privacy or status themselves.
"""

import re
from pathlib import Path

import pytest

from aduan.core import lifecycle
from aduan.core.models import Event, OutboundMessage, Privacy, Status
from aduan.lib.images import clean_image

from .conftest import login

pytestmark = pytest.mark.django_db

TEXT = "saya Budi Santoso warga Dinoyo, hub 081234567890"
CONTACT_PHONE = "+6285711112222"
CONTACT_EMAIL = "pelapor.dinoyo@example.com"
NOTE = "Sudah dikonfirmasi lewat telepon dengan Pak Budi Santoso di 081234567890."
# Whatever could name the reporter, as written or as stored.
LEAKS = ["Budi", "Santoso", "081234567890", "81234567890", "85711112222", "pelapor.dinoyo"]


def leaks_in(html: str) -> list[str]:
    return [value for value in LEAKS if value in html]


def row_of(html: str, code: str) -> str:
    """The table row of one complaint in a staff list."""
    rows = [part.split("</tr>")[0] for part in html.split("<tr") if code in part]
    assert len(rows) == 1, code
    return rows[0]


@pytest.fixture
def anonymous(make_complaint, mira, adi, kurnia, city, jpeg):
    """An anonymous complaint naming its reporter, dispatched to DPUPR, with a note that
    names them too and a photo; the agency's staff have e-mail addresses."""
    for user in (adi, kurnia):
        user.email = f"{user.username}@kota.test"
        user.save()
    c = make_complaint(
        text=TEXT,
        privacy=Privacy.ANONIM,
        reporter_name="Budi Santoso",
        reporter_phone=CONTACT_PHONE,
        reporter_email=CONTACT_EMAIL,
        photos=[clean_image(jpeg())],
    )
    lifecycle.verify(c, mira, note=NOTE)
    lifecycle.dispatch(c, mira, lead=city["dpupr"])
    return c


def page(user, complaint):
    return login(user).get(f"/kantor/aduan/{complaint.code}/")


def test_agency_staff_never_see_the_self_named_anonymous_reporter(anonymous, adi, kurnia):
    for user in (adi, kurnia):
        r = page(user, anonymous)
        assert r.status_code == 200
        html = r.content.decode()
        assert leaks_in(html) == []
        # The complaint itself is there, the name and number masked out of it and the note.
        assert "warga Dinoyo" in html
        assert "Sudah dikonfirmasi lewat telepon" in html
        assert "[nama]" in html and "[telepon]" in html
        assert "memilih anonim" in html
        assert "Tampilkan kontak" not in html


def test_agency_inbox_row_masks_the_self_named_anonymous_reporter(anonymous, adi):
    html = login(adi).get("/kantor/opd/").content.decode()
    row = row_of(html, anonymous.code)
    assert "warga Dinoyo" in row
    assert "Anonim" in row
    assert leaks_in(html) == []


def test_agency_notification_mail_masks_the_self_named_anonymous_reporter(anonymous, adi):
    mail = OutboundMessage.objects.get(channel="email", recipient="adi@kota.test")
    assert "warga Dinoyo" in mail.body
    assert leaks_in(mail.body) == []
    note = adi.notifications.get()
    assert "warga Dinoyo" in note.text
    assert leaks_in(note.text) == []


def test_agency_dispute_notification_masks_the_anonymous_reporter(anonymous, adi, client):
    lifecycle.acknowledge(anonymous, adi)
    lifecycle.resolve(anonymous, adi, answer="Lubang sudah ditambal.")
    OutboundMessage.objects.filter(channel="email").delete()
    r = client.post(
        f"/k/{anonymous.token}/bantah/", {"reason": "Budi Santoso masih jatuh di lubang itu."}
    )
    assert r.status_code in (200, 302)
    mail = OutboundMessage.objects.get(channel="email", recipient="adi@kota.test")
    assert "masih jatuh di lubang itu" in mail.body
    assert leaks_in(mail.body) == []


def test_confidential_dispute_stays_out_of_mail(complaint_in, adi, client):
    adi.email = "adi@kota.test"
    adi.save()
    c = complaint_in(Status.SELESAI, privacy=Privacy.RAHASIA)
    client.post(f"/k/{c.token}/bantah/", {"reason": "Pungli di loket masih terjadi."})
    mail = OutboundMessage.objects.get(
        channel="email", recipient="adi@kota.test", body__contains="membantah"
    )
    assert c.code in mail.body
    assert "Pungli" not in mail.body


def test_moderator_sees_text_in_full_and_contact_only_after_show_contact(anonymous, mira):
    html = page(mira, anonymous).content.decode()
    assert TEXT in html
    assert NOTE in html
    assert "Budi Santoso" in html.split('id="pelapor"')[1]
    assert CONTACT_PHONE not in html and CONTACT_EMAIL not in html
    assert "Tampilkan kontak" in html
    assert not anonymous.events.filter(kind=Event.Kind.CONTACT_VIEWED).exists()
    r = login(mira).post(f"/kantor/aduan/{anonymous.code}/kontak/")
    assert r.status_code == 200
    shown = r.content.decode()
    assert CONTACT_PHONE in shown and CONTACT_EMAIL in shown
    event = anonymous.events.get(kind=Event.Kind.CONTACT_VIEWED)
    assert (event.actor, event.is_public) == (mira, False)


def test_other_agency_gets_404_for_page_and_photo(anonymous, adi, dewi):
    assert page(dewi, anonymous).status_code == 404
    photo = anonymous.attachments.get()
    url = f"/kantor/foto/{photo.public_id}/"
    assert login(dewi).get(url).status_code == 404
    assert login(adi).get(url).status_code == 200


def test_photos_on_the_staff_page_are_staff_urls(anonymous, mira, adi):
    photo = anonymous.attachments.get()
    for user in (mira, adi):
        html = page(user, anonymous).content.decode()
        # The page shows the small size and links the display size, never the original.
        assert f'src="/kantor/foto/{photo.public_id}/?ukuran=kecil"' in html
        assert f'href="/kantor/foto/{photo.public_id}/?ukuran=sedang"' in html
        assert "/media/" not in html
        assert photo.file.name not in html


def test_event_photos_are_staff_urls(complaint_in, adi, jpeg):
    c = complaint_in(Status.DIPROSES)
    lifecycle.post_update(c, adi, note="Survei lokasi.", photos=[clean_image(jpeg())])
    photo = c.attachments.get(event__isnull=False)
    html = page(adi, c).content.decode()
    timeline = html.split("Linimasa")[1]
    assert f'src="/kantor/foto/{photo.public_id}/?ukuran=kecil"' in timeline
    assert "/media/" not in html


def test_leader_sees_the_anonymous_complaint_masked(anonymous, sekar):
    html = page(sekar, anonymous).content.decode()
    assert "warga Dinoyo" in html
    assert leaks_in(html) == []
    overview = login(sekar).get("/kantor/semua/").content.decode()
    assert "warga Dinoyo" in overview
    assert leaks_in(overview) == []


def test_confidential_summary_only_in_the_lists_of_those_who_handle_it(
    make_complaint, mira, adi, sekar, city
):
    c = make_complaint(privacy=Privacy.RAHASIA, text="Dugaan pungli di loket kelurahan.")
    queue = login(mira).get("/kantor/antrean/").content.decode()
    assert "Dugaan pungli" in queue
    assert "Rahasia" in row_of(queue, c.code)
    lifecycle.dispatch(c, mira, lead=city["dpupr"])
    assert "Dugaan pungli" in login(adi).get("/kantor/opd/").content.decode()
    overview = login(sekar).get("/kantor/semua/").content.decode()
    assert c.code in overview
    assert "Dugaan pungli" not in overview
    assert "<em>Rahasia</em>" in row_of(overview, c.code)


def test_public_complaint_row_has_no_privacy_flag(complaint_in, adi):
    c = complaint_in(Status.DIPROSES)
    row = row_of(login(adi).get("/kantor/opd/").content.decode(), c.code)
    for label in ("Publik", "Anonim", "Rahasia"):
        assert label not in row


def test_possible_duplicates_summaries_come_from_the_projection(make_complaint, mira, adi, city):
    shown = make_complaint()
    twin = make_complaint(privacy=Privacy.ANONIM, text=TEXT)
    secret = make_complaint(privacy=Privacy.RAHASIA, text="Dugaan pungli di loket kelurahan.")
    for c in (shown, twin, secret):
        lifecycle.dispatch(c, mira, lead=city["dpupr"])
    related = page(adi, shown).content.decode().split("Aduan terkait")[1]
    assert twin.code in related and secret.code in related
    assert "warga Dinoyo" in related
    assert leaks_in(related) == []
    assert "pungli" not in related


def test_look_alike_filed_openly_does_not_name_the_anonymous_reporter(
    anonymous, make_complaint, mira, adi, city
):
    # The same person filed the same thing openly: their own name is fine on that one,
    # not right beside the anonymous complaint.
    open_twin = make_complaint(text=TEXT, reporter_name="Budi Santoso")
    lifecycle.dispatch(open_twin, mira, lead=city["dpupr"])
    html = page(adi, anonymous).content.decode()
    related = html.split("Aduan terkait")[1]
    assert open_twin.code in related and "warga Dinoyo" in related
    assert leaks_in(html) == []
    assert "Budi Santoso" in page(adi, open_twin).content.decode()


def test_same_phone_list_never_ties_an_anonymous_complaint_to_a_named_one(
    make_complaint, mira, adi, city
):
    named = make_complaint(reporter_phone="+6281211112222")
    hidden = make_complaint(
        reporter_phone="+6281211112222", privacy=Privacy.ANONIM, category=city["waste"]
    )
    other = make_complaint(reporter_phone="+6281211112222", category=city["waste"])
    for c in (named, hidden, other):
        lifecycle.dispatch(c, mira, lead=city["dpupr"])
    same = page(adi, named).content.decode().split("Dari nomor telepon yang sama")[1]
    assert other.code in same
    assert hidden.code not in same
    # Moderators may see every reporter: for them the link stays.
    assert hidden.code in page(mira, named).content.decode().split("Dari nomor telepon yang")[1]


def test_answer_template_never_names_an_anonymous_reporter_even_for_moderators(
    make_complaint, mira
):
    from aduan.office.models import ResponseTemplate

    c = make_complaint(privacy=Privacy.ANONIM, text=TEXT)
    t = ResponseTemplate.objects.create(
        agency=mira.agency, title="Salam", body="Yth. {nama_pelapor}, aduan {kode} dijawab."
    )
    form = (
        login(mira)
        .get(f"/kantor/aduan/{c.code}/?templat={t.pk}")
        .content.decode()
        .split('id="aksi-jawab"')[1]
        .split("</details>")[0]
    )
    assert f"Yth. , aduan {c.code} dijawab." in form


# -- the templates themselves ---------------------------------------------------------

TEMPLATES = Path(__file__).resolve().parents[1] / "templates" / "office"
_VALUES = "|".join(re.escape(v) for v in [*Status.values, *Privacy.values])
# A comparison with a privacy or status value, or on a privacy or status field.
PRIVACY_OR_STATUS_TEST = re.compile(
    rf"""(==|!=|\bin)\s*["']({_VALUES})["']|["']({_VALUES})["']\s*(==|!=)"""
    r"|\b\w*(privacy|status)\s*(==|!=)|is_anonymous"
)
# Content reaches a page through the projection only, photos through its staff URLs.
RAW_CONTENT = re.compile(
    r"complaint\.(text|answer|address|reporter_|token|latitude|longitude|budget_plan)"
    r"|\.file\.url|\.summary\b"
)


def office_templates():
    found = sorted(TEMPLATES.glob("*.html"))
    assert len(found) > 10
    return found


def test_pattern_catches_the_old_template_tests():
    for old in (
        '{% if c.privacy == "rahasia" and not show_secret %}',
        '{% if complaint.privacy != "publik" %}',
        "{% if e.from_status != e.to_status %}",
        '{% if "selesai" == c.status %}',
        "{% if complaint.is_anonymous %}",
    ):
        assert PRIVACY_OR_STATUS_TEST.search(old), old
    for old in ('<img src="{{ a.file.url }}">', "{{ complaint.text }}", "{{ c.summary }}"):
        assert RAW_CONTENT.search(old), old


@pytest.mark.parametrize("path", office_templates(), ids=lambda p: p.name)
def test_no_office_template_tests_privacy_or_status(path):
    source = path.read_text()
    assert PRIVACY_OR_STATUS_TEST.findall(source) == []


@pytest.mark.parametrize("path", office_templates(), ids=lambda p: p.name)
def test_no_office_template_reads_content_past_the_projection(path):
    source = path.read_text()
    assert RAW_CONTENT.findall(source) == []
