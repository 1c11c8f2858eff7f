"""Photos: /foto/<id>/ (public), /k/<token>/foto/<id>/ (reporter), /kantor/foto/<id>/ (staff).

Each view serves an attachment only through the projection of whoever asks; a photo
somebody may not see looks exactly like one that does not exist.
"""

import pytest
from django.test import Client

from aduan.core import lifecycle
from aduan.core.models import Attachment, Privacy, Status
from aduan.lib.images import clean_image
from conftest import PASSWORD


def login(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def photo_of(complaint) -> Attachment:
    return complaint.attachments.get(event__isnull=True)


@pytest.fixture
def with_photo(complaint_in, jpeg):
    """A complaint in ``status`` that was filed with one photo."""

    def make(status=Status.DIPROSES, **overrides):
        return complaint_in(status, photos=[clean_image(jpeg())], **overrides)

    return make


def get(client, url, status):
    response = client.get(url)
    assert response.status_code == status, url
    return response


# -- public -----------------------------------------------------------------------------


def test_public_photo_of_a_listed_publik_complaint(client, with_photo):
    photo = photo_of(with_photo())
    response = get(client, f"/foto/{photo.public_id}/", 200)
    assert response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"].startswith("public")
    assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"  # a JPEG, not a page


@pytest.mark.parametrize(
    ("status", "privacy"),
    [
        (Status.DIPROSES, Privacy.ANONIM),
        (Status.DIPROSES, Privacy.RAHASIA),
        (Status.BARU, Privacy.PUBLIK),
        (Status.DITOLAK, Privacy.PUBLIK),
    ],
)
def test_no_public_photo_of_anonim_rahasia_or_unlisted(client, with_photo, status, privacy):
    photo = photo_of(with_photo(status, privacy=privacy))
    get(client, f"/foto/{photo.public_id}/", 404)


def test_no_public_photo_of_an_internal_update(client, with_photo, adi, jpeg):
    complaint = with_photo()
    event = lifecycle.post_update(
        complaint, adi, note="Bukti untuk atasan.", public=False, photos=[clean_image(jpeg())]
    )
    internal = complaint.attachments.get(event=event)
    get(client, f"/foto/{internal.public_id}/", 404)
    # The reporter was not told of it either; staff see it.
    get(client, f"/k/{complaint.token}/foto/{internal.public_id}/", 404)
    get(login(adi), f"/kantor/foto/{internal.public_id}/", 200)


def test_public_photo_of_a_published_update(client, with_photo, adi, jpeg):
    complaint = with_photo()
    event = lifecycle.post_update(
        complaint, adi, note="Sudah dikerjakan.", photos=[clean_image(jpeg())]
    )
    update = complaint.attachments.get(event=event)
    get(client, f"/foto/{update.public_id}/", 200)


def test_unknown_public_photo_is_404(client, with_photo):
    with_photo()
    get(client, "/foto/tidak-ada/", 404)


def test_public_photo_is_read_only(client, with_photo):
    photo = photo_of(with_photo())
    assert client.post(f"/foto/{photo.public_id}/").status_code == 405


# -- reporter ---------------------------------------------------------------------------


@pytest.mark.parametrize("privacy", [Privacy.PUBLIK, Privacy.ANONIM, Privacy.RAHASIA])
def test_reporter_photo_through_the_private_link(client, with_photo, privacy):
    complaint = with_photo(Status.BARU, privacy=privacy)
    photo = photo_of(complaint)
    response = get(client, f"/k/{complaint.token}/foto/{photo.public_id}/", 200)
    assert response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"] == "private, no-store"


def test_reporter_photo_with_a_wrong_token_is_404(client, with_photo, make_complaint):
    photo = photo_of(with_photo())
    other = make_complaint()
    get(client, f"/k/{other.token}/foto/{photo.public_id}/", 404)
    get(client, f"/k/bukan-token/foto/{photo.public_id}/", 404)


# -- staff ------------------------------------------------------------------------------


def test_staff_photo_needs_a_login(client, with_photo):
    photo = photo_of(with_photo())
    get(client, f"/kantor/foto/{photo.public_id}/", 404)


def test_staff_photo_of_another_agency_is_404(with_photo, dewi):
    photo = photo_of(with_photo())  # dispatched to DPUPR; Dewi is DLH
    get(login(dewi), f"/kantor/foto/{photo.public_id}/", 404)


@pytest.mark.parametrize("persona", ["mira", "adi"])
def test_staff_photo_for_the_moderator_and_the_dispatched_agency(with_photo, persona, request):
    photo = photo_of(with_photo(privacy=Privacy.RAHASIA))
    response = get(login(request.getfixturevalue(persona)), f"/kantor/foto/{photo.public_id}/", 200)
    assert response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"] == "private, no-store"


# -- pages ------------------------------------------------------------------------------


def test_pages_link_photos_through_the_views_only(client, with_photo):
    complaint = with_photo()
    photo = photo_of(complaint)

    public = get(client, f"/lacak/{complaint.code}/", 200).content.decode()
    own = get(client, f"/k/{complaint.token}/", 200).content.decode()
    filed = get(client, f"/aduan/terkirim/{complaint.token}/", 200).content.decode()

    assert f'src="/foto/{photo.public_id}/?ukuran=kecil"' in public
    assert f'src="/k/{complaint.token}/foto/{photo.public_id}/?ukuran=kecil"' in own
    others = [get(client, url, 200).content.decode() for url in ("/", "/aduan/baru/", "/lacak/")]
    for html in (public, own, filed, *others):
        assert "/media/" not in html
        assert photo.file.name not in html
    for html in (public, *others):
        assert complaint.token not in html


def test_anonim_public_page_shows_no_photo(client, with_photo):
    complaint = with_photo(privacy=Privacy.ANONIM)
    html = get(client, f"/lacak/{complaint.code}/", 200).content.decode()
    assert "Jalan di depan pasar berlubang besar" in html  # listed: its text is shown
    assert 'class="photos"' not in html
    assert "/foto/" not in html
