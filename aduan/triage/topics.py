"""What a complaint is about, loosely: shared topic words, not near-identical text.

Thirty citizens reporting one flood write "banjir", "tergenang", "air meluap", "got
mampet"... and little else in common; a pothole on the same street shares the street's
name and nothing of that. So the topic of a text is the set of lexicon groups its words
hit (a word stem inside a word: "genang" is in "tergenang", "genangan", "menggenangi");
two texts that both hit the lexicon are on one topic when their groups meet. Texts the
lexicon says nothing about fall back to a plain cosine over their content words, place
words left out, with a low threshold (``TriageSettings.mass_event_topic_similarity``).
"""

from __future__ import annotations

import math

from .streets import words
from .textmatch import keys_of

# group -> stems (inside a word) and phrases (whole folded words in order). Written for
# the informal Indonesian of complaints, a few common misspellings included.
LEXICON: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "banjir": (
        ("banjir", "bajir", "banjr", "genang", "luap", "rendam", "drainase", "gorong"),
        (
            "air naik",
            "air masuk",
            "air setinggi",
            "selokan mampet",
            "selokan buntu",
            "got mampet",
            "got buntu",
            "saluran mampet",
            "saluran buntu",
            "sebetis",
            "selutut",
            "sepaha",
            "sepinggang",
        ),
    ),
    "jalan": (
        ("berlubang", "lubang", "aspal", "ambles", "amblas", "paving", "bergelombang"),
        ("rusak parah",),
    ),
    "sampah": (("sampah", "tps", "tpa"), ()),
    "lampu": (("lampu", "pju", "penerangan"), ()),
    "air_bersih": (("pdam",), ("air mati", "air tidak mengalir", "air keruh", "pipa bocor")),
    "pohon": (("pohon", "dahan", "ranting"), ()),
    "jembatan": (("jembatan",), ()),
    "longsor": (("longsor", "plengsengan"), ()),
    "kebakaran": (("kebakaran", "terbakar"), ()),
    "lalu_lintas": (("macet", "kemacetan", "parkir"), ("lampu merah",)),
}


def topics_of(text: str) -> frozenset[str]:
    tokens = words(text)
    joined = f" {' '.join(tokens)} "
    found = set()
    for group, (stems, phrases) in LEXICON.items():
        if any(stem in token for token in tokens for stem in stems) or any(
            f" {p} " in joined for p in phrases
        ):
            found.add(group)
    return frozenset(found)


def content_words(text: str, place_words: frozenset[str] = frozenset()) -> frozenset[str]:
    """The text's content words (``textmatch.keys_of``) minus place words."""
    return frozenset(k for k in keys_of(text) if k not in place_words)


def cosine(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / math.sqrt(len(a) * len(b))
