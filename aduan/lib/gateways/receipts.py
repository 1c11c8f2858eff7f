"""Delivery reports from HTTP SMS gateways, in our own documented webhook format."""

from __future__ import annotations

from typing import Annotated, NamedTuple

from pydantic import Field, StrictStr, ValidationInfo, field_validator

from aduan.lib.gateways.common import Payload, Problem, TextOrInt, after, require_mapping, validate


class SmsReceipt(NamedTuple):
    reference: str
    provider_id: str
    status: str
    detail: str


# Words HTTP gateways use for a final failure; "sent"/"accepted" are not final.
_RECEIPT_STATUS = {
    "delivered": "delivered",
    "sent": "sent",
    "accepted": "sent",
    "failed": "failed",
    "undelivered": "failed",
    "rejected": "failed",
    "expired": "failed",
}


def _known_status(status: str) -> str:
    if status.strip().lower() not in _RECEIPT_STATUS:
        # Built without a template placeholder: the status is the sender's text.
        raise Problem("invalid_value", f"unknown status {status[:40]!r}")
    return _RECEIPT_STATUS[status.strip().lower()]


class ReceiptPayload(Payload):
    reference: TextOrInt | None = None
    provider_id: TextOrInt | None = Field(None, alias="id")
    status: Annotated[StrictStr, after(_known_status)] = Field(None, validate_default=True)
    error: StrictStr | None = None

    @field_validator("status", mode="wrap")
    @classmethod
    def _after_ids(cls, value, handler, info: ValidationInfo):
        # Which message this is about comes before what happened to it.
        if info.data.get("reference") is None and info.data.get("provider_id") is None:
            problem = Problem("missing_field", "reference or id is required", at="reference")
            raise problem.for_pydantic()
        if value is None:
            raise Problem("missing_field", "{path} is required").for_pydantic()
        return handler(value)


def parse_sms_receipt(json_obj) -> SmsReceipt:
    """Our documented delivery-report webhook for HTTP SMS gateways::

        {"reference": "<ours, sent with the message>", "id": "<theirs>",
         "status": "delivered" | "failed" | "sent" (also undelivered, rejected,
         expired, accepted), "error": "<optional text>"}

    ``reference`` or ``id`` must be given.
    """
    require_mapping(json_obj, "body")
    receipt = validate(ReceiptPayload, json_obj)
    return SmsReceipt(
        str(receipt.reference or "").strip()[:40],
        str(receipt.provider_id or "").strip()[:200],
        receipt.status,
        (receipt.error or "")[:500],
    )
