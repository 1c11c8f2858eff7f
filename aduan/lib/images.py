"""Checking and cleaning uploaded photos (framework-free).

Every photo is decoded by Pillow (so a renamed PDF or script is refused),
bounded in bytes and pixels (a decompression bomb is refused before it is
decoded), turned upright and re-encoded without metadata, which drops EXIF
and the GPS position a phone camera writes into it.
"""

import io
from dataclasses import dataclass

from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

ALLOWED_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
DEFAULT_MAX_BYTES = 8 * 1024 * 1024
DEFAULT_MAX_PIXELS = 40_000_000
# Stored photos are scaled down: a complaint needs evidence, not a 50 MP original.
STORED_MAX_SIDE = 2048


class ImageRejected(ValueError):
    """The upload is not an acceptable photo; ``message`` is for the citizen."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class CleanImage:
    data: bytes
    content_type: str
    extension: str
    width: int
    height: int


def clean_image(
    data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES, max_pixels: int = DEFAULT_MAX_PIXELS
) -> CleanImage:
    if len(data) > max_bytes:
        raise ImageRejected(
            "too_large", f"Ukuran foto melebihi batas {max_bytes // (1024 * 1024)} MB."
        )
    if not data:
        raise ImageRejected("empty", "Berkas foto kosong.")
    try:
        with Image.open(io.BytesIO(data)) as probe:
            fmt = probe.format
            width, height = probe.size
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, ValueError) as exc:
        raise ImageRejected(
            "not_image", "Berkas bukan foto. Kirim foto berformat JPG, PNG atau WebP."
        ) from exc
    if fmt not in ALLOWED_FORMATS:
        raise ImageRejected(
            "format", "Format foto tidak didukung. Kirim foto berformat JPG, PNG atau WebP."
        )
    # Checked from the header before any pixel is decoded.
    if width * height > max_pixels or width <= 0 or height <= 0:
        raise ImageRejected("too_many_pixels", "Resolusi foto terlalu besar.")
    # WeasyPrint switches Pillow to accepting truncated files when it is imported;
    # a half-uploaded photo must still be refused here.
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        with Image.open(io.BytesIO(data)) as img:
            img.load()
            img = ImageOps.exif_transpose(img)
            if img.mode not in ("RGB", "RGBA", "L"):
                img = img.convert("RGBA" if "A" in img.getbands() else "RGB")
            img.thumbnail((STORED_MAX_SIDE, STORED_MAX_SIDE))
            out = io.BytesIO()
            if fmt == "PNG" or img.mode == "RGBA":
                img.save(out, format="PNG", optimize=True)
                content_type, ext = "image/png", "png"
            else:
                img.convert("RGB").save(out, format="JPEG", quality=85, optimize=True)
                content_type, ext = "image/jpeg", "jpg"
            return CleanImage(out.getvalue(), content_type, ext, img.width, img.height)
    except (OSError, Image.DecompressionBombError, ValueError, SyntaxError) as exc:
        raise ImageRejected("corrupt", "Foto rusak atau tidak dapat dibaca.") from exc
