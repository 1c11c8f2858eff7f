"""Thumbnails (?ukuran=kecil) and display sizes (?ukuran=sedang) of stored photos:
made when a photo is accepted, served through the same access checks as the original."""

import io

import pytest
from django.test import Client
from PIL import Image

from aduan.core import lifecycle
from aduan.core.models import Privacy, Status
from aduan.lib import images
from aduan.lib.images import clean_image
from conftest import PASSWORD, image_bytes


def big_photo():
    return clean_image(image_bytes(size=(2000, 1500)))


def stored(complaint):
    attachment = complaint.attachments.get(event__isnull=True)
    storage = attachment.file.storage
    return attachment, storage


def decoded(response):
    return Image.open(io.BytesIO(b"".join(response.streaming_content)))


@pytest.fixture
def photographed(complaint_in):
    def make(status=Status.DIPROSES, **overrides):
        return complaint_in(status, photos=[big_photo()], **overrides)

    return make


def test_sizes_are_stored_next_to_the_original_when_accepted(photographed):
    attachment, storage = stored(photographed())
    for size, side in images.SIZES.items():
        name = images.derived_name(attachment.file.name, size)
        assert name.startswith(attachment.file.name.rsplit(".", 1)[0])
        assert attachment.public_id in name
        with storage.open(name) as handle:
            img = Image.open(handle)
            assert max(img.size) == side
            assert not img.info.get("exif")
    small = storage.size(images.derived_name(attachment.file.name, "kecil"))
    assert small < attachment.size / 4


def test_a_small_photo_has_no_derived_files_and_serves_the_original(client, complaint_in, jpeg):
    complaint = complaint_in(Status.DIPROSES, photos=[clean_image(jpeg())])
    attachment, storage = stored(complaint)
    assert not storage.exists(images.derived_name(attachment.file.name, "kecil"))
    response = client.get(f"/foto/{attachment.public_id}/?ukuran=kecil")
    assert response.status_code == 200
    assert decoded(response).size == (attachment.width, attachment.height)


def test_public_thumbnail_of_a_listed_publik_complaint(client, photographed):
    attachment, _ = stored(photographed())
    response = client.get(f"/foto/{attachment.public_id}/?ukuran=kecil")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert max(decoded(response).size) == 320
    display = client.get(f"/foto/{attachment.public_id}/?ukuran=sedang")
    assert max(decoded(display).size) == 1280
    unknown = client.get(f"/foto/{attachment.public_id}/?ukuran=raksasa")
    assert decoded(unknown).size == (2000, 1500)  # an unknown size is the original


@pytest.mark.parametrize(
    ("status", "privacy"),
    [
        (Status.DIPROSES, Privacy.RAHASIA),
        (Status.DIPROSES, Privacy.ANONIM),
        (Status.BARU, "publik"),
    ],
)
def test_no_public_thumbnail_of_what_the_public_may_not_see(client, photographed, status, privacy):
    complaint = photographed(status, privacy=privacy)
    attachment, _ = stored(complaint)
    for size in ("kecil", "sedang"):
        assert client.get(f"/foto/{attachment.public_id}/?ukuran={size}").status_code == 404
    # The reporter still sees their own thumbnail through the private link.
    own = client.get(f"/k/{complaint.token}/foto/{attachment.public_id}/?ukuran=kecil")
    assert own.status_code == 200
    assert own["Cache-Control"] == "private, no-store"
    assert max(decoded(own).size) == 320


def test_staff_thumbnail_needs_access(photographed, mira, dewi):
    attachment, _ = stored(photographed(privacy=Privacy.RAHASIA))
    url = f"/kantor/foto/{attachment.public_id}/?ukuran=kecil"
    assert Client().get(url).status_code in (302, 404)
    moderator = Client()
    assert moderator.login(username=mira.username, password=PASSWORD)
    assert moderator.get(url).status_code == 200
    other_agency = Client()
    assert other_agency.login(username=dewi.username, password=PASSWORD)
    assert other_agency.get(url).status_code == 404


def test_a_photo_stored_before_sizes_existed_gets_them_on_first_request(client, photographed):
    attachment, storage = stored(photographed())
    name = images.derived_name(attachment.file.name, "kecil")
    storage.delete(name)
    response = client.get(f"/foto/{attachment.public_id}/?ukuran=kecil")
    assert max(decoded(response).size) == 320
    assert storage.exists(name)


def test_info_photos_get_sizes_too(complaint_in):
    complaint = complaint_in(Status.DIPROSES)
    event = lifecycle.add_info(complaint, text="Foto terbaru.", photos=[big_photo()])
    attachment = event.attachments.get()
    assert attachment.file.storage.exists(images.derived_name(attachment.file.name, "kecil"))


def test_pages_show_thumbnails_that_link_to_the_display_size(client, photographed):
    complaint = photographed()
    attachment, _ = stored(complaint)
    html = client.get(f"/lacak/{complaint.code}/").content.decode()
    assert f'href="/foto/{attachment.public_id}/?ukuran=sedang"' in html
    assert f'src="/foto/{attachment.public_id}/?ukuran=kecil"' in html
    assert 'height="90"' in html  # 2000 x 1500 shown 120 wide: no layout shift
