"""Candidate articles: questions staff answered again and again with no article yet.

Answered "permintaan informasi" complaints of the last ``candidate_days`` days are
grouped by category, linked when their texts are alike (TF-IDF cosine over character
n-grams, as the matching does) and gathered into clusters; a cluster of at least
``candidate_min_complaints`` that no published article already matches is a candidate.

Everything a candidate shows comes from the public projection (core.disclosure), so
nothing a reporter wrote about themselves, and no secret complaint's content, can be
copied from here into a public article.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from django.utils import timezone
from sklearn.feature_extraction.text import TfidfVectorizer

from aduan.core import disclosure
from aduan.core.models import Complaint, Kind, Status
from aduan.lib.routing import normalize_text

from .matching import config, rank

# The newest complaints read per run: the page must stay quick on a busy year.
SCAN_LIMIT = 3000
ANSWERED = (Status.SELESAI, Status.DITUTUP)


@dataclass
class Candidate:
    category: object
    agency: object
    size: int
    # The most typical complaint with a public answer: its code starts the article.
    seed_code: str
    answer: str
    questions: list[str] = field(default_factory=list)


def _components(n: int, pairs) -> list[list[int]]:
    parent = list(range(n))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j in pairs:
        parent[find(i)] = find(j)
    groups = defaultdict(list)
    for i in range(n):
        groups[find(i)].append(i)
    return list(groups.values())


def answered_questions():
    since = timezone.now() - timedelta(days=config("candidate_days"))
    qs = Complaint.objects.filter(
        kind=Kind.INFORMASI,
        status__in=ANSWERED,
        answered_at__gte=since,
        category__isnull=False,
    ).exclude(answer="")
    return disclosure.prefetched(qs.select_related("category__agency")).order_by("-answered_at")[
        :SCAN_LIMIT
    ]


def find_candidates(agency=None) -> list[Candidate]:
    """Clusters worth an article, largest first; ``agency`` limits them to its categories."""
    minimum = config("candidate_min_complaints")
    similarity = config("candidate_similarity")
    # Every agency's questions are read, whoever asks: the vocabulary (and so what
    # counts as alike) is the city's, the same on every agency's page.
    scanned = list(answered_questions())
    if len(scanned) < minimum:
        return []
    # One vocabulary for every category: fitted within one category, the n-grams its
    # look-alike questions share would be the commonest there and weigh least.
    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True)
    vectors = vectorizer.fit_transform([normalize_text(c.text) for c in scanned])
    by_category = defaultdict(list)
    for row, c in enumerate(scanned):
        by_category[c.category_id].append(row)
    found = []
    for rows in by_category.values():
        members = [scanned[r] for r in rows]
        if len(rows) < minimum or (
            agency is not None and members[0].category.agency_id != agency.pk
        ):
            continue
        sims = (vectors[rows] @ vectors[rows].T).toarray()
        pairs = [
            (i, j)
            for i in range(len(members))
            for j in range(i + 1, len(members))
            if sims[i, j] >= similarity
        ]
        for group in _components(len(members), pairs):
            if len(group) < minimum:
                continue
            candidate = _candidate([members[i] for i in group], sims[group][:, group])
            if candidate is not None:
                found.append(candidate)
    found.sort(key=lambda c: (-c.size, c.category.name))
    return found


def _candidate(members, sims) -> Candidate | None:
    centrality = sims.sum(axis=1)
    order = sorted(range(len(members)), key=lambda i: -centrality[i])
    views = {i: disclosure.for_public(members[i]) for i in order}
    seed = next((i for i in order if views[i].shows_content and views[i].answer), None)
    if seed is None:
        return None
    # An article already answers this: staff need none, they need to use it.
    if rank(members[seed].text, limit=1, current_only=False):
        return None
    questions = [views[i].text for i in order if views[i].shows_content][:3]
    category = members[seed].category
    return Candidate(
        category=category,
        agency=category.agency,
        size=len(members),
        seed_code=members[seed].code,
        answer=views[seed].answer,
        questions=questions,
    )
