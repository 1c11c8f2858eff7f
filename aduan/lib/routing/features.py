"""Sparse TF-IDF features over normalised complaint text, without scikit-learn's vectorizers.

A stored model must keep predicting after a library upgrade and must be loadable without
unpickling code, so the fitted state here is only plain data: a vocabulary (a list of strings)
and an IDF array. Fitting and transforming share one code path, so training and prediction
always see the same features.
"""

import array
import collections

import numpy as np
import scipy.sparse as sp

from .text import PLACEHOLDERS, normalize_text


def word_ngrams(text, max_n=2):
    """Words and word n-grams (up to ``max_n``) of a normalised text, joined by a space."""
    words = text.split()
    grams = list(words)
    for n in range(2, max_n + 1):
        grams.extend(" ".join(words[i : i + n]) for i in range(len(words) - n + 1))
    return grams


class CharGrams:
    """Character n-grams inside word boundaries (like scikit-learn's ``char_wb``), cached per word.

    Complaint vocabularies are Zipfian, so caching the grams of the first 50,000 distinct words
    (about 60 MB at worst) makes the pass over 100,000 complaints several times faster. Placeholders stay whole: their
    letters ("_angka_") must not look like pieces of real words.
    """

    def __init__(self, min_n=2, max_n=5, cache_size=50_000):
        self.min_n = min_n
        self.max_n = max_n
        self.cache_size = cache_size
        self._cache = {}

    def grams_of_word(self, word):
        if word in PLACEHOLDERS:
            return [word]
        padded = f" {word} "
        grams = []
        for n in range(self.min_n, self.max_n + 1):
            if n > len(padded):
                break
            grams.extend(padded[i : i + n] for i in range(len(padded) - n + 1))
        return grams

    def __call__(self, text):
        cache = self._cache
        grams = []
        for word in text.split():
            word_grams = cache.get(word)
            if word_grams is None:
                word_grams = self.grams_of_word(word)
                if len(cache) < self.cache_size:
                    cache[word] = word_grams
            grams.extend(word_grams)
        return grams


class TfidfBlock:
    """Sublinear TF-IDF with L2-normalised rows over a fixed vocabulary.

    ``idf = ln((1 + n) / (1 + df)) + 1`` and ``tf = 1 + ln(count)``, as scikit-learn's
    ``TfidfVectorizer(sublinear_tf=True)`` computes them. Terms seen in fewer than ``min_df``
    documents are dropped; if more than ``max_features`` remain, the most frequent (by document
    frequency) are kept.
    """

    def __init__(self, min_df=1, max_features=None, use_idf=True):
        self.min_df = min_df
        self.max_features = max_features
        self.use_idf = use_idf
        self.vocabulary = []
        self.idf = np.zeros(0, dtype=np.float32)
        self._index = {}

    def fit_transform(self, token_lists):
        provisional = {}
        counts = _count(token_lists, provisional, grow=True)
        n_docs = counts.shape[0]
        df = np.bincount(counts.indices, minlength=len(provisional))
        keep = np.flatnonzero(df >= self.min_df)
        if self.max_features is not None and len(keep) > self.max_features:
            # Stable sort keeps first-seen order among equal frequencies: deterministic.
            order = np.argsort(-df[keep], kind="stable")
            keep = np.sort(keep[order[: self.max_features]])
        terms = list(provisional)
        self.vocabulary = [terms[j] for j in keep]
        self._index = {term: i for i, term in enumerate(self.vocabulary)}
        if self.use_idf:
            self.idf = (np.log((1.0 + n_docs) / (1.0 + df[keep])) + 1.0).astype(np.float32)
        else:
            self.idf = np.ones(len(keep), dtype=np.float32)
        return self._weigh(counts[:, keep])

    def transform(self, token_lists):
        return self._weigh(_count(token_lists, self._index, grow=False, width=len(self.vocabulary)))

    def term_weights(self, tokens):
        """``{term: tf-idf weight}`` for one document, the same numbers ``transform`` produces."""
        row = self.transform([tokens])
        return {self.vocabulary[j]: float(v) for j, v in zip(row.indices, row.data, strict=True)}

    def _weigh(self, counts):
        counts = counts.tocsr().astype(np.float32)
        counts.sort_indices()
        np.log(counts.data, out=counts.data)
        counts.data += 1.0
        counts.data *= self.idf[counts.indices]
        norms = np.sqrt(np.asarray(counts.multiply(counts).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        counts.data /= np.repeat(norms, np.diff(counts.indptr)).astype(np.float32)
        return counts

    def __getstate__(self):
        state = dict(self.__dict__)
        state.pop("_index", None)
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._index = {term: i for i, term in enumerate(self.vocabulary)}


def _count(token_lists, index, grow, width=None):
    # array.array keeps tens of millions of entries compact; a list of ints would need ~10x.
    indptr = array.array("q", [0])
    indices = array.array("i")
    data = array.array("f")
    for tokens in token_lists:
        counts = collections.Counter(tokens)
        if grow:
            indices.extend([index.setdefault(term, len(index)) for term in counts])
            data.extend(counts.values())
        else:
            for term, count in counts.items():
                j = index.get(term)
                if j is not None:
                    indices.append(j)
                    data.append(count)
        indptr.append(len(indices))
    width = len(index) if width is None else width
    return sp.csr_matrix(
        (
            np.frombuffer(data, dtype=np.float32),
            np.frombuffer(indices, dtype=np.int32),
            np.frombuffer(indptr, dtype=np.int64),
        ),
        shape=(len(indptr) - 1, width),
    )


def extra_tokens(extra):
    """One token per (key, value) of a complaint's structured fields, e.g. ``kelurahan=sukun``."""
    if not extra:
        return []
    tokens = []
    for key, value in sorted(extra.items()):
        value = normalize_text(value) if value is not None else ""
        if value:
            tokens.append(f"{normalize_text(key).replace(' ', '_')}={value}")
    return tokens
