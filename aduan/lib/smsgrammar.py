"""SMS keyword grammar for feature phones (framework-free).

Citizens on basic phones type commands by hand, so the grammar forgives case,
spacing, a missing or doubled ``#``, a keyword glued to what follows and small
typos in keywords and kelurahan names. Anything that still looks like a
complaint but matches no command is kept (``keyword_missing=True``) so a
moderator can read it rather than the SMS being answered with an error and lost.

Commands::

    ADUAN <kelurahan>#<isi>      file a complaint (LAPOR, LAPORAN, PENGADUAN too)
    CEK <kode>                   status of a complaint (STATUS, LACAK)
    INFO <kode> <isi>            add information to a complaint
    BANTAH <kode> <alasan>       dispute an answer (SANGGAH, TOLAK, BELUM [SELESAI])
    NILAI <kode> <1-5>           rate the answer; a bare digit 1-5 also rates
    BANTUAN / HELP / ?           help

A dispute without a code (``belum selesai, lampu masih mati``) comes back as
``dispute`` with ``code=None``: the caller knows whether the sender has exactly one
answered complaint it can mean, and files the text as a complaint otherwise.

Replies are Indonesian and kept within one GSM-7 SMS (160 characters), since a
second part costs the city money and arrives out of order on old handsets. Replies
that ask the citizen to send something name the number to send it to when given.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone, tzinfo

from aduan.lib import gsm7
from aduan.lib.codes import normalize_code

__all__ = [
    "SmsCommand",
    "could_be_complaint",
    "gsm7_length",
    "help_text",
    "match_kelurahan",
    "normalize_code",
    "parse_sms",
    "reply_choose_code",
    "reply_disputed",
    "reply_filed",
    "reply_info_added",
    "reply_malformed",
    "reply_not_answered",
    "reply_not_found",
    "reply_rated",
    "reply_status",
]

FILE, STATUS, INFO, RATE, HELP, UNKNOWN = "file", "status", "info", "rate", "help", "unknown"
DISPUTE = "dispute"

# A message with this many letters is worth a moderator's look even without a keyword.
MIN_COMPLAINT_LETTERS = 20
SMS_LIMIT = 160
WIB = timezone(timedelta(hours=7), "WIB")

_KEYWORDS = {
    "ADUAN": FILE,
    "PENGADUAN": FILE,
    "LAPOR": FILE,
    "LAPORAN": FILE,
    "CEK": STATUS,
    "CHECK": STATUS,
    "STATUS": STATUS,
    "LACAK": STATUS,
    "INFO": INFO,
    "TAMBAH": INFO,
    "NILAI": RATE,
    "RATING": RATE,
    "SKOR": RATE,
    "BANTAH": DISPUTE,
    "BANTAHAN": DISPUTE,
    "SANGGAH": DISPUTE,
    "TOLAK": DISPUTE,
    "BELUM": DISPUTE,
    "BLM": DISPUTE,
}
_FILE_WORDS = [w for w, action in _KEYWORDS.items() if action == FILE]
# Long enough that a typo still reads as the word (BANTHA, SANGAH), unlike TOLAK or BELUM.
_FUZZY_WORDS = {**dict.fromkeys(_FILE_WORDS, FILE), "BANTAH": DISPUTE, "SANGGAH": DISPUTE}
# Said after BELUM/BLM before the code: "BELUM SELESAI ADU-2611-0042 lampu masih mati".
_DISPUTE_FILLER = re.compile(
    r"^[\s#:;,.\-*=]*(?:selesai|beres|tuntas|ditangani|diperbaiki|benar|sesuai)\b",
    re.IGNORECASE,
)
# Only whole-message help: "BANTUAN sosial belum cair ..." is a complaint, not a request for help.
_HELP_WORDS = {"BANTUAN", "BANTU", "HELP", "MENU", "TOLONG", "INFO", "?"}

ERRORS = {
    "empty": "Pesan kosong.",
    "missing_code": "Kode aduan tidak ditemukan. Contoh: CEK ADU-2611-0042.",
    "missing_body": "Isi aduan kosong. Format: ADUAN kelurahan#isi aduan.",
    "missing_info": "Keterangan kosong. Format: INFO kode keterangan.",
    "missing_reason": "Alasan kosong. Format: BANTAH kode alasan.",
    "invalid_rating": "Nilai harus angka 1 sampai 5. Contoh: NILAI ADU-2611-0042 5.",
    "unrecognised": "Format SMS tidak dikenali. Kirim ADUAN kelurahan#isi aduan, atau CEK kode.",
}

_LEAD_SEPARATORS = " \t\r\n#:;,.-*="
_CODE_SEPARATORS = " \t-_./:"
_DIGITS = "0123456789"
# Letters that feature-phone users type for look-alike digits inside a code.
_LOOKALIKE = {"O": "0", "o": "0", "I": "1", "l": "1"}
_KEL_PREFIX = re.compile(r"^\s*(?:kelurahan|kel|desa|ds)\b[\s.:]*", re.IGNORECASE)


@dataclass
class SmsCommand:
    """What an inbound SMS asks for. ``error`` is Indonesian, for the reply."""

    action: str
    code: str | None = None
    kelurahan: str | None = None
    kelurahan_raw: str | None = None
    body: str = ""
    rating: int | None = None
    error: str | None = None
    error_code: str | None = None
    keyword_missing: bool = False
    text: str = ""  # the whole message as read, for a caller that files it after all

    @property
    def ok(self) -> bool:
        return self.error_code is None


def _failed(action: str, error_code: str, **fields) -> SmsCommand:
    return SmsCommand(action, error=ERRORS[error_code], error_code=error_code, **fields)


def _letters(text: str) -> int:
    return sum(ch.isalpha() for ch in text)


def could_be_complaint(text) -> bool:
    """Enough letters to be worth a moderator's look even without a keyword."""
    return isinstance(text, str) and _letters(text) >= MIN_COMPLAINT_LETTERS


def _clean(text) -> str:
    # NFKC folds full-width and compatibility forms some handsets and gateways emit.
    return unicodedata.normalize("NFKC", str(text or "")).strip()


# --- kelurahan -------------------------------------------------------------------------


def _key(text: str) -> str:
    return re.sub(r"[^0-9a-z]", "", text.lower())


def _keys_of(raw: str) -> list[str]:
    stripped = _KEL_PREFIX.sub("", raw)
    keys = [_key(raw), _key(stripped)]
    return [k for k in dict.fromkeys(keys) if k]


def _name_index(names: Iterable[str]) -> dict[str, str]:
    index: dict[str, str] = {}
    for name in names:
        if not isinstance(name, str) or not name.strip():
            continue
        for k in _keys_of(name.strip()):
            index.setdefault(k, name.strip())
    return index


def _resolve(raw: str, index: dict[str, str], fuzzy: bool, cutoff: float = 0.8) -> str | None:
    keys = _keys_of(raw)
    for k in keys:
        if k in index:
            return index[k]
    if fuzzy:
        for k in keys:
            close = difflib.get_close_matches(k, list(index), n=1, cutoff=cutoff)
            if close:
                return index[close[0]]
    return None


def match_kelurahan(raw: str, names: Iterable[str]) -> str | None:
    """The canonical name from ``names`` that ``raw`` means, or None.

    Insensitive to case, spaces, punctuation and a ``kel.``/``kelurahan``/``desa``
    prefix; tolerates about one typo in six letters. Trailing words such as
    ``RT 03`` are dropped one at a time if the whole does not match.
    """
    index = _name_index(names)
    raw = _clean(raw)
    if not raw or not index:
        return None
    found = _resolve(raw, index, fuzzy=True)
    if found:
        return found
    words = raw.split()
    for n in range(len(words) - 1, 0, -1):
        found = _resolve(" ".join(words[:n]), index, fuzzy=False)
        if found:
            return found
    return None


def _leading_kelurahan(text: str, index: dict[str, str]) -> tuple[str | None, str | None, str]:
    """Kelurahan named by the first words of ``text`` when there is no ``#``.

    Exact matches only, unless the citizen wrote a ``kel.`` prefix: without a
    separator a fuzzy match would swallow the first words of the complaint.
    """
    prefixed = bool(_KEL_PREFIX.match(text))
    words = text.split()
    for n in range(min(len(words), 4), 0, -1):
        candidate = " ".join(words[:n])
        if prefixed and not _key(_KEL_PREFIX.sub("", candidate)):
            continue  # "kel." alone names nothing
        found = _resolve(candidate, index, fuzzy=prefixed)
        if found:
            rest = text.split(None, n)[n] if len(words) > n else ""
            return found, candidate, rest.lstrip(_LEAD_SEPARATORS)
    return None, None, text


# --- codes -----------------------------------------------------------------------------


def _lookalike_in_number(s: str, i: int) -> bool:
    """True when s[i] (an O/I/l) sits in a run of digits, e.g. the O in "OO42"."""
    lo = i
    while lo > 0 and (s[lo - 1] in _DIGITS or s[lo - 1] in _LOOKALIKE):
        lo -= 1
    hi = i
    while hi < len(s) and (s[hi] in _DIGITS or s[hi] in _LOOKALIKE):
        hi += 1
    return any(ch in _DIGITS for ch in s[lo:hi])


def _take_code(s: str) -> tuple[str | None, str]:
    """Read a tracking code at the start of ``s``; return it and the text after it.

    Spaces and dashes may fall anywhere in the eight digits of ``YYMM`` and the
    sequence; a longer sequence (up to six digits) must be typed without a gap,
    so ``INFO ADU-2611-0042 2 lubang`` keeps "2 lubang" as the body.
    """
    i, n = 0, len(s)
    while i < n and s[i] in _LEAD_SEPARATORS:
        i += 1
    if s[i : i + 3].upper() == "ADU":
        i += 3
    digits: list[str] = []
    while i < n and len(digits) < 8:
        ch = s[i]
        if ch in _DIGITS:
            digits.append(ch)
        elif ch in _LOOKALIKE and _lookalike_in_number(s, i):
            digits.append(_LOOKALIKE[ch])
        elif ch not in _CODE_SEPARATORS:
            break
        i += 1
    if len(digits) < 8:
        return None, s
    while i < n and len(digits) < 10 and s[i] in _DIGITS:
        digits.append(s[i])
        i += 1
    if i < n and s[i] in _DIGITS:
        return None, s
    return normalize_code("ADU" + "".join(digits)), s[i:]


# --- parsing ---------------------------------------------------------------------------


def _keyword(s: str) -> tuple[str, str, bool] | None:
    """(action, rest, glued) for a leading keyword; ``glued`` needs confirming."""
    match = re.match(r"[A-Za-z]+", s)
    if not match:
        return None
    run, after = match.group().upper(), s[match.end() :]
    if run in _KEYWORDS:
        return _KEYWORDS[run], after, False
    if len(run) >= 4:
        close = difflib.get_close_matches(run, list(_FUZZY_WORDS), n=1, cutoff=0.8)
        if close:
            return _FUZZY_WORDS[close[0]], after, False
    for word in sorted(_KEYWORDS, key=len, reverse=True):
        if run.startswith(word):
            return _KEYWORDS[word], s[len(word) :], True
    return None


def _file(rest: str, index: dict[str, str], keyword_missing: bool = False) -> SmsCommand:
    rest = rest.lstrip(_LEAD_SEPARATORS)
    if "#" in rest:
        raw, body = rest.split("#", 1)
        raw = raw.strip() or None
        kelurahan = match_kelurahan(raw, index.values()) if raw else None
    else:
        kelurahan, raw, body = _leading_kelurahan(rest, index)
    body = body.lstrip(_LEAD_SEPARATORS).strip()
    cmd = SmsCommand(
        FILE, kelurahan=kelurahan, kelurahan_raw=raw, body=body, keyword_missing=keyword_missing
    )
    if sum(ch.isalnum() for ch in body) < 3:
        cmd.error, cmd.error_code = ERRORS["missing_body"], "missing_body"
    return cmd


def _free_text(s: str, index: dict[str, str]) -> SmsCommand:
    """No command recognised: keep it as a complaint if it reads like one."""
    if "#" in s:
        raw = s.split("#", 1)[0].strip()
        if raw and match_kelurahan(raw, index.values()):
            cmd = _file(s, index, keyword_missing=True)
            if cmd.ok:
                return cmd
    if _letters(s) >= MIN_COMPLAINT_LETTERS:
        return SmsCommand(FILE, body=s, keyword_missing=True)
    return _failed(UNKNOWN, "unrecognised")


def _rate(rest: str) -> SmsCommand:
    code, tail = _take_code(rest)
    digit = re.match(r"[\s#:;,.\-=]*([0-9]+)\b", tail)
    if not digit or not 1 <= int(digit.group(1)) <= 5:
        return _failed(RATE, "invalid_rating", code=code)
    return SmsCommand(RATE, code=code, rating=int(digit.group(1)))


def _dispute(rest: str, whole: str) -> SmsCommand:
    filler = _DISPUTE_FILLER.match(rest)
    if filler:
        rest = rest[filler.end() :]
    code, tail = _take_code(rest)
    reason = (tail if code else rest).lstrip(_LEAD_SEPARATORS).strip()
    if code is None:
        if not _letters(reason):
            return _failed(DISPUTE, "missing_code", text=whole)
        # Which complaint, if any, is the caller's to decide (see the module docstring).
        return SmsCommand(DISPUTE, body=reason, text=whole)
    if _letters(reason) < 3:
        return _failed(DISPUTE, "missing_reason", code=code, text=whole)
    return SmsCommand(DISPUTE, code=code, body=reason, text=whole)


def parse_sms(text: str, kelurahan_names: Iterable[str] = ()) -> SmsCommand:
    """Read one inbound SMS. Never raises; malformed input sets ``error``.

    ``kelurahan_names`` are the canonical names; ``kelurahan`` in the result is
    always one of them or None (``kelurahan_raw`` keeps what was typed).
    A bare digit 1-5 comes back as ``rate`` without a code: the caller knows
    whether a satisfaction question is pending for that number.
    """
    s = _clean(text)
    if not s:
        return _failed(UNKNOWN, "empty")
    index = _name_index(kelurahan_names)

    bare = re.fullmatch(r"([0-9]+)\s*[.!]*", s)
    if bare:
        if len(bare.group(1)) == 1 and 1 <= int(bare.group(1)) <= 5:
            return SmsCommand(RATE, rating=int(bare.group(1)))
        return _failed(UNKNOWN, "invalid_rating")
    word = s.strip(" .!?").upper()
    if word in _HELP_WORDS or (not word and "?" in s):
        return SmsCommand(HELP)
    code, tail = _take_code(s)
    if code and not _letters(tail):
        return SmsCommand(STATUS, code=code)  # a bare code is a status check

    found = _keyword(s)
    if found is None:
        return _free_text(s, index)
    action, rest, glued = found
    if action == DISPUTE and (filler := _DISPUTE_FILLER.match(rest)):
        rest = rest[filler.end() :]
    if action == FILE:
        if glued:
            raw = rest.split("#", 1)[0] if "#" in rest else ""
            if not (raw.strip() and match_kelurahan(raw, index.values())):
                return _free_text(s, index)
        return _file(rest, index)

    code, tail = _take_code(rest)
    if glued and code is None:
        return _free_text(s, index)
    # "Nilai pajak naik..." or "INFO jalan di depan pasar rusak..." is a complaint whose
    # first word happens to be a keyword; answering it with a format error would lose it.
    looks_like_complaint = _letters(rest) >= MIN_COMPLAINT_LETTERS
    if action == DISPUTE:
        return _dispute(rest, s)
    if action == RATE:
        cmd = _rate(rest)
        if not cmd.ok and looks_like_complaint:
            return SmsCommand(FILE, body=s, keyword_missing=True)
        return cmd
    if code is None:
        if looks_like_complaint:
            return SmsCommand(FILE, body=s, keyword_missing=True)
        return _failed(action, "missing_code")
    if action == STATUS:
        return SmsCommand(STATUS, code=code)
    body = tail.lstrip(_LEAD_SEPARATORS).strip()
    if not _letters(body) and sum(ch.isdigit() for ch in body) < 2:
        return _failed(INFO, "missing_info", code=code)
    return SmsCommand(INFO, code=code, body=body)


# --- replies ---------------------------------------------------------------------------

# Kept under its old name: the Gammu writer and older callers count septets with it.
gsm7_length = gsm7.septets
_to_gsm = gsm7.normalize


def _fit(template: str, limit: int = SMS_LIMIT, _keep: Iterable[str] = (), **values: str) -> str:
    """Fill ``template``, shortening the longest value with "..." until it fits.

    Values named in ``_keep`` (codes, links, numbers) are never shortened.
    """
    values = {k: _to_gsm(v) for k, v in values.items()}
    keep = set(_keep)
    message = template.format(**values)
    while (gsm7_length(message) or 0) > limit:
        candidates = [k for k in values if k not in keep and len(values[k]) > 4]
        if not candidates:
            break
        name = max(candidates, key=lambda k: len(values[k]))
        excess = (gsm7_length(message) or 0) - limit
        # Cut the excess at once (not four characters a turn): answers run to pages.
        cut = max(len(values[name]) - excess - 3, 1)
        values[name] = gsm7.truncate(values[name], cut)
        if len(values[name]) <= 4:
            values[name] = "..."
        message = template.format(**values)
    return message


def _when(value, tz: tzinfo) -> str:
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(tz)
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return str(value or "")


def _to(number: str) -> str:
    """ " ke <number>" when the deployment has an SMS number, else nothing."""
    number = " ".join(str(number or "").split())
    return f" ke {number}" if number else ""


def help_text(example_kelurahan: str | None = None, number: str = "") -> str:
    """The command list; with a kelurahan of the city, also a worked example."""
    text = (
        f"SMS aduan{_to(number)}: ADUAN kelurahan#isi | CEK kode | INFO kode isi | "
        "BANTAH kode alasan | NILAI kode 1-5."
    )
    if example_kelurahan:
        # The example only with the whole name: a cut name would teach a wrong one.
        example = text + " Contoh: ADUAN " + _to_gsm(example_kelurahan) + "#Lampu jalan mati"
        if (gsm7_length(example) or SMS_LIMIT + 1) <= SMS_LIMIT:
            return example
    return _fit(text)


def reply_filed(code: str, number: str = "") -> str:
    return _fit(
        "Terima kasih, aduan Anda kami terima dengan kode {code}. Simpan kode ini. "
        "Untuk cek status, kirim: CEK {code}{to}",
        _keep=("code",),
        code=code,
        to=_to(number),
    )


def reply_status(code: str, status_label: str, last_update=None, tz: tzinfo = WIB) -> str:
    """Status reply; ``last_update`` may be an aware datetime (shown in ``tz``), a date or text."""
    when = _when(last_update, tz)
    if not when:
        return _fit("Status aduan {code}: {label}. Terima kasih.", code=code, label=status_label)
    return _fit(
        "Status aduan {code}: {label}. Pembaruan terakhir {when}. Terima kasih.",
        code=code,
        label=status_label,
        when=when,
    )


def reply_not_found(code: str) -> str:
    return _fit(
        "Maaf, aduan dengan kode {code} tidak ditemukan. Mohon periksa kembali kode Anda.",
        code=code,
    )


def reply_info_added(code: str) -> str:
    return _fit(
        "Terima kasih, keterangan tambahan untuk aduan {code} sudah kami terima "
        "dan akan diteruskan ke petugas.",
        code=code,
    )


def reply_disputed(code: str) -> str:
    return _fit(
        "Terima kasih, keberatan Anda atas jawaban aduan {code} sudah kami terima. "
        "Aduan dibuka kembali dan diteruskan ke petugas.",
        code=code,
    )


def reply_not_answered(code: str, status_label: str) -> str:
    """Rating or disputing before there is an answer: the status in plain words."""
    return _fit(
        "Aduan {code} belum dijawab (status: {label}). Penilaian atau bantahan dapat "
        "dikirim setelah ada jawaban.",
        _keep=("code",),
        code=code,
        label=status_label,
    )


def reply_choose_code(codes: Iterable[str], number: str = "") -> str:
    """The sender has several complaints waiting for them: which one did they mean?"""
    codes = list(codes)
    message = ""
    # As many codes as fit whole: a cut code would be worse than none.
    for shown in range(min(len(codes), 3), 0, -1):
        listed = ", ".join(codes[:shown]) + (", ..." if len(codes) > shown else "")
        message = (
            f"Anda punya {len(codes)} aduan yang menunggu balasan: {listed}. "
            f"Kirim ulang dengan kode{_to(number)}, mis. BANTAH {codes[0]} alasan"
        )
        if (gsm7_length(message) or SMS_LIMIT + 1) <= SMS_LIMIT:
            return message
    return _fit(message)


def reply_rated(rating: int, code: str | None = None) -> str:
    if code:
        return _fit(
            "Terima kasih atas penilaian {rating}/5 untuk aduan {code}. "
            "Masukan Anda membantu kami memperbaiki layanan.",
            rating=str(rating),
            code=code,
        )
    return _fit(
        "Terima kasih atas penilaian {rating}/5. Masukan Anda membantu kami memperbaiki layanan.",
        rating=str(rating),
    )


def reply_malformed(cmd: SmsCommand, number: str = "") -> str:
    """Polite correction naming what was wrong; falls back to the help text."""
    if not cmd.error:
        return help_text(number=number)
    error = cmd.error[:1].lower() + cmd.error[1:]
    return _fit("Maaf, {error} Ketik BANTUAN{to} untuk petunjuk.", error=error, to=_to(number))


# --- notices ---------------------------------------------------------------------------

# What a reporter on SMS is told of each public event (``core`` Event kinds). Status
# notices take one SMS; notices carrying the staff's words take at most three parts and
# end with the private link, where the whole answer is. Notices that ask for a reply say
# where to send it and in which form.
_NOTICES = {
    "created": (
        SMS_LIMIT,
        "Aduan Anda diterima dengan kode {code}. Pantau: {url} atau kirim CEK {code}{to}",
        "Aduan Anda diterima dengan kode {code}. Pantau: {url}",
    ),
    "dispatched": (SMS_LIMIT, "Aduan {code} diteruskan ke {agencies}. Pantau: {url}"),
    "acknowledged": (SMS_LIMIT, "Aduan {code} sedang diproses {agency}. Pantau: {url}"),
    "merged": (SMS_LIMIT, "Aduan {code} digabung dengan aduan {into}. Pantau: {into_url}"),
    "closed": (SMS_LIMIT, "Aduan {code} ditutup. Terima kasih telah menyampaikan aduan."),
    "update": (
        gsm7.THREE_PARTS,
        "Perkembangan aduan {code} dari {agency}: {note} Selengkapnya: {url}",
    ),
    "info_requested": (
        gsm7.THREE_PARTS,
        "Aduan {code}: petugas meminta informasi: {note} Balas{to}: INFO {code} jawaban Anda. "
        "Rincian: {url}",
    ),
    "deferred": (
        gsm7.THREE_PARTS,
        "Aduan {code} direncanakan pada tahun anggaran {year}: {note} Selengkapnya: {url}",
    ),
    "resolved": (
        gsm7.THREE_PARTS,
        "Aduan {code} telah dijawab{outcome}: {note} Belum selesai? Kirim{to}: "
        "BANTAH {code} alasan. Beri nilai: NILAI {code} 1-5. Selengkapnya: {url}",
    ),
    "rejected": (
        gsm7.THREE_PARTS,
        "Aduan {code} tidak dapat diproses: {reason}. {referral}Rincian: {url}",
    ),
}
_RATE_ASK = " Beri nilai layanan: kirim NILAI {code} 1-5{to}"


def notice_sms(kind: str, *, code: str, url: str, number: str = "", rated: bool = True, **fields):
    """The SMS a reporter gets for an event of ``kind``, or None for kinds never sent.

    ``fields`` fill the template (``note``, ``agency``, ``agencies``, ``outcome``,
    ``year``, ``reason``, ``referral``, ``into``, ``into_url``); missing ones are empty.
    The result is GSM-7 only; the staff's words are cut to make room, never the code,
    the link or the reply instructions.
    """
    if kind not in _NOTICES:
        return None
    limit, *templates = _NOTICES[kind]
    if kind == "closed" and not rated:
        templates.insert(0, templates[0] + _RATE_ASK)
    values = {
        name: str(fields.get(name) or "")
        for name in ("note", "agency", "agencies", "year", "reason", "referral", "into")
    }
    values["agency"] = values["agency"] or "petugas"
    outcome = str(fields.get("outcome") or "")
    values["outcome"] = f" ({outcome})" if outcome else ""
    values["note"] = " ".join(values["note"].split())
    values["into_url"] = str(fields.get("into_url") or "")
    values["referral"] = f"Rujukan: {values['referral']}. " if values["referral"] else ""
    # The first wording that fits; a long link or code falls back to a shorter one.
    for template in templates:
        message = _fit(
            template,
            limit,
            _keep=("code", "url", "into_url", "to", "into"),
            code=code,
            url=url,
            to=_to(number),
            **values,
        )
        message = message.replace(" : ", ": ").replace(" .", ".")
        if (gsm7_length(message) or 0) <= limit:
            break
    return message
