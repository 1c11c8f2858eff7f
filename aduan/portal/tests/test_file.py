"""Filing a complaint on the web: /aduan/baru/."""

import io
import re
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from PIL import Image

from aduan.core.models import Attachment, Complaint, Event, Status

from .conftest import events, form_values, outbox, png_declaring, upload

URL = "/aduan/baru/"


def error_summary(response) -> str:
    html = response.content.decode()
    match = re.search(r'<div class="error-summary".*?</div>', html, re.S)
    assert match, "the page has no error summary"
    return match.group(0)


# -- the empty form ------------------------------------------------------------


def test_form_offers_kelurahan_grouped_by_kecamatan(client, city):
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<optgroup label="Kec. Klojen">' in html
    assert '<optgroup label="Kec. Sukun">' in html
    assert ">Oro-oro Dowo</option>" in html
    values = form_values(html, "submission_key")
    assert re.fullmatch(r"[0-9a-f]{32}", values["submission_key"])
    assert values["kind"] == "pengaduan"
    assert values["privacy"] == "publik"


def test_each_visit_gets_its_own_submission_key(client, city):
    first = form_values(client.get(URL).content.decode(), "submission_key")
    second = form_values(client.get(URL).content.decode(), "submission_key")
    assert first["submission_key"] != second["submission_key"]


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_other_methods_are_refused(client, city, method):
    assert getattr(client, method)(URL).status_code == 405


# -- the happy path --------------------------------------------------------------


def test_valid_complaint_is_filed_and_reporter_gets_its_code(client, filing, city):
    response = client.post(URL, filing())

    complaint = Complaint.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/aduan/terkirim/{complaint.token}/"
    period = timezone.localdate().strftime("%y%m")
    assert re.fullmatch(rf"ADU-{period}-\d{{4}}", complaint.code)
    assert complaint.status == Status.BARU
    assert complaint.channel == "web"
    assert complaint.reporter_phone == "+6281234567890"
    assert complaint.reporter_email == "siti@contoh.id"
    assert complaint.kelurahan == city["oro"]
    assert complaint.kecamatan == city["klojen"]
    assert complaint.address == "Jl. Kawi depan SD Negeri 2"
    assert events(complaint, Event.Kind.CREATED) == 1
    assert complaint.events.count() == 1
    [sms] = outbox(complaint)
    assert sms.channel == "sms"
    assert sms.recipient == "+6281234567890"
    assert complaint.code in sms.body

    page = client.get(response["Location"])
    assert page.status_code == 200
    assert complaint.code in page.content.decode()


def test_retried_submission_creates_nothing_and_lands_on_the_same_page(client, filing):
    data = filing()
    first = client.post(URL, data)
    second = client.post(URL, data)

    assert Complaint.objects.count() == 1
    assert second.status_code == 302
    assert second["Location"] == first["Location"]
    complaint = Complaint.objects.get()
    assert complaint.events.count() == 1
    assert len(outbox(complaint)) == 1


def test_tampered_submission_key_is_replaced_not_used_as_a_path(client, filing):
    response = client.post(URL, filing(submission_key="../../etc/passwd"))
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert re.fullmatch(r"[0-9a-f]{32}", complaint.submission_key)


def test_category_and_location_pin_are_kept(client, filing, city):
    client.post(
        URL,
        filing(category=str(city["roads"].pk), latitude="-7.966620", longitude="112.632632"),
    )
    complaint = Complaint.objects.get()
    assert complaint.category == city["roads"]
    assert str(complaint.latitude) == "-7.966620"
    assert str(complaint.longitude) == "112.632632"


def test_anonymous_complaint_without_contact_is_accepted(client, filing):
    response = client.post(
        URL,
        filing(privacy="anonim", reporter_name="", reporter_phone="", reporter_email=""),
    )
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert complaint.privacy == "anonim"
    assert (complaint.reporter_name, complaint.reporter_phone, complaint.reporter_email) == (
        "",
        "",
        "",
    )
    assert outbox(complaint) == []
    page = client.get(response["Location"]).content.decode()
    assert complaint.code in page
    assert "lewat SMS ke nomor Anda" not in page


def test_email_only_reporter_is_told_by_email(client, filing):
    client.post(URL, filing(reporter_phone=""))
    complaint = Complaint.objects.get()
    [mail] = outbox(complaint)
    assert (mail.channel, mail.recipient) == ("email", "siti@contoh.id")
    assert complaint.code in mail.body


# -- validation: nothing the citizen typed is lost --------------------------------


def test_error_keeps_everything_typed_and_names_the_field(client, filing, city):
    data = filing(
        text="Jalan <rusak>",  # too short, and must come back escaped, not as markup
        kind="aspirasi",
        privacy="anonim",
        kelurahan=str(city["gadang"].pk),
        category=str(city["waste"].pk),
        latitude="-7.99",
        longitude="112.63",
    )
    response = client.post(URL, data)

    assert response.status_code == 400
    assert Complaint.objects.count() == 0
    html = response.content.decode()
    assert "<rusak>" not in html
    echoed = form_values(html, "submission_key")
    for name in (
        "submission_key",
        "kind",
        "text",
        "category",
        "kelurahan",
        "address",
        "latitude",
        "longitude",
        "privacy",
        "reporter_name",
        "reporter_phone",
        "reporter_email",
    ):
        assert echoed[name] == data[name], name
    summary = error_summary(response)
    assert "Apa yang ingin Anda sampaikan?" in summary
    assert "Isi aduan terlalu pendek" in summary
    assert 'href="#id_text"' in summary


def test_resubmitting_the_corrected_page_files_once(client, filing):
    data = filing(text="Terlalu pendek")
    first = client.post(URL, data)
    resent = form_values(first.content.decode(), "submission_key")
    resent["text"] = "Terlalu pendek, lampu jalan mati di depan sekolah."
    second = client.post(URL, resent)
    assert second.status_code == 302
    complaint = Complaint.objects.get()
    assert complaint.submission_key == data["submission_key"]
    assert complaint.reporter_phone == "+6281234567890"


def test_named_complaint_needs_a_name_and_a_contact(client, filing):
    response = client.post(URL, filing(reporter_name="", reporter_phone="", reporter_email=""))
    assert response.status_code == 400
    assert Complaint.objects.count() == 0
    summary = error_summary(response)
    assert "Nama wajib diisi, kecuali Anda memilih aduan anonim." in summary
    assert "Isi nomor HP atau e-mail agar kami dapat mengabari Anda" in summary


def test_required_kelurahan(client, filing):
    response = client.post(URL, filing(kelurahan=""))
    assert response.status_code == 400
    assert "Pilih kelurahan lokasi masalah." in error_summary(response)


@pytest.mark.parametrize(
    ("field", "value", "message", "echoed"),
    [
        (
            "reporter_phone",
            "12345",
            "Nomor HP tidak valid. Contoh yang benar: 0812 3456 7890.",
            "12345",
        ),
        ("reporter_email", "siti@", "Alamat e-mail tidak valid", "siti@"),
        ("latitude", "40.0", "Lintang", "40.0"),
        # A value that is not among the choices cannot be shown selected.
        ("kelurahan", "999999", "Kelurahan", ""),
        ("kind", "gosip", "Jenis", None),
        ("privacy", "semua", "Siapa yang boleh melihat aduan ini?", None),
    ],
)
def test_bad_values_are_refused_with_the_field_named(client, filing, field, value, message, echoed):
    response = client.post(URL, filing(**{field: value}))
    assert response.status_code == 400
    assert Complaint.objects.count() == 0
    assert message in error_summary(response)
    assert form_values(response.content.decode(), "submission_key").get(field) == echoed


def test_half_a_location_pin_is_refused(client, filing):
    response = client.post(URL, filing(latitude="-7.97", longitude=""))
    assert response.status_code == 400
    assert "Isi lintang dan bujur sekaligus" in error_summary(response)


def test_invalid_phone_does_not_also_claim_contact_is_missing(client, filing):
    response = client.post(URL, filing(reporter_phone="0000", reporter_email=""))
    summary = error_summary(response)
    assert "Nomor HP tidak valid" in summary
    assert "Isi nomor HP atau e-mail" not in summary


# -- photos ------------------------------------------------------------------------


def stored_image(attachment: Attachment) -> Image.Image:
    with attachment.file.open("rb") as fh:
        image = Image.open(io.BytesIO(fh.read()))
        image.load()
    return image


def test_photo_is_stored_without_exif_or_gps(client, filing, jpeg):
    original = jpeg(exif_gps=True)
    assert 0x8825 in Image.open(io.BytesIO(original)).getexif()  # the test photo has GPS

    response = client.post(URL, filing(photos=[upload(original, "IMG_0001.jpg")]))

    assert response.status_code == 302
    [attachment] = Complaint.objects.get().attachments.all()
    image = stored_image(attachment)
    assert image.format == "JPEG"
    assert 0x8825 not in image.getexif()
    assert len(image.getexif()) == 0
    assert (attachment.width, attachment.height) == (64, 48)


def test_text_file_renamed_as_jpg_is_refused(client, filing):
    fake = upload(b"#!/bin/sh\necho gotcha\n", "foto-jalan.jpg")
    response = client.post(URL, filing(photos=[fake]))
    assert response.status_code == 400
    assert Complaint.objects.count() == 0
    summary = error_summary(response)
    assert "foto-jalan.jpg: Berkas bukan foto. Kirim foto berformat JPG, PNG atau WebP." in summary


def test_six_photos_are_refused(client, filing, jpeg):
    photos = [upload(jpeg(), f"foto{i}.jpg") for i in range(6)]
    response = client.post(URL, filing(photos=photos))
    assert response.status_code == 400
    assert "Paling banyak 5 foto per aduan." in error_summary(response)
    assert Complaint.objects.count() == 0


def test_five_photos_are_accepted(client, filing, jpeg):
    photos = [upload(jpeg(), f"foto{i}.jpg") for i in range(5)]
    assert client.post(URL, filing(photos=photos)).status_code == 302
    assert Complaint.objects.get().attachments.count() == 5


@pytest.mark.parametrize(
    ("width", "height", "message"),
    [
        # Above our 40 MP limit but below Pillow's own bomb guard: our header check refuses it.
        (8000, 8000, "Resolusi foto terlalu besar."),
        # Far above Pillow's guard: refused while opening, before any pixel is decoded.
        (100_000, 100_000, "Berkas bukan foto."),
    ],
)
def test_decompression_bomb_is_refused(client, filing, width, height, message):
    bomb = png_declaring(width, height)
    assert len(bomb) < 200
    response = client.post(URL, filing(photos=[upload(bomb, "peta.png", "image/png")]))
    assert response.status_code == 400
    assert f"peta.png: {message}" in error_summary(response)
    assert Complaint.objects.count() == 0


def test_good_photo_of_a_failed_submission_is_kept_and_attached(client, filing, jpeg):
    data = filing(text="pendek")
    first = client.post(URL, {**data, "photos": [upload(jpeg(size=(80, 60)), "a.jpg")]})
    assert first.status_code == 400
    assert "1 foto sudah tersimpan dan akan ikut terkirim." in first.content.decode()
    pending = Path(settings.MEDIA_ROOT) / "pending" / data["submission_key"]
    assert len(list(pending.iterdir())) == 1

    second = client.post(URL, {**data, "text": "Lampu jalan mati di depan SD, gelap sekali."})

    assert second.status_code == 302
    [attachment] = Complaint.objects.get().attachments.all()
    assert (attachment.width, attachment.height) == (80, 60)
    assert stored_image(attachment).size == (80, 60)
    assert not pending.exists()


def test_good_photo_is_kept_when_another_is_refused(client, filing, jpeg):
    data = filing()
    first = client.post(
        URL,
        {**data, "photos": [upload(jpeg(), "baik.jpg"), upload(b"bukan foto", "buruk.jpg")]},
    )
    assert first.status_code == 400
    html = first.content.decode()
    assert "buruk.jpg: Berkas bukan foto." in html
    assert "1 foto sudah tersimpan" in html

    assert client.post(URL, data).status_code == 302
    assert Complaint.objects.get().attachments.count() == 1


def test_stashed_photos_count_towards_the_limit(client, filing, jpeg):
    data = filing(text="pendek")
    # Different photos: the same one chosen again is kept once (test_stash_dedupe.py).
    client.post(
        URL, {**data, "photos": [upload(jpeg(size=(64 + i, 48)), f"{i}.jpg") for i in range(4)]}
    )
    response = client.post(
        URL,
        {
            **data,
            "text": "Lampu jalan mati di depan SD, gelap sekali.",
            "photos": [upload(jpeg(size=(90, 48)), "x.jpg"), upload(jpeg(size=(91, 48)), "y.jpg")],
        },
    )
    assert response.status_code == 400
    assert "Paling banyak 5 foto per aduan." in error_summary(response)
    assert Complaint.objects.count() == 0


def test_another_forms_stash_is_not_attached(client, filing, jpeg):
    stale = filing(text="pendek")
    client.post(URL, {**stale, "photos": [upload(jpeg(), "a.jpg")]})
    client.post(URL, filing(submission_key=uuid.uuid4().hex))
    assert Complaint.objects.get().attachments.count() == 0


# -- markup that assistive technology and phones rely on -----------------------------


def test_hints_and_errors_are_announced_with_their_field(client, filing):
    html = client.post(URL, filing(text="pendek", reporter_phone="12")).content.decode()
    ids = re.findall(r'\sid="([^"]+)"', html)
    duplicates = {i for i in ids if ids.count(i) > 1}
    assert not duplicates
    described = re.findall(r'aria-describedby="([^"]+)"', html)
    assert described
    for references in described:
        for ref in references.split():
            assert ref in ids, f"aria-describedby points to missing #{ref}"
    assert 'aria-describedby="id_text_helptext id_text_error"' in html
    assert re.search(r'<div id="id_text_error"><p class="error">Isi aduan terlalu pendek', html)


def test_fields_bring_up_the_right_phone_keyboard(client, city):
    html = client.get(URL).content.decode()
    assert re.search(r'<input type="tel" name="reporter_phone"[^>]*autocomplete="tel"', html)
    assert re.search(r'<input type="email" name="reporter_email"[^>]*autocomplete="email"', html)
    assert re.search(r'<input type="file" name="photos"[^>]*accept="image/\*"', html)
