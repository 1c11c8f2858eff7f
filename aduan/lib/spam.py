"""An explainable, rule-based spam and abuse filter for incoming complaints.

Every signal adds a weight and a reason a moderator can read; the weights combine as independent
pieces of evidence (1 - prod(1 - w)), so two weak signals are stronger than one but the score
never passes 1. A learned model may replace the weights later; the reasons should stay.

Abuse is not spam: a citizen who swears at a broken road is still complaining about the road.
Profanity only sets ``abusive`` and never raises the spam score, and an abusive message can only
be labelled "spam" when it also carries a promotion.

Public API: ``assess(text, *, recent_texts_from_same_sender=()) -> Assessment``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

OK, SUSPECT, SPAM = "ok", "suspect", "spam"
SUSPECT_AT = 0.35
SPAM_AT = 0.7


@dataclass(frozen=True)
class Assessment:
    """The verdict on one message.

    ``reasons`` are Indonesian sentences for moderators; ``signals`` are stable codes for code
    and statistics (e.g. "promo", "repeat", "abuse", "threat").
    """

    spam_score: float
    abusive: bool
    reasons: list[str]
    label: str
    threat: bool = False
    signals: tuple[str, ...] = field(default=())


def assess(text: str, *, recent_texts_from_same_sender: Iterable[str] = ()) -> Assessment:
    """Score ``text`` for spam and flag abuse and threats.

    ``recent_texts_from_same_sender`` are the sender's earlier messages (newest first or not,
    order does not matter) used to spot copy-paste floods.
    """
    text = text or ""
    # Links and addresses are judged by _links; their letters would look like keyboard mash.
    plain = _URL_RE.sub(" ", _EMAIL_RE.sub(" ", text))
    tokens = _tokens(plain)
    evidence: list[tuple[str, float, str]] = []  # (signal, weight, reason)

    promo_weight, promo_reasons = _promotion(text, tokens)
    evidence += promo_reasons
    evidence += _links(text)
    evidence += _repetition(text, recent_texts_from_same_sender)
    evidence += _junk(plain, tokens, has_links=plain != text)
    evidence += _shouting(plain)

    abuse_words = _abusive_words(tokens)
    threat = _threatens(text)
    reasons = [reason for _, _, reason in evidence]
    signals = [signal for signal, _, _ in evidence]
    if abuse_words:
        signals.append("abuse")
        reasons.append("Kata kasar/makian: " + ", ".join(abuse_words) + ".")
    mild = _mild_words(tokens)
    if mild and not abuse_words:
        signals.append("mild_profanity")
        reasons.append("Bahasa kasar ringan: " + ", ".join(mild) + ".")
    if threat:
        signals.append("threat")
        reasons.append("Kemungkinan berisi ancaman; mohon diperiksa petugas.")

    remaining = 1.0
    for _, weight, _ in evidence:
        remaining *= 1.0 - weight
    score = round(1.0 - remaining, 3)

    label = OK
    if score >= SPAM_AT:
        label = SPAM
    elif score >= SUSPECT_AT:
        label = SUSPECT
    # An angry but real complaint must reach a person, so abuse without promotion stays suspect.
    if label == SPAM and abuse_words and promo_weight == 0:
        label = SUSPECT
    if label == OK and threat:
        label = SUSPECT
    return Assessment(
        spam_score=score,
        abusive=bool(abuse_words),
        reasons=reasons,
        label=label,
        threat=threat,
        signals=tuple(signals),
    )


# --- normalisation ---------------------------------------------------------------------------

_LEET = str.maketrans(
    {
        "4": "a",
        "@": "a",
        "3": "e",
        "1": "i",
        "!": "i",
        "0": "o",
        "5": "s",
        "$": "s",
        "7": "t",
        "9": "g",
    }
)
_TOKEN_RE = re.compile(r"[\w@$!]+")


def _words(spaced: str) -> frozenset[str]:
    return frozenset(spaced.split())


def _tokens(text: str) -> list[str]:
    return [t.strip("!") for t in _TOKEN_RE.findall(text.lower()) if t.strip("!")]


def _squash(token: str) -> str:
    """Undo leetspeak and stretched letters: "4njiiing" -> "anjing", "g0blokkk" -> "goblok"."""
    if any(c.isalpha() for c in token):
        token = token.translate(_LEET)
    return re.sub(r"(.)\1+", r"\1", token)


def _normalised(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))


# --- promotion: online gambling and loans -----------------------------------------------------

# Words that only advertisements use. Topic words ("judi", "pinjol") are also what citizens
# complain about, so they count only next to advertising.
_PROMO_WORDS = _words(
    "gacor maxwin scatter jackpot jp deposit withdraw wd bonus cashback freebet freespin "
    "rtp sbobet parlay casino kasino pragmatic zeus olympus mahjong hoki slot88 togel4d toto4d"
)
_PROMO_PHRASES = (
    "new member",
    "member baru",
    "daftar sekarang",
    "link alternatif",
    "situs resmi",
    "situs terpercaya",
    "auto cair",
    "pasti cair",
    "langsung cair",
    "cair cepat",
    "tanpa jaminan",
    "tanpa agunan",
    "bunga rendah",
    "dijamin menang",
    "pasti menang",
    "modal kecil",
    "hubungi admin",
    "chat admin",
    "klik link",
    "klik di sini",
    "minimal depo",
    "promo",
)
_TOPIC_WORDS = _words("slot judi judol togel toto poker pinjol pinjaman kredit")


def _promotion(text: str, tokens: list[str]) -> tuple[float, list[tuple[str, float, str]]]:
    low = " ".join(tokens)
    squashed = {_squash(t) for t in tokens}
    hits = sorted({w for w in _PROMO_WORDS if w in tokens or _squash(w) in squashed})
    hits += [p for p in _PROMO_PHRASES if re.search(rf"\b{re.escape(p)}\b", low)]
    topics = sorted({w for w in _TOPIC_WORDS if w in tokens})
    if not hits:
        if not topics:
            return 0.0, []
        return 0.0, [
            (
                "gambling_topic",
                0.0,
                "Menyebut " + ", ".join(topics) + " tanpa ciri iklan; bisa jadi aduan sungguhan.",
            )
        ]
    weight = {1: 0.3, 2: 0.55}.get(len(hits), 0.75)
    if topics:
        weight = 1.0 - (1.0 - weight) * 0.7
    words = ", ".join(hits + topics)
    return weight, [("promo", weight, f"Ciri iklan judi/pinjaman online: {words}.")]


# --- links ---------------------------------------------------------------------------------

_URL_RE = re.compile(
    r"(?:https?://|www\.)[^\s<>\"']+"
    r"|\b[a-z0-9][a-z0-9\-]*(?:\.[a-z0-9\-]+)*\.(?:com|net|org|info|biz|xyz|top|site|online|"
    r"link|live|vip|club|pro|asia|io|app|store|shop|me|ly|gl|id|co)\b(?:/[^\s<>\"']*)?",
    re.IGNORECASE,
)
# Links citizens use as evidence or to point at a place; these are not advertising.
_BENIGN_HOST_RE = re.compile(
    r"(?:\.go\.id|\.ac\.id|\.sch\.id|\.desa\.id|\.mil\.id|maps\.app\.goo\.gl|goo\.gl/maps|"
    r"google\.[a-z.]+/maps|lapor\.go\.id)",
    re.IGNORECASE,
)
# Citizens post evidence (videos, photos) on social media and link to it.
_SOCIAL_HOST_RE = re.compile(
    r"(?:^|\.)(?:instagram\.com|facebook\.com|fb\.watch|fb\.com|tiktok\.com|youtube\.com|"
    r"youtu\.be|twitter\.com|x\.com|threads\.net)$"
)
_SHORTENER_RE = re.compile(
    r"bit\.ly|s\.id|tinyurl\.com|cutt\.ly|shorturl\.at|rb\.gy|t\.ly|linktr\.ee|lynk\.id",
    re.IGNORECASE,
)
_EMAIL_RE = re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+")
_PROMO_HOST_RE = re.compile(
    r"slot|gacor|togel|judi|casino|bet|toto|maxwin|88|77|\d{3,}|pinjam|dana|cair|kredit",
    re.IGNORECASE,
)


def _links(text: str) -> list[tuple[str, float, str]]:
    text = _EMAIL_RE.sub(" ", text)  # an e-mail address is contact data, not a link
    urls = [u for u in _URL_RE.findall(text) if not _BENIGN_HOST_RE.search(u)]
    if not urls:
        return []
    hosts = [_host(u) for u in urls]
    others = [h for h in hosts if not _SOCIAL_HOST_RE.search(h)]
    if not others:
        return [("urls", 0.1, "Berisi tautan media sosial (mungkin bukti).")]
    urls = others
    out = []
    if len(urls) >= 3:
        out.append(("urls", 0.5, f"Berisi {len(urls)} tautan."))
    elif len(urls) == 2:
        out.append(("urls", 0.25, "Berisi 2 tautan."))
    else:
        out.append(("urls", 0.1, "Berisi tautan."))
    if any(_PROMO_HOST_RE.search(h) for h in hosts):
        out.append(("promo_url", 0.45, "Tautan mengarah ke situs yang mirip judi/pinjol."))
    if any(_SHORTENER_RE.fullmatch(h) for h in hosts):
        out.append(("shortener", 0.2, "Tautan disingkat sehingga tujuannya tersembunyi."))
    return out


def _host(url: str) -> str:
    url = re.sub(r"^(?:https?://)?(?:www\.)?", "", url.lower())
    return url.split("/", 1)[0]


# --- repetition ----------------------------------------------------------------------------


def _repetition(text: str, recent: Iterable[str]) -> list[tuple[str, float, str]]:
    mine = _normalised(text)
    if not mine:
        return []
    words = set(mine.split())
    same = near = 0
    for other in recent:
        theirs = _normalised(other or "")
        if theirs == mine:
            same += 1
        elif len(words) >= 4:
            others = set(theirs.split())
            if others and len(words & others) / len(words | others) >= 0.85:
                near += 1
    if same >= 2:
        return [("repeat", 0.65, f"Pesan yang sama sudah dikirim {same} kali oleh pengirim ini.")]
    if same == 1:
        return [("repeat", 0.5, "Pesan yang sama sudah pernah dikirim oleh pengirim ini.")]
    if near:
        return [("near_repeat", 0.35, "Hampir sama dengan pesan lain dari pengirim ini.")]
    return []


# --- junk: tests, greetings, keyboard mash ---------------------------------------------------

_TRIVIAL = _words(
    "tes test testing tst cek coba p ping halo hallo helo hai hi hei hey woy woi oi min admin "
    "kak pak bu ok oke okay y ya yy iya assalamualaikum asalamualaikum assalamu alaikum "
    "salam selamat pagi siang sore malam permisi punten hm wk wkwk"
)
_KEYBOARD_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm", "1234567890")
_VOWELS = set("aeiou")


def _junk(text: str, tokens: list[str], *, has_links: bool) -> list[tuple[str, float, str]]:
    words = [_squash(t) for t in tokens]
    letters = [c for c in text.lower() if c.isalpha()]
    if not words and has_links:
        return [("trivial", 0.5, "Hanya berisi tautan tanpa keterangan.")]
    if not words:
        return [("trivial", 0.8, "Pesan kosong atau hanya tanda baca.")]
    if all(w in _TRIVIAL for w in words):
        return [("trivial", 0.8, "Hanya salam atau pesan uji coba, bukan aduan.")]
    if len(letters) < 5:
        return [("trivial", 0.8, "Terlalu pendek untuk dibaca sebagai aduan.")]

    # Agency acronyms (DPMPTSP, BKPSDM) have no vowels either; only lowercase runs count.
    acronyms = {t.lower() for t in re.findall(r"\b[A-Z]{3,10}\b", text)}
    junk = [t for t in tokens if len(t) >= 4 and t not in acronyms and _is_mash(t)]
    long_words = [t for t in tokens if len(t) >= 4]
    if len(letters) >= 8 and len(set(letters)) <= 4:
        return [("gibberish", 0.75, "Teks acak: hanya beberapa huruf yang diulang.")]
    if long_words and len(junk) / len(long_words) >= 0.5:
        return [("gibberish", 0.75, "Teks acak seperti ketikan asal di papan ketik.")]
    out = []
    if junk:
        out.append(("gibberish", 0.3, "Sebagian teks tampak acak."))
    if len(words) < 4 and len(letters) < 25:
        out.append(("short", 0.25, "Terlalu singkat untuk sebuah aduan."))
    return out


def _is_mash(token: str) -> bool:
    if token.isdigit():
        return False
    if re.search(r"(.)\1{3,}", token):
        return True  # "aaaaa", "wkwkkkkk" stretched past any real spelling
    letters = [c for c in token if c.isalpha()]
    if len(letters) >= 5 and not _VOWELS.intersection(letters):
        return True
    return any(row[i : i + 4] in token for row in _KEYBOARD_ROWS for i in range(len(row) - 3))


def _shouting(text: str) -> list[tuple[str, float, str]]:
    letters = [c for c in text if c.isalpha()]
    if len(letters) >= 20 and sum(c.isupper() for c in letters) / len(letters) > 0.8:
        return [("caps", 0.1, "Ditulis dengan huruf kapital semua.")]
    return []


# --- abuse and threats -----------------------------------------------------------------------

# Indonesian and Javanese (plus a few regional) insults. Matched on squashed tokens, with the
# suffixes people glue on ("goblokmu", "asune", "bangsatlah").
_ABUSIVE = _words(
    "anjing anjeng anying bangsat bajingan keparat brengsek bangke kampret kunyuk "
    "goblok goblog tolol bego bodat idiot dungu "
    "kontol memek ngentot entot jembut pepek titit peler "
    "lonte pelacur perek sundal bencong "
    "asu jancok jancuk jancik dancok diancuk diancok cuk cok celeng kirik ndasmu matamu raimu "
    "gatelmu pekok "
    "babi monyet setan iblis kimak pukimak pantek"
)
_ABUSIVE_SQUASHED = {_squash(w): w for w in _ABUSIVE}
_SUFFIXES = ("", "mu", "lu", "nya", "ne", "kau", "lah")
# Animals are also what citizens complain about ("anjing liar menggigit anak saya").
_ANIMALS = {_squash(w) for w in _words("anjing anjeng asu babi monyet celeng kirik")}
_ANIMAL_CONTEXT = _words(
    "liar peliharaan pelihara memelihara gigit digigit menggigit gigitan rabies ternak "
    "peternakan kandang kotoran berkeliaran ekor hewan binatang vaksin daging bangkai hama "
    "hutan kebun sawah ladang tanaman sapi kambing ayam kucing tikus ular menyerang dipelihara "
    "menggonggong gonggongan kawanan"
)
# Crude but often literal ("tai kucing di trotoar") or mere exclamations: noted, not flagged.
_MILD_SQUASHED = {
    _squash(w)
    for w in _words("anjir anjay anjrit njir jir buset sialan sial gila edan tai taik tahi")
}


def _abusive_words(tokens: list[str]) -> list[str]:
    found: list[str] = []
    for i, token in enumerate(tokens):
        word = _match_abusive(_squash(token))
        if not word or word in found:
            continue
        if _squash(word) in _ANIMALS:
            window = tokens[max(0, i - 6) : i + 7]
            if any(w in _ANIMAL_CONTEXT for w in window):
                continue
        found.append(word)
    return found


def _match_abusive(squashed: str) -> str | None:
    for suffix in _SUFFIXES:
        if suffix and not squashed.endswith(suffix):
            continue
        stem = squashed[: len(squashed) - len(suffix)] if suffix else squashed
        if stem in _ABUSIVE_SQUASHED:
            return _ABUSIVE_SQUASHED[stem]
    return None


def _mild_words(tokens: list[str]) -> list[str]:
    return sorted({t for t in tokens if _squash(t) in _MILD_SQUASHED})


_THREAT_VERBS = r"(?:bunuh|bakar|bom|hajar|habisi|tembak|bacok|gorok|tusuk|ledakkan|serang|gebuki|santet|pateni|obong)"
_THREAT_TARGETS = (
    r"(?:kamu|kau|kalian|anda|lu|lo|elu|loe|kowe|sampeyan|mereka|dia|pejabat|petugas|pegawai|"
    r"wali\s?kota|walikota|bupati|lurah|camat|kades|kepala\s+\w+|admin|kantor\w*|rumah(?:mu|nya)|"
    r"orangnya|satpol\s?pp|dinas\w*)"
)
# Violent verbs that have no literal reading in a complaint. "bakar sampah" and "SIM tembak"
# (a licence bought through a broker) do, so those verbs need a person or an office as object.
_KILL_VERBS = r"(?:bunuh|habisi|bacok|gorok|pateni|santet)"
_THREAT_RES = [
    re.compile(
        rf"\b(?:ku)?{_THREAT_VERBS}\s+(?:saja\s+|aja\s+|sekalian\s+|itu\s+)?{_THREAT_TARGETS}(?:nya|mu)?\b",
        re.I,
    ),
    re.compile(rf"\b(?:ku|tak\s?){_KILL_VERBS}\b", re.I),
    re.compile(rf"\b(?:saya|aku|gue|gw|kami)\s+(?:akan\s+|bakal\s+|mau\s+)?{_KILL_VERBS}\b", re.I),
    re.compile(rf"\b(?:akan|bakal)\s+(?:saya|ku|gue|gw|kami)\s*{_KILL_VERBS}\b", re.I),
    re.compile(r"\b(?:awas|mati|mampus|modar)\s+(?:kau|kamu|kalian|lu|lo|elu|kowe)\b", re.I),
    re.compile(r"\btunggu\s+(?:saja\s+|aja\s+)?(?:pembalasan|balasan)\b", re.I),
]


def _threatens(text: str) -> bool:
    return any(r.search(text) for r in _THREAT_RES)
