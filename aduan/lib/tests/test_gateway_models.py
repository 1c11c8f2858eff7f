"""The payload models of each gateway module, checked through ``validate``.

The parsers' own behaviour is in test_gateways.py; these pin the mapping from
pydantic's errors to the ``PayloadError`` paths, codes and messages gateways see.
"""

from datetime import UTC, datetime

import pytest

from aduan.lib.gateways import PayloadError
from aduan.lib.gateways.common import validate
from aduan.lib.gateways.gammu import GammuEnv, InboxRow
from aduan.lib.gateways.generic import GenericSms
from aduan.lib.gateways.receipts import ReceiptPayload
from aduan.lib.gateways.smssync import SmsSyncMessage, SmsSyncResults, SmsSyncSent
from aduan.lib.gateways.telegram import TgConversation, TgMessage, TgUpdate
from aduan.lib.gateways.whatsapp import WaBody, WaMessage

WA_MESSAGE = {"from": "6285712345678", "id": "wamid.1", "timestamp": "1793697300", "type": "text"}


def error_of(model, data, path="", context=None) -> dict:
    with pytest.raises(PayloadError) as info:
        validate(model, data, path, context)
    return info.value.as_dict()


@pytest.mark.parametrize(
    ("model", "data", "path", "expected"),
    [
        (GammuEnv, {"SMS_MESSAGES": "dua"}, "", ("SMS_MESSAGES", "invalid_type", "SMS_MESSAGES must be a whole number")),
        (GammuEnv, {"SMS_MESSAGES": "-1"}, "", ("SMS_MESSAGES", "invalid_value", "SMS_MESSAGES must not be negative")),
        (InboxRow, {"ID": True}, "rows[3]", ("rows[3].ID", "invalid_type", "rows[3].ID has the wrong type")),
        (InboxRow, "row", "rows[3]", ("rows[3]", "invalid_type", "rows[3] must be an object")),
        (SmsSyncMessage, {"from": "081234567890", "message": 5}, "", ("message", "invalid_type", "message must be text")),
        (SmsSyncSent, {"queued_messages": {}}, "", ("queued_messages", "invalid_type", "queued_messages must be a list")),
        (SmsSyncSent, {"queued_messages": ["a", None]}, "", ("queued_messages[1]", "invalid_type", "a message uuid must be text")),
        (SmsSyncResults, {"message_result": [{"uuid": "a", "sent_result_code": "x"}]}, "", ("message_result[0].sent_result_code", "invalid_type", "sent_result_code must be a number")),
        (ReceiptPayload, {"status": "delivered"}, "", ("reference", "missing_field", "reference or id is required")),
        (ReceiptPayload, {"id": "p", "status": 5}, "", ("status", "invalid_type", "status has the wrong type")),
        (GenericSms, {"id": "1", "from": 81234567890.0}, "", ("from", "invalid_type", "from has the wrong type")),
        (WaMessage, {**WA_MESSAGE, "text": "halo"}, "m", ("m.text", "invalid_type", "m.text has the wrong type")),
        (WaMessage, {**WA_MESSAGE, "type": "location"}, "m", ("m.location", "missing_field", "m.location is required")),
        (WaBody, {"object": "whatsapp_business_account", "entry": [{"changes": [{"field": "messages", "value": []}]}]}, "", ("entry[0].changes[0].value", "invalid_type", "entry[0].changes[0].value has the wrong type")),
        (TgUpdate, {"update_id": True}, "", ("update_id", "invalid_type", "update_id has the wrong type")),
        (TgConversation, {"chat": []}, "message", ("message.chat", "invalid_type", "message.chat has the wrong type")),
        (TgMessage, {"date": 1793697300, "caption": 5}, "message", ("message.text", "invalid_type", "text must be a string")),
        (TgMessage, {"date": "1793697300"}, "message", ("message.date", "invalid_type", "message.date has the wrong type")),
    ],
)  # fmt: skip
def test_wrong_shapes_name_the_field_as_before(model, data, path, expected):
    assert tuple(error_of(model, data, path).values()) == expected


def test_blank_and_null_fields_are_missing():
    for value in (None, ""):
        assert error_of(GenericSms, {"id": value}) == {
            "field": "id",
            "code": "missing_field",
            "message": "id is required",
        }
    # Where "" is a real value (an empty SMS), only None is missing.
    sms = {"id": "1", "from": "081234567890", "text": "", "received_at": "2026-11-03T08:15+07:00"}
    assert validate(GenericSms, sms).text == ""


def test_field_checks_keep_their_codes():
    assert error_of(GenericSms, {"id": "1", "from": "abc"})["code"] == "invalid_phone"
    wrong_zone = error_of(InboxRow, {"ID": 1, "SenderNumber": "081234567890", "ReceivingDateTime": "x"}, "rows[0]", {"local_tz": UTC})  # fmt: skip
    assert wrong_zone["field"] == "rows[0].ReceivingDateTime"
    assert wrong_zone["code"] == "invalid_timestamp"
    location = {**WA_MESSAGE, "type": "location", "location": {"latitude": 91}}
    assert error_of(WaMessage, location) == {
        "field": "location.latitude",
        "code": "invalid_value",
        "message": "location.latitude is not a coordinate",
    }


def test_providers_extra_fields_are_ignored_and_optional_shapes_are_lenient():
    message = validate(
        WaMessage,
        {**WA_MESSAGE, "text": {"body": "halo", "preview_url": False}, "context": {"x": 1}},
    )
    assert message.text.body == "halo" and message.image is None
    lenient = validate(WaMessage, {**WA_MESSAGE, "type": "image", "image": "not an object"})
    assert lenient.image is None
    telegram = validate(
        TgMessage,
        {"date": 1793697300, "photo": [{"file_id": "a", "width": True}, "x"], "voice": 3},
        "message",
        {"edited": False},
    )
    assert [size.width if size else None for size in telegram.photo] == [0, None]
    assert telegram.voice is None
    assert telegram.date == datetime.fromtimestamp(1793697300, UTC)


def test_content_of_another_type_is_not_read():
    # A text message's stray "location" is none of our business, whatever it holds.
    message = validate(WaMessage, {**WA_MESSAGE, "text": {"body": "x"}, "location": "garbage"})
    assert message.location is None
