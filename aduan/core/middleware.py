"""Security middleware: request limits with 429 answers, and the headers no view should forget.

- :class:`RateLimitMiddleware` counts the public surfaces' requests per client address
  (:mod:`aduan.core.ratelimit`) and answers a request over its limit with 429 and
  ``Retry-After``, in the surface's own shape: the API's error object, Open311's error
  list, a small page for people, plain text for gateways.
- :class:`SecurityHeadersMiddleware` adds ``Permissions-Policy`` to every response,
  ``Cache-Control: no-store`` to the pages that carry personal data or private links, and
  lets the few pages that need ``data:`` images have them (the strict policy itself is
  django-csp's ``CONTENT_SECURITY_POLICY``).

Views stay untouched: both work from the request's path, by patterns in the settings.
"""

from __future__ import annotations

import math
import re
from datetime import timedelta
from functools import lru_cache

from csp.constants import HEADER as CSP_HEADER
from csp.middleware import CheckableLazyObject
from csp.middleware import CSPMiddleware as BaseCSPMiddleware
from csp.utils import build_policy as build_csp
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.formats import time_format
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import ratelimit

# The API and Open311 sit above the core: their error renderers are named, not imported.
API_ERROR = "aduan.channels.api.errors.error_response"
OPEN311_ERROR = "aduan.channels.open311.render.error"


def wait_text(seconds: int) -> str:
    """``"15 menit"``: a wait a person can read (seconds under a minute, hours past 90 min)."""
    if seconds < 60:
        return ngettext("%(n)d detik", "%(n)d detik", seconds) % {"n": seconds}
    minutes = math.ceil(seconds / 60)
    if minutes <= 90:
        return ngettext("%(n)d menit", "%(n)d menit", minutes) % {"n": minutes}
    hours = math.ceil(minutes / 60)
    return ngettext("%(n)d jam", "%(n)d jam", hours) % {"n": hours}


def clock_text(seconds: int) -> str:
    """The local time (``"14:35"``) ``seconds`` from now."""
    return time_format(timezone.localtime() + timedelta(seconds=seconds), "H:i")


def retry_message(seconds: int) -> str:
    return _(
        "Terlalu banyak permintaan dari alamat Anda. Coba lagi dalam %(wait)s (pukul %(time)s)."
    ) % {"wait": wait_text(seconds), "time": clock_text(seconds)}


def too_many_requests(request: HttpRequest, verdict: ratelimit.Verdict) -> HttpResponse:
    message = retry_message(verdict.retry_after)
    reply = verdict.rule.reply
    if reply == "api":
        response = import_string(API_ERROR)(429, "rate_limited", message)
    elif reply == "open311":
        # The format is the path's extension (requests.json, requests/ID.xml).
        fmt = request.path_info.rpartition(".")[2].lower()
        response = import_string(OPEN311_ERROR)(fmt, 429, message)
    elif reply == "html":
        response = render(
            request,
            "core/too_many_requests.html",
            {"message": message, "retry_after": verdict.retry_after},
            status=429,
        )
    else:
        response = HttpResponse(message, status=429, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = str(verdict.retry_after)
    # A 429 is about this client at this moment: no shared cache may keep it.
    add_never_cache_headers(response)
    return response


class RateLimitMiddleware:
    """Counts each limited request before any view runs; over the limit, the view never runs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        verdict = ratelimit.check(request)
        if verdict is not None:
            return too_many_requests(request, verdict)
        return self.get_response(request)


@lru_cache(maxsize=8)
def _patterns(patterns: tuple[str, ...]) -> re.Pattern | None:
    return re.compile("|".join(f"(?:{p})" for p in patterns)) if patterns else None


def _matches(setting: str, path: str) -> bool:
    pattern = _patterns(tuple(getattr(settings, setting, ())))
    return bool(pattern and pattern.search(path))


class SecurityHeadersMiddleware:
    """Permissions-Policy everywhere; no-store and data: images by path (see the settings)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        policy = settings.ADUAN_PERMISSIONS_POLICY
        if policy and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = ", ".join(
                f"{feature}=({' '.join(allow)})" for feature, allow in policy.items()
            )
        path = request.path_info
        if _matches("ADUAN_NO_STORE_PATHS", path) and "no-store" not in response.get(
            "Cache-Control", ""
        ):
            # Staff pages and private links hold personal data: no browser history, back
            # button cache or proxy may keep a copy once the person has gone.
            add_never_cache_headers(response)
        if _matches("ADUAN_CSP_DATA_IMAGE_PATHS", path):
            # Read by django-csp's middleware, which runs after this one on the way out.
            response._csp_update = {"img-src": ["data:"]}
        return response


class CSPMiddleware(BaseCSPMiddleware):
    """django-csp's middleware with each distinct header built once, not per response.

    Building the header (a deep copy of the policy, then joining every directive) cost
    about a tenth of a public single read. The header depends only on the settings' policy
    and a response's ``_csp_update`` (the ``data:`` image pages): it is kept per policy
    object and update. Anything else (a nonce asked for, a view's own config or replace,
    a report-only policy, an exempt response, excluded prefixes, DEBUG's error pages) goes
    through django-csp's own code unchanged.
    """

    _built: dict[str, tuple[object, str]] = {}

    def process_response(self, request, response):
        policy = getattr(settings, "CONTENT_SECURITY_POLICY", None)
        unusual = (
            getattr(request, "_csp_nonce", None) is not None
            or any(
                getattr(response, name, None) is not None
                for name in ("_csp_config", "_csp_replace", "_csp_config_ro", "_csp_update_ro")
            )
            or getattr(response, "_csp_replace_ro", None) is not None
            or getattr(response, "_csp_exempt", False)
            or getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None)
            or not policy
            or policy.get("EXCLUDE_URL_PREFIXES")
            or CSP_HEADER in response
            or (settings.DEBUG and response.status_code in (404, 500))
        )
        if unusual:
            return super().process_response(request, response)
        update = getattr(response, "_csp_update", None)
        key = repr(sorted(update.items())) if update else ""
        found = self._built.get(key)
        if found is None or found[0] is not policy:
            found = self._built[key] = (policy, build_csp(update=update))
        if found[1]:
            response[CSP_HEADER] = found[1]
        # As django-csp does: a nonce asked for after the header is written is an error.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response
