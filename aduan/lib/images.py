"""Checking and cleaning uploaded photos (framework-free).

Every photo is decoded by Pillow (so a renamed PDF or script is refused), bounded in
bytes and pixels, turned upright and re-encoded from its pixels alone: the stored file
has no metadata block at all (no EXIF and the GPS position a phone camera writes into
it, no XMP, no ICC profile, no comment, no text chunk). Colours of a photo with an ICC
profile are converted to sRGB first, which is what a browser assumes without one.

Pixels are bounded before anything is decoded, from the file's header:

- per photo by ``max_pixels`` (and Pillow's own ``Image.MAX_IMAGE_PIXELS``, set to the
  same figure so any other Pillow use in the process is bounded too);
- per request by a :class:`PixelBudget`: decoding costs CPU in proportion to the pixels
  the header declares, whatever the file's size (a 35 KB PNG can declare 36 megapixels).
  :func:`clean_images` reads every header of a batch before it decodes any photo and
  refuses the whole batch at once; :func:`clean_image` takes from the budget that
  :func:`pixel_budget` opened for the current request (the web app opens one per request),
  so a caller that cleans photos one by one still decodes at most the budget.
"""

from __future__ import annotations

import contextlib
import contextvars
import io
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from PIL import Image, ImageCms, ImageFile, ImageOps, UnidentifiedImageError

ALLOWED_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
DEFAULT_MAX_BYTES = 8 * 1024 * 1024
DEFAULT_MAX_PIXELS = 40_000_000
# Five photos of a 12-megapixel phone camera (4032 x 3024) fit; five 36-megapixel
# bombs do not. Decoding 64 megapixels costs about half a second of one core.
DEFAULT_MAX_PIXELS_PER_REQUEST = 64_000_000
# Stored photos are scaled down: a complaint needs evidence, not a 50 MP original.
STORED_MAX_SIDE = 2048

# Pillow refuses (at twice this figure) or warns (above it) while opening any image.
Image.MAX_IMAGE_PIXELS = DEFAULT_MAX_PIXELS

_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


class ImageRejected(ValueError):
    """The upload is not an acceptable photo; ``message`` is for the citizen.

    ``position`` is the index of the refused photo in a batch given to
    :func:`clean_images` (None when the batch as a whole is refused).
    """

    def __init__(self, code: str, message: str, position: int | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.position = position


@dataclass(frozen=True)
class CleanImage:
    data: bytes
    content_type: str
    extension: str
    width: int
    height: int


class PixelBudget:
    """How many pixels may still be decoded (for one request)."""

    def __init__(self, total: int):
        self.total = total
        self.remaining = total

    def take(self, pixels: int) -> None:
        if pixels > self.remaining:
            raise ImageRejected(
                "pixel_budget",
                "Resolusi foto seluruhnya terlalu besar untuk satu kiriman. "
                "Kirim lebih sedikit foto atau foto beresolusi lebih kecil.",
            )
        self.remaining -= pixels


_budget: contextvars.ContextVar[PixelBudget | None] = contextvars.ContextVar(
    "aduan_pixel_budget", default=None
)


def current_budget() -> PixelBudget | None:
    return _budget.get()


def open_budget(total: int) -> contextvars.Token:
    """Start a budget for the work that follows (a request); see :func:`pixel_budget`."""
    return _budget.set(PixelBudget(total))


def close_budget(token: contextvars.Token | None = None) -> None:
    if token is not None:
        with contextlib.suppress(ValueError):  # a token of another context
            _budget.reset(token)
            return
    _budget.set(None)


@contextlib.contextmanager
def pixel_budget(total: int) -> Iterator[PixelBudget]:
    """Every photo cleaned inside the block takes from one budget of ``total`` pixels."""
    token = open_budget(total)
    try:
        yield _budget.get()
    finally:
        close_budget(token)


@dataclass(frozen=True)
class _Header:
    format: str
    width: int
    height: int

    @property
    def pixels(self) -> int:
        return self.width * self.height


def _probe(data: bytes, max_bytes: int, max_pixels: int) -> _Header:
    """What the header says, checked; no pixel is decoded."""
    if len(data) > max_bytes:
        raise ImageRejected(
            "too_large", f"Ukuran foto melebihi batas {max_bytes // (1024 * 1024)} MB."
        )
    if not data:
        raise ImageRejected("empty", "Berkas foto kosong.")
    try:
        # Pillow warns above its limit; the check below refuses with a clear message.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                header = _Header(probe.format, *probe.size)
    # Pillow's own guard (twice MAX_IMAGE_PIXELS) refuses while opening, as "not a photo".
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, ValueError) as exc:
        raise ImageRejected(
            "not_image", "Berkas bukan foto. Kirim foto berformat JPG, PNG atau WebP."
        ) from exc
    if header.format not in ALLOWED_FORMATS:
        raise ImageRejected(
            "format", "Format foto tidak didukung. Kirim foto berformat JPG, PNG atau WebP."
        )
    if header.pixels > max_pixels or header.width <= 0 or header.height <= 0:
        raise ImageRejected("too_many_pixels", "Resolusi foto terlalu besar.")
    return header


def _to_srgb(img: Image.Image) -> Image.Image:
    """Pixels in sRGB, so that dropping the photo's ICC profile keeps its colours."""
    icc = img.info.get("icc_profile")
    if not icc or img.mode not in ("RGB", "RGBA"):
        return img
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        return ImageCms.profileToProfile(img, source, _SRGB, outputMode=img.mode) or img
    except (ImageCms.PyCMSError, OSError, ValueError):
        return img  # an unreadable profile: the pixels as they are


def _decode(data: bytes, header: _Header) -> CleanImage:
    # WeasyPrint switches Pillow to accepting truncated files when it is imported;
    # a half-uploaded photo must still be refused here.
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        with Image.open(io.BytesIO(data)) as img:
            img.load()
            img = ImageOps.exif_transpose(img)
            if img.mode not in ("RGB", "RGBA", "L"):
                img = img.convert("RGBA" if "A" in img.getbands() else "RGB")
            # In place: ``info`` (the ICC profile) stays for the colour conversion,
            # which then works on at most 2048 x 2048 pixels.
            img.thumbnail((STORED_MAX_SIDE, STORED_MAX_SIDE))
            img = _to_srgb(img)
            as_png = header.format == "PNG" or img.mode == "RGBA"
            if not as_png:
                img = img.convert("RGB")
            # A new image from the pixels alone: Pillow copies ``info`` (comment, ICC
            # profile, XMP, EXIF) from image to image and writes some of it back on save.
            bare = Image.frombytes(img.mode, img.size, img.tobytes())
            out = io.BytesIO()
            if as_png:
                bare.save(out, format="PNG", optimize=True)
                content_type, ext = "image/png", "png"
            else:
                bare.save(out, format="JPEG", quality=85, optimize=True)
                content_type, ext = "image/jpeg", "jpg"
            return CleanImage(out.getvalue(), content_type, ext, bare.width, bare.height)
    except (OSError, Image.DecompressionBombError, ValueError, SyntaxError) as exc:
        raise ImageRejected("corrupt", "Foto rusak atau tidak dapat dibaca.") from exc


def clean_image(
    data: bytes,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    budget: PixelBudget | None = None,
) -> CleanImage:
    """One photo checked and re-encoded; its pixels are taken from ``budget`` (or the
    current request's) before it is decoded."""
    header = _probe(data, max_bytes, max_pixels)
    budget = budget or current_budget()
    if budget is not None:
        budget.take(header.pixels)
    return _decode(data, header)


def clean_images(
    items: Sequence[bytes],
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    budget: PixelBudget | None = None,
) -> list[CleanImage]:
    """A batch of photos: every header is checked, and the batch's pixels taken from the
    budget, before the first photo is decoded. The first refusal is raised, with the
    refused photo's ``position`` (None when the batch as a whole is too large)."""
    headers = []
    for position, data in enumerate(items):
        try:
            headers.append(_probe(data, max_bytes, max_pixels))
        except ImageRejected as exc:
            exc.position = position
            raise
    budget = budget or current_budget()
    if budget is not None:
        budget.take(sum(h.pixels for h in headers))
    cleaned = []
    for position, (data, header) in enumerate(zip(items, headers, strict=True)):
        try:
            cleaned.append(_decode(data, header))
        except ImageRejected as exc:
            exc.position = position
            raise
    return cleaned


# -- derived sizes ----------------------------------------------------------------------
# Lists, the feed and timelines show a thumbnail; the complaint page a display size. Both
# are made from the stored (already cleaned) photo, so they carry no metadata either.
SIZES = {"kecil": 320, "sedang": 1280}
_DERIVED_QUALITY = {"kecil": 72, "sedang": 80}


def needs_size(width: int, height: int, size: str) -> bool:
    """Is a derived file of ``size`` smaller than the photo itself? Otherwise the
    original is served for that size and no file is made."""
    return max(width, height) > SIZES[size]


def derived_name(name: str, size: str) -> str:
    """The derived file's name, next to the original: ``<random id>-<size>.jpg``."""
    stem = name.rsplit(".", 1)[0] if "." in name.rsplit("/", 1)[-1] else name
    return f"{stem}-{size}.jpg"


def resize(data: bytes, size: str) -> CleanImage:
    """A JPEG of the photo whose longer side is at most ``SIZES[size]`` pixels.

    Transparent PNGs are laid on white (a JPEG has no alpha). The pixels are copied into
    a new image, as in :func:`clean_image`, so nothing but pixels is written."""
    side = SIZES[size]
    header = _probe(data, DEFAULT_MAX_BYTES, DEFAULT_MAX_PIXELS)
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        with Image.open(io.BytesIO(data)) as img:
            if header.format == "JPEG":
                # Decode at a fraction of the size when the JPEG allows it: much faster.
                img.draft("RGB", (side, side))
            img.load()
            if img.mode in ("RGBA", "LA", "P"):
                rgba = img.convert("RGBA")
                flat = Image.new("RGB", rgba.size, (255, 255, 255))
                flat.paste(rgba, mask=rgba.getchannel("A"))
                img = flat
            else:
                img = img.convert("RGB")
            img.thumbnail((side, side), Image.Resampling.LANCZOS)
            bare = Image.frombytes("RGB", img.size, img.tobytes())
            out = io.BytesIO()
            bare.save(out, format="JPEG", quality=_DERIVED_QUALITY[size], optimize=True)
            return CleanImage(out.getvalue(), "image/jpeg", "jpg", bare.width, bare.height)
    except (OSError, Image.DecompressionBombError, ValueError, SyntaxError) as exc:
        raise ImageRejected("corrupt", "Foto rusak atau tidak dapat dibaca.") from exc
