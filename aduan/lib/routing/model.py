"""The routing model: complaint text (plus optional structured fields) to agency or category.

The model chooses itself on the city's own history. ``fit`` holds out the most recent slice
of the (time-ordered) training rows, trains a few candidate pipelines on the older rows,
scores them on that slice, keeps the best router (accuracy and macro-F1) and the best
confidence for its labels (auto-dispatch coverage), and refits them on everything. The same
slice fixes the confidence calibration, the auto-dispatch threshold for each precision
target and the per-label guard (labels whose recent predictions miss the target never
auto-dispatch). A
history too short to hold anything out falls back to a plain model that never
auto-dispatches, optionally led by a category-to-label table (see ``fit``).
"""

import dataclasses
import datetime
import warnings

import numpy as np
import scipy.sparse as sp
from scipy.optimize import minimize_scalar
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import SGDClassifier
from sklearn.metrics import f1_score, precision_recall_fscore_support
from sklearn.naive_bayes import ComplementNB

from . import explain as _explain
from . import storage
from .features import Counts
from .folds import fold_ids
from .text import normalize_text
from .thresholds import NEVER, choose_threshold, guard

# Candidate pipelines: name -> (classifier, class_weight). "svm+lr" averages the two
# calibrated score sets. The order breaks ties: simpler first.
PIPELINES = {
    "svm": ("svm", None),
    "svm_balanced": ("svm", "balanced"),
    "lr": ("lr", None),
    "cnb": ("cnb", None),
    "svm+lr": ("ensemble", None),
}
# Precision targets whose thresholds and guards every model stores.
PRECISION_TARGETS = (0.8, 0.85, 0.9, 0.95, 0.97, 0.98, 0.99)

# Settings are general practice for TF-IDF text classification, not tuned on any corpus of
# ours (issue 13): what adapts to a city is the *choice* among candidates, made on its data.
DEFAULT_PARAMS = {
    # "auto" selects among ``candidates``; a pipeline name forces that one.
    "pipeline": "auto",
    "candidates": list(PIPELINES),
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
    # scikit-learn's default for LinearSVC; logistic regression on unit-length TF-IDF rows
    # needs weaker regularisation than its default C=1 to fit at all. Both objectives
    # (L2-regularised hinge and log loss, one-vs-rest) are fitted by SGD with
    # alpha = 1 / (C n): liblinear and lbfgs are 3-6 times slower and would not fit the 60 s
    # budget on 100,000 complaints (docs/routing.md).
    "svm_C": 1.0,
    "lr_C": 10.0,
    # SGD passes: as many as give about this many updates per class, between
    # ``sgd_min_passes`` and 10 (large histories need fewer passes to converge; the budget
    # stays bounded: 2 passes over 100,000 complaints).
    "sgd_updates": 200_000,
    "sgd_min_passes": 2,
    "nb_alpha": 1.0,
    # The most recent share of the history held out for selection, within these bounds.
    "holdout_share": 0.2,
    "holdout_max": 10_000,
    # Fewer labelled complaints than this: no selection, no auto-dispatch (the fallback).
    "min_history": 300,
    # Candidates learn from at most this many rows before the holdout (the most recent):
    # selection must fit the training budget on 100,000 complaints.
    "select_max_train": 15_000,
    # The per-label guard (thresholds.guard) blocks a label only on evidence that it misses
    # the target: an exact binomial test on its recent predictions at the threshold, at this
    # family-wise level over the labels judged. A label with fewer predictions than
    # ``guard_min_predictions`` there is not judged: the global threshold's evidence stands.
    "guard_alpha": 0.05,
    "guard_min_predictions": 1,
    # The precision target selection scores coverage at.
    "precision_target": 0.97,
    # The router is the candidate with the best mean of accuracy and macro-F1 on the slice,
    # or a simpler one that the best does not beat in at least 1 - tie_alpha of the paired
    # bootstrap resamples of the slice, on accuracy or on macro-F1 (a one-sided test).
    "tie_alpha": 0.05,
    "bootstrap_resamples": 500,
    "calibration_folds": 3,
    "seed": 0,
}


@dataclasses.dataclass(frozen=True)
class Prediction:
    label: str
    confidence: float


class RoutingModel:
    """A linear text classifier that selects itself, with a calibrated confidence.

    Features: word 1-2-grams and in-word character 2-5-grams of ``normalize_text`` output
    (scikit-learn ``TfidfVectorizer``s, sublinear TF), plus one token per structured field
    (category, kelurahan, channel...). Every candidate reduces to one weight matrix, so a
    prediction is one sparse row times the stored weights; confidences are
    ``softmax(scores / T)`` with the temperature ``T`` fitted on the recent holdout. The
    router's scores name the label; its confidence may come from another candidate's
    calibrated probabilities (a second weight matrix, ``_confidence``).

    After ``fit``: ``selection`` (what was chosen and every candidate's holdout scores),
    ``auto`` (per precision target: threshold and the labels the guard blocks).
    """

    def __init__(self, **params):
        unknown = set(params) - set(DEFAULT_PARAMS)
        if unknown:
            raise TypeError(f"unknown RoutingModel parameters: {sorted(unknown)}")
        self.params = {**DEFAULT_PARAMS, **params}
        if self.params["pipeline"] != "auto" and self.params["pipeline"] not in PIPELINES:
            raise ValueError(f"unknown pipeline {self.params['pipeline']!r}")
        self.classes_ = []
        self.n_train = 0
        self.trained_at = None
        self.temperature = 1.0
        self.label_counts = {}
        self.selection = {}
        self.auto = {}
        self.table = {}
        self._blocks = {}
        self._weights = np.zeros((0, 0), dtype=np.float32)  # (features, classes)
        self._intercept = np.zeros(0, dtype=np.float32)
        # The confidence model when it is not the router: (weights, intercept, temperature).
        self._confidence = None

    @property
    def pipeline(self):
        return self.selection.get("chosen")

    @property
    def _coef(self):
        """The weights as (classes, features), a view."""
        return self._weights.T

    # -- training -----------------------------------------------------------------------------

    def fit(self, texts, labels, extras=None, table=None):
        """Learn from parallel lists in time order (oldest first); return self.

        ``extras`` are optional dicts of structured fields. ``table`` (optional) maps a
        category name to a label: with too little history to select on, a complaint whose
        ``extra["category"]`` is in it gets that label first (the city's category-to-agency
        table), with the share of training complaints of the category that had it as
        confidence.
        """
        texts = list(texts)
        labels = [str(label) for label in labels]
        if len(texts) != len(labels):
            raise ValueError(f"{len(texts)} texts but {len(labels)} labels")
        if not texts:
            raise ValueError("cannot train a routing model on no complaints")
        extras = list(extras) if extras is not None else None
        if extras is not None and len(extras) != len(texts):
            raise ValueError(f"{len(texts)} texts but {len(extras)} extras")
        return self._fit_normalized([normalize_text(t) for t in texts], labels, extras, table)

    def _fit_normalized(self, normalized, labels, extras, table=None):
        p = self.params
        self.classes_ = sorted(set(labels))
        class_index = {label: i for i, label in enumerate(self.classes_)}
        y = np.array([class_index[label] for label in labels], dtype=np.int64)
        self.label_counts = {
            label: int(n) for label, n in zip(self.classes_, np.bincount(y), strict=True)
        }
        n = len(normalized)
        self.n_train = n
        self.trained_at = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
        words = Counts("word", p, normalized)
        counts = {"word": words, "char": Counts("char", p, normalized, words=words)}
        if extras is not None:
            counts["extra"] = Counts("extra", p, extras)

        n_hold = min(p["holdout_max"], round(n * p["holdout_share"]))
        fallback = n < p["min_history"] or len(self.classes_) < 2 or n_hold < 2
        if fallback:
            chosen = p["pipeline"] if p["pipeline"] != "auto" else "svm"
            self.selection = {
                "chosen": chosen,
                "fallback": True,
                "reason": (
                    f"{n} labelled complaints in {len(self.classes_)} labels: fewer than "
                    f"{p['min_history']} (or one label) is too little history to hold a recent "
                    "slice out; no selection, and no automatic dispatch"
                ),
                "candidates": {},
            }
            self.auto = {
                str(t): {"threshold": NEVER, "blocked": list(self.classes_)}
                for t in PRECISION_TARGETS
            }
            self.table = self._fit_table(table, extras, labels)
            temperatures = None
        else:
            self.table = {}
            temperatures = self._select(counts, y, n, n_hold)
            chosen = self.selection["chosen"]

        blocks, X = self._fit_blocks(counts, np.arange(n), n)
        self._blocks = blocks
        fitted = {}
        weights, intercept = self._fit_pipeline(
            chosen, X, y, temperatures and temperatures[chosen], fitted
        )
        # Stored as float16 to halve the model in the database; rounding here, not at save
        # time, keeps a reloaded model's predictions equal.
        self._weights = _as_stored(weights)
        self._intercept = intercept.astype(np.float32)
        self._confidence = None
        if temperatures is not None:
            self.temperature = temperatures[chosen]["final"]
            confident = self.selection.get("confidence", chosen)
            if confident != chosen:
                w, b = self._fit_pipeline(confident, X, y, temperatures[confident], fitted)
                self._confidence = (
                    _as_stored(w),
                    b.astype(np.float32),
                    float(temperatures[confident]["final"]),
                )
        else:
            self.temperature = self._cv_temperature(chosen, counts, y, n)
        # The transforms hold the training counts (and the weighted rows they were fitted
        # on): a trained model needs only its blocks.
        self._transforms = {}
        return self

    def _fit_blocks(self, counts, rows, n_rows):
        p = self.params
        min_df = 2 if n_rows >= p["min_df_from"] else 1
        caps = {"word": p["max_word_features"], "char": p["max_char_features"], "extra": None}
        blocks, transforms = {}, {}
        for name, block_counts in counts.items():
            blocks[name], transforms[name] = block_counts.fit_rows(
                rows,
                min_df=1 if name == "extra" else min_df,
                max_features=caps[name],
                use_idf=name != "extra",
            )
        self._transforms = transforms
        return blocks, self._weigh({name: t(rows) for name, t in transforms.items()})

    def _weigh(self, parts):
        p = self.params
        scale = {"word": p["word_weight"], "char": p["char_weight"], "extra": p["extra_weight"]}
        return sp.hstack(
            [
                parts[name] if scale[name] == 1 else parts[name] * np.float32(scale[name])
                for name in parts
            ],
            format="csr",
            dtype=np.float32,
        )

    # -- selection on the recent slice ----------------------------------------------------------

    def _select(self, counts, y, n, n_hold):
        """Train every candidate on older rows, score on the newest ``n_hold``, keep the best.

        Returns the temperatures the chosen pipeline needs for its final fit.
        """
        p = self.params
        start = max(0, n - n_hold - p["select_max_train"])
        train_rows = np.arange(start, n - n_hold)
        held_rows = np.arange(n - n_hold, n)
        _, X_train = self._fit_blocks(counts, train_rows, len(train_rows))
        X_held = self._weigh({name: t(held_rows) for name, t in self._transforms.items()})
        y_train, y_held = y[train_rows], y[held_rows]
        # A label the older rows never show cannot be predicted; it still counts as an error.
        usable = np.isin(y_held, np.unique(y_train))
        names = list(p["candidates"]) if p["pipeline"] == "auto" else [p["pipeline"]]
        fitted, results, temperatures, probas = {}, {}, {}, {}
        for name in names:
            kind, _ = PIPELINES[name]
            if kind == "ensemble":
                parts = [self._fitted(fitted, part, X_train, y_train) for part in ("svm", "lr")]
                temps = [
                    self._holdout_temperature(X_held @ w.T + b, y_held, usable) for w, b in parts
                ]
                w = sum(w / t for (w, _), t in zip(parts, temps, strict=True)) / 2
                b = sum(b / t for (_, b), t in zip(parts, temps, strict=True)) / 2
                temperatures[name] = {"svm": temps[0], "lr": temps[1]}
            else:
                w, b = self._fitted(fitted, name, X_train, y_train)
            scores = X_held @ w.T + b
            t = self._holdout_temperature(scores, y_held, usable)
            temperatures.setdefault(name, {})["final"] = t
            probas[name] = _softmax(np.asarray(scores, dtype=np.float64) / t)
        # 1. The router, whose argmax names the agency: the best mean of accuracy and
        # macro-F1 on the slice, or a simpler candidate the best does not beat beyond chance
        # (paired bootstrap of the slice, one-sided, on accuracy and on macro-F1). Coverage
        # has no say here: a candidate worse at routing never routes for being confident.
        guesses = {name: probas[name].argmax(axis=1) for name in names}
        for name in names:
            results[name] = self._label_figures(guesses[name], y_held)
            results[name]["score"] = round(
                (results[name]["accuracy"] + results[name]["macro_f1"]) / 2, 6
            )
        best = max(names, key=lambda name: (results[name]["score"], -names.index(name)))
        wins = _paired_bootstrap(
            y_held,
            {name: guesses[name] for name in names},
            best,
            len(self.classes_),
            p["bootstrap_resamples"],
            p["seed"],
        )
        level = 1 - p["tie_alpha"]
        for name in names:
            results[name]["best_better_accuracy"] = wins[name][0]
            results[name]["best_better_macro_f1"] = wins[name][1]
            results[name]["tied"] = bool(max(wins[name]) < level)
        chosen = next(name for name in names if results[name]["tied"])
        # 2. The confidence of the router's label: the calibrated probability one candidate
        # gives it (the router's own, or another's). Each candidate's threshold and guard on
        # the slice; the one that lets the most through at the target wins, the router
        # itself on a tie (one weight matrix less).
        rows = np.arange(len(y_held))
        autos = {}
        for name in names:
            confidence = probas[name][rows, guesses[chosen]]
            autos[name] = self._auto_figures(guesses[chosen], confidence, y_held)
            results[name].update({k: v for k, v in autos[name].items() if k != "auto"})
        confident = max(
            names,
            key=lambda name: (results[name]["coverage"], name == chosen, -names.index(name)),
        )
        self.auto = autos[confident]["auto"]
        per_class = results[chosen].pop("per_class")
        for figures in results.values():
            figures.pop("per_class", None)
        target = p["precision_target"]
        self.selection = {
            "chosen": chosen,
            "confidence": confident,
            "fallback": False,
            "reason": (
                f"routes with {chosen}: best mean of accuracy and macro-F1 ({best}, "
                f"{results[best]['accuracy']:.3f} / {results[best]['macro_f1']:.3f}) or not "
                f"beaten by it beyond chance (paired bootstrap, {p['tie_alpha']}), simplest "
                f"first; confidence from {confident}'s calibrated probability of that label, "
                f"the highest auto-dispatch coverage at precision {target} after the "
                f"per-agency guard ({results[confident]['coverage']:.3f}); on the {n_hold} "
                f"most recent complaints, candidates trained on the {len(train_rows)} "
                "complaints before them"
            ),
            "holdout": {
                "n": int(n_hold),
                "train": len(train_rows),
                "from_row": int(n - n_hold),
            },
            "candidates": results,
            "per_class": per_class,
        }
        return temperatures

    def _fitted(self, cache, name, X, y):
        if name not in cache:
            kind, class_weight = PIPELINES[name]
            cache[name] = self._fit_linear(kind, class_weight, X, y, len(self.classes_))
        return cache[name]

    def _holdout_temperature(self, scores, y, usable):
        if usable.sum() < 2:
            return 1.0
        return _best_temperature(np.asarray(scores, dtype=np.float64)[usable], y[usable])

    def _label_figures(self, best, y):
        """Accuracy, macro-F1 and per-class figures of the labels ``best`` (indices)."""
        classes = np.asarray(self.classes_, dtype=object)
        truth, guess = classes[y], classes[best]
        labels = sorted(set(truth.tolist()) | set(guess.tolist()))
        macro_f1 = f1_score(truth, guess, labels=labels, average="macro", zero_division=0)
        precision, recall, f1, support = precision_recall_fscore_support(
            truth, guess, labels=labels, zero_division=0
        )
        per_class = {
            label: {"precision": float(a), "recall": float(r), "f1": float(f), "support": int(s)}
            for label, a, r, f, s in zip(labels, precision, recall, f1, support, strict=True)
        }
        return {
            "accuracy": float((truth == guess).mean()),
            "macro_f1": float(macro_f1),
            "per_class": per_class,
        }

    def _auto_figures(self, best, conf, y):
        """Thresholds and guard for every precision target when the labels ``best`` are
        dispatched at confidence ``conf``; coverage at the selection's target."""
        p = self.params
        classes = np.asarray(self.classes_, dtype=object)
        truth, guess = classes[y], classes[best]
        correct = truth == guess
        targets = sorted({*PRECISION_TARGETS, p["precision_target"]})
        auto = {}
        for target in targets:
            threshold, precision, coverage = choose_threshold(truth, guess, conf, target)
            per_label = guard(
                truth,
                guess,
                conf,
                threshold,
                target,
                alpha=p["guard_alpha"],
                min_predictions=p["guard_min_predictions"],
            )
            # A label the slice never predicts is not judged either: nothing shows it misses.
            allowed = np.array([per_label.get(g, {}).get("allowed", True) for g in guess])
            selected = (conf >= threshold) & allowed
            auto[str(target)] = {
                "threshold": float(threshold),
                "precision": precision,
                "coverage": coverage,
                "blocked": sorted(k for k, v in per_label.items() if not v["allowed"]),
                "guarded_coverage": float(selected.mean()),
                "guarded_precision": float(correct[selected].mean()) if selected.any() else None,
                "per_label": per_label,
            }
        # Candidates compete on what would really be dispatched: coverage after the guard.
        main = auto[str(p["precision_target"])]
        if p["precision_target"] not in PRECISION_TARGETS:
            auto = {k: v for k, v in auto.items() if float(k) in PRECISION_TARGETS}
        return {
            "coverage": float(main["guarded_coverage"]),
            "coverage_without_guard": float(main["coverage"]),
            "threshold": float(main["threshold"]),
            "auto": auto,
        }

    # -- classifiers ----------------------------------------------------------------------------

    def _fit_pipeline(self, name, X, y, temperatures, fitted=None):
        """Weights and intercepts of pipeline ``name`` fitted on (X, y); ``fitted`` caches
        the linear fits (the ensemble shares its parts with the router or confidence)."""
        fitted = {} if fitted is None else fitted
        kind, _ = PIPELINES[name]
        if kind != "ensemble":
            return self._fitted(fitted, name, X, y)
        temps = {"svm": 1.0, "lr": 1.0, **(temperatures or {})}
        (ws, bs), (wl, bl) = (
            self._fitted(fitted, "svm", X, y),
            self._fitted(fitted, "lr", X, y),
        )
        return (ws / temps["svm"] + wl / temps["lr"]) / 2, (
            bs / temps["svm"] + bl / temps["lr"]
        ) / 2

    def _fit_linear(self, kind, class_weight, X, y, n_classes):
        """Fit on (X, y) and return dense (n_classes, n_features) weights and intercepts.

        Classes absent from ``y`` get a score so low that they are never predicted.
        """
        p = self.params
        coef = np.zeros((n_classes, X.shape[1]), dtype=np.float32)
        intercept = np.full(n_classes, _ABSENT, dtype=np.float32)
        present, counts = np.unique(y, return_counts=True)
        if len(present) == 1 or X.shape[1] == 0:
            # Nothing to learn from (one label, or texts without a single usable word): fall
            # back to how often each label occurred.
            intercept[present] = np.log(counts / counts.sum())
            return coef, intercept
        if kind in ("svm", "lr"):
            clf = SGDClassifier(
                loss="hinge" if kind == "svm" else "log_loss",
                alpha=1.0 / (p["svm_C" if kind == "svm" else "lr_C"] * len(y)),
                max_iter=int(min(10, max(p["sgd_min_passes"], np.ceil(p["sgd_updates"] / len(y))))),
                tol=None,
                class_weight=class_weight,
                random_state=p["seed"],
                n_jobs=2,
            )
        elif kind == "cnb":
            clf = ComplementNB(alpha=p["nb_alpha"])
        else:
            raise ValueError(f"unknown classifier {kind!r}")
        with warnings.catch_warnings():
            # A capped number of iterations is part of the training budget.
            warnings.simplefilter("ignore", ConvergenceWarning)
            clf.fit(X, y)
        if kind == "cnb":
            w = clf.feature_log_prob_.astype(np.float32)
            b = np.zeros(len(present), dtype=np.float32)
        else:
            w = clf.coef_.astype(np.float32)
            b = clf.intercept_.astype(np.float32)
            if len(present) == 2:
                # Binary problems come back as one weight vector for the second class.
                w = np.vstack([-w / 2, w / 2])
                b = np.array([-b[0] / 2, b[0] / 2], dtype=np.float32)
        coef[present] = w
        intercept[present] = b
        return coef, intercept

    def _cv_temperature(self, name, counts, y, n):
        """The fallback's temperature, from stratified cross-validation (no time to hold out)."""
        folds = self.params["calibration_folds"]
        if len(self.classes_) < 2 or folds < 2 or n < 2 * folds:
            return 1.0
        scores = np.zeros((n, len(self.classes_)), dtype=np.float64)
        usable = np.zeros(n, dtype=bool)
        ids = fold_ids(y, folds, self.params["seed"])
        for k in range(folds):
            train, held = np.flatnonzero(ids != k), np.flatnonzero(ids == k)
            _, X_train = self._fit_blocks(counts, train, len(train))
            X_held = self._weigh({name_: t(held) for name_, t in self._transforms.items()})
            w, b = self._fit_pipeline(name, X_train, y[train], None)
            scores[held] = X_held @ w.T + b
            usable[held] = np.isin(y[held], np.unique(y[train]))
        if usable.sum() < 2:
            return 1.0
        return _best_temperature(scores[usable], y[usable])

    def _fit_table(self, table, extras, labels):
        if not table or extras is None:
            return {}
        fitted = {}
        for category, label in table.items():
            key = normalize_text(category)
            seen = [
                lab
                for e, lab in zip(extras, labels, strict=True)
                if e and normalize_text(e.get("category") or "") == key
            ]
            agree = sum(1 for lab in seen if lab == label)
            fitted[key] = {"label": str(label), "confidence": (agree + 1) / (len(seen) + 2)}
        return fitted

    def _table_choice(self, extra):
        if not self.table or not extra or not extra.get("category"):
            return None
        return self.table.get(normalize_text(extra["category"]))

    # -- prediction ---------------------------------------------------------------------------

    def predict(self, text, extra=None, top_k=3):
        """Return the ``top_k`` labels in the router's order, best first, as ``Prediction``
        objects whose confidence is the confidence model's probability of that label."""
        self._check_fitted()
        scores, proba = self._proba_one(normalize_text(text), extra)
        order = np.argsort(-scores, kind="stable")[:top_k]
        predictions = [Prediction(self.classes_[i], float(proba[i])) for i in order]
        choice = self._table_choice(extra)
        if choice is not None:
            rest = [p for p in predictions if p.label != choice["label"]]
            predictions = [Prediction(choice["label"], choice["confidence"]), *rest][:top_k]
        return predictions

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
        best, confidences = self._decide_normalized([normalize_text(t) for t in texts], extras)
        labels = [self.classes_[i] for i in best]
        if self.table and extras is not None:
            for i, extra in enumerate(extras):
                choice = self._table_choice(extra)
                if choice is not None:
                    labels[i], confidences[i] = choice["label"], choice["confidence"]
        return labels, confidences

    def predict_proba(self, texts, extras=None):
        """The confidence model's probabilities for every class, columns in ``classes_``
        order. The label is the router's (``predict_many``): when the confidence comes from
        another candidate, its argmax may differ from the router's label."""
        self._check_fitted()
        return self._proba(list(texts), extras)

    def _proba(self, texts, extras):
        return self._proba_normalized([normalize_text(t) for t in texts], extras)

    def _proba_one(self, normalized, extra):
        """One complaint without sparse matrices: only the weight rows of its own features
        are read (no copy of the weight matrix), the same numbers as the batch path.
        Returns the router's scores and the confidence model's probabilities."""
        p = self.params
        scale = {"word": p["word_weight"], "char": p["char_weight"], "extra": p["extra_weight"]}
        models = [(self._weights, self._intercept, self.temperature)]
        if self._confidence is not None:
            models.append(self._confidence)
        scores = [b.astype(np.float64) for _, b, _ in models]
        offset = 0
        for name, block in self._blocks.items():
            if name == "extra":
                columns, values = block.vector(extra) if extra else ((), ())
            else:
                columns, values = block.vector(normalized)
            if len(columns):
                columns = np.asarray(columns) + offset
                values = np.asarray(values, dtype=np.float64) * scale[name]
                scores = [
                    s + values @ w[columns] for s, (w, _, _) in zip(scores, models, strict=True)
                ]
            offset += len(block.terms)
        proba = _softmax(scores[-1][None, :] / models[-1][2])[0]
        return scores[0], proba

    def _proba_normalized(self, normalized, extras):
        """The confidence model's probabilities (float64, so that confidences compare
        exactly against thresholds stored as Python floats)."""
        return self._decide_normalized(normalized, extras, full=True)[1]

    def _decide_normalized(self, normalized, extras, full=False):
        """``(router's best label indices, their confidences)``; with ``full``, the
        confidence model's probabilities of every class instead of the confidences."""
        X = self._transform(normalized, extras)
        scores = (X @ self._weights + self._intercept).astype(np.float64)
        best = scores.argmax(axis=1)
        if self._confidence is None:
            proba = _softmax(scores / self.temperature)
        else:
            weights, intercept, temperature = self._confidence
            proba = _softmax((X @ weights + intercept).astype(np.float64) / temperature)
        if full:
            return best, proba
        return best, proba[np.arange(len(best)), best]

    def _transform(self, normalized, extras):
        parts = {"word": self._blocks["word"].transform(normalized)}
        parts["char"] = self._blocks["char"].transform(normalized)
        if "extra" in self._blocks:
            extras = extras if extras is not None else [None] * len(normalized)
            parts["extra"] = self._blocks["extra"].transform(extras)
        return self._weigh(parts)

    def auto_for(self, precision_target):
        """``(threshold, blocked labels)`` for the stored target nearest at or above
        ``precision_target`` (never less strict); ``(NEVER, all labels)`` if there is none."""
        stricter = [float(t) for t in self.auto if float(t) >= precision_target - 1e-9]
        if not stricter:
            return NEVER, list(self.classes_)
        entry = self.auto[str(min(stricter))]
        return float(entry["threshold"]), list(entry["blocked"])

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
            "pipeline": self.pipeline,
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


def _as_stored(weights):
    """(classes, features) weights as the model keeps them: (features, classes), rounded to
    float16 (as stored in the database) so that a reloaded model predicts the same."""
    return np.ascontiguousarray(weights.T.astype(np.float16).astype(np.float32))


def _paired_bootstrap(y, guesses, best, n_classes, resamples, seed):
    """For each candidate: the share of bootstrap resamples of the slice (the same rows for
    every candidate: paired) in which ``best`` scores higher than it, on accuracy and on
    macro-F1 (over the labels in the truth or the candidate's guesses of that resample)."""

    def scores(rows, guess):
        truth, pred = y[rows], guess[rows]
        right = truth == pred
        hits = np.bincount(truth[right], minlength=n_classes)
        total = np.bincount(truth, minlength=n_classes) + np.bincount(pred, minlength=n_classes)
        seen = total > 0
        return right.mean(), float(np.mean(2 * hits[seen] / total[seen]))

    rng = np.random.default_rng(seed)
    n = len(y)
    better = {name: np.zeros(2) for name in guesses}
    for _ in range(resamples):
        rows = rng.integers(0, n, n)
        top = scores(rows, guesses[best])
        for name, guess in guesses.items():
            if name != best:
                mine = scores(rows, guess)
                better[name] += (top[0] > mine[0], top[1] > mine[1])
    return {
        name: (0.0, 0.0) if name == best else tuple(float(v) for v in wins / resamples)
        for name, wins in better.items()
    }


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
