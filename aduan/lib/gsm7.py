"""The GSM-7 alphabet for outbound SMS (framework-free).

One character outside GSM 03.38 (a typographic quote, an ellipsis, an emoji) switches a
whole message to UCS-2, where a part holds 70 characters instead of 160: a 459-character
answer becomes seven SMS instead of three, paid by the city and arriving out of order on
old handsets. Every outbound SMS goes through :func:`normalize` first.

A single message holds 160 septets; a concatenated one 153 per part (the user data
header takes the rest). Characters of the extension table (``€ [ ] { } ~ ^ \\ |``) take
two septets and are never split across parts.
"""

from __future__ import annotations

import unicodedata

SINGLE = 160
PART = 153
# Three concatenated parts: the longest SMS we send.
THREE_PARTS = 3 * PART

BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
EXTENDED = frozenset("^{}\\[~]|€\f")

# Look-alikes typed by editors and word processors, and what a handset shows instead.
_REPLACEMENTS = {
    "\u2018": "'",  # left single quote
    "\u2019": "'",  # right single quote, apostrophe
    "\u201a": "'",
    "\u201b": "'",
    "\u2032": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u2033": '"',
    "\u00ab": '"',
    "\u00bb": '"',
    "\u2039": "<",
    "\u203a": ">",
    "\u2010": "-",
    "\u2011": "-",
    "\u2012": "-",
    "\u2013": "-",
    "\u2014": "-",
    "\u2015": "-",
    "\u2212": "-",
    "\u2026": "...",
    "\u2022": "-",
    "\u00b7": "-",
    "\u00a0": " ",
    "\u2007": " ",
    "\u202f": " ",
    "\u200b": "",
    "\u200c": "",
    "\u200d": "",
    "\ufeff": "",
    "\t": " ",
    "\u00b0": " derajat",
    "\u00b2": "2",
    "\u00b3": "3",
    "\u00d7": "x",
    "\u2192": "->",
    "\u00e7": "c",  # GSM has only the capital Ç
}


def septets(text: str) -> int | None:
    """Septets ``text`` takes in GSM-7, or None when it needs UCS-2."""
    total = 0
    for ch in text:
        if ch in BASIC:
            total += 1
        elif ch in EXTENDED:
            total += 2
        else:
            return None
    return total


def is_gsm7(text: str) -> bool:
    return septets(text) is not None


def _plain(ch: str) -> str:
    """A character outside the alphabet as the closest GSM-7 text, possibly empty."""
    if ch in _REPLACEMENTS:
        return _REPLACEMENTS[ch]
    folded = unicodedata.normalize("NFKD", ch)
    base = "".join(c for c in folded if not unicodedata.combining(c))
    if base and all(c in BASIC or c in EXTENDED for c in base):
        return base
    category = unicodedata.category(ch)
    if category in ("So", "Sk", "Cs", "Co", "Cn", "Cf", "Mn", "Me"):
        return ""  # emoji, symbols, invisible marks: dropping them loses nothing readable
    if category.startswith("Z"):
        return " "
    return "?"


def normalize(text: str) -> str:
    """``text`` in GSM-7 only: quotes, dashes and ellipses as ASCII, accents dropped where
    the alphabet lacks the letter (``ā`` becomes ``a``; ``é`` stays), emoji removed."""
    out = []
    for ch in str(text or ""):
        out.append(ch if ch in BASIC or ch in EXTENDED else _plain(ch))
    result = "".join(out)
    # Removed emoji leave doubled spaces behind.
    while "  " in result:
        result = result.replace("  ", " ")
    return result


def segments(text: str) -> int:
    """How many SMS ``text`` costs (GSM-7 if it fits the alphabet, else UCS-2)."""
    if not text:
        return 1
    size = septets(text)
    if size is not None:
        if size <= SINGLE:
            return 1
        parts, used = 1, 0
        for ch in text:
            width = 2 if ch in EXTENDED else 1
            if used + width > PART:
                parts, used = parts + 1, 0
            used += width
        return parts
    units = sum(2 if ord(ch) > 0xFFFF else 1 for ch in text)
    if units <= 70:
        return 1
    return -(-units // 67)


def truncate(text: str, limit: int, suffix: str = "...") -> str:
    """``text`` (GSM-7) cut at a word boundary to at most ``limit`` septets, ``suffix`` added."""
    size = septets(text)
    if size is None:
        text = normalize(text)
        size = septets(text) or 0
    if size <= limit:
        return text
    room = limit - len(suffix)
    used, cut = 0, 0
    for i, ch in enumerate(text):
        width = 2 if ch in EXTENDED else 1
        if used + width > room:
            break
        used += width
        cut = i + 1
    head = text[:cut]
    space = head.rfind(" ")
    if space > cut * 2 // 3:
        head = head[:space]
    return head.rstrip(" ,.;:-") + suffix


class WithSms(str):
    """A notice's text with its SMS wording attached as ``sms`` (GSM-7, short).

    Composition code returns one text for every channel; the SMS route reads ``sms``.
    """

    sms: str = ""

    def __new__(cls, text: str, sms: str = ""):
        obj = super().__new__(cls, text)
        obj.sms = sms
        return obj
