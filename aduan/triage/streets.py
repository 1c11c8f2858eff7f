"""Street mentions in complaint text, mapped to the city's streets and their aliases.

Citizens name one road many ways: "Jl. Soekarno-Hatta", "jln sukarno hatta no 12",
"Suhat", "soekarno hata" (a typo). The names are data the city keeps (``Street`` and
``StreetAlias`` in the admin); this module folds both the names and the text the same
way and then looks the text's word runs up:

- prefixes and house numbers go ("Jl.", "Jln", "Jalan", "Gg."/"gang", "no 12", "RT 03");
- old (pre-1972) spellings fold to the new one, inside a word that shows an old marker
  only: "oe" to "u", "dj" to "j", "tj" to "c", and then the old "j" to "y" ("Soetojo" is
  "Sutoyo"); a modern word's "j" ("Jaksa") is never touched. Both sides fold the same
  way, so an over-eager fold ("Letjen") still matches itself;
- a typo of at most one edit (runs of 5 to 8 letters) or two (9 or more) still matches,
  found through precomputed deletions (the symmetric-delete method) and then checked with
  a real edit distance; short names ("Ijen", "Kawi") must match exactly.

The alias table is small (a city's main roads), cached per process for a few minutes and
checked against the tables' row counts and highest ids on each use (one small query).
"""

from __future__ import annotations

import re
import time
import unicodedata
from dataclasses import dataclass, field
from itertools import combinations

from .textmatch import haversine_m

PREFIXES = frozenset({"jl", "jln", "jalan", "jlan", "jalam", "gg", "gang", "raya"})
NUMBER_WORDS = frozenset({"no", "nomor", "nmr", "rt", "rw", "blok", "km"})
OLD_MARKERS = ("oe", "dj", "tj")
MAX_WORDS = 4
CACHE_SECONDS = 300
# Two kelurahan are neighbours when their centroids are this close (the demo's centroids
# are good to about a kilometre); without coordinates, the same kecamatan stands in.
NEIGHBOUR_KM = 2.2

_WORD = re.compile(r"[a-z]+|\d+")


def fold_word(word: str) -> str:
    if any(m in word for m in OLD_MARKERS):
        word = word.replace("oe", "u").replace("dj", "\0").replace("tj", "\1")
        word = word.replace("j", "y").replace("\0", "j").replace("\1", "c")
    return word


def words(text: str) -> list[str]:
    """The place words of ``text``: folded, without prefixes and numbers."""
    plain = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode().lower()
    out: list[str] = []
    skip_number = False
    for token in _WORD.findall(plain):
        if token.isdigit():
            skip_number = False
            continue
        if skip_number and len(token) <= 2:
            # "no a12", "rt ii": a number written oddly.
            continue
        skip_number = token in NUMBER_WORDS
        if skip_number or token in PREFIXES:
            continue
        out.append(fold_word(token))
    return out


def compact(name: str) -> str:
    return "".join(words(name))


def _max_edits(length: int) -> int:
    if length >= 9:
        return 2
    if length >= 5:
        return 1
    return 0


def _deletions(word: str, edits: int) -> set[str]:
    found = {word}
    for n in range(1, edits + 1):
        for drop in combinations(range(len(word)), n):
            found.add("".join(ch for i, ch in enumerate(word) if i not in drop))
    return found


def distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance of ``a`` and ``b``, or ``limit + 1`` once it is sure to exceed it."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]


@dataclass
class Gazetteer:
    """Every street's folded names: exact lookups, and deletions for the typos."""

    exact: dict[str, set[int]]
    deleted: dict[str, set[str]]
    longest: int
    # Every word of every name: left out when comparing topics.
    place_words: frozenset[str] = frozenset()
    # street id -> the kelurahan it runs through, and back.
    areas: dict[int, frozenset[int]] = field(default_factory=dict)
    streets_in: dict[int, frozenset[int]] = field(default_factory=dict)

    def with_areas(self, pairs) -> Gazetteer:
        areas: dict[int, set[int]] = {}
        streets_in: dict[int, set[int]] = {}
        for street_id, kelurahan_id in pairs:
            areas.setdefault(street_id, set()).add(kelurahan_id)
            streets_in.setdefault(kelurahan_id, set()).add(street_id)
        self.areas = {k: frozenset(v) for k, v in areas.items()}
        self.streets_in = {k: frozenset(v) for k, v in streets_in.items()}
        return self

    @classmethod
    def build(cls, names: list[tuple[int, str]]) -> Gazetteer:
        exact: dict[str, set[int]] = {}
        deleted: dict[str, set[str]] = {}
        longest = 1
        every: set[str] = set()
        for street_id, name in names:
            parts = words(name)
            every.update(parts)
            key = "".join(parts)
            if len(key) < 3:
                continue
            longest = max(longest, len(parts))
            exact.setdefault(key, set()).add(street_id)
            for variant in _deletions(key, _max_edits(len(key))):
                deleted.setdefault(variant, set()).add(key)
        return cls(exact, deleted, min(longest + 1, MAX_WORDS), frozenset(every))

    def find(self, text: str) -> set[int]:
        """Street ids named in ``text``."""
        tokens = words(text)
        found: set[int] = set()
        for size in range(1, self.longest + 1):
            for start in range(len(tokens) - size + 1):
                run = "".join(tokens[start : start + size])
                found |= self._lookup(run)
        return found

    def _lookup(self, run: str) -> set[int]:
        if run in self.exact:
            return self.exact[run]
        edits = _max_edits(len(run))
        if not edits:
            return set()
        found: set[int] = set()
        for variant in _deletions(run, edits):
            for key in self.deleted.get(variant, ()):
                allowed = min(edits, _max_edits(len(key)))
                # The first letter is kept: typos there are rare, and "Bromo" is not "Romo".
                if allowed and key[0] == run[0] and distance(run, key, allowed) <= allowed:
                    found |= self.exact[key]
        return found


_cache: dict[str, tuple[float, object]] = {}


def clear_cache() -> None:
    _cache.clear()


def _signature(*models) -> tuple:
    """Row counts and highest ids: a cheap check that a cached table is still current (a
    rolled-back test, or another process's edit, changes it)."""
    from django.db.models import Count, Max

    return tuple(
        tuple(model.objects.aggregate(n=Count("pk"), top=Max("pk")).values()) for model in models
    )


def gazetteer() -> Gazetteer:
    from .models import Street, StreetAlias

    cached = _cache.get("gazetteer")
    now = time.monotonic()
    signature = _signature(Street, StreetAlias)
    if cached is not None and now - cached[0] < CACHE_SECONDS and cached[2] == signature:
        return cached[1]

    names = list(Street.objects.filter(is_active=True).values_list("pk", "name"))
    names += list(
        StreetAlias.objects.filter(street__is_active=True).values_list("street_id", "name")
    )
    pairs = Street.kelurahan.through.objects.filter(street__is_active=True).values_list(
        "street_id", "kelurahan_id"
    )
    built = Gazetteer.build(names).with_areas(pairs)
    _cache["gazetteer"] = (now, built, signature)
    return built


def streets_of(complaint) -> set[int]:
    """Streets named in the complaint's text and address."""
    return gazetteer().find(f"{complaint.text or ''}\n{complaint.address or ''}")


def area_map() -> dict[int, tuple]:
    """kelurahan id -> (kecamatan id, latitude, longitude), cached like the gazetteer."""
    from aduan.core.models import Kelurahan

    cached = _cache.get("areas")
    now = time.monotonic()
    signature = _signature(Kelurahan)
    if cached is None or now - cached[0] >= CACHE_SECONDS or cached[2] != signature:
        rows = list(Kelurahan.objects.values_list("pk", "kecamatan_id", "latitude", "longitude"))
        cached = (now, {pk: (kec, lat, lon) for pk, kec, lat, lon in rows}, signature)
        _cache["areas"] = cached
    return cached[1]


def neighbours(kelurahan_id: int, areas: dict[int, tuple]) -> set[int]:
    """The kelurahan itself and those next to it (see ``NEIGHBOUR_KM``)."""
    mine = areas.get(kelurahan_id)
    if mine is None:
        return {kelurahan_id}
    kec, lat, lon = mine
    found = {kelurahan_id}
    for pk, (other_kec, other_lat, other_lon) in areas.items():
        if None in (lat, lon, other_lat, other_lon):
            if other_kec == kec:
                found.add(pk)
        elif haversine_m(lat, lon, other_lat, other_lon) <= NEIGHBOUR_KM * 1000:
            found.add(pk)
    return found
