"""The routing model: complaint text (plus optional structured fields) to agency or category."""

import dataclasses
import datetime

import numpy as np
import scipy.sparse as sp
from scipy.optimize import minimize_scalar
from sklearn.linear_model import SGDClassifier
from sklearn.svm import LinearSVC

from . import explain as _explain
from . import storage
from .features import CharGrams, TfidfBlock, extra_tokens, word_ngrams
from .folds import fold_ids
from .text import normalize_text

# Chosen by measurement on the synthetic corpus (docs/benchmarks.md); every key can be
# overridden through RoutingModel(**params) and is stored with the model.
DEFAULT_PARAMS = {
    "word_max_n": 2,
    "char_min_n": 2,
    "char_max_n": 5,
    # Below this many training complaints every term counts; above it a term must occur twice.
    "min_df_from": 200,
    "max_word_features": 150_000,
    "max_char_features": 150_000,
    "word_weight": 1.0,
    "char_weight": 1.0,
    "extra_weight": 0.5,
    # "sgd" (hinge loss, one-vs-rest, two threads) matches liblinear's "svm" in accuracy on the
    # corpus and trains several times faster on 100,000 complaints.
    "classifier": "sgd",
    "C": 0.1,
    "epochs": 10,
    "loss": "hinge",
    "average": False,
    # None measured best on macro F1 (docs); "sqrt" and "balanced" stay available for a
    # history whose tail of small agencies the unweighted model never predicts.
    "class_weight": None,
    "calibration_folds": 3,
    "seed": 0,
}


@dataclasses.dataclass(frozen=True)
class Prediction:
    label: str
    confidence: float


class RoutingModel:
    """A linear text classifier with a calibrated confidence and word-level explanations.

    Features: word 1-2-grams and in-word character 2-5-grams of ``normalize_text`` output, each
    with sublinear TF-IDF, plus one token per structured field (category, kelurahan, channel...).
    Scores come from a one-vs-rest linear SVM (trained by SGD); confidences are ``softmax(scores / T)`` with the
    temperature ``T`` fitted to cross-validated scores of the training data, so a confidence of
    0.9 means about 9 in 10 such predictions were right on complaints the model had not seen.
    """

    def __init__(self, **params):
        unknown = set(params) - set(DEFAULT_PARAMS)
        if unknown:
            raise TypeError(f"unknown RoutingModel parameters: {sorted(unknown)}")
        self.params = {**DEFAULT_PARAMS, **params}
        self.classes_ = []
        self.n_train = 0
        self.trained_at = None
        self.temperature = 1.0
        self.label_counts = {}
        self._blocks = {}
        self._coef = np.zeros((0, 0), dtype=np.float32)
        self._intercept = np.zeros(0, dtype=np.float32)
        self._char_grams = self._make_char_grams()

    # -- training -----------------------------------------------------------------------------

    def fit(self, texts, labels, extras=None):
        """Learn from parallel lists of texts, labels and optional ``extras`` dicts; return self."""
        texts = list(texts)
        labels = [str(label) for label in labels]
        if len(texts) != len(labels):
            raise ValueError(f"{len(texts)} texts but {len(labels)} labels")
        if not texts:
            raise ValueError("cannot train a routing model on no complaints")
        extras = list(extras) if extras is not None else None
        if extras is not None and len(extras) != len(texts):
            raise ValueError(f"{len(texts)} texts but {len(extras)} extras")

        return self._fit_normalized([normalize_text(t) for t in texts], labels, extras)

    def _fit_normalized(self, normalized, labels, extras):
        # Evaluation normalises once and trains many fold models on the result.
        self.classes_ = sorted(set(labels))
        class_index = {label: i for i, label in enumerate(self.classes_)}
        y = np.array([class_index[label] for label in labels], dtype=np.int64)
        self.label_counts = {
            label: int(n) for label, n in zip(self.classes_, np.bincount(y), strict=True)
        }
        self.n_train = len(normalized)
        self.trained_at = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
        X = self._fit_features(normalized, extras)
        coef, self._intercept = self._fit_linear(X, y, len(self.classes_))
        # Stored as float16 to halve the model in the database (weights need no more than three
        # digits); rounding here, not at save time, keeps a reloaded model's predictions equal.
        self._coef = coef.astype(np.float16).astype(np.float32)
        self.temperature = self._fit_temperature(X, y)
        return self

    def _fit_features(self, normalized, extras):
        p = self.params
        min_df = 2 if len(normalized) >= p["min_df_from"] else 1
        self._char_grams = self._make_char_grams()
        self._blocks = {
            "word": TfidfBlock(min_df=min_df, max_features=p["max_word_features"]),
            "char": TfidfBlock(min_df=min_df, max_features=p["max_char_features"]),
        }
        parts = [
            self._blocks["word"].fit_transform(word_ngrams(t, p["word_max_n"]) for t in normalized)
            * np.float32(p["word_weight"]),
            self._blocks["char"].fit_transform(self._char_grams(t) for t in normalized)
            * np.float32(p["char_weight"]),
        ]
        if extras is not None:
            self._blocks["extra"] = TfidfBlock(min_df=1, use_idf=False)
            parts.append(
                self._blocks["extra"].fit_transform(extra_tokens(e) for e in extras)
                * np.float32(p["extra_weight"])
            )
        # The training vocabulary's long tail would otherwise sit in the cache for good.
        self._char_grams = self._make_char_grams()
        return sp.hstack(parts, format="csr", dtype=np.float32)

    def _fit_linear(self, X, y, n_classes):
        """Fit on (X, y) and return dense (n_classes, n_features) weights and intercepts.

        Classes absent from ``y`` (possible inside a cross-validation fold) get a score so low
        that they are never predicted, rather than breaking the fit.
        """
        coef = np.zeros((n_classes, X.shape[1]), dtype=np.float32)
        intercept = np.full(n_classes, _ABSENT, dtype=np.float32)
        present, counts = np.unique(y, return_counts=True)
        if len(present) == 1 or X.shape[1] == 0:
            # Nothing to learn from (one label, or texts without a single usable word): fall
            # back to how often each label occurred.
            intercept[present] = np.log(counts / counts.sum())
            return coef, intercept
        p = self.params
        weights = _class_weights(y, p["class_weight"])
        if p["classifier"] == "svm":
            clf = LinearSVC(C=p["C"], class_weight=weights, random_state=p["seed"])
        elif p["classifier"] == "sgd":
            # alpha = 1 / (C n) gives SGD the SVM's objective, so one C suits any data size.
            clf = SGDClassifier(
                loss=p["loss"],
                alpha=1.0 / (p["C"] * len(y)),
                max_iter=p["epochs"],
                tol=None,
                average=p["average"],
                class_weight=weights,
                random_state=p["seed"],
                n_jobs=2,
            )
        else:
            raise ValueError(f"unknown classifier {p['classifier']!r}")
        clf.fit(X, y)
        w = clf.coef_.astype(np.float32)
        b = clf.intercept_.astype(np.float32)
        if len(present) == 2:
            # Binary problems come back as one weight vector for the second class.
            w = np.vstack([-w / 2, w / 2])
            b = np.array([-b[0] / 2, b[0] / 2], dtype=np.float32)
        coef[present] = w
        intercept[present] = b
        return coef, intercept

    def _fit_temperature(self, X, y):
        """Fit the softmax temperature on out-of-fold scores of the training data.

        One parameter cannot overfit a few hundred complaints and, unlike per-class calibration,
        works whatever the number of examples per label. Complaints whose label is missing
        from a fold's training part are left out: no temperature could make them right.
        """
        folds = self.params["calibration_folds"]
        if len(self.classes_) < 2 or folds < 2 or len(y) < 2 * folds:
            return 1.0
        scores = np.zeros((len(y), len(self.classes_)), dtype=np.float64)
        usable = np.zeros(len(y), dtype=bool)
        ids = fold_ids(y, folds, self.params["seed"])
        for k in range(folds):
            train, held = ids != k, ids == k
            coef, intercept = self._fit_linear(X[train], y[train], len(self.classes_))
            scores[held] = X[held] @ coef.T + intercept
            usable[held] = np.isin(y[held], np.unique(y[train]))
        if usable.sum() < 2:
            return 1.0
        return _best_temperature(scores[usable], y[usable])

    # -- prediction ---------------------------------------------------------------------------

    def predict(self, text, extra=None, top_k=3):
        """Return the ``top_k`` most likely labels, best first, as ``Prediction`` objects."""
        self._check_fitted()
        proba = self._proba([text], [extra])[0]
        order = np.argsort(-proba, kind="stable")[:top_k]
        return [Prediction(self.classes_[i], float(proba[i])) for i in order]

    def predict_many(self, texts, extras=None):
        """Return ``(labels, confidences)``: a list of best labels and a float array."""
        self._check_fitted()
        texts = list(texts)
        if extras is not None:
            extras = list(extras)
            if len(extras) != len(texts):
                raise ValueError(f"{len(texts)} texts but {len(extras)} extras")
        if not texts:
            return [], np.zeros(0)
        proba = self._proba(texts, extras)
        best = proba.argmax(axis=1)
        return [self.classes_[i] for i in best], proba[np.arange(len(texts)), best]

    def predict_proba(self, texts, extras=None):
        """Probabilities for every class, columns in ``classes_`` order."""
        self._check_fitted()
        return self._proba(list(texts), extras)

    def _proba(self, texts, extras):
        return self._proba_normalized([normalize_text(t) for t in texts], extras)

    def _proba_normalized(self, normalized, extras):
        # float64 so that confidences compare exactly against thresholds stored as Python floats.
        return _softmax(self._scores(normalized, extras).astype(np.float64) / self.temperature)

    def _scores(self, normalized, extras):
        return self._transform(normalized, extras) @ self._coef.T + self._intercept

    def _transform(self, normalized, extras):
        p = self.params
        parts = [
            self._blocks["word"].transform(word_ngrams(t, p["word_max_n"]) for t in normalized)
            * np.float32(p["word_weight"]),
            self._blocks["char"].transform(self._char_grams(t) for t in normalized)
            * np.float32(p["char_weight"]),
        ]
        if "extra" in self._blocks:
            extras = extras if extras is not None else [None] * len(normalized)
            parts.append(
                self._blocks["extra"].transform(extra_tokens(e) for e in extras)
                * np.float32(p["extra_weight"])
            )
        return sp.hstack(parts, format="csr", dtype=np.float32)

    def explain(self, text, label, n=5, extra=None):
        """The words and phrases of ``text`` that pushed most toward ``label``, strongest first.

        Character n-grams are credited to the words they came from, so the result reads as
        words of the (normalised) complaint, never as fragments. Empty for an unknown label.
        """
        self._check_fitted()
        if label not in self.classes_:
            return []
        return _explain.explain(self, normalize_text(text), self.classes_.index(label), n, extra)

    def _check_fitted(self):
        if not self.classes_:
            raise RuntimeError("the routing model has not been trained")

    def _make_char_grams(self):
        return CharGrams(self.params["char_min_n"], self.params["char_max_n"])

    # -- storage ------------------------------------------------------------------------------

    @property
    def metadata(self):
        return {
            "n_train": self.n_train,
            "trained_at": self.trained_at,
            "params": dict(self.params),
            "classes": list(self.classes_),
            "label_counts": dict(self.label_counts),
            "temperature": self.temperature,
        }

    def to_bytes(self):
        """Serialise to bytes (a compressed NumPy archive; no pickle) for a database column."""
        self._check_fitted()
        return storage.dump(self)

    @classmethod
    def from_bytes(cls, data):
        """Rebuild a model from ``to_bytes`` output; raises ValueError for anything else."""
        return storage.load(cls, data)


_ABSENT = -1e4


def _class_weights(y, mode):
    if mode is None:
        return None
    counts = np.bincount(y)
    present = np.flatnonzero(counts)
    balanced = len(y) / (len(present) * counts[present])
    if mode == "balanced":
        return dict(zip(present.tolist(), balanced.tolist(), strict=True))
    if mode == "sqrt":
        # Full balancing lets a 5-example label outvote the big agencies on shared words; the
        # square root lifts rare agencies less.
        return dict(zip(present.tolist(), np.sqrt(balanced).tolist(), strict=True))
    raise ValueError(f"unknown class_weight {mode!r}")


def _softmax(z):
    z = z - z.max(axis=1, keepdims=True)
    np.exp(z, out=z)
    z /= z.sum(axis=1, keepdims=True)
    return z


def _best_temperature(scores, y):
    rows = np.arange(len(y))

    def nll(log_t):
        z = scores / np.exp(log_t)
        z = z - z.max(axis=1, keepdims=True)
        return float(np.mean(np.log(np.exp(z).sum(axis=1)) - z[rows, y]))

    result = minimize_scalar(nll, bounds=(np.log(1e-3), np.log(1e3)), method="bounded")
    return float(np.exp(result.x))
