"""One request may make the server decode at most ADUAN_MAX_PIXELS_PER_REQUEST pixels of
photos: five 36-megapixel PNGs of 35 KB each are refused from their headers."""

import io
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from aduan.core.models import Complaint
from aduan.lib import images


@pytest.fixture(scope="module")
def bomb() -> bytes:
    out = io.BytesIO()
    Image.new("L", (6000, 6000)).save(out, format="PNG", optimize=True)
    data = out.getvalue()
    assert len(data) < 40_000  # 36 megapixels in about 35 KB
    return data


@pytest.fixture
def decodes(monkeypatch):
    """Counts the photos actually decoded."""
    calls = []
    real = images._decode

    def counting(data, header):
        calls.append(header.pixels)
        return real(data, header)

    monkeypatch.setattr(images, "_decode", counting)
    return calls


def _bombs(bomb, n=5):
    return [SimpleUploadedFile(f"bom{i}.png", bomb, "image/png") for i in range(n)]


def test_web_form_decodes_within_the_budget_and_refuses_the_rest(client, city, bomb, decodes):
    started = time.perf_counter()
    response = client.post(
        "/aduan/baru/",
        {
            "submission_key": "0" * 32,
            "kind": "pengaduan",
            "text": "Lampu penerangan jalan mati sejak seminggu, gelap dan rawan.",
            "kelurahan": str(city["oro"].pk),
            "privacy": "publik",
            "reporter_name": "Siti Aminah",
            "reporter_phone": "0812 3456 7890",
            "photos": _bombs(bomb),
        },
    )
    elapsed = time.perf_counter() - started
    assert response.status_code in (200, 400)
    assert not Complaint.objects.exists()
    html = response.content.decode()
    refused = [f"bom{i}.png: Resolusi foto seluruhnya terlalu besar" for i in range(5)]
    assert [message in html for message in refused] == [False, True, True, True, True]
    # 36 MP fit in the 64 MP budget once; the other four were refused from the header.
    assert decodes == [36_000_000]
    print(f"web form, five 36 MP PNGs: {elapsed:.2f} s")


def test_api_refuses_the_batch(client, city, bomb, decodes):
    response = client.post(
        "/api/v1/complaints",
        data={
            "text": "Lampu penerangan jalan di depan SD Kauman 2 mati sejak seminggu.",
            "kelurahan": city["kauman"].code,
            "reporter_name": "Rina Wati",
            "reporter_phone": "0812 3456 7890",
            "photos": _bombs(bomb),
        },
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "photo_pixel_budget"
    assert len(decodes) <= 1 and not Complaint.objects.exists()


def test_each_request_has_its_own_budget(client, city, jpeg, settings):
    settings.ADUAN_MAX_PIXELS_PER_REQUEST = 64 * 48 * 2  # two of the test photos
    data = {
        "text": "Lampu penerangan jalan di depan SD Kauman 2 mati sejak seminggu.",
        "kelurahan": city["kauman"].code,
        "reporter_name": "Rina Wati",
        "reporter_phone": "0812 3456 7890",
    }

    def photos(n):
        return [SimpleUploadedFile(f"{i}.jpg", jpeg(), "image/jpeg") for i in range(n)]

    assert client.post("/api/v1/complaints", data={**data, "photos": photos(2)}).status_code == 201
    # The same again: the first request's use does not count against the second.
    assert client.post("/api/v1/complaints", data={**data, "photos": photos(2)}).status_code == 201
    third = client.post("/api/v1/complaints", data={**data, "photos": photos(3)})
    assert third.status_code == 400 and third.json()["error"]["code"] == "photo_pixel_budget"
    # Outside a request nothing limits the total.
    assert images.current_budget() is None
