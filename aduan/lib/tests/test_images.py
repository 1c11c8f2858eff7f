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


# -- no metadata block survives ------------------------------------------------------

COMMENT = b"Diambil oleh Budi Santoso, HP 081234567890"
XMP = (
    b"http://ns.adobe.com/xap/1.0/\x00"
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF><rdf:Description '
    b'photoshop:City="Malang" dc:creator="Budi Santoso"/></rdf:RDF></x:xmpmeta>'
)


def _segment(marker: int, payload: bytes) -> bytes:
    return bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload


def _srgb_profile() -> bytes:
    from PIL import ImageCms

    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def _jpeg_with_every_block(size=(64, 48)) -> bytes:
    """A JPEG carrying EXIF (with GPS), XMP, an ICC profile, a Photoshop/IPTC block and a
    COM comment, the blocks spliced in by hand right after SOI."""
    base = image_bytes("JPEG", size=size, exif_gps=True)
    assert base[:2] == b"\xff\xd8"
    extra = (
        _segment(0xE1, XMP)
        + _segment(0xE2, b"ICC_PROFILE\x00\x01\x01" + _srgb_profile())
        + _segment(0xED, b"Photoshop 3.0\x008BIM\x04\x04\x00\x00\x00\x00\x00\x00")
        + _segment(0xFE, COMMENT)
    )
    return base[:2] + extra + base[2:]


def jpeg_markers(data: bytes) -> list[tuple[int, bytes]]:
    """(marker, payload) of every segment up to the image data, then EOI."""
    assert data[:2] == b"\xff\xd8", "not a JPEG"
    found, pos = [(0xD8, b"")], 2
    while pos < len(data):
        assert data[pos] == 0xFF, f"no marker at {pos}"
        marker = data[pos + 1]
        if marker == 0xD9:
            found.append((marker, b""))
            break
        length = struct.unpack(">H", data[pos + 2 : pos + 4])[0]
        found.append((marker, data[pos + 4 : pos + 2 + length]))
        pos += 2 + length
        if marker == 0xDA:  # entropy-coded data runs to the next marker but RSTn and FF00
            while not (data[pos] == 0xFF and data[pos + 1] not in (0x00, *range(0xD0, 0xD8))):
                pos += 1
    return found


# SOI, APP0 (JFIF only), DQT, SOF0-2, DHT, DRI, SOS, EOI.
IMAGE_MARKERS = {0xD8, 0xE0, 0xDB, 0xC0, 0xC1, 0xC2, 0xC4, 0xDD, 0xDA, 0xD9}


def test_jpeg_keeps_no_metadata_block_at_all():
    raw = _jpeg_with_every_block()
    before = {m for m, _ in jpeg_markers(raw)}
    assert {0xE1, 0xE2, 0xED, 0xFE} <= before  # the fixture really carries them
    probe = Image.open(io.BytesIO(raw))
    assert probe.info.get("comment") == COMMENT and probe.info.get("icc_profile")

    clean = clean_image(raw)
    markers = jpeg_markers(clean.data)
    assert {m for m, _ in markers} <= IMAGE_MARKERS, [hex(m) for m, _ in markers]
    assert all(p.startswith(b"JFIF\x00") for m, p in markers if m == 0xE0)
    for needle in (b"Exif", b"ICC_PROFILE", b"ns.adobe.com", b"Photoshop", b"Budi", b"8BIM"):
        assert needle not in clean.data
    reread = Image.open(io.BytesIO(clean.data))
    assert "comment" not in reread.info and "icc_profile" not in reread.info
    assert not reread.getexif()


def png_chunks(data: bytes) -> list[bytes]:
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    pos, kinds = 8, []
    while pos < len(data):
        length = struct.unpack(">I", data[pos : pos + 4])[0]
        kinds.append(data[pos + 4 : pos + 8])
        pos += 12 + length
    return kinds


def test_png_keeps_no_metadata_chunk_at_all():
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Budi Santoso")
    info.add_itxt("XML:com.adobe.xmp", XMP.decode().split("\x00", 1)[1])
    info.add_text("Comment", "HP 081234567890", zip=True)
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 20, 30)).save(
        out, format="PNG", pnginfo=info, exif=exif, icc_profile=_srgb_profile(), dpi=(300, 300)
    )
    raw = out.getvalue()
    assert {b"tEXt", b"iTXt", b"zTXt", b"eXIf", b"iCCP", b"pHYs"} <= set(png_chunks(raw))

    clean = clean_image(raw)
    assert set(png_chunks(clean.data)) <= {b"IHDR", b"PLTE", b"tRNS", b"IDAT", b"IEND"}
    assert b"Budi" not in clean.data


def test_webp_with_metadata_is_stored_as_a_bare_jpeg():
    out = io.BytesIO()
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    Image.new("RGB", (40, 30), (10, 20, 30)).save(
        out, format="WEBP", exif=exif, icc_profile=_srgb_profile(), xmp=XMP
    )
    clean = clean_image(out.getvalue())
    assert clean.content_type == "image/jpeg"
    assert {m for m, _ in jpeg_markers(clean.data)} <= IMAGE_MARKERS


def test_colours_of_a_photo_with_a_profile_are_kept_in_srgb():
    clean = clean_image(_jpeg_with_every_block())
    r, g, b = Image.open(io.BytesIO(clean.data)).convert("RGB").getpixel((10, 10))
    # The fixture is (200, 80, 40); JPEG is lossy, an sRGB-to-sRGB conversion is not.
    assert abs(r - 200) < 8 and abs(g - 80) < 8 and abs(b - 40) < 8


def test_upright_after_cleaning():
    exif = Image.Exif()
    exif[0x0112] = 6  # rotated 90 degrees clockwise
    out = io.BytesIO()
    Image.new("RGB", (60, 20), (1, 2, 3)).save(out, format="JPEG", exif=exif)
    clean = clean_image(out.getvalue())
    assert (clean.width, clean.height) == (20, 60)


# -- pixels per request ---------------------------------------------------------------


def bomb_png(side=6000) -> bytes:
    """36 megapixels of grey in about 35 KB."""
    out = io.BytesIO()
    Image.new("L", (side, side)).save(out, format="PNG", optimize=True)
    return out.getvalue()


@pytest.fixture(scope="module")
def bombs():
    data = bomb_png()
    assert len(data) < 40_000
    return [data] * 5


def test_a_batch_over_the_budget_is_refused_before_any_decoding(bombs, monkeypatch):
    from aduan.lib import images

    decoded = []
    monkeypatch.setattr(images, "_decode", lambda data, header: decoded.append(data))
    with pytest.raises(ImageRejected) as info:
        images.clean_images(bombs, budget=images.PixelBudget(64_000_000))
    assert info.value.code == "pixel_budget" and info.value.position is None
    assert decoded == []


def test_a_batch_within_the_budget_is_cleaned():
    from aduan.lib.images import PixelBudget, clean_images

    budget = PixelBudget(64_000_000)
    cleaned = clean_images([image_bytes("JPEG"), image_bytes("PNG")], budget=budget)
    assert [c.extension for c in cleaned] == ["jpg", "png"]
    assert budget.remaining == 64_000_000 - 2 * 64 * 48


def test_a_bad_photo_in_a_batch_is_named_by_position():
    from aduan.lib.images import clean_images

    with pytest.raises(ImageRejected) as info:
        clean_images([image_bytes("JPEG"), b"%PDF-1.4"])
    assert info.value.code == "not_image" and info.value.position == 1


def test_one_by_one_the_request_budget_stops_after_the_first_bomb(bombs):
    from aduan.lib.images import current_budget, pixel_budget

    refused = []
    with pixel_budget(64_000_000) as budget:
        assert current_budget() is budget
        for data in bombs:
            try:
                clean_image(data)
            except ImageRejected as exc:
                refused.append(exc.code)
    assert refused == ["pixel_budget"] * 4
    assert current_budget() is None  # nothing outside a request is limited in total


def test_pillow_limit_follows_the_per_photo_limit():
    from aduan.lib import images

    assert Image.MAX_IMAGE_PIXELS == images.DEFAULT_MAX_PIXELS
    with pytest.raises(ImageRejected) as info:
        clean_image(_png_declaring(7000, 7000))  # 49 MP: over the limit, under Pillow's 2x
    assert info.value.code == "too_many_pixels"
