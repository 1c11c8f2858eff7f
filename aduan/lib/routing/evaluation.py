"""Honest evaluation of a routing model on a date split, and ordering rows by date."""

import datetime
import sys

import numpy as np
from sklearn.metrics import precision_recall_fscore_support

from .model import RoutingModel
from .text import normalize_text
from .thresholds import NEVER, choose_threshold

__all__ = ["NEVER", "choose_threshold", "evaluate", "order_by_date", "parse_date", "split_rows"]

_DATE_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y",
    "%d-%m-%Y %H:%M:%S",
    "%d-%m-%Y",
)


def parse_date(value):
    """A city export's date ("2022-12-20 15:21:00", ISO 8601, "20/12/2022") as a naive
    datetime (an aware one is turned into UTC first); ValueError for anything else."""
    text = (value or "").strip()
    if not text:
        raise ValueError("empty date")
    try:
        parsed = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        parsed = None
        for fmt in _DATE_FORMATS:
            try:
                parsed = datetime.datetime.strptime(text, fmt)
                break
            except ValueError:
                continue
        if parsed is None:
            raise ValueError(f"unreadable date {value!r}") from None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(datetime.UTC).replace(tzinfo=None)
    return parsed


def order_by_date(rows, date_column):
    """Sort ``(text, label, extra)`` rows by ``extra[date_column]``, oldest first (stable),
    and drop that column from the extras. Returns ``(rows, undated)``: rows whose date is
    missing or unreadable are left out and counted. An extra left empty becomes absent."""
    dated, undated = [], 0
    for position, row in enumerate(rows):
        extra = dict(row[2]) if len(row) > 2 and row[2] else {}
        raw = extra.pop(date_column, None)
        try:
            when = parse_date(raw)
        except ValueError:
            undated += 1
            continue
        dated.append((when, position, (row[0], row[1], extra or None)))
    dated.sort(key=lambda item: (item[0], item[1]))
    return [row for _, _, row in dated], undated


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


def evaluate(train_rows, test_rows, precision_target=0.97, seed=0, params=None, progress=None):
    """Train on ``train_rows`` (in time order, oldest first), score on ``test_rows``.

    Everything is chosen from the training rows alone: the model selects its pipeline, its
    calibration, the auto-dispatch threshold and the per-label guard on the most recent slice
    of them; test labels are used only for scoring. Test labels never seen in training count
    as errors. ``macro_f1`` is scikit-learn's unweighted mean of per-label F1 over the labels
    that occur in the test set or among the predictions (a label never predicted scores 0).
    ``auto_dispatch`` counts a prediction as dispatched when its confidence reaches the
    threshold and the guard allows its label; its ``precision`` is None when none is.
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

    progress("selecting on the most recent training complaints and training the final model")
    model = RoutingModel(**{"seed": seed, "precision_target": precision_target, **(params or {})})
    model._fit_normalized(train_norm, train_labels, train_extras)
    threshold, blocked = model.auto_for(precision_target)
    best, confidences = model._decide_normalized(test_norm, test_extras)
    predicted = [model.classes_[b] for b in best]

    y_true = np.asarray(test_labels, dtype=object)
    y_pred = np.asarray(predicted, dtype=object)
    correct = y_true == y_pred
    labels = sorted(set(test_labels) | set(predicted))
    precision, recall, f1, support = precision_recall_fscore_support(
        test_labels, predicted, labels=labels, zero_division=0
    )
    blocked = set(blocked)
    selected = (confidences >= threshold) & np.array([p not in blocked for p in predicted])
    unguarded = confidences >= threshold
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
            "blocked_labels": sorted(blocked),
            "coverage_without_guard": float(unguarded.mean()),
            "precision_without_guard": (
                float(correct[unguarded].mean()) if unguarded.any() else None
            ),
        },
        "selection": model.selection,
        "n_train": len(train_texts),
        "n_test": len(test_texts),
        "skipped_train": skipped_train,
        "skipped_test": skipped_test,
        "labels_unseen_in_train": sorted(set(test_labels) - set(model.classes_)),
    }


def stderr_progress(message):
    print(message, file=sys.stderr, flush=True)
