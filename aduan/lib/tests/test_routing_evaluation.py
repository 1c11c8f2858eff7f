import math

import numpy as np
import pytest

from aduan.lib.routing import NEVER, choose_threshold, evaluate
from aduan.lib.routing.folds import fold_ids
from aduan.lib.tests import routing_corpus


def test_threshold_is_the_smallest_that_reaches_the_target():
    y_true = ["a", "a", "b", "b", "a", "b"]
    y_pred = ["a", "a", "b", "a", "a", "a"]
    conf = [0.99, 0.95, 0.90, 0.80, 0.70, 0.60]
    # Sorted by confidence the hits are 1,1,1,0,1,0: precision 1 down to 0.90, then 3/4, 4/5, 4/6.
    assert choose_threshold(y_true, y_pred, conf, 1.0) == (0.90, 1.0, 0.5)
    assert choose_threshold(y_true, y_pred, conf, 0.8) == (0.70, 0.8, 5 / 6)
    assert choose_threshold(y_true, y_pred, conf, 0.6) == (0.60, 4 / 6, 1.0)


def test_threshold_takes_ties_together():
    # Two predictions share 0.9 and one of them is wrong: ">= 0.9" takes both, so 0.9 fails 1.0.
    y_true = ["a", "a", "b"]
    y_pred = ["a", "a", "a"]
    assert choose_threshold(y_true, y_pred, [0.95, 0.9, 0.9], 1.0) == (0.95, 1.0, 1 / 3)


def test_threshold_meets_a_target_exactly():
    y_true = ["a"] * 100
    y_pred = ["a"] * 97 + ["b"] * 3
    conf = np.linspace(1.0, 0.01, 100)
    threshold, precision, coverage = choose_threshold(y_true, y_pred, conf, 0.97)
    assert threshold == pytest.approx(0.01)
    assert precision == 0.97
    assert coverage == 1.0


def test_unreachable_target_means_never_dispatch():
    threshold, precision, coverage = choose_threshold(["a", "b"], ["b", "a"], [0.9, 0.8], 0.5)
    assert threshold == NEVER
    assert threshold > 1.0
    assert precision is None
    assert coverage == 0.0
    assert choose_threshold([], [], [], 0.97) == (NEVER, None, 0.0)


def test_threshold_rejects_mismatched_lengths():
    with pytest.raises(ValueError):
        choose_threshold(["a"], ["a", "b"], [0.5], 0.9)


def test_fold_ids_are_stratified_and_survive_singletons():
    y = np.array(["a"] * 10 + ["b"] * 5 + ["c"])
    ids = fold_ids(y, 5, seed=3)
    assert set(ids) == {0, 1, 2, 3, 4}
    for k in range(5):
        assert (y[ids == k] == "a").sum() == 2
        assert (y[ids == k] == "b").sum() == 1
    assert (ids == fold_ids(y, 5, seed=3)).all()


def _rows(complaints, extra=False):
    if extra:
        return [(c.text, c.agency, {"kelurahan": c.kelurahan}) for c in complaints]
    return [(c.text, c.agency) for c in complaints]


@pytest.fixture(scope="module")
def split():
    complaints = routing_corpus.generate(900, seed=5, label_noise=0.02)
    return routing_corpus.split_by_date(complaints, routing_corpus.LATE_FROM)


def test_evaluate_reports_every_figure_in_range(split):
    train, test = split
    result = evaluate([*_rows(train), ("", "DLH"), ("ada teks", " ")], _rows(test))
    assert set(result) == {
        "accuracy",
        "macro_f1",
        "per_class",
        "auto_dispatch",
        "n_train",
        "n_test",
        "skipped_train",
        "skipped_test",
        "labels_unseen_in_train",
        "selection",
    }
    assert result["n_train"] == len(train)
    assert result["n_test"] == len(test)
    assert result["skipped_train"] == 2
    assert result["skipped_test"] == 0
    assert 0.8 <= result["accuracy"] <= 1.0
    assert 0.5 <= result["macro_f1"] <= 1.0
    assert sum(c["support"] for c in result["per_class"].values()) == len(test)
    for figures in result["per_class"].values():
        assert set(figures) == {"precision", "recall", "f1", "support"}
        assert all(0.0 <= figures[k] <= 1.0 for k in ("precision", "recall", "f1"))
    dispatch = result["auto_dispatch"]
    assert {"precision_target", "threshold", "coverage", "precision"} <= set(dispatch)
    assert dispatch["coverage"] <= dispatch["coverage_without_guard"]
    assert result["selection"]["chosen"] in result["selection"]["candidates"]
    assert dispatch["precision_target"] == 0.97
    assert 0.0 < dispatch["threshold"] <= NEVER
    assert 0.0 <= dispatch["coverage"] <= 1.0
    if dispatch["coverage"]:
        assert 0.0 <= dispatch["precision"] <= 1.0
    # macro F1 is the plain mean over the labels reported per class.
    assert result["macro_f1"] == pytest.approx(
        np.mean([c["f1"] for c in result["per_class"].values()])
    )


def test_evaluate_with_extras_runs(split):
    train, test = split
    result = evaluate(_rows(train, extra=True), _rows(test, extra=True))
    assert result["accuracy"] >= 0.8


def test_labels_unseen_in_training_count_as_errors():
    train = [("sampah menumpuk di tps", "DLH"), ("jalan berlubang besar", "Dinas PUPR")] * 6
    test = [
        ("sampah belum diangkut", "DLH"),
        ("jalan rusak berlubang", "Dinas PUPR"),
        ("ktp belum jadi", "Dispendukcapil"),
        ("akta kelahiran belum terbit", "Dispendukcapil"),
    ]
    result = evaluate(train, test)
    assert result["labels_unseen_in_train"] == ["Dispendukcapil"]
    assert result["accuracy"] == 0.5
    unseen = result["per_class"]["Dispendukcapil"]
    assert unseen == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 2}
    assert result["per_class"]["DLH"]["recall"] == 1.0


def test_threshold_comes_from_training_data_only(split):
    train, test = split
    honest = evaluate(_rows(train), _rows(test))
    # Scrambling every test label changes the scores but cannot move the threshold.
    labels = sorted({c.agency for c in test})
    scrambled = [(c.text, labels[(labels.index(c.agency) + 1) % len(labels)]) for c in test]
    result = evaluate(_rows(train), scrambled)
    assert result["auto_dispatch"]["threshold"] == honest["auto_dispatch"]["threshold"]
    assert result["accuracy"] < 0.2


def test_evaluate_on_a_single_training_example_never_auto_dispatches():
    result = evaluate([("air pdam mati", "PDAM")], [("air mati lagi", "PDAM")])
    assert result["accuracy"] == 1.0
    assert result["auto_dispatch"]["threshold"] == NEVER
    assert result["auto_dispatch"]["coverage"] == 0.0
    assert result["auto_dispatch"]["precision"] is None
    assert not math.isnan(result["macro_f1"])


def test_evaluate_needs_rows():
    with pytest.raises(ValueError, match="training"):
        evaluate([("", "x")], [("a", "b")])
    with pytest.raises(ValueError, match="test"):
        evaluate([("a", "b")], [])


@pytest.mark.parametrize("n", [2, 3, 4])
def test_evaluate_on_a_handful_of_rows(n):
    train = [
        ("air mati", "PDAM"),
        ("sampah", "DLH"),
        ("jalan rusak", "PUPR"),
        ("air keruh", "PDAM"),
    ]
    result = evaluate(train[:n], [("air mati lagi", "PDAM")])
    assert result["n_train"] == n
    assert 0.0 <= result["accuracy"] <= 1.0
    assert result["auto_dispatch"]["coverage"] in (0.0, 1.0)
