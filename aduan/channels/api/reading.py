"""Reading request bodies by hand: JSON or multipart, each field checked with a stable code.

The mobile app sends JSON, or multipart when it attaches photos, to the same
endpoint; ninja picks one body type per operation, so bodies are read here
and the OpenAPI document describes both (see ``schemas``).
"""

from __future__ import annotations

import json
import re

from django.http.multipartparser import MultiPartParserError

from aduan.core import intake

from .errors import ApiError

FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")


def _bad(code: str, message: str, field: str | None = None, status: int = 400):
    return ApiError(status, code, message, field)


def read_body(request, *, allow_files: bool) -> tuple[dict, list]:
    """(fields, uploaded files) from a JSON or form body; an empty body reads as ``{}``."""
    content_type = (request.content_type or "").lower()
    if content_type in FORM_TYPES:
        try:
            fields = {k: request.POST.getlist(k)[-1] for k in request.POST}
            files = request.FILES.getlist("photos") if allow_files else []
        except (MultiPartParserError, ValueError) as exc:
            raise _bad("invalid_body", "Isi permintaan tidak dapat dibaca.") from exc
        if not allow_files and request.FILES:
            raise _bad("photos_not_allowed", "Foto tidak dapat dikirim di sini.", "photos")
        return fields, files
    if content_type in ("application/json", "") or content_type.endswith("+json"):
        if not request.body:
            return {}, []
        try:
            data = json.loads(request.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise _bad("invalid_json", "Isi permintaan bukan JSON yang sah.") from None
        if not isinstance(data, dict):
            raise _bad("invalid_json", "Isi permintaan harus berupa objek JSON.")
        return data, []
    raise _bad(
        "unsupported_media_type",
        "Gunakan application/json, atau multipart/form-data untuk mengirim foto.",
        status=415,
    )


class Fields:
    """Typed access to one body's fields; every problem is an ``ApiError`` naming the field."""

    def __init__(self, data: dict):
        self.data = data

    def _raw(self, name: str):
        value = self.data.get(name)
        return None if value is None or value == "" else value

    def text(self, name: str, *, required=False, min_letters=0, max_length=5000, label="") -> str:
        value = self._raw(name)
        if value is None:
            if required:
                raise _bad("required", f"{label or name} wajib diisi.", name)
            return ""
        if not isinstance(value, str):
            raise _bad("invalid_type", f"{label or name} harus berupa teks.", name)
        if "\x00" in value or not _encodable(value):
            raise _bad("invalid_characters", f"{label or name} berisi karakter tidak sah.", name)
        value = value.strip()
        if len(value) > max_length:
            raise _bad("too_long", f"{label or name} paling banyak {max_length} karakter.", name)
        if min_letters and sum(ch.isalnum() for ch in value) < min_letters:
            if not value and required:
                raise _bad("required", f"{label or name} wajib diisi.", name)
            raise _bad(
                "too_short", f"{label or name} terlalu pendek: minimal {min_letters} huruf.", name
            )
        return value

    def choice(self, name: str, choices, default: str) -> str:
        value = self._raw(name)
        if value is None:
            return default
        if not isinstance(value, str) or value not in dict(choices):
            allowed = ", ".join(str(k) for k, _label in choices)
            raise _bad("invalid_choice", f"{name} harus salah satu dari: {allowed}.", name)
        return value

    def integer(self, name: str, low: int, high: int, *, required=True) -> int | None:
        value = self._raw(name)
        if value is None:
            if required:
                raise _bad("required", f"{name} wajib diisi.", name)
            return None
        if isinstance(value, str) and re.fullmatch(r"\s*-?\d{1,9}\s*", value):
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            raise _bad("invalid_type", f"{name} harus berupa bilangan bulat.", name)
        if not low <= value <= high:
            raise _bad("out_of_range", f"{name} harus antara {low} dan {high}.", name)
        return value


def _encodable(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def intake_error(errors: intake.IntakeErrors) -> ApiError:
    """The intake's first problem as the API's error: its field, code and message."""
    first = errors.errors[0]
    return _bad(first.code, first.message, first.field)


def clean_photos(files) -> list:
    """Uploaded photos checked and stripped of metadata; the first bad one is an error."""
    try:
        return intake.clean_photos(files)
    except intake.IntakeErrors as exc:
        raise intake_error(exc) from None


TOKEN_RE = re.compile(r"[A-Za-z0-9._~\-]{16,200}")
KEY_RE = re.compile(r"[\x21-\x7e]{1,100}")


def header(request, name: str, pattern: re.Pattern, code: str, message: str) -> str:
    """A header value matching ``pattern``, "" when absent; anything else is a 400."""
    value = request.headers.get(name)
    if value is None or value == "":
        return ""
    if not pattern.fullmatch(value):
        raise _bad(code, message, name)
    return value
