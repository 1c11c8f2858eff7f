import io
import struct
import zlib

import pytest
from PIL import Image

from aduan.lib.images import ImageRejected, clean_image
from conftest import image_bytes


def test_jpeg_is_cleaned_of_exif_and_gps():
    raw = image_bytes("JPEG", exif_gps=True)
    assert Image.open(io.BytesIO(raw)).getexif().get_ifd(0x8825)  # the fixture really has GPS
    clean = clean_image(raw)
    assert clean.content_type == "image/jpeg" and (clean.width, clean.height) == (64, 48)
    exif = Image.open(io.BytesIO(clean.data)).getexif()
    assert not exif.get_ifd(0x8825) and 0x010F not in exif


def test_png_stays_png():
    clean = clean_image(image_bytes("PNG"))
    assert clean.extension == "png" and clean.data.startswith(b"\x89PNG")


def test_large_photo_is_scaled_down():
    clean = clean_image(image_bytes("JPEG", size=(4000, 3000)))
    assert max(clean.width, clean.height) == 2048


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "empty"),
        (b"%PDF-1.4 not a photo at all", "not_image"),
        (b"#!/bin/sh\necho hi\n", "not_image"),
    ],
)
def test_non_images_refused(data, code):
    with pytest.raises(ImageRejected) as info:
        clean_image(data)
    assert info.value.code == code and info.value.message


def test_gif_refused_with_clear_message():
    out = io.BytesIO()
    Image.new("P", (10, 10)).save(out, format="GIF")
    with pytest.raises(ImageRejected) as info:
        clean_image(out.getvalue())
    assert "JPG, PNG atau WebP" in info.value.message


def test_size_limit():
    with pytest.raises(ImageRejected) as info:
        clean_image(image_bytes("JPEG"), max_bytes=100)
    assert info.value.code == "too_large"


def _png_declaring(width, height) -> bytes:
    def chunk(kind, data):
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\0" * 10))
        + chunk(b"IEND", b"")
    )


def test_decompression_bomb_refused_before_decoding():
    with pytest.raises(ImageRejected) as info:
        clean_image(_png_declaring(50_000, 50_000))
    assert info.value.code in ("too_many_pixels", "not_image")


def test_truncated_image_refused():
    raw = image_bytes("JPEG", size=(300, 300))
    with pytest.raises(ImageRejected):
        clean_image(raw[: len(raw) // 3])
