"""The auto-dispatch threshold for a precision target, and the per-label guard."""

import numpy as np

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


def guard(y_true, y_pred, confidences, threshold, precision_target, min_predictions):
    """Per predicted label: how the predictions at or above ``threshold`` fared.

    Returns ``{label: {"n": selected, "precision": p or None, "allowed": bool}}`` for every
    label predicted at all. A label is allowed to auto-dispatch only when at least
    ``min_predictions`` of its predictions reached the threshold and at least
    ``precision_target`` of those were right: too few to judge counts as not allowed.
    """
    y_true = np.asarray(y_true, dtype=object)
    y_pred = np.asarray(y_pred, dtype=object)
    confidences = np.asarray(confidences, dtype=np.float64)
    selected = confidences >= threshold
    correct = y_true == y_pred
    result = {}
    for label in sorted(set(y_pred.tolist()) - {None}):
        mine = selected & (y_pred == label)
        n = int(mine.sum())
        precision = float(correct[mine].mean()) if n else None
        allowed = n >= min_predictions and precision >= precision_target - 1e-9
        result[label] = {"n": n, "precision": precision, "allowed": bool(allowed)}
    return result
