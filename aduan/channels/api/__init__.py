"""The versioned REST API for the citizen mobile app, mounted at /api/v1/.

OpenAPI at /api/v1/openapi.json, interactive docs at /api/v1/docs. Every
error, including ninja's own validation errors, has the shape
``{"error": {"field", "code", "message"}}``; an unexpected exception is
logged and answered with a JSON 500 (``server_error``), never an HTML page.
"""

from __future__ import annotations

import logging

from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import HttpError, ValidationError

from .errors import ApiError, error_response, from_pydantic
from .views import register

log = logging.getLogger(__name__)

api = NinjaAPI(
    title="Aduan API",
    version="1",
    description=(
        "API untuk aplikasi warga: kategori dan wilayah, kirim aduan (JSON atau multipart "
        "dengan foto), lacak dengan kode, aduan saya (X-Device-Token), tambah informasi, "
        "konfirmasi atau bantah jawaban, beri nilai. Setiap kesalahan berbentuk "
        '{"error": {"field", "code", "message"}}.'
    ),
    urls_namespace="api-v1",
    docs_url="/docs",
    openapi_url="/openapi.json",
)


@api.exception_handler(ApiError)
def _api_error(request, exc: ApiError):
    return error_response(exc.status, exc.code, exc.message, exc.field)


@api.exception_handler(ValidationError)
def _validation_error(request, exc: ValidationError):
    field, code, message = from_pydantic(exc.errors)
    return error_response(400, code, message, field)


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    if exc.status_code == 400:
        return error_response(400, "invalid_body", "Isi permintaan tidak dapat dibaca.")
    return error_response(exc.status_code, "http_error", str(exc))


@api.exception_handler(Http404)
def _not_found(request, exc):
    return error_response(404, "not_found", "Tidak ditemukan.")


@api.exception_handler(Exception)
def _server_error(request, exc):
    # A true bug: logged with its traceback; the client still gets our JSON shape.
    log.exception("API error on %s %s", request.method, request.path)
    return error_response(
        500, "server_error", "Terjadi kesalahan pada server. Silakan coba lagi nanti."
    )


register(api)
