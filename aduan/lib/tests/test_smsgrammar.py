import random
from datetime import UTC, date, datetime

import pytest

from aduan.lib import codes, gsm7
from aduan.lib.smsgrammar import (
    ERRORS,
    SmsCommand,
    gsm7_length,
    help_text,
    match_kelurahan,
    normalize_code,
    notice_sms,
    parse_sms,
    reply_choose_code,
    reply_disputed,
    reply_filed,
    reply_info_added,
    reply_malformed,
    reply_not_answered,
    reply_not_found,
    reply_rated,
    reply_status,
)

KELURAHAN = [
    "Sukun",
    "Bandungrejosari",
    "Oro-oro Dowo",
    "Kauman",
    "Tanjungrejo",
    "Bareng",
    "Klojen",
    "Kiduldalem",
]


def parse(text):
    return parse_sms(text, KELURAHAN)


# --- filing ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kelurahan", "raw", "body"),
    [
        (
            "ADUAN Sukun#Jalan berlubang di depan SDN 3",
            "Sukun",
            "Sukun",
            "Jalan berlubang di depan SDN 3",
        ),
        ("aduan sukun # jalan berlubang", "Sukun", "sukun", "jalan berlubang"),
        ("ADUAN#Kauman#lampu PJU mati", "Kauman", "Kauman", "lampu PJU mati"),
        ("  Aduan   KAUMAN#lampu mati  ", "Kauman", "KAUMAN", "lampu mati"),
        ("LAPOR Klojen#sampah menumpuk", "Klojen", "Klojen", "sampah menumpuk"),
        ("laporan klojen#sampah menumpuk", "Klojen", "klojen", "sampah menumpuk"),
        ("ADUAN kel. Sukun#got mampet", "Sukun", "kel. Sukun", "got mampet"),
        (
            "ADUAN Kelurahan Tanjung Rejo#got mampet",
            "Tanjungrejo",
            "Kelurahan Tanjung Rejo",
            "got mampet",
        ),
        ("ADUAN oro oro dowo#pohon tumbang", "Oro-oro Dowo", "oro oro dowo", "pohon tumbang"),
        ("ADUAN Bandungrejosri#banjir", "Bandungrejosari", "Bandungrejosri", "banjir"),  # typo
        ("ADUAN Sukun RT 03 RW 02#banjir", "Sukun", "Sukun RT 03 RW 02", "banjir"),
        ("ADUAN Sukun # # banjir lagi", "Sukun", "Sukun", "banjir lagi"),
        ("ADUAN Sukun#isi dengan # di dalam", "Sukun", "Sukun", "isi dengan # di dalam"),
        ("ADUAM Klojen#banjir", "Klojen", "Klojen", "banjir"),  # keyword typo
        ("ADUANSUKUN#jalan rusak", "Sukun", "SUKUN", "jalan rusak"),  # keyword glued
        ("ＡＤＵＡＮ Sukun#banjir", "Sukun", "Sukun", "banjir"),  # full-width from some gateways
    ],
)
def test_file_with_kelurahan(text, kelurahan, raw, body):
    cmd = parse(text)
    assert (cmd.action, cmd.kelurahan, cmd.kelurahan_raw, cmd.body) == (
        "file",
        kelurahan,
        raw,
        body,
    )
    assert cmd.ok and not cmd.keyword_missing


@pytest.mark.parametrize(
    ("text", "kelurahan", "body"),
    [
        ("ADUAN sukun jalan rusak parah", "Sukun", "jalan rusak parah"),
        ("ADUAN Oro Oro Dowo pohon tumbang", "Oro-oro Dowo", "pohon tumbang"),
        ("ADUAN kel. sukunn jalan rusak", "Sukun", "jalan rusak"),  # prefix allows a typo
        ("ADUAN Kel.Sukun jalan rusak", "Sukun", "jalan rusak"),
        # Without "#" or "kel." a near miss must not eat the complaint's first word.
        ("ADUAN Barang hilang di pasar", None, "Barang hilang di pasar"),
        ("ADUAN jalan rusak parah", None, "jalan rusak parah"),
    ],
)
def test_file_without_hash_matches_leading_words_carefully(text, kelurahan, body):
    cmd = parse(text)
    assert (cmd.action, cmd.kelurahan, cmd.body, cmd.ok) == ("file", kelurahan, body, True)


def test_file_without_kelurahan_is_still_a_complaint():
    for text in ("LAPOR ##sampah menumpuk", "ADUAN #sampah menumpuk", "ADUAN#sampah menumpuk"):
        cmd = parse(text)
        assert (cmd.action, cmd.kelurahan, cmd.body, cmd.ok) == (
            "file",
            None,
            "sampah menumpuk",
            True,
        )


def test_unknown_kelurahan_is_kept_raw_for_moderators():
    cmd = parse("ADUAN Sumbersari#jalan rusak")
    assert (cmd.kelurahan, cmd.kelurahan_raw, cmd.body, cmd.ok) == (
        None,
        "Sumbersari",
        "jalan rusak",
        True,
    )


@pytest.mark.parametrize("text", ["ADUAN", "ADUAN Sukun#", "aduan sukun #  ", "LAPOR #!!"])
def test_file_without_body_is_malformed(text):
    cmd = parse(text)
    assert (cmd.action, cmd.error_code) == ("file", "missing_body")
    assert cmd.error == ERRORS["missing_body"]


# --- status, info, rating, help --------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "CEK ADU-2611-0042",
        "cek adu 2611 0042",
        "CEK ADU26110042",
        "Cek  adu-26-11-00-42",
        "CEKADU-2611-0042",
        "cek 2611 0042",
        "STATUS ADU.2611.0042",
        "cek adu-2611-OO42",  # letter O typed for zero
        "ADU-2611-0042",  # a bare code is a status check
        "adu 2611 0042?",
    ],
)
def test_status_forgives_spacing_case_and_dashes(text):
    cmd = parse(text)
    assert (cmd.action, cmd.code, cmd.ok) == ("status", "ADU-2611-0042", True)


def test_status_with_long_sequence():
    assert parse("CEK ADU-2611-004213").code == "ADU-2611-004213"


@pytest.mark.parametrize("text", ["CEK", "CEK 123", "cek adu 2611", "CEK ADU-2611-00421234"])
def test_status_without_a_valid_code_is_malformed(text):
    cmd = parse(text)
    assert (cmd.action, cmd.code, cmd.error_code) == ("status", None, "missing_code")


def test_info_splits_code_and_body():
    cmd = parse("INFO ADU-2611-0042 lubangnya makin besar")
    assert (cmd.action, cmd.code, cmd.body, cmd.ok) == (
        "info",
        "ADU-2611-0042",
        "lubangnya makin besar",
        True,
    )
    # A number right after the code belongs to the body, not to the sequence.
    assert parse("info adu 2611 0042 2 lubang lagi").body == "2 lubang lagi"
    assert parse("INFO ADU-2611-0042#foto sudah dikirim").body == "foto sudah dikirim"


def test_info_errors():
    assert parse("INFO ADU-2611-0042").error_code == "missing_info"
    assert parse("INFO ADU-2611-0042").code == "ADU-2611-0042"
    assert parse("INFO lubang").error_code == "missing_code"
    assert parse("INFO").action == "help"  # a lone INFO is someone asking what this is


@pytest.mark.parametrize(
    ("text", "code", "rating"),
    [
        ("NILAI ADU-2611-0042 5", "ADU-2611-0042", 5),
        ("nilai adu 2611 0042 #4", "ADU-2611-0042", 4),
        ("NILAI 3", None, 3),
        ("RATING ADU26110042 1", "ADU-2611-0042", 1),
    ],
)
def test_rating(text, code, rating):
    cmd = parse(text)
    assert (cmd.action, cmd.code, cmd.rating, cmd.ok) == ("rate", code, rating, True)


@pytest.mark.parametrize("text", ["NILAI ADU-2611-0042 9", "NILAI ADU-2611-0042", "NILAI 0"])
def test_rating_out_of_range(text):
    cmd = parse(text)
    assert (cmd.action, cmd.rating, cmd.error_code) == ("rate", None, "invalid_rating")


@pytest.mark.parametrize(("text", "rating"), [("5", 5), (" 1 ", 1), ("4.", 4), ("3!", 3)])
def test_bare_digit_is_a_rating_without_code(text, rating):
    assert parse(text) == SmsCommand("rate", rating=rating)


@pytest.mark.parametrize("text", ["0", "6", "9", "12"])
def test_bare_number_outside_scale(text):
    cmd = parse(text)
    assert (cmd.action, cmd.error_code) == ("unknown", "invalid_rating")


@pytest.mark.parametrize("text", ["BANTUAN", "bantuan", "Help", "?", "??", "menu.", "INFO"])
def test_help(text):
    assert parse(text).action == "help"


# --- nothing recognised ----------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Jalan di depan rumah saya rusak parah pak",
        # These start with a keyword but are complaints; a format error would lose them.
        "BANTUAN sosial belum cair di RT 03 RW 02 kami",
        "Nilai pajak bumi naik terus tidak masuk akal",
        "Info jalan di depan pasar besar rusak parah",
        "Cekungan jalan besar sekali di Jl Ijen dekat gereja",
        "Status tanah makam belum jelas sampai sekarang",
    ],
)
def test_long_text_without_command_is_kept_as_complaint(text):
    cmd = parse(text)
    assert (cmd.action, cmd.body, cmd.kelurahan, cmd.keyword_missing, cmd.ok) == (
        "file",
        text,
        None,
        True,
        True,
    )


def test_kelurahan_hash_without_keyword():
    cmd = parse("Tanjung rejo#got mampet")
    assert (cmd.action, cmd.kelurahan, cmd.body, cmd.keyword_missing) == (
        "file",
        "Tanjungrejo",
        "got mampet",
        True,
    )


def test_word_starting_with_keyword_is_not_glued_command():
    assert parse("Informasi jadwal posyandu bulan ini").action == "file"
    assert parse("Informasi jadwal posyandu bulan ini").keyword_missing


@pytest.mark.parametrize("text", ["halo", "ok", "test 123", "#"])
def test_short_unrecognised(text):
    cmd = parse(text)
    assert (cmd.action, cmd.error_code) == ("unknown", "unrecognised")


@pytest.mark.parametrize("text", ["", "   ", None, "\n\t"])
def test_empty(text):
    assert parse_sms(text, KELURAHAN).error_code == "empty"


def test_parse_never_raises_and_kelurahan_is_canonical():
    rng = random.Random(20261103)
    alphabet = "ADUNCEKIFOLPRSTVadunceki0123456789 #-.:?\n€é😀"
    actions = {"file", "status", "info", "rate", "help", "unknown"}
    for _ in range(2000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        if rng.random() < 0.3:
            text = rng.choice(["ADUAN ", "CEK ", "INFO ", "NILAI ", "LAPOR#"]) + text
        cmd = parse(text)
        assert cmd.action in actions
        assert cmd.kelurahan is None or cmd.kelurahan in KELURAHAN
        assert (cmd.error is None) == (cmd.error_code is None)
        assert cmd.code is None or codes.is_code(cmd.code)


def test_parse_without_kelurahan_list():
    cmd = parse_sms("ADUAN Sukun#banjir", [])
    assert (cmd.action, cmd.kelurahan, cmd.kelurahan_raw, cmd.body) == (
        "file",
        None,
        "Sukun",
        "banjir",
    )


# --- helpers ---------------------------------------------------------------------------


def test_match_kelurahan():
    assert match_kelurahan("KEL. KIDUL DALEM", KELURAHAN) == "Kiduldalem"
    assert match_kelurahan("desa bareng", KELURAHAN) == "Bareng"
    assert match_kelurahan("Kauman.", KELURAHAN) == "Kauman"
    assert match_kelurahan("Sumbersari", KELURAHAN) is None
    assert match_kelurahan("", KELURAHAN) is None
    assert match_kelurahan("Sukun", [None, "", "Sukun"]) == "Sukun"


def test_normalize_code_is_the_shared_one():
    assert normalize_code is codes.normalize_code
    assert normalize_code("adu 2611 0042") == "ADU-2611-0042"
    assert normalize_code("ADU-26-11") is None


# --- replies ---------------------------------------------------------------------------

LONG_CODE = "ADU-2611-004213"


def all_replies():
    long_label = "Diproses oleh Dinas Pekerjaan Umum, Penataan Ruang, Perumahan dan Kawasan " * 2
    yield help_text()
    yield help_text("Bandungrejosari")
    yield help_text("Kelurahan dengan nama yang sangat panjang sekali untuk menguji batas")
    yield reply_filed(LONG_CODE)
    yield reply_status(LONG_CODE, long_label, datetime(2026, 11, 3, 7, 5, tzinfo=UTC))
    yield reply_status(LONG_CODE, "Selesai 😀 “dijawab”", date(2026, 11, 3))
    yield reply_status(LONG_CODE, "Baru")
    yield reply_not_found(LONG_CODE)
    yield reply_info_added(LONG_CODE)
    yield reply_rated(5, LONG_CODE)
    yield reply_rated(1)
    yield reply_disputed(LONG_CODE)
    yield reply_not_answered(LONG_CODE, long_label)
    yield reply_choose_code([LONG_CODE] * 5, "0812-0000-1111")
    yield help_text("Bandungrejosari", number="+62 812 0000 1111")
    yield reply_filed(LONG_CODE, "0812-0000-1111")
    for error_code in ERRORS:
        yield reply_malformed(
            SmsCommand("unknown", error=ERRORS[error_code], error_code=error_code)
        )


def test_every_reply_fits_one_gsm7_sms():
    for reply in all_replies():
        length = gsm7_length(reply)
        assert length is not None, reply
        assert 20 < length <= 160, (length, reply)


def test_reply_status_shows_local_time_and_trims_long_labels():
    reply = reply_status("ADU-2611-0042", "Diproses", datetime(2026, 11, 3, 7, 5, tzinfo=UTC))
    assert reply == (
        "Status aduan ADU-2611-0042: Diproses. Pembaruan terakhir 03/11/2026 14:05. Terima kasih."
    )
    long = reply_status("ADU-2611-0042", "x" * 300, "kemarin")
    assert "..." in long and "ADU-2611-0042" in long and "kemarin" in long


def test_reply_malformed_names_the_fix():
    assert "CEK ADU-2611-0042" in reply_malformed(parse("CEK"))
    assert "ADUAN kelurahan#isi" in reply_malformed(parse("ADUAN"))
    assert reply_malformed(parse("CEK")).startswith("Maaf, kode aduan")
    assert reply_malformed(parse("ADUAN Sukun#banjir")) == help_text()


def test_reply_filed_tells_how_to_check():
    assert reply_filed("ADU-2611-0042").count("ADU-2611-0042") == 2
    assert "CEK ADU-2611-0042" in reply_filed("ADU-2611-0042")


def test_gsm7_length():
    assert gsm7_length("abc") == 3
    assert gsm7_length("a€[]") == 7  # extension table characters take two septets
    assert gsm7_length("é") == 1
    assert gsm7_length("😀") is None
    assert gsm7_length("ā") is None


# --- disputes --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "BANTAH ADU-2611-0042 lampu masih mati",
        "bantah adu 2611 0042: lampu masih mati",
        "  Bantah#ADU26110042 lampu masih mati",
        "BANTHA ADU-2611-0042 lampu masih mati",  # a typo in the keyword
        "sanggah ADU-2611-0042 lampu masih mati",
        "TOLAK ADU-2611-0042 lampu masih mati",
        "belum selesai ADU-2611-0042 lampu masih mati",
        "BLM BERES adu-2611-OO42 lampu masih mati",  # letter O for zero
        "BELUMSELESAI ADU-2611-0042 lampu masih mati",
    ],
)
def test_dispute_with_a_code(text):
    cmd = parse(text)
    assert (cmd.action, cmd.code, cmd.body) == ("dispute", "ADU-2611-0042", "lampu masih mati")
    assert cmd.ok


def test_dispute_without_a_code_is_left_to_the_caller():
    cmd = parse("belum selesai, lampu masih mati")
    assert (cmd.action, cmd.code, cmd.body) == ("dispute", None, "lampu masih mati")
    assert cmd.ok and cmd.text == "belum selesai, lampu masih mati"
    # A complaint that starts with the word keeps its whole text for filing.
    cmd = parse("Tolak tambang pasir di desa kami, sawah rusak")
    assert cmd.action == "dispute" and cmd.code is None
    assert cmd.text == "Tolak tambang pasir di desa kami, sawah rusak"


def test_dispute_needs_a_reason():
    cmd = parse("BANTAH ADU-2611-0042")
    assert cmd.error_code == "missing_reason" and cmd.code == "ADU-2611-0042"
    assert "BANTAH kode alasan" in reply_malformed(cmd)
    assert parse("bantah").error_code == "missing_code"


# --- notices ---------------------------------------------------------------------------

URL = "https://aduan.malangkota.go.id/k/hA7_GPS16CDUdnyTXrgDMQ/"
ANSWER = "Lampu “sudah” diganti – kabel diperbaiki… " * 40


@pytest.mark.parametrize(
    ("kind", "parts"),
    [
        ("created", 1),
        ("dispatched", 1),
        ("acknowledged", 1),
        ("merged", 1),
        ("closed", 1),
        ("update", 3),
        ("info_requested", 3),
        ("deferred", 3),
        ("resolved", 3),
        ("rejected", 3),
    ],
)
def test_every_notice_is_gsm7_within_its_parts_and_keeps_the_link(kind, parts):
    for code in ("ADU-2611-0042", LONG_CODE):
        text = notice_sms(
            kind,
            code=code,
            url=URL,
            number="0812-0000-1111",
            rated=False,
            note=ANSWER,
            agency="DPUPRPKP",
            agencies="Dinas Pekerjaan Umum, Penataan Ruang, Perumahan dan Kawasan Permukiman " * 3,
            outcome="sudah ditangani",
            year="2027",
            reason="Bukan kewenangan pemerintah kota",
            referral="PLN UP3 Malang",
            into="ADU-2611-0001",
            into_url="https://aduan.malangkota.go.id/lacak/ADU-2611-0001/",
        )
        assert gsm7.is_gsm7(text), text
        assert gsm7.segments(text) <= parts, (kind, gsm7.segments(text), text)
        assert code in text
        assert (URL in text) or kind in ("merged", "closed")
        if kind in ("info_requested", "resolved", "closed"):
            assert "0812-0000-1111" in text  # asks for a reply: says where to send it
    assert notice_sms("verified", code="ADU-2611-0042", url=URL) is None


def test_notices_name_the_keyword_to_answer_with():
    asked = notice_sms("info_requested", code="ADU-2611-0042", url=URL, note="Nomor tiang?")
    assert "INFO ADU-2611-0042 jawaban" in asked and "Nomor tiang?" in asked
    answered = notice_sms("resolved", code="ADU-2611-0042", url=URL, note="Sudah.", number="")
    assert "BANTAH ADU-2611-0042 alasan" in answered and "NILAI ADU-2611-0042 1-5" in answered
    assert " ke " not in answered.split("Kirim")[1][:4]  # no number, no dangling "ke"
    closed = notice_sms("closed", code="ADU-2611-0042", url=URL, rated=True)
    assert "NILAI" not in closed
