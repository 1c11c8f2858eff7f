"""What the public tracking page and the reporter's page disclose, planted value by value.

The public page renders ``disclosure.for_public`` only: personal data, redactions and
staff notes written for inside must not reach it, and of a complaint that is not listed
it shows nothing but the status. The reporter's page renders ``disclosure.for_reporter``.
"""

import pytest

from aduan.core import lifecycle
from aduan.core.models import Privacy, Redaction, Status
from aduan.lib.images import clean_image

NAME = "Rahmat Hidayat"
PHONE = "0813 9876 5432"
NIK = "3573014507900001"
EMAILS = ("rahmat.h@contoh.id", "rahmat at contoh dot id", "rahmat＠contoh.id")
HIDDEN = "rumah kuning nomor 13"
TEXT = (
    f"Saya {NAME}, NIK {NIK}, HP {PHONE}, surel {EMAILS[0]} atau {EMAILS[1]} atau "
    f"{EMAILS[2]}. Trotoar di depan {HIDDEN} retak panjang dan membahayakan pejalan kaki."
)
VERIFY_NOTE = "Sudah dicek duplikatnya, aman."
DISPATCH_NOTE = "Kontraktor lama bermasalah, tolong diawasi."
REJECT_NOTE = "Pelapor ini iseng, abaikan saja."


def planted(html: str) -> list[str]:
    """Every planted value that made it into ``html``."""
    found = [value for value in (NAME, PHONE, NIK, HIDDEN, *EMAILS) if value in html]
    # Parts of a value count too: a half-masked phone number is still a leak.
    found += [part for part in ("Hidayat", "9876", "5432", "rahmat") if part in html.lower()]
    return found


def public(client, complaint) -> str:
    response = client.get(f"/lacak/{complaint.code}/")
    assert response.status_code == 200
    return response.content.decode()


def private(client, complaint) -> str:
    response = client.get(f"/k/{complaint.token}/")
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def answered(make_complaint, city, mira, adi):
    """A listed complaint with personal data in its text, an update and its answer, a
    redaction, and notes meant for staff only."""
    complaint = make_complaint(text=TEXT)
    lifecycle.verify(complaint, mira, note=VERIFY_NOTE)
    lifecycle.dispatch(complaint, mira, lead=city["dpupr"], note=DISPATCH_NOTE)
    lifecycle.acknowledge(complaint, adi)
    lifecycle.post_update(
        complaint, adi, note=f"Pak {NAME} ({PHONE}), tim datang besok ke {HIDDEN}."
    )
    lifecycle.resolve(
        complaint, adi, answer=f"Trotoar sudah diperbaiki. Kabari {NAME} di {EMAILS[0]}."
    )
    Redaction.objects.create(
        complaint=complaint, text=HIDDEN, reason="Menunjuk rumah pelapor.", created_by=mira
    )
    return complaint


def test_listed_complaint_shows_its_masked_content(client, answered):
    html = public(client, answered)

    assert '<span class="badge status-selesai">' in html
    assert "retak panjang dan membahayakan pejalan kaki." in html
    assert "tim datang besok" in html
    assert "Trotoar sudah diperbaiki." in html
    assert "Dinas Pekerjaan Umum" in html
    assert "[telepon]" in html
    assert "[disamarkan]" in html


def test_planted_personal_data_and_redactions_never_shown(client, answered):
    assert planted(public(client, answered)) == []


def test_notes_for_staff_never_shown(client, answered):
    html = public(client, answered)
    for note in (VERIFY_NOTE, DISPATCH_NOTE):
        assert note not in html
    # The events themselves are public; only their notes stay inside.
    assert "Diverifikasi" in html
    assert "Didisposisikan" in html


def test_the_reporter_sees_the_full_text_but_no_staff_notes(client, answered):
    html = private(client, answered)
    assert TEXT in html
    assert f"Pak {NAME} ({PHONE}), tim datang besok ke {HIDDEN}." in html
    for note in (VERIFY_NOTE, DISPATCH_NOTE):
        assert note not in html


def test_no_private_token_on_the_public_page(client, answered):
    html = public(client, answered)
    assert answered.token not in html
    assert "/k/" not in html


def test_a_reject_note_is_shown_to_nobody(client, make_complaint, city, mira):
    complaint = make_complaint(text=TEXT)
    lifecycle.reject(complaint, mira, reason=city["spam"], note=REJECT_NOTE)

    html = public(client, complaint)
    assert REJECT_NOTE not in html
    assert planted(html) == []
    assert REJECT_NOTE not in private(client, complaint)


def _unlisted(status, complaint_in, jpeg):
    photo = [clean_image(jpeg())]
    if status == Privacy.RAHASIA:
        return complaint_in(Status.DIPROSES, privacy=Privacy.RAHASIA, text=TEXT, photos=photo)
    return complaint_in(status, text=TEXT, photos=photo)


@pytest.mark.parametrize("status", [Status.BARU, Status.DITOLAK, Status.DIGABUNG, Privacy.RAHASIA])
def test_unlisted_complaint_shows_its_status_only(client, complaint_in, jpeg, status):
    complaint = _unlisted(status, complaint_in, jpeg)

    html = public(client, complaint)

    assert complaint.code in html
    assert f'<span class="badge status-{complaint.status}">' in html
    assert "<dt>Diterima</dt>" in html
    assert "tidak ditampilkan untuk umum" in html
    assert planted(html) == []
    for shown_only_when_listed in (
        "retak panjang",  # the text
        "Jalan rusak",  # the category
        "Kauman",  # the kelurahan
        "Dinas Pekerjaan Umum",  # the agency
        "Pesan ini bukan aduan.",  # the rejection's explanation
        "Riwayat",  # the timeline
        "Perkiraan selesai",  # the expected date
        "/foto/",
        'class="photos"',
        "Pengaduan",  # the kind
    ):
        assert shown_only_when_listed not in html, shown_only_when_listed


def test_the_reporter_of_an_unlisted_complaint_sees_it_in_full(client, complaint_in, jpeg):
    complaint = _unlisted(Privacy.RAHASIA, complaint_in, jpeg)
    html = private(client, complaint)
    assert TEXT in html
    assert "Dinas Pekerjaan Umum" in html
    assert 'class="photos"' in html


def test_expected_date_shown_for_a_listed_complaint(client, complaint_in):
    html = public(client, complaint_in(Status.DIDISPOSISIKAN))
    assert "Perkiraan selesai paling lambat" in html


def test_track_still_finds_an_unlisted_code(client, complaint_in):
    complaint = complaint_in(Status.DITOLAK)
    response = client.get("/lacak/", {"kode": complaint.code})
    assert response.status_code == 302
    assert response["Location"] == f"/lacak/{complaint.code}/"
