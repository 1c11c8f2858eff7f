"""Helpers of the privacy tests: a citizen who proves their phone through the pages."""

import re

import pytest

from aduan.core.models import OutboundMessage

PHONE = "+6281234567890"  # Budi Santoso's, the root conftest's default reporter
CODE_RE = re.compile(r"\b(\d{6})\b")


def last_code(recipient: str = PHONE) -> str:
    message = OutboundMessage.objects.filter(recipient=recipient).latest("id")
    return CODE_RE.search(message.body).group(1)


@pytest.fixture
def proven(client):
    """Log ``client`` in as the holder of a contact, through the real pages."""

    def prove(contact: str = "0812 3456 7890", recipient: str = PHONE):
        response = client.post("/data-saya/kode/", {"contact": contact})
        assert response.status_code == 302 and response["Location"] == "/data-saya/verifikasi/"
        response = client.post("/data-saya/verifikasi/", {"code": last_code(recipient)})
        assert response.status_code == 302 and response["Location"] == "/data-saya/data/"
        return client

    return prove
