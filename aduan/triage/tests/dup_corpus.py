"""Synthetic reports of the same problems by different citizens, for duplicate detection.

Each *issue* is one problem at one place (a category's phrasing filled with a street or a
gang, a kelurahan, coordinates and a day). Some issues are reported by several citizens: each
report rewords the issue (synonyms, the citizen's own greeting, plea and spelling, sometimes
another phrasing of the same category naming the same place) and carries coordinates within
about a hundred metres of the issue. The hard negatives come for free: the same phrasing at
another place is another issue.
"""

import dataclasses
import datetime
import random

from aduan.lib.tests import routing_corpus as rc

# Malang, roughly: reports scatter over the city.
LAT_RANGE = (-8.03, -7.92)
LON_RANGE = (112.58, 112.68)
_SYLLABLES = [
    "ka",
    "ri",
    "su",
    "mo",
    "lo",
    "wo",
    "ja",
    "ti",
    "sa",
    "ra",
    "ngo",
    "do",
    "ba",
    "gu",
    "ne",
    "pi",
    "ku",
    "le",
    "ma",
    "to",
    "ye",
    "wi",
]
_SUFFIXES = [
    "Raya",
    "Timur",
    "Barat",
    "Utara",
    "Selatan",
    "Indah",
    "Asri",
    "Baru",
    "Permai",
    "Jaya",
    "Sari",
    "Agung",
]
# Words a second reporter of the same problem tends to use instead.
SYNONYMS = {
    "rusak": ["hancur", "jelek sekali"],
    "berlubang": ["bolong bolong", "banyak lubangnya"],
    "mati": ["padam", "tidak menyala"],
    "padam": ["mati"],
    "menumpuk": ["numpuk", "bertumpuk tumpuk"],
    "bau": ["bau busuk", "baunya menyengat"],
    "macet": ["padat merayap"],
    "tidak": ["belum"],
    "sudah": ["udah"],
    "besar": ["gede"],
    "roboh": ["ambruk"],
    "bocor": ["rembes"],
    "banyak": ["banyak sekali"],
    "jatuh": ["terjatuh"],
}


@dataclasses.dataclass(frozen=True)
class Report:
    text: str
    issue: int
    agency: str
    category: str
    kelurahan: str
    latitude: float | None
    longitude: float | None
    hours: float  # after the start of the corpus


def _name(rng):
    word = "".join(rng.choice(_SYLLABLES) for _ in range(rng.randrange(2, 4)))
    return word.title()


def _phrasings():
    by_category = {}
    for agency, (_, categories) in rc.AGENCIES.items():
        for category, phrasings in categories.items():
            named = [p.removeprefix("late:") for p in phrasings if "{" in p]
            if named:
                by_category[category] = (agency, named)
    return by_category


def reword(text, rng, rate=0.5):
    """Swap some words for synonyms, as another citizen would say the same thing."""
    out = []
    for word in text.split():
        options = SYNONYMS.get(word)
        out.append(rng.choice(options) if options and rng.random() < rate else word)
    return " ".join(out)


def _report(rng, core, fill):
    parts = [
        rng.choice(rc.GREETINGS),
        rng.choice(rc.LOCATION_INTROS),
        reword(core.format(**fill), rng),
        rng.choice(rc.DURATIONS),
        rng.choice(rc.PLEAS),
        rng.choice(rc.CLOSINGS),
    ]
    fill = {**fill, "hp": rc._phone(rng), "code": "".join(rng.choice("abcdefgh") for _ in range(6))}
    text = ". ".join(p.format(**fill) for p in parts if p)
    return rc._roughen(text, rng, informality=rng.choice([0.0, 0.3, 0.6]))


def generate(
    issues, seed=0, repeated=0.2, max_reports=4, days=60, located=0.7, min_reports=2, first_issue=0
):
    """Reports of ``issues`` problems (numbered from ``first_issue``); a ``repeated`` share of
    them reported ``min_reports``..``max_reports`` times within three days. ``located`` is
    the share of reports that carry coordinates."""
    rng = random.Random(seed)
    by_category = _phrasings()
    categories = sorted(by_category)
    reports = []
    for issue in range(first_issue, first_issue + issues):
        category = rng.choice(categories)
        agency, phrasings = by_category[category]
        core = rng.choice(phrasings)
        fill = {
            "jalan": f"Jl. {_name(rng)} {rng.choice(_SUFFIXES)}",
            "tempat": f"gang {_name(rng).lower()}",
            "kel": rng.choice(rc.KELURAHAN),
        }
        lat = rng.uniform(*LAT_RANGE)
        lon = rng.uniform(*LON_RANGE)
        start = rng.uniform(0, days * 24)
        count = rng.randrange(min_reports, max_reports + 1) if rng.random() < repeated else 1
        for k in range(count):
            # A later reporter sometimes describes the same problem another way.
            phrasing = core if k == 0 or rng.random() < 0.7 else rng.choice(phrasings)
            has_place = rng.random() < located
            reports.append(
                Report(
                    text=_report(rng, phrasing, fill),
                    issue=issue,
                    agency=agency,
                    category=category,
                    kelurahan=fill["kel"],
                    latitude=lat + rng.uniform(-0.0008, 0.0008) if has_place else None,
                    longitude=lon + rng.uniform(-0.0008, 0.0008) if has_place else None,
                    hours=start + (rng.uniform(0, 72) if k else 0.0),
                )
            )
    reports.sort(key=lambda r: r.hours)
    return reports


def at(report, start):
    """The report's moment as a datetime, counted from ``start``."""
    return start + datetime.timedelta(hours=report.hours)
