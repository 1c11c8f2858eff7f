"""Re-attaching after an error keeps one stored copy of each photo."""

from aduan.core.models import Attachment, Complaint
from conftest import image_bytes

from .conftest import upload

URL = "/aduan/baru/"


def test_the_same_photo_chosen_again_is_stored_once(client, filing):
    photo = image_bytes(size=(80, 60))
    data = filing(text="pendek")
    first = client.post(URL, {**data, "photos": [upload(photo)]})
    assert first.status_code == 400
    html = first.content.decode()
    assert "1 foto sudah tersimpan" in html
    assert "foto yang tersimpan tidak perlu dipilih lagi" in html

    # The citizen did not trust the note and chose the same file again, plus a new one.
    second = client.post(
        URL,
        {
            **data,
            "text": "Lampu jalan mati di depan SD, gelap sekali.",
            "photos": [upload(photo, "lagi.jpg"), upload(image_bytes(size=(81, 60)), "baru.jpg")],
        },
    )
    assert second.status_code == 302
    complaint = Complaint.objects.get()
    assert Attachment.objects.filter(complaint=complaint).count() == 2
    assert sorted(a.width for a in complaint.attachments.all()) == [80, 81]


def test_the_same_photo_twice_after_two_errors_is_kept_once(client, filing):
    photo = image_bytes(size=(80, 60))
    data = filing(text="pendek")
    client.post(URL, {**data, "photos": [upload(photo)]})
    again = client.post(URL, {**data, "photos": [upload(photo, "lagi.jpg")]})
    assert again.status_code == 400
    assert "1 foto sudah tersimpan" in again.content.decode()
    assert client.post(URL, {**data, "text": "Lampu jalan mati di depan SD."}).status_code == 302
    assert Attachment.objects.count() == 1
