"""Near-duplicate complaints: an inverted word index in the database, then an exact check.

Search cost does not grow with the number of open complaints the way comparing against each
of them would: a handful of indexed queries on ``DuplicateKey`` (key, received_at) find the
complaints that share this one's rarer words within the window; only the best few dozen
are then compared exactly (IDF-squared cosine, see textmatch.py) and, when both carry
coordinates, by distance. Every worker and web process sees the same index, and there is
nothing to warm up after a restart.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count

from aduan.core.models import DROPPED_STATUSES, Complaint, Status

from .models import DuplicateKey, DuplicateLink, TriageSettings
from .textmatch import cosine, haversine_m, idf_weight, keys_of, weights

# Candidates compared exactly, after ranking by shared rare words.
SHORTLIST = 25
# Index rows read for ranking; the commonest words are left out first.
MAX_POSTINGS = 5_000
DF_CACHE_SECONDS = 300
DF_CACHE_SIZE = 50_000
_df_cache: dict[tuple, tuple[int, float]] = {}


@dataclass(frozen=True)
class Match:
    complaint_id: int
    similarity: float
    distance_m: float | None
    received_at: datetime


def index(complaint: Complaint, keys: list[str] | None = None) -> list[str]:
    """Write the complaint's words to the index (idempotent); return them."""
    keys = keys_of(complaint.text) if keys is None else keys
    DuplicateKey.objects.bulk_create(
        [DuplicateKey(complaint=complaint, key=k, received_at=complaint.received_at) for k in keys],
        ignore_conflicts=True,
    )
    return keys


def find(
    complaint: Complaint, settings: TriageSettings, keys: list[str] | None = None
) -> list[Match]:
    """Complaints received up to ``duplicate_window_days`` before this one that read alike
    (and, when both are located, lie within ``duplicate_distance_m``), most similar first."""
    keys = keys_of(complaint.text) if keys is None else keys
    if not keys:
        return []
    until = complaint.received_at
    since = until - timedelta(days=settings.duplicate_window_days)
    window = DuplicateKey.objects.filter(received_at__gte=since, received_at__lte=until).exclude(
        complaint_id=complaint.pk
    )
    # Document frequencies count this complaint too, as they do for its candidates.
    documents = Complaint.objects.filter(received_at__gte=since, received_at__lte=until).count()
    found = dict(window.filter(key__in=keys).values_list("key").annotate(n=Count("*")))
    present = sorted((k for k in keys if found.get(k)), key=lambda k: found[k])
    if not present:
        return []
    df = {k: found.get(k, 0) + 1 for k in keys}
    # Rank by the weight of shared words, reading the rarest words' postings first.
    chosen, budget = [], MAX_POSTINGS
    for key in present:
        if found[key] > budget:
            break
        chosen.append(key)
        budget -= found[key]
    mine = weights(keys, df, documents)
    score: dict[int, float] = {}
    for complaint_id, key in window.filter(key__in=chosen).values_list("complaint_id", "key"):
        score[complaint_id] = score.get(complaint_id, 0.0) + mine[key] * mine[key]
    # Shared words weigh the same on both sides, so a candidate's cosine is at most
    # sqrt(shared weight) / |mine|: candidates that cannot reach the threshold even if
    # they had no other word are dropped before their words are read.
    norm = math.sqrt(sum(w * w for w in mine.values()))
    floor = (settings.duplicate_min_similarity * norm) ** 2
    ranked = sorted((cid for cid in score if score[cid] >= floor), key=lambda cid: -score[cid])
    shortlist = ranked[:SHORTLIST]
    if not shortlist:
        return []
    theirs: dict[int, list[str]] = {}
    for complaint_id, key in DuplicateKey.objects.filter(complaint_id__in=shortlist).values_list(
        "complaint_id", "key"
    ):
        theirs.setdefault(complaint_id, []).append(key)
    unknown = {k for ks in theirs.values() for k in ks} - df.keys()
    df.update(_frequencies(window, unknown, until))
    similar = {}
    for complaint_id, their_keys in theirs.items():
        value = cosine(mine, {k: idf_weight(df.get(k, 0), documents) for k in their_keys})
        if value >= settings.duplicate_min_similarity:
            similar[complaint_id] = value
    if not similar:
        return []
    located = complaint.latitude is not None and complaint.longitude is not None
    best: dict[int, Match] = {}
    rows = (
        Complaint.objects.filter(pk__in=similar)
        .exclude(status=Status.DITOLAK)
        .values_list("pk", "status", "merged_into_id", "latitude", "longitude", "received_at")
    )
    for pk, status, survivor, lat, lon, received_at in rows:
        distance = None
        if located and lat is not None and lon is not None:
            distance = haversine_m(complaint.latitude, complaint.longitude, lat, lon)
            if distance > settings.duplicate_distance_m:
                continue
        # A merged complaint stands for the case it was merged into.
        target = survivor if status == Status.DIGABUNG else pk
        if target is None or target == complaint.pk:
            continue
        match = Match(target, round(similar[pk], 4), distance, received_at)
        if target not in best or best[target].similarity < match.similarity:
            best[target] = match
    if any(m.complaint_id not in similar for m in best.values()):
        alive = set(
            Complaint.objects.filter(pk__in=best)
            .exclude(status__in=DROPPED_STATUSES)
            .values_list("pk", flat=True)
        )
        best = {pk: m for pk, m in best.items() if pk in alive}
    return sorted(best.values(), key=lambda m: (-m.similarity, m.complaint_id))


def _frequencies(window, keys: set[str], until) -> dict[str, int]:
    """Document frequencies of the candidates' other words, which only scale their norms.

    Counting common words over a large window is the costliest query of a search, and
    their counts move slowly, so they are cached per process for a few minutes (per
    window end day, for back-dated filings).
    """
    day = until.date()
    now = time.monotonic()
    known, missing = {}, []
    for key in keys:
        cached = _df_cache.get((key, day))
        if cached is not None and now - cached[1] < DF_CACHE_SECONDS:
            known[key] = cached[0]
        else:
            missing.append(key)
    if missing:
        counted = dict(window.filter(key__in=missing).values_list("key").annotate(n=Count("*")))
        if len(_df_cache) > DF_CACHE_SIZE:
            _df_cache.clear()
        for key in missing:
            known[key] = counted.get(key, 0)
            _df_cache[(key, day)] = (known[key], now)
    return known


def clear_cache() -> None:
    """Forget cached word counts (tests, benchmarks)."""
    _df_cache.clear()


def link(complaint: Complaint, matches: list[Match]) -> None:
    DuplicateLink.objects.bulk_create(
        [
            DuplicateLink(
                complaint=complaint,
                other_id=m.complaint_id,
                similarity=m.similarity,
                distance_m=m.distance_m,
            )
            for m in matches
        ],
        ignore_conflicts=True,
    )


def duplicates_of(complaint: Complaint, limit: int = 20) -> list[dict]:
    """Both directions of the links, for display: ``{"complaint", "similarity", "distance_m"}``.

    Rejected and merged complaints are left out; the most similar come first.
    """
    found: dict[int, dict] = {}
    later = DuplicateLink.objects.filter(other=complaint).values_list(
        "complaint_id", "similarity", "distance_m"
    )
    earlier = DuplicateLink.objects.filter(complaint=complaint).values_list(
        "other_id", "similarity", "distance_m"
    )
    for pk, similarity, distance in [*earlier, *later]:
        if pk not in found or found[pk]["similarity"] < similarity:
            found[pk] = {"similarity": similarity, "distance_m": distance}
    if not found:
        return []
    # Rejected and merged complaints are not offered (the merged ones point to their survivor).
    rows = Complaint.objects.filter(pk__in=found).exclude(status__in=DROPPED_STATUSES)
    result = [{"complaint": c, **found[c.pk]} for c in rows.select_related("lead_agency")]
    result.sort(key=lambda d: (-d["similarity"], d["complaint"].received_at))
    return result[:limit]


def forget_before(moment) -> int:
    """Drop index rows older than ``moment``: no search window reaches them any more."""
    deleted, _ = DuplicateKey.objects.filter(received_at__lt=moment).delete()
    return deleted
