import copy
import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta

import pytest

from aduan.lib.gateways import (
    Concat,
    InboundMessage,
    PayloadError,
    join_gammu_inbox_rows,
    parse_gammu_env,
    parse_generic_sms,
    parse_smssync,
    parse_telegram,
    parse_udh,
    parse_whatsapp,
    smssync_response,
    verify_hmac_sha256,
    verify_telegram_secret,
    verify_whatsapp_signature,
    whatsapp_challenge,
)

ANI = "+6281234567890"  # Ani, a citizen on a feature phone
BUDI_WA = "6285712345678"  # Budi on WhatsApp
GARBAGE = [None, 1, 1.5, True, "x", "", [], {}, [None], {"x": None}]


def raises(code, field=None):
    class Check:
        def __enter__(self):
            self.ctx = pytest.raises(PayloadError)
            self.info = self.ctx.__enter__()
            return self.info

        def __exit__(self, *exc):
            handled = self.ctx.__exit__(*exc)
            assert self.info.value.code == code, self.info.value.as_dict()
            if field is not None:
                assert self.info.value.field == field, self.info.value.as_dict()
            return handled

    return Check()


def mutations(payload, path=()):
    """Every copy of ``payload`` with one leaf or branch swapped for garbage or removed."""
    children = (
        payload.items()
        if isinstance(payload, dict)
        else enumerate(payload)
        if isinstance(payload, list)
        else ()
    )
    for key, child in children:
        for bad in [*GARBAGE, "DELETE"]:
            mutated = copy.deepcopy(payload)
            if bad == "DELETE":
                del mutated[key]
            else:
                mutated[key] = copy.deepcopy(bad)
            yield mutated
        for sub in mutations(child, (*path, key)):
            mutated = copy.deepcopy(payload)
            mutated[key] = sub
            yield mutated


def assert_only_payload_errors(parser, payload):
    """Any malformed variant either parses or raises PayloadError, never anything else."""
    count = 0
    for variant in [*GARBAGE, *mutations(payload)]:
        count += 1
        try:
            parser(variant)
        except PayloadError as exc:
            assert exc.code and isinstance(exc.field, str)
    assert count > 20


# --- signatures ------------------------------------------------------------------------

SECRET = b"rahasia-kota"
BODY = b'{"id":"m1","from":"081234567890","text":"halo"}'
SIG = hmac.new(SECRET, BODY, hashlib.sha256).hexdigest()


@pytest.mark.parametrize(
    "header", [f"sha256={SIG}", SIG, SIG.upper(), f"SHA256={SIG}", f"  sha256={SIG} "]
)
def test_hmac_accepts_prefixed_and_bare_hex(header):
    assert verify_hmac_sha256(SECRET, BODY, header)
    assert verify_hmac_sha256(SECRET.decode(), BODY, header)


@pytest.mark.parametrize(
    ("secret", "body", "header"),
    [
        (b"salah", BODY, SIG),
        (SECRET, BODY + b" ", SIG),
        (SECRET, BODY, ""),
        (SECRET, BODY, None),
        (SECRET, BODY, "sha256="),
        (SECRET, BODY, SIG[:-1]),
        (SECRET, BODY, "sha256=" + "é" * 64),
        (SECRET, BODY, 12345),
        (b"", BODY, SIG),
        (None, BODY, SIG),
        (SECRET, None, SIG),
    ],
)
def test_hmac_rejects(secret, body, header):
    assert not verify_hmac_sha256(secret, body, header)


def test_whatsapp_signature_needs_prefix():
    assert verify_whatsapp_signature(SECRET, BODY, f"sha256={SIG}")
    assert not verify_whatsapp_signature(SECRET, BODY, SIG)
    assert not verify_whatsapp_signature(SECRET, BODY, None)


def test_whatsapp_challenge():
    good = {"hub.mode": "subscribe", "hub.verify_token": "tok", "hub.challenge": "1158201444"}
    assert whatsapp_challenge(good, "tok") == "1158201444"
    assert whatsapp_challenge({k: [v] for k, v in good.items()}, "tok") == "1158201444"
    assert whatsapp_challenge(good, "other") is None
    assert whatsapp_challenge(good, "") is None
    assert whatsapp_challenge({**good, "hub.mode": "unsubscribe"}, "tok") is None
    assert whatsapp_challenge({"hub.mode": "subscribe", "hub.verify_token": "tok"}, "tok") is None
    assert whatsapp_challenge(None, "tok") is None


def test_telegram_secret():
    assert verify_telegram_secret("s3cret_Token-1", "s3cret_Token-1")
    assert not verify_telegram_secret("s3cret_Token-1", "s3cret_Token-2")
    assert not verify_telegram_secret("s3cret_Token-1", None)
    assert not verify_telegram_secret("", "")


# --- Gammu RunOnReceive ----------------------------------------------------------------

SINGLE_ENV = {
    "SMS_MESSAGES": "1",
    "DECODED_PARTS": "0",
    "PHONE_ID": "modem-diskominfo",
    "SMS_1_NUMBER": "+6281234567890",
    "SMS_1_CLASS": "-1",
    "SMS_1_REFERENCE": "0",
    "SMS_1_TEXT": "ADUAN Sukun#Lampu jalan mati",
    "PATH": "/usr/bin",
    "DB_PASSWORD": "must-not-be-stored",
}
LONG = "ADUAN Klojen#" + "Saluran air di Jalan Kahuripan mampet dan meluap ke rumah warga. " * 3
MULTIPART_ENV = {
    "SMS_MESSAGES": "2",
    "DECODED_PARTS": "1",
    "SMS_1_NUMBER": "081234567890",
    "SMS_1_TEXT": LONG[:153],
    "SMS_2_NUMBER": "081234567890",
    "SMS_2_TEXT": LONG[153:],
    "DECODED_1_TEXT": LONG,
}


def test_gammu_env_single():
    [msg] = parse_gammu_env(SINGLE_ENV, received_at=datetime(2026, 11, 3, 1, 0, tzinfo=UTC))
    assert (msg.channel, msg.gateway, msg.sender, msg.text, msg.recipient) == (
        "sms",
        "gammu",
        ANI,
        "ADUAN Sukun#Lampu jalan mati",
        "modem-diskominfo",
    )
    assert msg.received_at == datetime(2026, 11, 3, 1, 0, tzinfo=UTC)
    assert "DB_PASSWORD" not in msg.raw and "PATH" not in msg.raw
    assert msg.raw["SMS_1_TEXT"] == "ADUAN Sukun#Lampu jalan mati"


def test_gammu_env_multipart_is_one_message():
    [msg] = parse_gammu_env(MULTIPART_ENV)
    assert msg.text == LONG and msg.sender == ANI


def test_gammu_env_legacy_zero_based_decoded_text():
    env = {**MULTIPART_ENV}
    env["DECODED_0_TEXT"] = env.pop("DECODED_1_TEXT")
    assert parse_gammu_env(env)[0].text == LONG


def test_gammu_env_undecoded_parts_are_concatenated():
    env = {**MULTIPART_ENV, "DECODED_PARTS": "0"}
    del env["DECODED_1_TEXT"]
    assert parse_gammu_env(env)[0].text == LONG


def test_gammu_env_empty_decoded_text_falls_back_to_parts():
    env = {**SINGLE_ENV, "DECODED_PARTS": "1", "DECODED_1_TEXT": ""}
    assert parse_gammu_env(env)[0].text == "ADUAN Sukun#Lampu jalan mati"


def test_gammu_env_ids_detect_redelivery():
    first, again = parse_gammu_env(SINGLE_ENV), parse_gammu_env(dict(SINGLE_ENV))
    assert first[0].gateway_message_id == again[0].gateway_message_id
    other = parse_gammu_env({**SINGLE_ENV, "SMS_1_TEXT": "ADUAN Sukun#Lampu jalan nyala"})
    assert other[0].gateway_message_id != first[0].gateway_message_id
    # A changed unrelated variable (PATH) must not change the id.
    moved = parse_gammu_env({**SINGLE_ENV, "PATH": "/bin"})
    assert moved[0].gateway_message_id == first[0].gateway_message_id
    located = parse_gammu_env(SINGLE_ENV, locations=["41", "42"])
    assert located[0].gateway_message_id == "41,42"


def test_gammu_env_binary_only_gives_nothing():
    env = {"SMS_MESSAGES": "1", "DECODED_PARTS": "0", "SMS_1_NUMBER": "081234567890"}
    assert parse_gammu_env(env) == []


def test_gammu_env_mms_indicator():
    env = {
        "SMS_MESSAGES": "1",
        "DECODED_PARTS": "1",
        "SMS_1_NUMBER": "081234567890",
        "DECODED_1_MMS_ADDRESS": "http://mms.example/abc",
        "DECODED_1_MMS_TITLE": "foto jalan",
    }
    [msg] = parse_gammu_env(env)
    assert msg.message_type == "mms"
    assert msg.media == [
        {"kind": "mms", "url": "http://mms.example/abc", "title": "foto jalan", "sender": ""}
    ]


@pytest.mark.parametrize(
    ("env", "code", "field"),
    [
        ({}, "missing_field", "SMS_MESSAGES"),
        ({"SMS_MESSAGES": "dua"}, "invalid_type", "SMS_MESSAGES"),
        ({"SMS_MESSAGES": "-1"}, "invalid_value", "SMS_MESSAGES"),
        ({"SMS_MESSAGES": "1"}, "missing_field", "SMS_1_NUMBER"),
        ({"SMS_MESSAGES": "1", "SMS_1_NUMBER": "TELKOMSEL"}, "invalid_phone", "SMS_1_NUMBER"),
        ({**SINGLE_ENV, "DECODED_PARTS": "x"}, "invalid_type", "DECODED_PARTS"),
    ],
)
def test_gammu_env_errors(env, code, field):
    with raises(code, field):
        parse_gammu_env(env)


def test_gammu_env_not_a_mapping():
    for bad in [None, [], "SMS_MESSAGES=1"]:
        with raises("invalid_payload"):
            parse_gammu_env(bad)


# --- Gammu SQL inbox -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("udh", "expected"),
    [
        ("050003A70201", Concat(0xA7, 2, 1, 8)),
        ("0003A70202", Concat(0xA7, 2, 2, 8)),  # without the length byte
        ("060804ABCD0302", Concat(0xABCD, 3, 2, 16)),
        ("0B05040B8423F00003A70201", Concat(0xA7, 2, 1, 8)),  # port element first
        ("050003A70200", None),  # sequence 0 is ignored
        ("050003A70203", None),  # sequence beyond total is ignored
        ("", None),
        (None, None),
        ("06050400000000", None),  # ports only
    ],
)
def test_parse_udh(udh, expected):
    assert parse_udh(udh) == expected


@pytest.mark.parametrize("udh", ["05000", "zz", "050003A7", "0301"])
def test_parse_udh_rejects_garbage(udh):
    with raises("invalid_udh"):
        parse_udh(udh)


def row(row_id, text, udh="", at="2026-11-03 08:15:00", sender="081234567890", **extra):
    return {
        "ID": row_id,
        "ReceivingDateTime": at,
        "Text": text.encode("utf-16-be").hex().upper(),
        "TextDecoded": text,
        "SenderNumber": sender,
        "Coding": "Default_No_Compression",
        "UDH": udh,
        "SMSCNumber": "+6281100000",
        "Class": -1,
        "RecipientID": "modem1",
        "Processed": "false",
        **extra,
    }


def test_inbox_single_row_reads_local_time():
    result = join_gammu_inbox_rows([row(7, "CEK ADU-2611-0042")])
    [msg] = result.messages
    assert (msg.gateway, msg.gateway_message_id, msg.sender, msg.text, msg.recipient) == (
        "gammu_sql",
        "7",
        ANI,
        "CEK ADU-2611-0042",
        "modem1",
    )
    assert msg.received_at == datetime(2026, 11, 3, 1, 15, tzinfo=UTC)  # 08:15 WIB
    assert result.pending == [] and result.rejected == []
    json.dumps(msg.raw)  # stored as JSON


def test_inbox_joins_parts_in_order_whatever_the_row_order():
    rows = [
        row(12, "tiga", "050003A70303", at="2026-11-03 08:15:02"),
        row(10, "satu ", "050003A70301", at="2026-11-03 08:15:00"),
        row(11, "dua ", "050003A70302", at="2026-11-03 08:15:01"),
        row(13, "lain", "", sender="085712345678"),
    ]
    result = join_gammu_inbox_rows(rows)
    texts = {m.gateway_message_id: m.text for m in result.messages}
    assert texts == {"10,11,12": "satu dua tiga", "13": "lain"}
    joined = next(m for m in result.messages if m.gateway_message_id == "10,11,12")
    assert joined.received_at == datetime(2026, 11, 3, 1, 15, tzinfo=UTC)
    assert [r["ID"] for r in joined.raw["rows"]] == [10, 11, 12]


def test_inbox_sixteen_bit_reference_and_hex_text():
    rows = [
        row(21, "", "060804ABCD0202"),
        row(20, "Lampu ", "060804ABCD0201"),
    ]
    rows[0]["Text"] = "mati".encode("utf-16-be").hex()
    [msg] = join_gammu_inbox_rows(rows).messages
    assert msg.text == "Lampu mati"


def test_inbox_same_reference_from_two_senders_is_not_mixed():
    rows = [
        row(1, "A1 ", "050003010201", sender="081234567890"),
        row(2, "B1 ", "050003010201", sender="085712345678"),
        row(3, "A2", "050003010202", sender="081234567890"),
        row(4, "B2", "050003010202", sender="085712345678"),
    ]
    texts = sorted(m.text for m in join_gammu_inbox_rows(rows).messages)
    assert texts == ["A1 A2", "B1 B2"]


def test_inbox_reused_reference_starts_a_new_set():
    rows = [
        row(1, "a1 ", "050003050201", at="2026-11-03 08:00:00"),
        row(2, "a2", "050003050202", at="2026-11-03 08:00:01"),
        row(3, "b1 ", "050003050201", at="2026-11-03 09:00:00"),
        row(4, "b2", "050003050202", at="2026-11-03 09:00:01"),
    ]
    result = join_gammu_inbox_rows(rows)
    assert [(m.gateway_message_id, m.text) for m in result.messages] == [
        ("1,2", "a1 a2"),
        ("3,4", "b1 b2"),
    ]


def test_inbox_incomplete_set_is_pending_then_flushed_when_stale():
    rows = [row(30, "satu ", "050003090301"), row(32, "tiga", "050003090303")]
    result = join_gammu_inbox_rows(rows, now=datetime(2026, 11, 3, 1, 20, tzinfo=UTC))
    assert result.messages == []
    [pending] = result.pending
    assert (pending.sender, pending.reference, pending.total) == (ANI, 9, 3)
    assert pending.missing == [2] and pending.row_ids == ["30", "32"]

    stale = join_gammu_inbox_rows(
        rows, stale_after=timedelta(hours=1), now=datetime(2026, 11, 3, 3, 0, tzinfo=UTC)
    )
    [msg] = stale.messages
    assert msg.text == "satu  [...] tiga"
    assert msg.raw["missing_parts"] == [2] and stale.pending == []

    fresh = join_gammu_inbox_rows(
        rows, stale_after=timedelta(hours=1), now=datetime(2026, 11, 3, 1, 30, tzinfo=UTC)
    )
    assert fresh.messages == [] and len(fresh.pending) == 1


def test_inbox_bad_rows_are_rejected_without_blocking_others():
    rows = [
        row(1, "promo pulsa", sender="TELKOMSEL"),
        row(2, "ADUAN Sukun#banjir"),
        "not a row",
        row(3, "x", udh="zz"),
        row(4, "x", at="kemarin"),
        {"SenderNumber": "081234567890"},
    ]
    result = join_gammu_inbox_rows(rows)
    assert [m.gateway_message_id for m in result.messages] == ["2"]
    assert [(r.row_id, r.error.code) for r in result.rejected] == [
        ("1", "invalid_phone"),
        ("#2", "invalid_type"),
        ("3", "invalid_udh"),
        ("4", "invalid_timestamp"),
        ("#5", "missing_field"),
    ]


def test_inbox_not_a_list():
    with raises("invalid_payload", "rows"):
        join_gammu_inbox_rows({"ID": 1})


def test_inbox_accepts_datetime_objects():
    aware = datetime(2026, 11, 3, 1, 15, tzinfo=UTC)
    naive = datetime(2026, 11, 3, 8, 15)
    for value in (aware, naive):
        [msg] = join_gammu_inbox_rows([row(1, "halo", at=value)]).messages
        assert msg.received_at == aware


# --- SMSSync ---------------------------------------------------------------------------

SMSSYNC_FORM = {
    "from": "+6281234567890",
    "message": "ADUAN Kauman#Lampu PJU mati",
    "message_id": "a8f5f167-f44f-4964-e6c9-960ab0e4f5f1",
    "sent_to": "+6281399999999",
    "secret": "kunci",
    "sent_timestamp": "1793697300000",
    "device_id": "1",
}


def test_smssync_form():
    msg = parse_smssync(SMSSYNC_FORM, expected_secret="kunci")
    assert (msg.gateway, msg.gateway_message_id, msg.sender, msg.text, msg.recipient) == (
        "smssync",
        "a8f5f167-f44f-4964-e6c9-960ab0e4f5f1",
        ANI,
        "ADUAN Kauman#Lampu PJU mati",
        "+6281399999999",
    )
    assert msg.received_at == datetime.fromtimestamp(1793697300, UTC)
    assert "secret" not in msg.raw and msg.raw["device_id"] == "1"


@pytest.mark.parametrize(
    ("stamp", "expected"),
    [
        ("1793697300", datetime.fromtimestamp(1793697300, UTC)),
        (1793697300000, datetime.fromtimestamp(1793697300, UTC)),
        ("11-03-26 08:15", datetime(2026, 11, 3, 1, 15, tzinfo=UTC)),  # old app: local time
        ("2026-11-03T08:15:00+07:00", datetime(2026, 11, 3, 1, 15, tzinfo=UTC)),
        ("", datetime(2026, 1, 1, tzinfo=UTC)),
    ],
)
def test_smssync_timestamps(stamp, expected):
    form = {**SMSSYNC_FORM, "sent_timestamp": stamp}
    assert parse_smssync(form, now=datetime(2026, 1, 1, tzinfo=UTC)).received_at == expected


def test_smssync_list_values_and_missing_message_id():
    form = {k: [v] for k, v in SMSSYNC_FORM.items() if k != "message_id"}
    first, again = parse_smssync(form), parse_smssync(form)
    assert first.sender == ANI
    assert first.gateway_message_id.startswith("sha256:")
    assert first.gateway_message_id == again.gateway_message_id


@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        ({"secret": "salah"}, "invalid_secret", "secret"),
        ({"secret": None}, "invalid_secret", "secret"),
        ({"from": None}, "missing_field", "from"),
        ({"from": "12"}, "invalid_phone", "from"),
        ({"message": None}, "missing_field", "message"),
        ({"message": 5}, "invalid_type", "message"),
        ({"sent_timestamp": "besok"}, "invalid_timestamp", "sent_timestamp"),
        ({"sent_timestamp": "5"}, "invalid_timestamp", "sent_timestamp"),
        ({"message_id": {"a": 1}}, "invalid_type", "message_id"),
    ],
)
def test_smssync_errors(change, code, field):
    with raises(code, field):
        parse_smssync({**SMSSYNC_FORM, **change}, expected_secret="kunci")


def test_smssync_response():
    assert smssync_response(True) == {"payload": {"success": True, "error": None}}
    assert smssync_response(False, "bad secret") == {
        "payload": {"success": False, "error": "bad secret"}
    }


# --- generic JSON webhook --------------------------------------------------------------

GENERIC = {
    "id": "gw-9911",
    "from": "0812-3456-7890",
    "text": "CEK ADU-2611-0042",
    "received_at": "2026-11-03T08:15:00+07:00",
}


def test_generic_sms():
    msg = parse_generic_sms(GENERIC)
    assert (msg.gateway, msg.gateway_message_id, msg.sender, msg.text) == (
        "generic",
        "gw-9911",
        ANI,
        "CEK ADU-2611-0042",
    )
    assert msg.received_at == datetime(2026, 11, 3, 1, 15, tzinfo=UTC)
    assert (
        parse_generic_sms(
            {**GENERIC, "id": 42, "received_at": "2026-11-03T01:15:00Z"}
        ).gateway_message_id
        == "42"
    )


@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        ({"id": None}, "missing_field", "id"),
        ({"id": ""}, "missing_field", "id"),
        ({"id": True}, "invalid_type", "id"),
        ({"from": 81234567890.0}, "invalid_type", "from"),
        ({"from": "abc"}, "invalid_phone", "from"),
        ({"text": ["a"]}, "invalid_type", "text"),
        ({"received_at": "2026-11-03 08:15"}, "invalid_timestamp", "received_at"),
        ({"received_at": "yesterday"}, "invalid_timestamp", "received_at"),
        ({"received_at": 1793697300}, "invalid_type", "received_at"),
        ({"received_at": "1970-01-01T00:00:00Z"}, "invalid_timestamp", "received_at"),
    ],
)
def test_generic_sms_errors(change, code, field):
    with raises(code, field):
        parse_generic_sms({**GENERIC, **change})


def test_generic_sms_garbage():
    assert_only_payload_errors(parse_generic_sms, GENERIC)
    with raises("invalid_payload"):
        parse_generic_sms(["id", "from"])


# --- WhatsApp Cloud API ----------------------------------------------------------------


def wa_body(messages=None, statuses=None, contacts=True):
    value = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "6281100001111", "phone_number_id": "1089912"},
    }
    if contacts:
        value["contacts"] = [{"profile": {"name": "Budi Santoso"}, "wa_id": BUDI_WA}]
    if messages is not None:
        value["messages"] = messages
    if statuses is not None:
        value["statuses"] = statuses
    return {
        "object": "whatsapp_business_account",
        "entry": [{"id": "10203040", "changes": [{"field": "messages", "value": value}]}],
    }


def wa_msg(kind, **content):
    return {
        "from": BUDI_WA,
        "id": "wamid.HBgNNjI4NTcxMjM0NTY3OBUCABIYFjNFQjA",
        "timestamp": "1793697300",
        "type": kind,
        **content,
    }


def test_whatsapp_text():
    messages, statuses = parse_whatsapp(
        wa_body([wa_msg("text", text={"body": "ADUAN Sukun#banjir"})])
    )
    [msg] = messages
    assert statuses == []
    assert (msg.channel, msg.sender, msg.sender_name, msg.text, msg.message_type) == (
        "whatsapp",
        "+6285712345678",
        "Budi Santoso",
        "ADUAN Sukun#banjir",
        "text",
    )
    assert msg.gateway_message_id.startswith("wamid.")
    assert msg.received_at == datetime.fromtimestamp(1793697300, UTC)
    assert msg.recipient == "6281100001111"


def test_whatsapp_location_image_and_other_types():
    body = wa_body(
        [
            wa_msg(
                "location",
                location={"latitude": -7.9666, "longitude": 112.6326, "name": "Alun-alun"},
            ),
            wa_msg(
                "image",
                image={"id": "media-1", "mime_type": "image/jpeg", "caption": "jalan rusak"},
            ),
            wa_msg("reaction", reaction={"message_id": "wamid.x", "emoji": "👍"}),
            wa_msg(
                "interactive",
                interactive={"type": "button_reply", "button_reply": {"id": "r5", "title": "5"}},
            ),
        ],
        contacts=False,
    )
    location, image, reaction, button = parse_whatsapp(body)[0]
    assert (location.latitude, location.longitude, location.text) == (-7.9666, 112.6326, "")
    assert image.media == [{"kind": "image", "id": "media-1", "mime_type": "image/jpeg"}]
    assert image.text == "jalan rusak"
    assert (reaction.message_type, reaction.text, reaction.raw["reaction"]["emoji"]) == (
        "reaction",
        "",
        "👍",
    )
    assert button.text == "5"
    assert location.sender_name == ""


def test_whatsapp_statuses_and_other_fields():
    body = wa_body(
        statuses=[
            {
                "id": "wamid.out1",
                "status": "delivered",
                "timestamp": "1793697400",
                "recipient_id": BUDI_WA,
            }
        ]
    )
    body["entry"][0]["changes"].append({"field": "account_update", "value": {"x": 1}})
    messages, [status] = parse_whatsapp(body)
    assert messages == []
    assert (status["id"], status["status"], status["recipient"]) == (
        "wamid.out1",
        "delivered",
        "+6285712345678",
    )
    assert status["timestamp"] == datetime.fromtimestamp(1793697400, UTC)


@pytest.mark.parametrize(
    ("body", "code", "field"),
    [
        ({"object": "page", "entry": []}, "invalid_value", "object"),
        ({"object": "whatsapp_business_account"}, "missing_field", "entry"),
        (wa_body(["x"]), "invalid_type", "entry[0].changes[0].value.messages[0]"),
        (wa_body([wa_msg("text")]), "missing_field", "entry[0].changes[0].value.messages[0].text"),
        (
            wa_body([{**wa_msg("text", text={"body": "x"}), "timestamp": "kemarin"}]),
            "invalid_timestamp",
            "entry[0].changes[0].value.messages[0].timestamp",
        ),
        (
            wa_body([{**wa_msg("text", text={"body": "x"}), "from": "+62857"}]),
            "invalid_phone",
            "entry[0].changes[0].value.messages[0].from",
        ),
        (
            wa_body([wa_msg("location", location={"latitude": 200, "longitude": 0})]),
            "invalid_value",
            "entry[0].changes[0].value.messages[0].location.latitude",
        ),
    ],
)
def test_whatsapp_errors(body, code, field):
    with raises(code, field):
        parse_whatsapp(body)


def test_whatsapp_garbage():
    body = wa_body(
        [
            wa_msg("text", text={"body": "halo"}),
            wa_msg("location", location={"latitude": -7.9, "longitude": 112.6}),
        ],
        statuses=[
            {"id": "w", "status": "read", "timestamp": "1793697400", "recipient_id": BUDI_WA}
        ],
    )
    assert_only_payload_errors(parse_whatsapp, body)


# --- Telegram --------------------------------------------------------------------------


def tg_update(**message):
    return {
        "update_id": 872301455,
        "message": {
            "message_id": 51,
            "from": {"id": 5550001, "is_bot": False, "first_name": "Citra", "last_name": "Dewi"},
            "chat": {"id": 5550001, "type": "private", "first_name": "Citra"},
            "date": 1793697300,
            **message,
        },
    }


def test_telegram_text():
    msg = parse_telegram(tg_update(text="CEK ADU-2611-0042"))
    assert (msg.channel, msg.gateway_message_id, msg.sender, msg.sender_name, msg.text) == (
        "telegram",
        "872301455",
        "5550001",
        "Citra Dewi",
        "CEK ADU-2611-0042",
    )
    assert msg.received_at == datetime.fromtimestamp(1793697300, UTC) and not msg.is_edit


def test_telegram_location_and_photo():
    located = parse_telegram(tg_update(location={"latitude": -7.98, "longitude": 112.63}))
    assert (located.latitude, located.longitude, located.message_type) == (
        -7.98,
        112.63,
        "location",
    )
    photo = parse_telegram(
        tg_update(
            caption="sampah di sungai",
            photo=[
                {"file_id": "small", "file_unique_id": "u1", "width": 90, "height": 67},
                {"file_id": "large", "file_unique_id": "u3", "width": 1280, "height": 960},
                {"file_id": "medium", "file_unique_id": "u2", "width": 320, "height": 240},
            ],
        )
    )
    assert photo.text == "sampah di sungai"
    assert photo.media == [{"kind": "photo", "file_id": "large", "file_unique_id": "u3"}]


def test_telegram_edited_message_uses_edit_time():
    update = tg_update(text="koreksi")
    update["edited_message"] = {**update.pop("message"), "edit_date": 1793697999}
    msg = parse_telegram(update)
    assert msg.is_edit and msg.received_at == datetime.fromtimestamp(1793697999, UTC)


def test_telegram_ignored_updates():
    group = tg_update(text="halo")
    group["message"]["chat"] = {"id": -100123, "type": "supergroup", "title": "Warga RW 5"}
    bot = tg_update(text="halo")
    bot["message"]["from"]["is_bot"] = True
    assert parse_telegram(group) is None
    assert parse_telegram(bot) is None
    assert parse_telegram({"update_id": 1, "callback_query": {"id": "x"}}) is None


@pytest.mark.parametrize(
    ("update", "code", "field"),
    [
        ({"message": {}}, "missing_field", "update_id"),
        ({"update_id": "872301455"}, "invalid_type", "update_id"),
        ({"update_id": 1, "message": "hi"}, "invalid_type", "message"),
        ({"update_id": 1, "message": {"date": 1793697300}}, "missing_field", "message.chat"),
        ({**tg_update(text=5)}, "invalid_type", "message.text"),
        ({**tg_update(text="x", date="kemarin")}, "invalid_type", "message.date"),
    ],
)
def test_telegram_errors(update, code, field):
    with raises(code, field):
        parse_telegram(update)


def test_telegram_garbage():
    update = tg_update(
        text="halo",
        location={"latitude": -7.98, "longitude": 112.63},
        photo=[{"file_id": "a", "width": 1, "height": 1}],
    )
    assert_only_payload_errors(parse_telegram, update)


def test_every_parser_returns_the_same_shape():
    produced = [
        parse_gammu_env(SINGLE_ENV)[0],
        join_gammu_inbox_rows([row(1, "x")]).messages[0],
        parse_smssync(SMSSYNC_FORM),
        parse_generic_sms(GENERIC),
        parse_whatsapp(wa_body([wa_msg("text", text={"body": "x"})]))[0][0],
        parse_telegram(tg_update(text="x")),
    ]
    for msg in produced:
        assert isinstance(msg, InboundMessage)
        assert msg.received_at.tzinfo is not None and msg.received_at.utcoffset() == timedelta(0)
        assert msg.gateway_message_id and msg.sender
        json.dumps(msg.raw)
