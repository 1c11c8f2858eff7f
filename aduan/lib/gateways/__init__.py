"""Inbound gateway payloads normalised into one ``InboundMessage`` (framework-free).

Every channel adapter (views, management commands, the Gammu hook) parses with
these functions and hands the result to the same intake code, so nothing
downstream knows which modem or cloud API a message came through. Each
protocol has its module, and each payload shape is a pydantic model there.

All parsers raise ``PayloadError(field, code, message)`` on bad input and never
let a ``KeyError``/``TypeError`` escape: a gateway retries until it gets a
clear answer, and the answer must name the field. ``code`` is stable:
``invalid_payload``, ``missing_field``, ``invalid_type``, ``invalid_value``,
``invalid_phone``, ``invalid_timestamp``, ``invalid_secret``, ``invalid_udh``.

``raw`` is always JSON-serialisable and never holds a shared secret, so it can
be stored as is for audit.
"""

from aduan.lib.gateways.common import (
    SMS,
    TELEGRAM,
    WHATSAPP,
    InboundMessage,
    PayloadError,
    verify_hmac_sha256,
)
from aduan.lib.gateways.gammu import (
    Concat,
    GammuInbox,
    PendingMultipart,
    RejectedRow,
    join_gammu_inbox_rows,
    parse_gammu_env,
    parse_udh,
)
from aduan.lib.gateways.generic import parse_generic_sms
from aduan.lib.gateways.receipts import SmsReceipt, parse_sms_receipt
from aduan.lib.gateways.smssync import (
    SmsSyncResult,
    parse_smssync,
    parse_smssync_results,
    parse_smssync_sent,
    smssync_response,
    smssync_send_payload,
)
from aduan.lib.gateways.telegram import parse_telegram, verify_telegram_secret
from aduan.lib.gateways.whatsapp import (
    parse_whatsapp,
    verify_whatsapp_signature,
    whatsapp_challenge,
)

__all__ = [
    "SMS",
    "TELEGRAM",
    "WHATSAPP",
    "Concat",
    "GammuInbox",
    "InboundMessage",
    "PayloadError",
    "PendingMultipart",
    "RejectedRow",
    "SmsReceipt",
    "SmsSyncResult",
    "join_gammu_inbox_rows",
    "parse_gammu_env",
    "parse_generic_sms",
    "parse_sms_receipt",
    "parse_smssync",
    "parse_smssync_results",
    "parse_smssync_sent",
    "parse_telegram",
    "parse_udh",
    "parse_whatsapp",
    "smssync_response",
    "smssync_send_payload",
    "verify_hmac_sha256",
    "verify_telegram_secret",
    "verify_whatsapp_signature",
    "whatsapp_challenge",
]
