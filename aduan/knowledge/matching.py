"""Which articles answer a piece of text: TF-IDF over character n-grams.

Citizens write informally ("jm buka dukcapil sabtu?"), so texts go through the routing
model's normaliser (abbreviations, case, elongations) and are compared as character
n-grams within words, which tolerate typos and affixes (buka/dibuka) that whole words
would miss. Every article gives several rows to the index: its title, each way citizens
ask it, and its whole text; an article scores as its closest row, so one short question
that matches a phrasing exactly is not drowned by a long answer.

The index is fitted on the published articles only and kept per process; its key is the
articles' count and last edit, read with one aggregate query, so an edit in any worker
process is seen by all of them on their next request.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Max
from django.utils import timezone
from sklearn.feature_extraction.text import TfidfVectorizer

from aduan.lib.routing import normalize_text

from .models import Article

DEFAULTS = {
    # Cosine similarity an article needs before it is suggested. Not tuned on any data
    # (the city has none yet): a conservative start, to be set from what citizens mark
    # "terjawab" once the counters hold real numbers.
    "suggest_threshold": 0.45,
    # Above this, a question filed as "permintaan informasi" on the web is shown the
    # article before it is sent (the no-JavaScript path).
    "strong_threshold": 0.55,
    # Candidate articles: similar answered questions, how similar, how many, how recent.
    "candidate_similarity": 0.5,
    "candidate_min_complaints": 5,
    "candidate_days": 90,
}


def config(name: str):
    return {**DEFAULTS, **getattr(settings, "ADUAN_KNOWLEDGE", {})}[name]


@dataclass(frozen=True)
class Match:
    article: Article
    score: float


class _Index:
    def __init__(self, articles: list[Article]):
        self.articles = articles
        rows, owners = [], []
        for i, a in enumerate(articles):
            agency = f"{a.agency.short_name} {a.agency.name}"
            for piece in (a.title, *a.question_list):
                rows.append(normalize_text(f"{piece} {agency}"))
                owners.append(i)
            rows.append(normalize_text(f"{a.title} {a.questions} {a.answer} {agency}"))
            owners.append(i)
        self.owners = owners
        self.vectorizer = None
        if rows:
            self.vectorizer = TfidfVectorizer(
                analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, min_df=1
            )
            self.matrix = self.vectorizer.fit_transform(rows)

    def scores(self, text: str) -> dict[int, float]:
        """Best score per article position; empty when nothing could match."""
        if self.vectorizer is None:
            return {}
        query = self.vectorizer.transform([normalize_text(text)])
        if query.nnz == 0:
            return {}
        # Rows and query are L2-normalised: the dot product is the cosine.
        sims = (self.matrix @ query.T).toarray().ravel()
        best: dict[int, float] = {}
        for row, sim in enumerate(sims):
            owner = self.owners[row]
            if sim > best.get(owner, 0.0):
                best[owner] = float(sim)
        return best


_lock = threading.Lock()
_cache: dict[str, object] = {"key": None, "index": None}


def _index() -> _Index:
    published = Article.objects.published()
    stamp = published.aggregate(n=Count("id"), last=Max("updated_at"))
    key = (stamp["n"], stamp["last"])
    with _lock:
        if _cache["key"] != key or _cache["index"] is None:
            articles = list(published.select_related("agency").order_by("pk"))
            _cache["index"] = _Index(articles)
            _cache["key"] = key
        return _cache["index"]


def rank(text: str, *, limit: int = 3, threshold: float | None = None, current_only=True):
    """The best published articles for ``text``, best first, each above ``threshold``
    (the suggestion threshold by default). ``current_only`` leaves out articles past
    their review date, as the citizen's suggestions do."""
    text = (text or "").strip()
    if len(text) < 8:
        return []
    cut = config("suggest_threshold") if threshold is None else threshold
    index = _index()
    today = timezone.localdate()
    found = []
    for pos, score in index.scores(text).items():
        article = index.articles[pos]
        if score < cut or (current_only and article.review_by < today):
            continue
        found.append(Match(article, score))
    found.sort(key=lambda m: (-m.score, m.article.pk))
    return found[:limit]


def strong_match(text: str) -> list[Match]:
    return rank(text, threshold=config("strong_threshold"))


def for_staff(text: str) -> list[Match]:
    """The articles a moderator may answer from: overdue ones too (the page marks them),
    since staff judge an answer themselves before sending it."""
    return rank(text, current_only=False)


def answer_of(raw_pk: str) -> str:
    """The answer of the published article ``raw_pk`` names (the staff page's
    ``?artikel=``), or ""."""
    if not raw_pk.isdigit():
        return ""
    found = Article.objects.published().filter(pk=int(raw_pk)).values_list("answer", flat=True)
    return found.first() or ""


def count_shown(matches) -> None:
    Article.bump([m.article.pk for m in matches], "shown_count")
