"""The API's one error shape: ``{"error": {"field", "code", "message"}}``.

``code`` is stable (clients branch on it); ``message`` is Indonesian, for people.
"""

from __future__ import annotations

from django.http import JsonResponse


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, field: str | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.field = status, code, message, field


def error_body(code: str, message: str, field: str | None = None) -> dict:
    return {"error": {"field": field, "code": code, "message": message}}


def error_response(status: int, code: str, message: str, field: str | None = None):
    return JsonResponse(error_body(code, message, field), status=status)


# pydantic error types -> (our code, Indonesian message)
PYDANTIC_CODES = {
    "missing": ("required", "Wajib diisi."),
    "string_type": ("invalid_type", "Harus berupa teks."),
    "int_type": ("invalid_type", "Harus berupa bilangan bulat."),
    "int_parsing": ("invalid_type", "Harus berupa bilangan bulat."),
    "float_parsing": ("invalid_type", "Harus berupa angka."),
    "bool_parsing": ("invalid_type", "Harus berupa true atau false."),
    "string_too_short": ("too_short", "Terlalu pendek."),
    "string_too_long": ("too_long", "Terlalu panjang."),
    "greater_than_equal": ("out_of_range", "Nilai terlalu kecil."),
    "less_than_equal": ("out_of_range", "Nilai terlalu besar."),
    "enum": ("invalid_choice", "Pilihan tidak dikenal."),
    "literal_error": ("invalid_choice", "Pilihan tidak dikenal."),
    "string_pattern_mismatch": ("invalid_format", "Format tidak sesuai."),
}


def from_pydantic(errors: list[dict]) -> tuple[str | None, str, str]:
    """(field, code, message) of the first error ninja or pydantic reported."""
    if not errors:
        return None, "invalid", "Masukan tidak valid."
    first = errors[0]
    loc = [str(p) for p in first.get("loc", ()) if p not in ("body", "query", "path", "header")]
    code, message = PYDANTIC_CODES.get(first.get("type", ""), ("invalid", "Masukan tidak valid."))
    return (".".join(loc) or None), code, message
