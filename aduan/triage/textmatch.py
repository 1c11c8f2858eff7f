"""Text similarity for duplicate detection: words, their weights, cosine; and distance.

Framework-free so the benchmark can measure it on a corpus without a database.

Measured on the synthetic reports of ``tests/dup_corpus.py`` (docs/benchmarks.md):
two reports of one problem share its place name and a few content words; two problems of
the same kind at different places share everything but the place. So the weights are
IDF *squared*: a rare word (a street, a gang) counts far more than "lampu jalan mati".
Word keys beat character n-grams and plain Jaccard (MinHash's measure) there, and let the
database index them (one row per word) where n-grams would need ten times the rows.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

from aduan.lib.routing import normalize_text

# Words that say nothing about *which* problem: greetings, politeness, function words,
# generic place words. Place names and content words stay.
_STOP_TEXT = """
    ada adalah admin agar akan alamat anda assalamualaikum atas atau bagaimana bahwa banget
    bapak belum bisa bulan dan dari daerah dengan depan dekat dia dilaporkan ditangani
    ditindaklanjuti gang hari hubungi ibu ini itu jadi jalan juga kalau kami kamu kapan
    karena kasih kecamatan kel kelurahan kemarin kenapa kita lagi lama lapor laporan lokasi
    maaf makasih malam masih matur mau min minggu mohon nomor nuwun nya oleh pada pagi pak
    perhatiannya permisi pripun pun saja sama sangat saya sedang segera sejak sekali selamat
    siang sore sudah sugeng tapi terima tidak tindakan tolong untuk warga yang yth walikota
    niki iki hallo halo sampai bikin semua tiap setiap selain itu kok dong deh sih
"""
STOP_WORDS = frozenset(_STOP_TEXT.split())
MAX_KEYS = 60
MIN_LENGTH = 3
EARTH_RADIUS_M = 6_371_000.0
MIN_DOCUMENTS = 1000


def keys_of(text: str) -> list[str]:
    """The distinct content words of ``text``, in order, at most ``MAX_KEYS``.

    Built on the routing model's ``normalize_text`` (abbreviations, elongations, numbers and
    contacts already folded), minus stop words and placeholders; a trailing "-nya" is cut
    ("pagarnya" is "pagar").
    """
    seen: dict[str, None] = {}
    for word in normalize_text(text or "").split():
        if word.startswith("_") or not word.isalpha():
            continue
        if word.endswith("nya") and len(word) - 3 >= MIN_LENGTH:
            word = word[:-3]
        if len(word) < MIN_LENGTH or word in STOP_WORDS:
            continue
        seen.setdefault(word[:40], None)
        if len(seen) >= MAX_KEYS:
            break
    return list(seen)


def idf_weight(document_frequency: int, documents: int) -> float:
    """Smoothed IDF, squared (see the module docstring for why squared).

    A window of a few complaints says nothing about which words are rare: two reports of one
    broken bridge in an empty week would make "jembatan" look as common as "tolong". So the
    window counts as at least ``MIN_DOCUMENTS`` complaints, the others without the word.
    """
    documents = max(documents, MIN_DOCUMENTS)
    idf = math.log((1 + documents) / (1 + document_frequency)) + 1.0
    return idf * idf


def weights(keys: Iterable[str], df: Mapping[str, int], documents: int) -> dict[str, float]:
    return {key: idf_weight(df.get(key, 0), documents) for key in keys}


def cosine(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    """Cosine of two weighted key sets (each key counts once)."""
    if not a or not b:
        return 0.0
    if len(a) > len(b):
        a, b = b, a
    dot = sum(w * b[k] for k, w in a.items() if k in b)
    if not dot:
        return 0.0
    norm = math.sqrt(sum(w * w for w in a.values())) * math.sqrt(sum(w * w for w in b.values()))
    return dot / norm


def haversine_m(lat1, lon1, lat2, lon2) -> float:
    """Great-circle distance in metres between two points given in degrees."""
    p1, p2 = math.radians(float(lat1)), math.radians(float(lat2))
    dp = p2 - p1
    dl = math.radians(float(lon2) - float(lon1))
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))
