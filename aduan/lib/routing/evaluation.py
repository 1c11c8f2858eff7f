"""Honest evaluation of a routing model on a date split, and the auto-dispatch threshold."""

import sys

import numpy as np
from sklearn.metrics import precision_recall_fscore_support

from .folds import fold_ids
from .model import RoutingModel
from .text import normalize_text

# A threshold no confidence reaches: the model never dispatches on its own. Clearly above 1.0
# rather than the next float, so it stays out of reach even after a cast to float32.
NEVER = 1.01


def choose_threshold(y_true, y_pred, confidences, precision_target):
    """Return ``(threshold, achieved_precision, coverage)`` for auto-dispatch.

    A prediction is auto-dispatched when its confidence is ``>= threshold``. The threshold is
    the smallest confidence value whose selected set (every prediction at or above it) is
    right at least ``precision_target`` of the time, which maximises coverage (the selected
    share of all predictions). When no threshold reaches the target, the answer is
    ``(NEVER, None, 0.0)``: ``NEVER`` is above 1.0, so nothing is dispatched.
    """
    y_true = np.asarray(y_true, dtype=object)
    y_pred = np.asarray(y_pred, dtype=object)
    confidences = np.asarray(confidences, dtype=np.float64)
    if not (len(y_true) == len(y_pred) == len(confidences)):
        raise ValueError("y_true, y_pred and confidences must have the same length")
    if len(confidences) == 0:
        return NEVER, None, 0.0
    order = np.argsort(-confidences, kind="stable")
    conf = confidences[order]
    correct = np.cumsum(y_true[order] == y_pred[order])
    selected = np.arange(1, len(conf) + 1)
    # Only cut after the last of a run of equal confidences: ">= t" takes the whole run.
    cuts = np.flatnonzero(np.append(conf[1:] != conf[:-1], True))
    # Integer comparison with a hair of tolerance, so 97/100 meets a 0.97 target exactly.
    reaches = correct[cuts] >= precision_target * selected[cuts] - 1e-9
    if not reaches.any():
        return NEVER, None, 0.0
    cut = cuts[np.flatnonzero(reaches)[-1]]
    return float(conf[cut]), float(correct[cut] / selected[cut]), float(selected[cut] / len(conf))


def split_rows(rows):
    """Split ``(text, label[, extra])`` rows into lists, dropping rows without text or label.

    Returns ``(texts, labels, extras, skipped)``; ``extras`` is None when no row has one.
    """
    texts, labels, extras, skipped = [], [], [], 0
    for row in rows:
        text = "" if row[0] is None else str(row[0]).strip()
        label = "" if row[1] is None else str(row[1]).strip()
        if not text or not label:
            skipped += 1
            continue
        texts.append(text)
        labels.append(label)
        extras.append(row[2] if len(row) > 2 else None)
    if all(extra is None for extra in extras):
        extras = None
    return texts, labels, extras, skipped


def out_of_fold(normalized, labels, extras, folds, seed, params=None, progress=None, ordered=False):
    """Cross-validated predictions on the training data: ``(predicted, confidences)``.

    Each fold's model is trained exactly as the final model is (its own vocabulary and
    calibration), so the confidences are on the scale the final model will produce. Folds are
    stratified at random, or with ``ordered`` consecutive blocks of rows: for rows sorted by
    date, each fold is then a period, and the estimate feels the drift of language and topics
    over time as the real test on newer complaints will.
    """
    n = len(labels)
    predicted = [None] * n
    confidences = np.zeros(n)
    folds = min(folds, n)
    if folds < 2:
        return None, None
    if ordered:
        ids = np.arange(n) * folds // n
    else:
        ids = fold_ids(np.asarray(labels, dtype=object), folds, seed)
    for k in range(folds):
        if progress:
            progress(f"fold {k + 1}/{folds}")
        train = np.flatnonzero(ids != k)
        held = np.flatnonzero(ids == k)
        if not len(train) or not len(held):
            # Possible with a handful of rows; their predictions stay missing, i.e. wrong.
            continue
        model = RoutingModel(**(params or {}))
        model._fit_normalized(
            [normalized[i] for i in train],
            [labels[i] for i in train],
            [extras[i] for i in train] if extras is not None else None,
        )
        proba = model._proba_normalized(
            [normalized[i] for i in held], [extras[i] for i in held] if extras is not None else None
        )
        best = proba.argmax(axis=1)
        for i, b, c in zip(held, best, proba[np.arange(len(held)), best], strict=True):
            predicted[i] = model.classes_[b]
            confidences[i] = c
    return predicted, confidences


def evaluate(
    train_rows,
    test_rows,
    precision_target=0.97,
    folds=5,
    seed=0,
    params=None,
    progress=None,
    ordered_folds=False,
):
    """Train on ``train_rows``, score on ``test_rows``; rows are ``(text, label[, extra])``.

    The auto-dispatch threshold is chosen from out-of-fold predictions on the training rows
    alone; test labels are used only for scoring. Test labels never seen in training count as
    errors. ``ordered_folds`` makes the folds consecutive blocks of ``train_rows`` (see
    ``out_of_fold``); only use it when the rows are in date order. ``macro_f1`` is scikit-learn's unweighted mean of per-label F1 over the labels that
    occur in the test set or among the predictions (a label never predicted scores 0).
    ``auto_dispatch.precision`` is None when nothing reaches the threshold.
    """
    progress = progress or (lambda message: None)
    train_texts, train_labels, train_extras, skipped_train = split_rows(train_rows)
    test_texts, test_labels, test_extras, skipped_test = split_rows(test_rows)
    if not train_texts:
        raise ValueError("no usable training rows (each needs a text and a label)")
    if not test_texts:
        raise ValueError("no usable test rows (each needs a text and a label)")
    if train_extras is None and test_extras is not None:
        test_extras = None
    if train_extras is not None and test_extras is None:
        test_extras = [None] * len(test_texts)

    progress(f"normalising {len(train_texts)} training and {len(test_texts)} test complaints")
    train_norm = [normalize_text(t) for t in train_texts]
    test_norm = [normalize_text(t) for t in test_texts]

    oof_pred, oof_conf = out_of_fold(
        train_norm, train_labels, train_extras, folds, seed, params, progress, ordered_folds
    )
    if oof_pred is None:
        threshold = NEVER
    else:
        threshold, _, _ = choose_threshold(train_labels, oof_pred, oof_conf, precision_target)

    progress("training the final model")
    model = RoutingModel(**(params or {}))
    model._fit_normalized(train_norm, train_labels, train_extras)
    proba = model._proba_normalized(test_norm, test_extras)
    best = proba.argmax(axis=1)
    predicted = [model.classes_[b] for b in best]
    confidences = proba[np.arange(len(best)), best]

    y_true = np.asarray(test_labels, dtype=object)
    y_pred = np.asarray(predicted, dtype=object)
    correct = y_true == y_pred
    labels = sorted(set(test_labels) | set(predicted))
    precision, recall, f1, support = precision_recall_fscore_support(
        test_labels, predicted, labels=labels, zero_division=0
    )
    selected = confidences >= threshold
    return {
        "accuracy": float(correct.mean()),
        "macro_f1": float(np.mean(f1)),
        "per_class": {
            label: {"precision": float(p), "recall": float(r), "f1": float(f), "support": int(s)}
            for label, p, r, f, s in zip(labels, precision, recall, f1, support, strict=True)
        },
        "auto_dispatch": {
            "precision_target": float(precision_target),
            "threshold": float(threshold),
            "coverage": float(selected.mean()),
            "precision": float(correct[selected].mean()) if selected.any() else None,
        },
        "n_train": len(train_texts),
        "n_test": len(test_texts),
        "skipped_train": skipped_train,
        "skipped_test": skipped_test,
        "labels_unseen_in_train": sorted(set(test_labels) - set(model.classes_)),
    }


def stderr_progress(message):
    print(message, file=sys.stderr, flush=True)
