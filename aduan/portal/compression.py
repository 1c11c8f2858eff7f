"""Gzip for the pages anyone may read, when no proxy in front does it.

Production compresses in its proxy (deploy/Caddyfile, ``encode zstd gzip``) and leaves
``ADUAN_COMPRESS_PAGES`` off; the demo's gunicorn (scripts/run) has no proxy and turns it
on, so a citizen's phone gets the filing form, the feed, the map and the statistics
compressed. Static files never reach this middleware: whitenoise, above it, answers them
from the ``.gz``/``.br`` files collectstatic wrote.

BREACH recovers a secret from the compressed size of responses that carry the secret
beside text an attacker chose (a search term, a filter). So only responses without a
personal secret are compressed:

- GET and HEAD only: a form's answer echoes what the person typed;
- never with a session (a signed-in staff member, a citizen inside a data request): the
  request carries no session cookie and the response sets none;
- never a page with personal data or a private link (``ADUAN_NO_STORE_PATHS``: staff
  pages, ``/k/<token>/``, the filed page) nor any response marked ``no-store`` or
  ``private``;
- text only (HTML, CSV, JSON, XML, JavaScript); images are compressed already.

The one secret left in what is compressed is the CSRF token of a citizen's form, and
Django masks it with fresh random bytes in every response for this very attack; Django's
``GZipMiddleware`` also pads each response by a random length (Heal the Breach).
"""

from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.middleware.gzip import GZipMiddleware

COMPRESSIBLE = re.compile(r"^(text/|application/(json|xml|javascript|geo\+json)\b)")
SAFE_METHODS = ("GET", "HEAD")


class PublicPageGZipMiddleware(GZipMiddleware):
    """Django's gzip, limited to responses that hold no personal secret (see above)."""

    def __init__(self, get_response):
        if not settings.ADUAN_COMPRESS_PAGES:
            raise MiddlewareNotUsed
        super().__init__(get_response)
        self.private_paths = [re.compile(p) for p in settings.ADUAN_NO_STORE_PATHS]

    def process_response(self, request, response):
        if not self.public(request, response):
            return response
        return super().process_response(request, response)

    def public(self, request, response) -> bool:
        if request.method not in SAFE_METHODS:
            return False
        session = settings.SESSION_COOKIE_NAME
        if session in request.COOKIES or session in response.cookies:
            return False
        if any(p.search(request.path_info) for p in self.private_paths):
            return False
        cache_control = response.get("Cache-Control", "")
        if "no-store" in cache_control or "private" in cache_control:
            return False
        return bool(COMPRESSIBLE.match(response.get("Content-Type", "")))
