"""Stratified fold assignment that tolerates labels with fewer examples than folds."""

import numpy as np


def fold_ids(y, folds, seed=0):
    """Return an array giving each example a fold in ``range(folds)``.

    Each label's examples are shuffled and dealt round-robin from a random starting fold, so
    folds get near-equal shares of every label. scikit-learn's StratifiedKFold warns or fails
    when a label has fewer examples than folds; here such a label simply appears in some folds
    only, which is the honest situation for a rare agency.
    """
    y = np.asarray(y)
    rng = np.random.default_rng(seed)
    ids = np.empty(len(y), dtype=np.int64)
    for label in np.unique(y):
        members = np.flatnonzero(y == label)
        rng.shuffle(members)
        start = rng.integers(folds)
        ids[members] = (start + np.arange(len(members))) % folds
    return ids
