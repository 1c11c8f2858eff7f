"""TF-IDF features over normalised complaint text, built on scikit-learn's vectorizers.

Three blocks: word 1-2-grams (scikit-learn's word analyzer over the normalised words),
in-word character 2-5-grams (``char_wb`` semantics, cached per word: the pass over 100,000
complaints is then several times faster than the stock analyzer) and one token per structured
field. Each block is a ``TfidfVectorizer(sublinear_tf=True)``.

Counting and weighting are separate on purpose: the texts are counted once
(``count_blocks``), and TF-IDF is then fitted on any subset of rows (``Block.fit_rows``), so
model selection can weigh features with the older history alone and the final model with all
of it, without analysing every text twice. A fitted block keeps only plain data (its terms and
IDF), so a stored model is rebuilt without unpickling anything.
"""

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer, TfidfVectorizer

from .text import PLACEHOLDERS, normalize_text

BLOCKS = ("word", "char", "extra")


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
    makes the pass over 100,000 complaints several times faster. Placeholders stay whole: their
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


def _vectorizer_kwargs(name, params):
    if name == "word":
        return {
            "analyzer": "word",
            "tokenizer": str.split,
            "token_pattern": None,
            "lowercase": False,
            "ngram_range": (1, params["word_max_n"]),
        }
    if name == "char":
        return {"analyzer": CharGrams(params["char_min_n"], params["char_max_n"])}
    return {"analyzer": extra_tokens}


class Block:
    """One fitted TF-IDF block: ``terms`` (column order) and ``idf``, and its vectorizer."""

    def __init__(self, name, params, terms, idf, use_idf=True):
        self.name = name
        self.terms = list(terms)
        self.idf = np.asarray(idf, dtype=np.float32)
        self.use_idf = use_idf
        self.index = {term: i for i, term in enumerate(self.terms)}
        # A block without IDF (the structured fields) weighs every term 1: the same as an
        # IDF of ones, which keeps one fitted-vectorizer code path.
        self.vectorizer = TfidfVectorizer(
            vocabulary=self.index or {"": 0},
            sublinear_tf=True,
            dtype=np.float32,
            **_vectorizer_kwargs(name, params),
        )
        if self.terms:
            idf = self.idf if use_idf else np.ones(len(self.terms), dtype=np.float32)
            self.vectorizer.idf_ = idf.astype(np.float64)

    def transform(self, docs):
        if not self.terms:
            return sp.csr_matrix((len(docs), 0), dtype=np.float32)
        return self.vectorizer.transform(docs).astype(np.float32, copy=False)

    def vector(self, doc):
        """``(columns, weights)`` of one document, as ``transform`` computes them (sublinear
        TF times IDF, L2-normalised) but without building a sparse matrix: the fast path of
        a single prediction."""
        if self.name == "word":
            terms = self.vectorizer.build_analyzer()(doc)
        else:
            terms = self.vectorizer.analyzer(doc)
        counts = {}
        index = self.index
        for term in terms:
            j = index.get(term)
            if j is not None:
                counts[j] = counts.get(j, 0) + 1
        if not counts:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        columns = np.fromiter(counts, dtype=np.int64, count=len(counts))
        values = np.log(np.fromiter(counts.values(), dtype=np.float64, count=len(counts))) + 1
        if self.use_idf:
            values *= self.idf[columns]
        values /= np.sqrt(np.dot(values, values))
        return columns, values.astype(np.float32)

    def term_weights(self, doc):
        """``{term: tf-idf weight}`` for one document, the same numbers ``transform`` gives."""
        row = self.transform([doc]).tocsr()
        return {self.terms[j]: float(v) for j, v in zip(row.indices, row.data, strict=True)}


class Counts:
    """Term counts of every document for one block, and the terms of its columns.

    Character n-grams are counted through the words: a document's ``char_wb`` counts are
    its word counts times each word's n-gram counts (one sparse product), exactly what the
    analyzer would count text by text, at a fraction of the cost. Pass the word block's
    ``Counts`` as ``words`` for that.
    """

    def __init__(self, name, params, docs, words=None):
        self.name = name
        self.params = params
        if name == "char" and words is not None:
            self._count_chars_through_words(words)
            return
        vectorizer = CountVectorizer(dtype=np.float32, **_vectorizer_kwargs(name, params))
        try:
            self.matrix = vectorizer.fit_transform(docs).tocsr()
            vocabulary = vectorizer.vocabulary_
        except ValueError:  # not a single term in any document
            self.matrix = sp.csr_matrix((len(docs), 0), dtype=np.float32)
            vocabulary = {}
        self.terms = np.empty(len(vocabulary), dtype=object)
        for term, j in vocabulary.items():
            self.terms[j] = term

    def _count_chars_through_words(self, words):
        unigrams = np.flatnonzero([" " not in term for term in words.terms])
        grams = CharGrams(self.params["char_min_n"], self.params["char_max_n"]).grams_of_word
        index, rows, cols = {}, [], []
        for i, j in enumerate(unigrams):
            for gram in grams(words.terms[j]):
                rows.append(i)
                cols.append(index.setdefault(gram, len(index)))
        per_word = sp.csr_matrix(
            (np.ones(len(rows), dtype=np.float32), (rows, cols)),
            shape=(len(unigrams), len(index)),
        )  # duplicates (a gram twice in a word) are summed
        self.matrix = (words.matrix[:, unigrams] @ per_word).tocsr()
        self.terms = np.empty(len(index), dtype=object)
        for term, j in index.items():
            self.terms[j] = term

    def fit_rows(self, rows, min_df=1, max_features=None, use_idf=True):
        """Fit TF-IDF on ``rows`` only; return ``(block, transform)`` where ``transform(rows)``
        weighs any rows' counts as the block would weigh their texts."""
        rows = (
            np.arange(self.matrix.shape[0])[rows] if isinstance(rows, slice) else np.asarray(rows)
        )
        everything = len(rows) == self.matrix.shape[0] and np.array_equal(
            rows, np.arange(len(rows))
        )
        counts = self.matrix if everything else self.matrix[rows]
        df = np.bincount(counts.indices, minlength=counts.shape[1])
        keep = np.flatnonzero(df >= min_df)
        if max_features is not None and len(keep) > max_features:
            order = np.argsort(-df[keep], kind="stable")
            keep = np.sort(keep[order[:max_features]])
        transformer = TfidfTransformer(sublinear_tf=True, use_idf=use_idf)
        fitted = None
        if len(keep):
            fitted = counts[:, keep]
            transformer.fit(fitted)
            idf = transformer.idf_ if use_idf else np.ones(len(keep))
        else:
            idf = np.zeros(0)
        block = Block(self.name, self.params, self.terms[keep], idf, use_idf=use_idf)

        def transform(some_rows):
            if not len(keep):
                return sp.csr_matrix((len(some_rows), 0), dtype=np.float32)
            some_rows = np.asarray(some_rows)
            if some_rows is rows or np.array_equal(some_rows, rows):
                part = fitted  # the rows just fitted on: sliced once, not twice
            else:
                part = self.matrix[some_rows][:, keep]
            return transformer.transform(part).astype(np.float32, copy=False)

        return block, transform
