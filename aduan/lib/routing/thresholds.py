"""The auto-dispatch threshold for a precision target, and the per-label guard."""

import numpy as np
from scipy.stats import binom

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


def guard(y_true, y_pred, confidences, threshold, precision_target, alpha=0.05, min_predictions=1):
    """Per predicted label: how its predictions at or above ``threshold`` fared, and whether
    they prove it misses ``precision_target``.

    The global threshold already brings the pooled precision to the target; the guard takes
    a label out only on evidence that *its own* precision is lower. With ``n`` predictions of
    the label at the threshold and ``k`` of them right, the label is blocked when a precision
    of ``precision_target`` would make ``k`` or fewer right this unlikely: the exact binomial
    tail ``P(Binom(n, target) <= k)`` is below ``alpha`` divided by the number of labels
    judged (Bonferroni: the chance that the guard blocks any label that does meet the target
    stays under ``alpha``, however many agencies the city has). A label with too few
    predictions to tell (fewer than ``min_predictions``, or a tail that is not small enough)
    keeps the global threshold's evidence and stays allowed: a small agency is not blocked
    only for being small, while one whose confident predictions keep going wrong is.

    Returns ``{label: {"n", "precision", "p_value", "allowed"}}`` for every label predicted
    at all (``precision`` and ``p_value`` None without predictions at the threshold).
    """
    y_true = np.asarray(y_true, dtype=object)
    y_pred = np.asarray(y_pred, dtype=object)
    confidences = np.asarray(confidences, dtype=np.float64)
    selected = confidences >= threshold
    correct = y_true == y_pred
    labels = sorted(set(y_pred.tolist()) - {None})
    counts = {}
    for label in labels:
        mine = selected & (y_pred == label)
        counts[label] = (int(mine.sum()), int(correct[mine].sum()))
    judged = [label for label in labels if counts[label][0] >= max(1, min_predictions)]
    level = alpha / max(1, len(judged))
    result = {}
    for label in labels:
        n, k = counts[label]
        p_value = float(binom.cdf(k, n, min(precision_target, 1.0))) if n else None
        allowed = label not in judged or p_value >= level
        result[label] = {
            "n": n,
            "precision": k / n if n else None,
            "p_value": p_value,
            "allowed": bool(allowed),
        }
    return result
