"""Benchmark the self-selecting routing model (issue 13).

    .venv/bin/python bench/bench_routing.py speed [--n 100000]
    .venv/bin/python bench/bench_routing.py figures

``speed`` trains on ``n`` complaints of the development set generator
(aduan/lib/routing/devset.py) in time order, selection included, and times one prediction
(normalisation, features and scores of a single text) over 500 unseen complaints.
``figures`` compares the chosen model with the plain baseline of issue 13 side by side (a
markdown table on stderr, everything in the JSON): scikit-learn TF-IDF word 1-2-grams +
char_wb 2-5-grams, sublinear, LinearSVC with default settings for accuracy and macro-F1, and
for auto-dispatch LogisticRegression's confidence with its threshold chosen on the same
recent slice of the training history as the model's (never on the test). On the
development set (three generator seeds: train on the first year, test on the next half
year) and on the synthetic corpus (aduan/lib/tests/routing_corpus.py, date split). Nothing
is tuned on either: the model chooses from the train part alone. Prints one JSON object.
"""

import argparse
import json
import os
import platform
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.pipeline import make_union
from sklearn.svm import LinearSVC

from aduan.lib.routing import DEFAULT_PARAMS, RoutingModel, choose_threshold, devset, evaluate
from aduan.lib.tests import routing_corpus


def peak_rss_mib():
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def machine():
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
    }


def speed(n):
    rows = devset.generate(n, seed=13)
    probe = [r["text"] for r in devset.generate(500, seed=99)]
    texts, labels = [r["text"] for r in rows], [r["label"] for r in rows]
    started, cpu = time.perf_counter(), time.process_time()
    model = RoutingModel().fit(texts, labels)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    data = model.to_bytes()
    again = RoutingModel.from_bytes(data)
    times = []
    for text in probe:
        t = time.perf_counter()
        again.predict(text)
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    return {
        "n_train": n,
        "train_seconds": round(seconds, 1),
        # CPU seconds of every thread: the wall time on a machine shared with other jobs
        # is an upper bound, the CPU time what the training itself costs.
        "train_cpu_seconds": round(cpu, 1),
        "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
        "peak_rss_mib": round(peak_rss_mib()),
        "pipeline": model.pipeline,
        "confidence": model.selection.get("confidence"),
        "holdout": model.selection.get("holdout"),
        "features": int(model._weights.shape[0]),
        "model_bytes": len(data),
        "predict_ms_median": round(statistics.median(times), 2),
        "predict_ms_p95": round(times[int(0.95 * len(times))], 2),
        "predict_ms_max": round(times[-1], 2),
    }


def _plain_features(texts):
    union = make_union(
        TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True),
        TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True),
    )
    return union, union.fit_transform(texts)


def _plain_lr(rows):
    union, X = _plain_features([t for t, _ in rows])
    return union, LogisticRegression(max_iter=1000).fit(X, [lab for _, lab in rows])


def _confident(lr, union, rows):
    proba = lr.predict_proba(union.transform([t for t, _ in rows]))
    best = proba.argmax(axis=1)
    return lr.classes_[best], proba[np.arange(len(best)), best]


def baseline(train, test, precision_target=0.97):
    """Issue 13's plain baseline: TF-IDF word 1-2 + char_wb 2-5 (sublinear), LinearSVC with
    default settings for the labels; for auto-dispatch, LogisticRegression's confidence with
    the threshold chosen the way the model chooses its own: LR fitted on the history before
    the same recent slice, the smallest confidence meeting the target on that slice, then LR
    refitted on all the training rows and that threshold applied to the test period. The
    test-chosen ("oracle") coverage is printed for reference only."""
    union, X = _plain_features([t for t, _ in train])
    Xt = union.transform([t for t, _ in test])
    y, yt = [lab for _, lab in train], np.array([lab for _, lab in test], dtype=object)
    predicted = LinearSVC().fit(X, y).predict(Xt)
    labels = sorted(set(yt) | set(predicted))
    # The same recent slice as RoutingModel's selection (its default share and cap).
    n_hold = min(DEFAULT_PARAMS["holdout_max"], round(len(train) * DEFAULT_PARAMS["holdout_share"]))
    older, recent = train[: len(train) - n_hold], train[len(train) - n_hold :]
    slice_union, slice_lr = _plain_lr(older)
    guess, conf = _confident(slice_lr, slice_union, recent)
    truth = np.array([lab for _, lab in recent], dtype=object)
    threshold, _, slice_coverage = choose_threshold(truth, guess, conf, precision_target)
    full_union, full_lr = _plain_lr(train)
    guess, conf = _confident(full_lr, full_union, test)
    selected = conf >= threshold
    right = guess == yt
    _, oracle_precision, oracle_coverage = choose_threshold(yt, guess, conf, precision_target)
    return {
        "accuracy": round(float((predicted == yt).mean()), 3),
        "macro_f1": round(float(f1_score(yt, predicted, labels=labels, average="macro")), 3),
        "lr_threshold": round(threshold, 4),
        "lr_slice_coverage": round(slice_coverage, 3),
        "lr_coverage": round(float(selected.mean()), 3),
        "lr_precision": round(float(right[selected].mean()), 3) if selected.any() else None,
        "lr_oracle_coverage": round(oracle_coverage, 3),
        "lr_oracle_precision": None if oracle_precision is None else round(oracle_precision, 3),
        "agencies_never_predicted": len(set(yt) - set(predicted)),
    }


# A candidate's slice figures the report keeps: its own accuracy and macro-F1, how often in
# the paired bootstrap the best beat it, and its coverage as the router's confidence.
CANDIDATE_FIGURES = (
    "accuracy",
    "macro_f1",
    "best_better_accuracy",
    "best_better_macro_f1",
    "coverage",
)


def chosen(train, test, precision_target=0.97):
    started = time.perf_counter()
    result = evaluate(train, test, precision_target=precision_target)
    auto = result["auto_dispatch"]
    return {
        "accuracy": round(result["accuracy"], 3),
        "macro_f1": round(result["macro_f1"], 3),
        "coverage": round(auto["coverage"], 3),
        "precision": None if auto["precision"] is None else round(auto["precision"], 3),
        "threshold": round(auto["threshold"], 4),
        "coverage_without_guard": round(auto["coverage_without_guard"], 3),
        "precision_without_guard": (
            None
            if auto["precision_without_guard"] is None
            else round(auto["precision_without_guard"], 3)
        ),
        "blocked_labels": len(auto["blocked_labels"]),
        "agencies_never_predicted": sum(
            1 for f in result["per_class"].values() if f["support"] and f["recall"] == 0
        ),
        "pipeline": result["selection"]["chosen"],
        "confidence": result["selection"].get("confidence", result["selection"]["chosen"]),
        "candidates": {
            name: {k: round(v, 3) for k, v in f.items() if k in CANDIDATE_FIGURES}
            for name, f in result["selection"]["candidates"].items()
        },
        "seconds": round(time.perf_counter() - started, 1),
        "n_train": result["n_train"],
        "n_test": result["n_test"],
    }


def side_by_side(name, result):
    """One line each for the chosen model and the baseline: the figures the issue compares."""
    mine, base = result["chosen"], result["baseline"]
    return [
        f"| {name} | model ({mine['pipeline']}; confidence {mine['confidence']})"
        f" | {mine['accuracy']:.3f} | {mine['macro_f1']:.3f}"
        f" | {mine['coverage']:.3f} | {_or_dash(mine['precision'])} | {mine['blocked_labels']} |",
        f"| {name} | baseline (LinearSVC; LR confidence) | {base['accuracy']:.3f}"
        f" | {base['macro_f1']:.3f} | {base['lr_coverage']:.3f} | {_or_dash(base['lr_precision'])}"
        " | - |",
    ]


def _or_dash(value):
    return "-" if value is None else f"{value:.3f}"


def figures(dev_seeds=(13, 14, 15)):
    report, table = {}, []
    for seed in dev_seeds:
        train, test = devset.split(devset.generate(11_000, seed=seed))
        dev_train = [(r["text"], r["label"]) for r in train]
        dev_test = [(r["text"], r["label"]) for r in test]
        name = "devset" if seed == 13 else f"devset_seed{seed}"
        report[name] = {
            "chosen": chosen(dev_train, dev_test),
            "baseline": baseline(dev_train, dev_test),
        }
        table += side_by_side(f"devset seed {seed}", report[name])
    complaints = routing_corpus.generate(12_000, seed=0, label_noise=0.02)
    older, newer = routing_corpus.split_by_date(complaints, routing_corpus.LATE_FROM)
    syn_train = [(c.text, c.agency) for c in older]
    syn_test = [(c.text, c.agency) for c in newer]
    report["synthetic"] = {
        "chosen": chosen(syn_train, syn_test),
        "baseline": baseline(syn_train, syn_test),
    }
    table += side_by_side("synthetic", report["synthetic"])
    header = [
        "| data | model | accuracy | macro-F1 | coverage at 0.97 | precision | blocked |",
        "|---|---|---|---|---|---|---|",
    ]
    report["side_by_side"] = header + table
    print("\n".join(header + table), file=sys.stderr)
    return report


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("what", choices=("speed", "figures"))
    parser.add_argument("--n", type=int, default=100_000)
    args = parser.parse_args()
    report = {"machine": machine()}
    report.update(speed(args.n) if args.what == "speed" else figures())
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
