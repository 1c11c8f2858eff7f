"""Helpers for the portal tests: a valid filing, the form as a browser would resend it."""

from __future__ import annotations

import re
import struct
import uuid
import zlib
from html import unescape
from html.parser import HTMLParser

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from aduan.core.models import Event, OutboundMessage


@pytest.fixture
def filing(city):
    """The POST data of a valid web complaint; call with overrides."""

    def make(**overrides):
        data = {
            "submission_key": uuid.uuid4().hex,
            "kind": "pengaduan",
            "text": "Lampu penerangan jalan mati sejak seminggu, gelap dan rawan.",
            "category": "",
            "kelurahan": str(city["oro"].pk),
            "address": "Jl. Kawi depan SD Negeri 2",
            "latitude": "",
            "longitude": "",
            "privacy": "publik",
            "reporter_name": "Siti Aminah",
            "reporter_phone": "0812 3456 7890",
            "reporter_email": "siti@contoh.id",
        }
        data.update(overrides)
        return data

    return make


def upload(content: bytes, name: str = "foto.jpg", content_type: str = "image/jpeg"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def png_declaring(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims ``width`` x ``height`` pixels.

    This is the shape of a decompression bomb: a few dozen bytes that would
    need gigabytes once decoded.
    """

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def events(complaint, kind: str) -> int:
    return Event.objects.filter(complaint=complaint, kind=kind).count()


def outbox(complaint):
    return list(OutboundMessage.objects.filter(complaint=complaint).order_by("id"))


class _FormReader(HTMLParser):
    """Collects each <form>'s successful controls, the way a browser submits them."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form = None
        self._textarea = None
        self._select = None
        self._first_option = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = {"attrs": a, "values": {}}
            self.forms.append(self._form)
            return
        if self._form is None or tag not in ("input", "textarea", "select", "option"):
            return
        values = self._form["values"]
        if tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind in ("radio", "checkbox"):
                if "checked" in a:
                    values.setdefault(a["name"], []).append(a.get("value", "on"))
            elif kind not in ("file", "submit", "button"):
                values.setdefault(a["name"], []).append(a.get("value", ""))
        elif tag == "textarea":
            self._textarea = a.get("name")
            values.setdefault(self._textarea, []).append("")
        elif tag == "select":
            self._select = a.get("name")
            self._first_option = None
        elif tag == "option" and self._select:
            if self._first_option is None:
                self._first_option = a.get("value", "")
            if "selected" in a:
                values.setdefault(self._select, []).append(a.get("value", ""))

    def handle_data(self, data):
        if self._textarea and self._form is not None:
            values = self._form["values"][self._textarea]
            # Browsers drop the one newline that follows <textarea>.
            values[-1] += data if values[-1] else data.removeprefix("\n")

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            # With nothing selected, a browser sends the first option.
            if self._form is not None and self._select not in self._form["values"]:
                self._form["values"][self._select] = [self._first_option or ""]
            self._select = None
        elif tag == "form":
            self._form = None


def form_values(html: str, containing: str) -> dict[str, str]:
    """The values of the form that has a control named ``containing``, one per name."""
    reader = _FormReader()
    reader.feed(html)
    for form in reader.forms:
        if containing in form["values"]:
            return {k: v[0] if len(v) == 1 else v for k, v in form["values"].items()}
    raise AssertionError(f"no form with a control named {containing!r}")


_FLASH_RE = re.compile(r'<p class="msg msg-(\w+)" role="status">(.*?)</p>', re.S)


def flashes(response) -> list[tuple[str, str]]:
    """The (level, text) messages shown at the top of a rendered page."""
    return [
        (level, unescape(text).strip())
        for level, text in _FLASH_RE.findall(response.content.decode())
    ]
