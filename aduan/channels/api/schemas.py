"""Response schemas and the documented request bodies of the mobile-app API."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from ninja import Field, Schema

from aduan.core.models import Kind, Privacy, Status

# Literals (not Enums) so the JSON schema is inline: request bodies are documented by hand.
KindEnum = Literal[tuple(Kind.values)]
PrivacyEnum = Literal[tuple(Privacy.values)]
StatusEnum = Literal[tuple(Status.values)]


class ErrorDetail(Schema):
    field: str | None = Field(None, description="Nama field yang bermasalah, bila ada.")
    code: str = Field(..., description="Kode kesalahan yang stabil, untuk program.")
    message: str = Field(..., description="Pesan untuk pengguna (Bahasa Indonesia).")


class ErrorOut(Schema):
    error: ErrorDetail


class CategoryOut(Schema):
    code: str
    name: str
    description: str
    agency: str


class KelurahanOut(Schema):
    code: str
    name: str
    latitude: float | None
    longitude: float | None


class KecamatanOut(Schema):
    code: str
    name: str
    kelurahan: list[KelurahanOut]


class ComplaintIn(Schema):
    """A new complaint. Send JSON, or multipart/form-data with ``photos`` files."""

    text: str = Field(
        ..., min_length=15, max_length=5000, description="Isi aduan, minimal 15 huruf."
    )
    kelurahan: str = Field(..., max_length=20, description="Kode kelurahan dari /areas.")
    kind: KindEnum = Field(Kind.PENGADUAN.value)  # type: ignore[valid-type]
    privacy: PrivacyEnum = Field(Privacy.PUBLIK.value)  # type: ignore[valid-type]
    category: str | None = Field(None, max_length=40, description="Kode kategori; boleh kosong.")
    address: str | None = Field(None, max_length=300)
    latitude: float | None = Field(None, ge=-11, le=6)
    longitude: float | None = Field(None, ge=95, le=141)
    reporter_name: str | None = Field(None, max_length=120, description="Wajib kecuali anonim.")
    reporter_phone: str | None = Field(None, max_length=30)
    reporter_email: str | None = Field(None, max_length=254)


class InfoIn(Schema):
    text: str = Field(..., min_length=1, max_length=5000)


class DisputeIn(Schema):
    reason: str = Field(..., min_length=1, max_length=3000)


class ConfirmIn(Schema):
    note: str | None = Field(None, max_length=1000)


class RatingIn(Schema):
    rating: int = Field(..., ge=1, le=5)
    comment: str | None = Field(None, max_length=2000)


class FiledOut(Schema):
    """The answer to a new complaint; a retry with the same Idempotency-Key gets it again."""

    code: str
    token: str = Field(
        ..., description="Rahasia: kunci untuk menambah informasi, konfirmasi, menilai."
    )
    status: StatusEnum = Field(..., description="Status saat diterima.")  # type: ignore[valid-type]
    received_at: datetime
    tracking_url: str
    private_url: str


class EventOut(Schema):
    kind: str
    label: str
    at: datetime
    note: str | None = Field(
        ..., description="Catatan untuk warga (disamarkan); catatan internal petugas tidak pernah."
    )
    by: str = Field(..., description="Instansi atau peran (Moderator, Pelapor), bukan nama orang.")


class ComplaintOut(Schema):
    """What the public may see (``core.disclosure``). An aduan that is not listed (not yet
    checked, rejected, merged, or ``rahasia``) shows only its code, status and received
    time (and ``merged_into`` when that one is listed); every other field is null."""

    code: str
    status: StatusEnum  # type: ignore[valid-type]
    status_label: str
    kind: KindEnum | None  # type: ignore[valid-type]
    received_at: datetime
    updated_at: datetime | None
    category: str | None
    kelurahan: str | None
    kecamatan: str | None
    agency: str | None
    text: str | None = Field(..., description="Isi aduan, data pribadi disamarkan.")
    answer: str | None
    budget_year: int | None
    merged_into: str | None
    timeline: list[EventOut]


class OwnComplaintOut(ComplaintOut):
    """The reporter's own view, for the device that filed it (or holds the token)."""

    token: str
    privacy: PrivacyEnum  # type: ignore[valid-type]
    address: str | None
    rating: int | None
    can_add_info: bool
    can_confirm: bool
    can_dispute: bool
    can_rate: bool
    info_question: str | None
    photos: list[str] = Field(
        ...,
        description="URL foto aduan ini, hanya untuk pelapor: jangan dibagikan, "
        "karena memuat token rahasia.",
    )


def body_doc(model: type[Schema], *, multipart: bool) -> dict:
    """An OpenAPI ``requestBody`` for a hand-read body: JSON, and multipart when photos fit."""
    schema = model.model_json_schema()
    schema.pop("title", None)
    content = {"application/json": {"schema": schema}}
    if multipart:
        form = {
            **schema,
            "properties": {
                **schema.get("properties", {}),
                "photos": {"type": "array", "items": {"type": "string", "format": "binary"}},
            },
        }
        content["multipart/form-data"] = {"schema": form}
    return {"requestBody": {"required": True, "content": content}}
