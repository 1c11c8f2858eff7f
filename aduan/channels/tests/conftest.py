"""Fixtures for the channel tests: secrets, signing, a fake HTTP transport, the Open311 schemas."""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import re
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from aduan.core import senders as core_senders
from aduan.core.models import Complaint

SECRETS = {
    "ADUAN_SMS_WEBHOOK_SECRET": "sms-hook-secret",
    "ADUAN_SMSSYNC_SECRET": "smssync-secret",
    "ADUAN_WHATSAPP_APP_SECRET": "wa-app-secret",
    "ADUAN_WHATSAPP_VERIFY_TOKEN": "wa-verify-token",
    "ADUAN_WHATSAPP_TOKEN": "wa-access-token",
    "ADUAN_WHATSAPP_PHONE_ID": "1098765432",
    "ADUAN_WHATSAPP_TEMPLATE": "aduan_pemberitahuan",
    "ADUAN_TELEGRAM_SECRET": "tg-secret-token",
    "ADUAN_TELEGRAM_TOKEN": "123456:TEST-TOKEN",
    "ADUAN_EMAIL_WEBHOOK_SECRET": "mail-hook-secret",
    "ADUAN_SMS_HTTP_URL": "https://sms.example.test/send",
    "ADUAN_SMS_HTTP_TOKEN": "sms-http-token",
}
CODE_RE = re.compile(r"^ADU-\d{4}-\d{4,6}$")


@pytest.fixture
def channel_settings(settings):
    for name, value in SECRETS.items():
        setattr(settings, name, value)
    core_senders._sender_for.cache_clear()
    yield settings
    core_senders._sender_for.cache_clear()


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def post_json(client, url, payload, **extra):
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    return client.post(url, data=body, content_type="application/json", **extra)


class FakeResponse(io.BytesIO):
    def __init__(self, status: int, body: dict):
        super().__init__(json.dumps(body).encode())
        self.status = status

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


class FakeTransport:
    """Stands in for ``urllib.request.urlopen``: records requests, answers from a queue."""

    def __init__(self):
        self.requests: list[dict] = []
        self.answers: list[tuple[int, dict]] = []

    def answer(self, status: int, body: dict):
        self.answers.append((status, body))

    def __call__(self, request, timeout=None):
        self.requests.append(
            {
                "url": request.full_url,
                "method": request.get_method(),
                "headers": {k.lower(): v for k, v in request.header_items()},
                "body": json.loads(request.data.decode()),
                "timeout": timeout,
            }
        )
        status, body = self.answers.pop(0) if self.answers else (200, {})
        if status >= 400:
            raise urllib.error.HTTPError(
                request.full_url, status, "error", {}, io.BytesIO(json.dumps(body).encode())
            )
        return FakeResponse(status, body)


@pytest.fixture
def transport(monkeypatch):
    fake = FakeTransport()
    monkeypatch.setattr(urllib.request, "urlopen", fake)
    return fake


def queue_codes() -> list[str]:
    return list(Complaint.objects.order_by("id").values_list("code", flat=True))


def open311_schema_dir() -> Path:
    folder = Path(django_settings.BASE_DIR).parent / "shared" / "open311"
    if not (folder / "request.json").exists():
        pytest.fail(
            f"The official Open311 schemas are missing: expected {folder}/*.json "
            "(../shared/open311 next to the repository; CI provides it)."
        )
    return folder
