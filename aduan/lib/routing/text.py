"""Normalisation of informal Indonesian complaint text.

Complaints arrive by SMS, WhatsApp and social media: abbreviations (yg, tdk, jln), elongated
words ("tolongggg"), Javanese, phone numbers, addresses, links and emoji. The routing model and
duplicate detection both need the same canonical form, so it lives here and nowhere else.
"""

import re
import unicodedata

# Placeholders are words that cannot come from real text (a leading underscore survives the
# punctuation strip below), so the model learns "a phone number was given", never the number.
URL = "_url_"
EMAIL = "_email_"
PHONE = "_telp_"
NIK = "_nik_"
NUMBER = "_angka_"
PLACEHOLDERS = frozenset({URL, EMAIL, PHONE, NIK, NUMBER})

# Curated rather than learned: every entry is a spelling seen in Indonesian complaint channels
# whose target is unambiguous in that register. Ambiguous shorthands ("g", "km", "pol") are left
# alone because a wrong expansion hurts more than an unexpanded token, which char n-grams still
# partly match.
ABBREVIATIONS = {
    # negation
    "tdk": "tidak",
    "tak": "tidak",
    "gak": "tidak",
    "gk": "tidak",
    "ga": "tidak",
    "gx": "tidak",
    "nggak": "tidak",
    "ngga": "tidak",
    "enggak": "tidak",
    "engga": "tidak",
    "ndak": "tidak",
    "ora": "tidak",
    "mboten": "tidak",
    "blm": "belum",
    "blum": "belum",
    "durung": "belum",
    # function words
    "yg": "yang",
    "sing": "yang",
    "dgn": "dengan",
    "dg": "dengan",
    "utk": "untuk",
    "untk": "untuk",
    "tuk": "untuk",
    "krn": "karena",
    "krna": "karena",
    "karna": "karena",
    "tp": "tapi",
    "tpi": "tapi",
    "sdh": "sudah",
    "udh": "sudah",
    "udah": "sudah",
    "dah": "sudah",
    "wis": "sudah",
    "uwis": "sudah",
    "sampun": "sudah",
    "sy": "saya",
    "sya": "saya",
    "aku": "saya",
    "gw": "saya",
    "gue": "saya",
    "sm": "sama",
    "dr": "dari",
    "pd": "pada",
    "kpd": "kepada",
    "spt": "seperti",
    "jg": "juga",
    "lg": "lagi",
    "sdg": "sedang",
    "msh": "masih",
    "kl": "kalau",
    "klo": "kalau",
    "kalo": "kalau",
    "bs": "bisa",
    "bsa": "bisa",
    "gmn": "bagaimana",
    "gimana": "bagaimana",
    "knp": "kenapa",
    "pdhl": "padahal",
    "bnyk": "banyak",
    "byk": "banyak",
    "bgt": "banget",
    "bngt": "banget",
    "skrg": "sekarang",
    "skrng": "sekarang",
    "skr": "sekarang",
    "sktr": "sekitar",
    "dpn": "depan",
    "blkg": "belakang",
    "sblh": "sebelah",
    "dket": "dekat",
    "dkt": "dekat",
    "org": "orang",
    "tlg": "tolong",
    "mhn": "mohon",
    "trims": "terima kasih",
    "makasih": "terima kasih",
    "mksh": "terima kasih",
    "thx": "terima kasih",
    "tks": "terima kasih",
    "dll": "dan lain lain",
    "dsb": "dan sebagainya",
    "bpk": "bapak",
    "hr": "hari",
    "mgg": "minggu",
    "bln": "bulan",
    "thn": "tahun",
    "th": "tahun",
    "kmrn": "kemarin",
    "kmrin": "kemarin",
    "jm": "jam",
    "tgl": "tanggal",
    "hub": "hubungi",
    # places and administration
    "jl": "jalan",
    "jln": "jalan",
    "jaln": "jalan",
    "dalan": "jalan",
    "gg": "gang",
    "kel": "kelurahan",
    "kelr": "kelurahan",
    "kec": "kecamatan",
    "kab": "kabupaten",
    "perum": "perumahan",
    "no": "nomor",
    "nmr": "nomor",
    "rp": "rupiah",
    "rb": "ribu",
    "jt": "juta",
    # Javanese that shares its meaning with a routing-relevant Indonesian word
    "banyu": "air",
    "niki": "ini",
    "iki": "ini",
    "kuwi": "itu",
    "nggih": "ya",
    "sampeyan": "anda",
    "reged": "kotor",
    # repairs for the elongation collapse ("maaaf" -> "maf")
    "maf": "maaf",
    "sat": "saat",
}

# Repetitions are bounded (a DNS label has at most 63 characters, an email's local part 64)
# so that a long run of letters, digits and hyphens cannot make the match quadratic.
_URL_RE = re.compile(
    r"(?:https?://|www\.)\S+"
    r"|\b(?:[a-z0-9-]{1,63}\.){1,8}(?:com|id|net|org|info)\b(?:/\S*)?"
)
_EMAIL_RE = re.compile(r"\b[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}\b")
# NIK: the 16-digit national ID, a strong hint for civil registration complaints. Replaced
# before phones so a NIK is never read as one.
_NIK_RE = re.compile(r"(?<!\d)\d{16}(?!\d)")
# Indonesian mobiles (08.., +628.., 628..) and landlines with an area code ("(0341) 551234").
_PHONE_RE = re.compile(
    r"(?<!\d)(?:\+?62|0)[\s.-]?8\d{1,3}(?:[\s.-]?\d{2,5}){2,4}(?!\d)"
    r"|\(0\d{2,3}\)\s?\d{5,8}(?!\d)"
    r"|(?<!\d)0\d{2,3}-\d{5,8}(?!\d)"
)
# RT/RW in the ways people write them: "rt 03/rw 05", "rt.3 rw.5", "rt03/05", "RT/RW 3/5".
# The numbers identify a neighbourhood, which says nothing about the responsible agency.
_RTRW_PAIR_RE = re.compile(r"\brt\s*/\s*rw\b(?:[\s.:]*\d{1,3}(?:\s*/\s*\d{1,3})?)?")
_RT_RW_RE = re.compile(r"\b(rt|rw)[\s.:]*\d{1,3}(\s*/\s*\d{1,3})?\b")
# Reduplication written with a 2 ("anak2", "jalan2") is a plural, not a number.
_REDUP_RE = re.compile(r"\b([a-z]{3,})2\b")
# Letters glued to digits ("no12", "3hari") are split so each half is tokenised on its own:
# the character before each letter-digit boundary gets a space after it (one-character
# matches run faster than a zero-width match tried at every position).
_GLUE_RE = re.compile(r"[a-z](?=\d)|\d(?=[a-z])")
# What a URL needs at least: a scheme, "www." or a dot before one of the domains above.
_URL_HINT_RE = re.compile(r"\.(?:com|id|net|org|info)\b")
_NO_DIGITS = str.maketrans("", "", "0123456789")
# The fewest digits a phone number (above) or a NIK can have.
_PHONE_MIN_DIGITS = 7
_NIK_DIGITS = 16
_DIGIT_RE = re.compile(r"\d")
_NUMBER_RE = re.compile(r"\d+(?:[.,:]\d+)*")
_ELONGATION_RE = re.compile(r"([a-z])\1{2,}")
# Underscore is kept only so placeholders survive; stray ones are split off per word below.
_NON_WORD_RE = re.compile(r"[^a-z_]+")


def _strip_accents(text):
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _rt_rw(match):
    # "rt03/05" names both the RT and the RW.
    return " rt rw " if match.group(2) else f" {match.group(1)} "


def normalize_text(text):
    """Return the canonical form of a complaint text: lowercase words, one space apart.

    Steps, in order: NFKC and accent stripping; lowercasing; URLs, emails, NIK, phone numbers
    and other numbers replaced by placeholder words (``_url_``, ``_email_``, ``_nik_``,
    ``_telp_``, ``_angka_``); RT/RW numbers dropped so "rt 03/rw 05" becomes "rt rw";
    reduplication ("anak2") expanded; runs of three or more identical letters collapsed to one;
    abbreviations expanded from ``ABBREVIATIONS``; everything else that is not a letter removed
    (emoji, punctuation). Idempotent: ``normalize_text(normalize_text(t)) == normalize_text(t)``.
    """
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", str(text))
    if not text.isascii():
        text = _strip_accents(text)
    text = text.lower()
    # Most complaints have no email and many no digits; skipping those passes halves the cost.
    if "@" in text:
        text = _EMAIL_RE.sub(f" {EMAIL} ", text)
    # The URL, NIK and phone patterns are tried only where what they need is present (the
    # same result, a fraction of the cost on 100,000 complaints).
    if "://" in text or "www." in text or _URL_HINT_RE.search(text):
        text = _URL_RE.sub(f" {URL} ", text)
    if "rt" in text:
        text = _RTRW_PAIR_RE.sub(" rt rw ", text)
    if _DIGIT_RE.search(text):
        digits = len(text) - len(text.translate(_NO_DIGITS))
        if digits >= _NIK_DIGITS:
            text = _NIK_RE.sub(f" {NIK} ", text)
        if digits >= _PHONE_MIN_DIGITS:
            text = _PHONE_RE.sub(f" {PHONE} ", text)
        text = _RT_RW_RE.sub(_rt_rw, text)
        text = _REDUP_RE.sub(r"\1 \1", text)
        text = _GLUE_RE.sub(r"\g<0> ", text)
        text = _NUMBER_RE.sub(f" {NUMBER} ", text)
    text = _ELONGATION_RE.sub(r"\1", text)
    words = []
    for word in _NON_WORD_RE.sub(" ", text).split():
        if word in PLACEHOLDERS:
            # "12/03/2024" is one date, not three facts.
            if not words or words[-1] != word:
                words.append(word)
            continue
        for part in word.replace("_", " ").split():
            words.append(ABBREVIATIONS.get(part, part))
    return " ".join(words)
