"""Find and mask personal data in complaint text before anything goes public.

Complaints reach the public feed and open data only after masking (see DESIGN.md, "Accountability
and openness"). Citizens write informal Indonesian, so detection is rule-based and errs towards
masking: a masked street name costs little, a leaked phone number or NIK cannot be taken back.

Public API:
- ``detect_pii(text, known_names=(), *, kinds=None) -> list[PiiSpan]``: non-overlapping spans,
  sorted by position.
- ``mask_pii(text, known_names=(), kinds=None) -> str``: each span replaced by an Indonesian
  placeholder such as ``[nama]``; masking already masked text changes nothing.
- ``redact(text, spans_or_strings) -> str``: staff-chosen extra redactions, ``[disamarkan]``.
- ``is_plausible_nik(digits) -> bool``: the structural check used for NIK detection.
- ``names_introduced(text) -> list[str]``: the names writers give for themselves ("saya Budi",
  "nama saya Siti", "Pelapor: Agus"), to pass back as ``known_names`` so that later mentions of
  the same name are masked too.

Full-width forms and other compatibility characters ("０８１２…", "budi＠gmail．com") are read
through NFKC, but spans always point into the text as given.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

import phonenumbers

NAME = "name"
PHONE = "phone"
NIK = "nik"
EMAIL = "email"
PLATE = "plate"
KINDS = (NAME, PHONE, NIK, EMAIL, PLATE)

PLACEHOLDERS = {
    NAME: "[nama]",
    PHONE: "[telepon]",
    NIK: "[NIK]",
    EMAIL: "[email]",
    PLATE: "[plat]",
}
REDACTED = "[disamarkan]"

# When overlapping spans are merged, the most sensitive kind names the union.
_PRIORITY = {NIK: 5, EMAIL: 4, PHONE: 3, PLATE: 2, NAME: 1}

_PLACEHOLDER_RE = re.compile(
    r"\[(?:nama|telepon|NIK|email|plat|disamarkan)\]",
)


@dataclass(frozen=True)
class PiiSpan:
    """One piece of personal data: ``text == source[start:end]``."""

    start: int
    end: int
    kind: str
    text: str


def detect_pii(
    text: str,
    known_names: Iterable[str] = (),
    *,
    kinds: Iterable[str] | None = None,
) -> list[PiiSpan]:
    """Return the personal data found in ``text`` as sorted, non-overlapping spans.

    ``known_names`` are names we know belong to people in this complaint (typically the
    reporter's registered name); they are matched case-insensitively as whole words, and so is
    each of their parts of three letters or more. ``kinds`` limits detection to some of
    ``KINDS``. Overlapping spans are merged into one whose kind is the most sensitive of them.
    """
    wanted = _check_kinds(kinds)
    work, index = _normalised(text)
    raw: list[tuple[int, int, str]] = []
    if NIK in wanted:
        raw += [(s, e, NIK) for s, e in _nik_spans(work)]
    if EMAIL in wanted:
        raw += [(s, e, EMAIL) for s, e in _email_spans(work)]
    if PHONE in wanted:
        raw += [(s, e, PHONE) for s, e in _phone_spans(work)]
    if PLATE in wanted:
        raw += [(s, e, PLATE) for s, e in _plate_spans(work)]
    if NAME in wanted:
        raw += [(s, e, NAME) for s, e in _name_spans(work)]
        raw += [(s, e, NAME) for s, e in _known_name_spans(work, known_names)]

    # Text already masked stays as it is: this is what makes masking idempotent.
    masked = [(m.start(), m.end()) for m in _PLACEHOLDER_RE.finditer(work)]
    raw = [r for r in raw if not any(r[0] < me and ms < r[1] for ms, me in masked)]
    merged = _merge(work, raw)
    if index is not None:
        merged = _to_original(merged, index)
    return [PiiSpan(s, e, k, text[s:e]) for s, e, k in merged]


def mask_pii(
    text: str,
    known_names: Iterable[str] = (),
    kinds: Iterable[str] | None = None,
) -> str:
    """Replace personal data with placeholders ("[nama]", "[telepon]", "[NIK]", "[email]",
    "[plat]"), leaving every other character of ``text`` as it was."""
    spans = detect_pii(text, known_names, kinds=kinds)
    return _replace(text, [(s.start, s.end, PLACEHOLDERS[s.kind]) for s in spans])


def redact(text: str, spans_or_strings: Iterable[PiiSpan | tuple[int, int] | str]) -> str:
    """Replace staff-chosen parts of ``text`` with "[disamarkan]".

    Items may be ``PiiSpan``s, ``(start, end)`` offsets into ``text``, or strings; a string is
    redacted wherever it occurs, ignoring case. Overlapping items are merged.
    """
    ranges: list[tuple[int, int]] = []
    for item in spans_or_strings:
        if isinstance(item, str):
            needle = item.strip()
            if needle:
                ranges += [
                    (m.start(), m.end())
                    for m in re.finditer(re.escape(needle), text, re.IGNORECASE)
                ]
            continue
        start, end = (item.start, item.end) if isinstance(item, PiiSpan) else item
        if not 0 <= start <= end <= len(text):
            raise ValueError(f"span {item!r} is outside the text")
        if start < end:
            ranges.append((start, end))
    merged: list[list[int]] = []
    for start, end in sorted(ranges):
        if merged and start < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return _replace(text, [(start, end, REDACTED) for start, end in merged])


def names_introduced(text: str) -> list[str]:
    """The names the writer gives for themselves in ``text``, in order of appearance.

    Only self-introductions count: "saya Budi Santoso warga ...", "nama saya Siti Aminah",
    "Nama: Dewi", "Pelapor: Agus Salim", "sy budi dari RT 3". Names after "pak"/"bu", "bernama",
    "atas nama" or "ibu saya" belong to other people and are left out. Each name is returned as
    written, once (ignoring case).
    """
    work, index = _normalised(text)
    case_informative = _case_is_informative(work)
    cues = [(m.end(), STRONG) for m in _SELF_CUE_RE.finditer(work)]
    cues += [
        (m.end(), PRONOUN) for m in _PRONOUN_CUE_RE.finditer(work) if _is_self(work, m.start())
    ]
    names: list[str] = []
    seen: set[str] = set()
    for pos, cue in sorted(cues):
        span = _take_name(work, pos, cue, case_informative)
        if not span:
            continue
        start, end = span if index is None else (index[span[0]], index[span[1] - 1] + 1)
        name = text[start:end]
        if name.casefold() not in seen:
            seen.add(name.casefold())
            names.append(name)
    return names


def is_plausible_nik(digits: str) -> bool:
    """Whether 16 digits are shaped like a NIK: a known province, a regency and district code,
    a birth date (day + 40 for women), and a non-zero serial."""
    if len(digits) != 16 or not digits.isdigit():
        return False
    if digits[:2] not in _PROVINCES:
        return False
    if not 1 <= int(digits[2:4]) <= 79 or digits[4:6] == "00":
        return False
    day, month = int(digits[6:8]), int(digits[8:10])
    if day > 40:
        day -= 40
    return 1 <= day <= 31 and 1 <= month <= 12 and digits[12:] != "0000"


# --- plumbing ------------------------------------------------------------------------------


def _words(spaced: str) -> frozenset[str]:
    return frozenset(spaced.split())


def _check_kinds(kinds: Iterable[str] | None) -> frozenset[str]:
    if kinds is None:
        return frozenset(KINDS)
    wanted = frozenset(kinds)
    unknown = wanted - set(KINDS)
    if unknown:
        raise ValueError(f"unknown PII kinds: {sorted(unknown)}")
    return wanted


_NON_ASCII_RE = re.compile(r"[^\x00-\x7f]")


def _normalised(text: str) -> tuple[str, list[int] | None]:
    """``text`` with each character replaced by its NFKC form, and for every character of that
    working copy the offset of the character it came from (None when nothing changed).

    Characters are normalised one at a time so that every piece of the copy has exactly one
    source; composing sequences across characters is not needed to read digits, "@" or ".".
    """
    if text.isascii() or unicodedata.is_normalized("NFKC", text):
        return text, None
    pieces: list[str] = []
    index: list[int] = []
    pos = 0
    for m in _NON_ASCII_RE.finditer(text):
        i = m.start()
        piece = unicodedata.normalize("NFKC", m.group())
        pieces += (text[pos:i], piece)
        index += range(pos, i)
        index += [i] * len(piece)
        pos = i + 1
    pieces.append(text[pos:])
    index += range(pos, len(text))
    work = "".join(pieces)
    if work == text:
        return text, None
    return work, index


def _to_original(spans: list[tuple[int, int, str]], index: list[int]) -> list[tuple[int, int, str]]:
    """Map spans of the working copy back to the source; a source character that expanded
    into several (a ligature, "…") is taken whole, so neighbouring spans may now overlap."""
    out: list[list] = []
    for start, end, kind in spans:
        start, end = index[start], index[end - 1] + 1
        if out and start < out[-1][1]:
            last = out[-1]
            last[1] = max(last[1], end)
            if _PRIORITY[kind] > _PRIORITY[last[2]]:
                last[2] = kind
            continue
        out.append([start, end, kind])
    return [(s, e, k) for s, e, k in out]


def _merge(text: str, raw: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Union overlapping spans; also join same-kind spans separated only by a space (or, for
    names, a particle), so that "Budi" and "Santoso" found separately become one "[nama]"."""
    merged: list[list] = []
    for start, end, kind in sorted(raw, key=lambda r: (r[0], -r[1])):
        if merged:
            last = merged[-1]
            gap = text[last[1] : start]
            touching = last[2] == kind and (
                gap in (" ", "") or (kind == NAME and gap.strip().lower() in _PARTICLES)
            )
            if start < last[1] or touching:
                last[1] = max(last[1], end)
                if _PRIORITY[kind] > _PRIORITY[last[2]]:
                    last[2] = kind
                continue
        merged.append([start, end, kind])
    return [(s, e, k) for s, e, k in merged]


def _replace(text: str, ranges: list[tuple[int, int, str]]) -> str:
    out, pos = [], 0
    for start, end, placeholder in ranges:
        out.append(text[pos:start])
        out.append(placeholder)
        pos = end
    out.append(text[pos:])
    return "".join(out)


# --- NIK -----------------------------------------------------------------------------------

_PROVINCES = _words(
    "11 12 13 14 15 16 17 18 19 21 31 32 33 34 35 36 51 52 53 "
    "61 62 63 64 65 71 72 73 74 75 76 81 82 91 92 93 94 95 96 97"
)
# Digit groups joined by one separator: "3573 0145 0690 0002", "35.73.01.450690.0002".
_DIGIT_RUN_RE = re.compile(r"(?<!\d)\d+(?:[ .\-]\d+)*")
_GROUP_RE = re.compile(r"\d+(?:[.\-]\d+)*")
_NON_DIGIT_RE = re.compile(r"\D")
_NIK_CUE_RE = re.compile(
    r"(?:\bnik|\bn\.i\.k\.?|\bktp|\be-?ktp|nomor induk kependudukan|\bkk\b|kartu keluarga)"
    r"[^\d\n]{0,20}$",
    re.IGNORECASE,
)


def _nik_spans(text: str) -> Iterable[tuple[int, int]]:
    for run in _DIGIT_RUN_RE.finditer(text):
        # A run can hold a NIK followed by a year or a phone number, so try every window of
        # whole space-separated groups; dots and dashes stay inside a group.
        groups = [
            (g.start(), g.end(), sum(c.isdigit() for c in g.group()))
            for g in _GROUP_RE.finditer(run.group())
        ]
        cued = bool(_NIK_CUE_RE.search(text[max(0, run.start() - 40) : run.start()]))
        found = False
        for i in range(len(groups)):
            total = 0
            for j in range(i, len(groups)):
                total += groups[j][2]
                if total >= 16:
                    break
            if total != 16:
                continue
            start, end = run.start() + groups[i][0], run.start() + groups[j][1]
            digits = _NON_DIGIT_RE.sub("", text[start:end])
            if is_plausible_nik(digits) or (cued and i == 0):
                found = True
                yield start, end
        # Citizens mistype; after an explicit "NIK"/"KTP" cue a near-16-digit run is masked too.
        total_digits = sum(g[2] for g in groups)
        if cued and not found and 14 <= total_digits <= 18:
            yield run.start(), run.end()


# --- e-mail --------------------------------------------------------------------------------

# People write addresses out to dodge scrapers: "budi[at]gmail[dot]com", "budi at gmail dot
# com", "budi @ gmail . com". Firm separators never occur in prose: "@", "[at]", "(dot)", the
# word "dot", a "." between letters. Loose ones do ("rapat at kantor", "ketemu @ pasar . besok"),
# so an address that uses one must end in a common top-level domain.
_LOCAL = r"(?<![\w.+\-])(?P<local>[A-Za-z0-9](?:[A-Za-z0-9._%+\-]*[A-Za-z0-9])?)"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?"
_FIRM_AT = r"(?:@|[ \t]*[\[({<][ \t]*at[ \t]*[\])}>][ \t]*)"
_LOOSE_AT = r"(?:[ \t]+at[ \t]+|[ \t]*@[ \t]*)"
_FIRM_DOT = r"(?:\.|[ \t]*[\[({<][ \t]*dot[ \t]*[\])}>][ \t]*|[ \t]+dot[ \t]+)"
# A space before the dot: "gmail . com", "gmail .com"; "kantor. Besok" ends a sentence.
_LOOSE_DOT = r"(?:[ \t]+\.[ \t]*)"
_COMMON_TLDS = (
    "com net org edu gov mil info biz io ai app dev xyz online site store tech "
    "id co uk us au sg my jp"
)
_FIRM_EMAIL_RE = re.compile(
    rf"{_LOCAL}{_FIRM_AT}{_LABEL}(?:{_FIRM_DOT}{_LABEL})*{_FIRM_DOT}[A-Za-z]{{2,}}\b",
    re.IGNORECASE,
)
_LOOSE_EMAIL_RE = re.compile(
    rf"{_LOCAL}(?:{_FIRM_AT}|{_LOOSE_AT}){_LABEL}"
    rf"(?:(?:{_FIRM_DOT}|{_LOOSE_DOT}){_LABEL})*(?:{_FIRM_DOT}|{_LOOSE_DOT})"
    rf"(?:{'|'.join(_COMMON_TLDS.split())})(?![\w\-])",
    re.IGNORECASE,
)


# Every form above has an "@" or the word "at"; most complaints have neither, and looking for it
# costs far less than trying the patterns at every word.
_EMAIL_HINT_RE = re.compile(r"@|\bat\b", re.IGNORECASE)


def _email_spans(text: str) -> Iterable[tuple[int, int]]:
    if not _EMAIL_HINT_RE.search(text):
        return
    for m in _FIRM_EMAIL_RE.finditer(text):
        yield m.start(), m.end()
    for m in _LOOSE_EMAIL_RE.finditer(text):
        # "lihat at malangkota.go.id", "cek @ web.com": a common word before "at" is prose.
        if m.group("local").lower() not in _STOPWORDS:
            yield m.start(), m.end()


# --- phone numbers -------------------------------------------------------------------------

# Mobile numbers the phonenumbers metadata rejects (new prefixes, typos, made-up test numbers)
# are still someone's attempt at a number, so a plain shape match backs the library up.
_MOBILE_RE = re.compile(r"(?<![\d+])(?:\+[ \t]?62|62|0)[ .\-]?8\d(?:[ .\-]?\d){7,10}(?!\d)")


# No number the library accepts has fewer digits ("+43 1234"). Many complaints have fewer, and
# for them the library would be most of the cost of masking.
_MIN_PHONE_DIGITS = 6
_ANY_DIGIT_RE = re.compile(r"\d")


def _phone_spans(text: str) -> Iterable[tuple[int, int]]:
    if len(_ANY_DIGIT_RE.findall(text)) < _MIN_PHONE_DIGITS:
        return
    # VALID leniency rejects dates, amounts, years and short numbers such as "RT 03".
    for match in phonenumbers.PhoneNumberMatcher(text, "ID", leniency=phonenumbers.Leniency.VALID):
        start, end = match.start, match.end
        # "(0857...)" as an aside: the matcher keeps the opening bracket but not the closing one.
        if text[start] == "(" and ")" not in text[start:end]:
            start += 1
        yield start, end
    for m in _MOBILE_RE.finditer(text):
        yield m.start(), m.end()


# --- vehicle plates ------------------------------------------------------------------------

_PLATE_REGIONS = _words(
    "A B D E F G H K L M N P R S T W Z AA AB AD AE AG BA BB BD BE BG BH BK BL BM BN BP "
    "DA DB DC DD DE DG DH DK DL DM DN DR DS DT EA EB ED KB KH KT KU PA PB PG RI CD CC"
)
_PLATE_RE = re.compile(
    r"(?<![\w.])(?P<region>"
    + "|".join(sorted(_PLATE_REGIONS, key=len, reverse=True))
    + r")(?P<sep1>[ \-]?)(?P<number>[1-9]\d{0,3})(?:(?P<sep2>[ \-]?)(?P<suffix>[A-Z]{1,3}))?"
    r"(?!\w)(?![ \t]*\d)",
    re.IGNORECASE,
)
_PLATE_CUE_RE = re.compile(
    r"(?:\bno\.?\s?pol\b|\bnopol\b|\bnomo?e?r\s+polisi\b|\bno\.?\s+polisi\b|\bplat\b|"
    r"\bpelat\b|\btnkb\b|\bnomo?e?r\s+kendaraan\b)[^\d\n]{0,20}$",
    re.IGNORECASE,
)
# Addresses and rooms look like plates ("blok D 5 RT 03"); these words rule that out.
_PLATE_BLOCKER_RE = re.compile(
    r"\b(?:blok|gang|gg|no|nomor|nmr|kav|kavling|lt|lantai|ruang|kamar|kelas|tipe|type|seri)"
    r"\.?\s*$",
    re.IGNORECASE,
)


def _plate_spans(text: str) -> Iterable[tuple[int, int]]:
    for m in _PLATE_RE.finditer(text):
        before = text[max(0, m.start() - 30) : m.start()]
        if _PLATE_CUE_RE.search(before):
            yield m.start(), m.end()
            continue
        region, suffix = m.group("region"), m.group("suffix")
        if suffix is None or not (region.isupper() and suffix.isupper()):
            continue
        if _PLATE_BLOCKER_RE.search(before):
            continue
        compact = not m.group("sep1") and not m.group("sep2")
        if compact and len(m.group("number")) + len(suffix) < 4:
            continue  # "B2B", "P3K", "G30S"
        if (
            region in ("S", "D")
            and not m.group("sep1")
            and m.group("number") in ("1", "2", "3", "4")
        ):
            continue  # degrees: "lulusan S1 UB", "D3 TI"
        yield m.start(), m.end()


# --- names ---------------------------------------------------------------------------------

# Words that end a name or show that a cue was not followed by one. Pronouns, particles, verbs
# that commonly follow "saya", address parts, days, months, institutions and complaint topics.
_STOPWORDS = _words(
    """
    saya sy aku ku gue gw gua kami kita anda kamu kau dia beliau mereka lu lo elu nya ane
    yang yg dan atau dengan dgn di ke dari dr pada untuk utk buat bagi ini itu tsb tersebut
    juga jg sudah sdh udah udh telah belum blm akan mau ingin pengen pingin mohon minta tolong
    tlg harap berharap sangat sgt amat sekali tidak tdk gak ga nggak ngga enggak bukan masih lagi
    baru cuma hanya sekarang skrg kemarin kemaren besok hari tadi sejak selama sebagai selaku sbg
    adalah ialah yaitu merupakan punya ada kena terkena merasa rasa kira pikir lihat dengar tahu
    kecewa bingung heran sedih senang marah kesal resah khawatir takut setuju sering selalu pernah
    bisa dapat harus perlu butuh boleh sedang lg cukup terus mulai tetap benar memang sendiri
    pribadi sekeluarga warga tinggal beralamat alamat asal asli rt rw jl jln jalan gg gang no
    nomor nmr blok perum perumahan kel kelurahan kec kecamatan desa dusun kota kab kabupaten
    kampung kp lingkungan komplek kompleks wilayah daerah provinsi
    lapor melapor laporan melaporkan mengadu aduan pengaduan mengadukan mengeluh keluhan
    mengeluhkan menyampaikan sampaikan tanya bertanya menanyakan izin ijin terima kasih makasih
    trims selamat pagi siang sore malam salam assalamualaikum halo hai permisi maaf sebelumnya
    kok sih dong deh ya yah kan pun lah kah tapi tetapi namun karena krn sehingga agar supaya
    bahwa jika kalau kalo bila saat ketika waktu setiap tiap semua para sekalian banyak segera
    cepat secepatnya langsung sampai hingga mungkin sebentar nanti dulu melihat meminta mewakili
    melalui
    sakit pulang pergi datang pindah kerja bekerja lahir berangkat keluar masuk kembali balik
    lewat numpang kos ngekos ngontrak kontrak sewa jualan dagang
    apa apakah kapan kenapa mengapa bagaimana gimana gmn dimana mana siapa berapa
    bapak pak bpk ibu bu mas mbak mba sdr sdri saudara saudari kak bang om tante mbah
    telp telpon telepon hp wa whatsapp email nik ktp kk umur usia tahun thn th
    keluarga anak istri suami ortu orang tua tetangga teman kawan korban pelapor pelanggan
    pengguna penumpang pasien siswa mahasiswa masyarakat rakyat publik umum kemanusiaan
    senin selasa rabu kamis jumat sabtu minggu januari februari maret april mei juni juli
    agustus september oktober november desember
    dinas pemkot pemda pemerintah pemerintahan pdam pln bpjs puskesmas rs rsud sekolah sd smp
    sma smk universitas kampus kantor bank pt cv toko pasar masjid mushola gereja
    lampu air sampah listrik got selokan saluran drainase banjir macet parkir pohon kabel tiang
    trotoar rumah tanah bangunan pajak sertifikat bansos bantuan pelayanan layanan jembatan
    baik besar kecil tersebut lain sama
    """
)
# Roles after a form of address are not names: "pak RT", "bapak wali kota", "bu lurah".
_ROLES = _words(
    """
    rt rw lurah camat wali walikota wakil wakot bupati gubernur presiden kades kadus sekdes
    kepala ketua sekretaris bendahara dewan anggota polisi pol polantas satpam satpol security
    guru dosen dokter dok bidan perawat mantri sopir supir tukang petugas pegawai staf staff
    karyawan direktur manajer kadis kabid kasi kasubag sekda menteri mentri dprd dpr hakim jaksa
    tentara tni polri kapolsek kapolres danramil babinsa bhabinkamtibmas ojol ojek driver kurir
    pedagang penjual pemilik owner pengurus pengelola admin min operator pejabat kepsek pendeta
    imam takmir ustadz ustad ustaz kyai kiai modin satgas linmas hansip kota kabupaten
    """
)
# Titles that precede a name without being one: "Pak H. Rahmat", "Ibu Dra. Sulastri".
_TITLES = _words("haji hajjah h hj drs dra ir prof kh drg")
# Particles allowed inside a name once it has started: "Ahmad bin Abdullah".
_PARTICLES = _words("bin binti al el van der de")
# After "saya" a lowercase word is a name only when the writer goes on to introduce themselves.
_INTRO_FOLLOWERS = _words(
    """
    warga tinggal dari asal asli alamat beralamat rt rw jl jln jalan gg gang umur usia selaku
    sebagai sbg no nomor hp telp wa nik ktp perum kel kelurahan kec kecamatan desa dusun blok
    """
)

_STRONG_CUE_RE = re.compile(
    r"\b(?:nama(?:ku)?(?:\s+lengkap)?(?:\s+(?:saya|sy|aku|gue|gw|pelapor))?"
    r"(?:\s+(?:adalah|ialah|yaitu|yakni))?|atas\s+nama|bernama|a\.\s?n\b\.?|an\.|a/n)"
    r"|\b(?:pelapor|pengirim|pengadu)(?=\s*:)",
    re.IGNORECASE,
)
# The cues of names_introduced: those of _STRONG_CUE_RE by which writers name themselves, and
# "nama" only where a form asks for one ("Nama: Budi"); "bernama", "atas nama" and "a.n." often
# name someone else.
_SELF_CUE_RE = re.compile(
    r"\b(?:namaku|nama(?:\s+lengkap)?\s+(?:saya|sy|aku|gue|gw|pelapor))"
    r"(?:\s+(?:adalah|ialah|yaitu|yakni))?\b"
    r"|\bnama(?:\s+lengkap)?(?=[ \t]*[:=])"
    r"|\b(?:pelapor|pengirim|pengadu)(?=\s*:)",
    re.IGNORECASE,
)
# "ibu saya Siti", "tetangga sy Joko": the pronoun owns the next name, it does not introduce it.
_RELATIVE_BEFORE_RE = re.compile(
    r"\b(?:anak|anakku|putra|putri|istri|isteri|suami|ayah|bapak|ibu|mama|mamah|papa|papah|"
    r"ortu|adik|adek|kakak|abang|nenek|kakek|mbah|paman|bibi|om|tante|pakde|bude|budhe|"
    r"keponakan|ponakan|cucu|mertua|menantu|sepupu|saudara|saudari|tetangga|teman|kawan|"
    r"sahabat|pacar|tunangan|pembantu|art|atasan|bos|majikan|karyawan|pegawai|sopir|supir)"
    r"[ \t]+$",
    re.IGNORECASE,
)
# ... unless "bapak"/"ibu" greets the reader: "Selamat pagi bapak ibu saya Budi warga RT 3".
_GREETING_BEFORE_RE = re.compile(
    r"\b(?:pagi|siang|sore|malam|yth|kepada|halo|hai|hallo|permisi|maaf|assalamualaikum|salam)"
    r"[ \t,]+(?:(?:bapak|ibu|bpk|bu|pak)[ \t/]*)+$",
    re.IGNORECASE,
)
_PRONOUN_CUE_RE = re.compile(r"\b(?:saya|sy|aku|gue|gw|gua)\b", re.IGNORECASE)
_HONORIFIC_CUE_RE = re.compile(
    r"\b(?:bapak|pak|bpk|ibu|bu|mas|mbak|mba|sdr|sdri|saudara|saudari|kak|bang|mbah)\b\.?",
    re.IGNORECASE,
)
_FROM_CUE_RE = re.compile(
    r"\b(?:laporan|aduan|pengaduan|keluhan|pesan|salam|surat|kiriman)\s+dari\b", re.IGNORECASE
)

_LETTERS_RE = re.compile(r"[^\W\d_]{2,}")
_NAME_PART_RE = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")
_WORD_RE = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*(?:\.(?!\w))?")
_CUE_GAP_RE = re.compile(r"[ \t]*(?:[:=][ \t]*)?")
_SPACE_RE = re.compile(r"[ \t]+")
_INTRO_RE = re.compile(r"[ \t]*(?:\([^()\n]{0,40}\)[ \t]*)?,?[ \t]*([^\W\d_]+)")
_AFFIXED_RE = re.compile(r"^(?:me|ber|ter|di|ke|pe|per)\w{3,}(?:kan|an|nya)$")
_VERB_RE = re.compile(r"^(?:mem|men|meng|meny|ber|ter|di)\w{4,}$")

# Cue strengths: after STRONG ("nama saya", "a.n.") any word may be a name; after HONORIFIC
# ("pak", "bu") lowercase names are common ("bu siti"); after PRONOUN ("saya") a lowercase word
# is a name only in a self-introduction; after FROM ("laporan dari") only capitalised words.
STRONG, HONORIFIC, PRONOUN, FROM = "strong", "honorific", "pronoun", "from"


def _name_spans(text: str) -> Iterable[tuple[int, int]]:
    case_informative = _case_is_informative(text)
    cues = [(m.end(), STRONG) for m in _STRONG_CUE_RE.finditer(text)]
    cues += [(m.end(), HONORIFIC) for m in _HONORIFIC_CUE_RE.finditer(text)]
    cues += [(m.end(), PRONOUN) for m in _PRONOUN_CUE_RE.finditer(text)]
    cues += [(m.end(), FROM) for m in _FROM_CUE_RE.finditer(text)]
    for pos, cue in cues:
        span = _take_name(text, pos, cue, case_informative)
        if span:
            yield span


def _case_is_informative(text: str) -> bool:
    """Capitals only hint at names when the writer does not capitalise (or shout) everything.

    Judged on common words away from a sentence start: in ordinary writing "warga", "di" and
    "mohon" are lowercase there, in Title Case Or ALL CAPS writing they are not.
    """
    common = []
    for m in _LETTERS_RE.finditer(text):
        if m.group().lower() not in _STOPWORDS:
            continue
        before = text[max(0, m.start() - 12) : m.start()]
        stripped = before.rstrip()
        at_start = m.start() < 12 and not stripped
        if at_start or (stripped and stripped[-1] in ".!?:") or "\n" in before[len(stripped) :]:
            continue
        common.append(m.group()[0].isupper())
    return len(common) < 3 or sum(common) / len(common) <= 0.6


def _take_name(text: str, pos: int, cue: str, case_informative: bool) -> tuple[int, int] | None:
    """The name-like words right after a cue (at most three, four when capitalised), or None."""
    pos = _CUE_GAP_RE.match(text, pos).end()
    words: list[tuple[int, int, bool]] = []  # (start, end, is_particle)
    capital_run = lowercase = False
    titles = 0
    # Indonesian names often have four parts; without capitals to go by, three is the limit.
    while len(words) < (4 if capital_run else 3):
        m = _WORD_RE.match(text, pos)
        if not m:
            break
        raw = m.group()
        word = raw.rstrip(".")
        low = word.lower()
        initial = raw.endswith(".") and len(word) <= 3 and word[0].isupper()
        end = m.end() if initial or not raw.endswith(".") else m.end() - 1
        capital = word[0].isupper() and case_informative
        if not words and low in _TITLES and titles < 2:
            titles += 1
        elif words and low in _PARTICLES:
            words.append((m.start(), end, True))
        else:
            if not _could_be_name(word, low, cue, capital, initial):
                break
            if capital_run and not capital and cue != STRONG:
                break  # "Pak Budi datang": the name ended at the capitals
            if not capital:
                if cue == HONORIFIC and lowercase and len(words) >= 2:
                    break
                lowercase = True
            capital_run = capital_run or (capital and not words)
            words.append((m.start(), end, False))
        if end != m.end():
            break  # a full stop ended the sentence
        gap = _SPACE_RE.match(text, m.end())
        if not gap:
            break
        pos = gap.end()
    while words and words[-1][2]:
        words.pop()
    if not words:
        return None
    if cue == PRONOUN and lowercase and not _introduces_self(text, words[-1][1]):
        return None
    return words[0][0], words[-1][1]


def _could_be_name(word: str, low: str, cue: str, capital: bool, initial: bool) -> bool:
    if low in _STOPWORDS or low in _ROLES:
        return False
    if len(word) < 2 and not initial:
        return False
    if capital and cue != PRONOUN:
        return True
    if not capital and cue == FROM:
        return False
    # Affixed verbs and nouns ("menindaklanjuti", "kemanusiaan"); after a pronoun even when
    # capitalised ("Saya Melihat").
    return not (_VERB_RE.match(low) or _AFFIXED_RE.match(low))


def _introduces_self(text: str, pos: int) -> bool:
    # "saya budi (0812...) warga ...": a bracketed aside may sit between name and follower.
    m = _INTRO_RE.match(text, pos)
    return bool(m) and m.group(1).lower() in _INTRO_FOLLOWERS


def _is_self(text: str, pronoun_start: int) -> bool:
    before = text[max(0, pronoun_start - 40) : pronoun_start]
    return not _RELATIVE_BEFORE_RE.search(before) or bool(_GREETING_BEFORE_RE.search(before))


def _known_name_spans(text: str, known_names: Iterable[str]) -> Iterable[tuple[int, int]]:
    names = tuple(full or "" for full in known_names)
    pattern = _known_names_pattern(names) if names else None
    if pattern is None:
        return
    for m in pattern.finditer(text):
        yield m.start(), m.end()


# The same reporter's name is masked in the text, the answer and the address of a complaint, and
# in every complaint of a page of the public feed.
@functools.lru_cache(maxsize=512)
def _known_names_pattern(names: tuple[str, ...]) -> re.Pattern[str] | None:
    alternatives: set[str] = set()
    for full in names:
        # Matched against the NFKC working copy of the text, so read the same way.
        parts = _NAME_PART_RE.findall(unicodedata.normalize("NFKC", full))
        if not parts:
            continue
        if len(parts) > 1 or parts[0].lower() not in _STOPWORDS:
            alternatives.add(r"[\s.]+".join(re.escape(p) for p in parts))
        for part in parts:
            low = part.lower()
            if len(part) >= 3 and low not in _PARTICLES and low not in _STOPWORDS:
                alternatives.add(re.escape(part))
    if not alternatives:
        return None
    ordered = sorted(alternatives, key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(ordered) + r")(?!\w)", re.IGNORECASE)
