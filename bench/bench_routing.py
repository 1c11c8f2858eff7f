"""Benchmark the complaint routing model on synthetic complaints.

    .venv/bin/python bench/bench_routing.py [--n 100000] [--evaluate]
    .venv/bin/python bench/bench_routing.py --compare

Prints one JSON object: training time and peak memory, model size, single and batch prediction
throughput, and (with --evaluate) the time of a full `evaluate` run on a date split. With
--compare it instead prints, per candidate configuration, the mean over three corpus seeds of
the figures the defaults were chosen by. Figures from runs are in docs/benchmarks.md.
"""

import argparse
import itertools
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
from sklearn.metrics import f1_score

from aduan.lib.routing import RoutingModel, choose_threshold, evaluate
from aduan.lib.tests import routing_corpus

CANDIDATES = {
    "default (sgd hinge, C 0.1, no class weights, word+char 2-5)": {},
    "liblinear svm, C 0.1": {"classifier": "svm"},
    "sgd C 0.03": {"C": 0.03},
    "sgd C 0.3": {"C": 0.3},
    "sqrt-balanced class weights": {"class_weight": "sqrt"},
    "balanced class weights": {"class_weight": "balanced"},
    "modified huber loss": {"loss": "modified_huber"},
    "averaged sgd": {"average": True},
    "char 3-5": {"char_min_n": 3},
    "words only": {"char_weight": 0.0},
    "chars only": {"word_weight": 0.0},
    "no temperature calibration": {"calibration_folds": 0},
}


def rss_mib(field):
    """VmRSS (now) or VmHWM (peak since the last reset) of this process, in MiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def reset_peak_rss():
    # Linux resets VmHWM to the current RSS when "5" is written here; without it the peak
    # would include generating the corpus.
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def machine():
    cpu = "unknown"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
    }


def expected_calibration_error(correct, confidences, bins=15):
    edges = np.linspace(0, 1, bins + 1)
    error = 0.0
    for low, high in itertools.pairwise(edges):
        inside = (confidences > low) & (confidences <= high)
        if inside.any():
            error += inside.mean() * abs(correct[inside].mean() - confidences[inside].mean())
    return error


def compare():
    """Each candidate on three corpora of 12,000 complaints split at LATE_FROM.

    "oracle_coverage" is the share of test complaints above the best threshold for 97%
    precision chosen on the test set itself: it measures how well confidences rank, apart
    from how well a threshold transfers (which the evaluate run below the table measures).
    """
    splits = []
    for seed in (1, 2, 3):
        complaints = routing_corpus.generate(12_000, seed=seed, label_noise=0.02)
        splits.append(routing_corpus.split_by_date(complaints, routing_corpus.LATE_FROM))
    table = {}
    for name, params in CANDIDATES.items():
        runs = []
        for seed, (train, test) in enumerate(splits, start=1):
            cpu = time.process_time()
            model = RoutingModel(**params, seed=seed).fit(
                [c.text for c in train], [c.agency for c in train]
            )
            cpu = time.process_time() - cpu
            y = np.array([c.agency for c in test])
            labels, confidences = model.predict_many([c.text for c in test])
            correct = np.array(labels) == y
            macro = f1_score(y, labels, average="macro")
            coverage = choose_threshold(y, labels, confidences, 0.97)[2]
            ece = expected_calibration_error(correct, confidences)
            runs.append((correct.mean(), macro, coverage, ece, cpu))
        mean = np.mean(runs, axis=0)
        table[name] = dict(
            zip(
                ["accuracy", "macro_f1", "oracle_coverage_97", "ece", "train_cpu_seconds"],
                [round(float(v), 4) for v in mean],
                strict=True,
            )
        )
        print(name, table[name], file=sys.stderr, flush=True)
    train, test = splits[0]
    result = evaluate([(c.text, c.agency) for c in train], [(c.text, c.agency) for c in test])
    return {"candidates": table, "evaluate_default_seed_1": result["auto_dispatch"]}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="training complaints")
    parser.add_argument(
        "--evaluate", action="store_true", help="also time evaluate() on a date split"
    )
    parser.add_argument("--compare", action="store_true", help="compare candidate settings")
    args = parser.parse_args()
    if args.compare:
        print(json.dumps({"machine": machine(), **compare()}, indent=2))
        return

    report = {"machine": machine(), "n_train": args.n}
    train = routing_corpus.generate(args.n, seed=0, label_noise=0.02)
    probe = [c.text for c in routing_corpus.generate(11_000, seed=99)]
    texts = [c.text for c in train]
    labels = [c.agency for c in train]
    extras = [c.extra for c in train]

    baseline = rss_mib("VmRSS")
    exact_peak = reset_peak_rss()
    wall, cpu = time.perf_counter(), time.process_time()
    model = RoutingModel().fit(texts, labels)
    report["train"] = {
        "seconds_wall": round(time.perf_counter() - wall, 1),
        "seconds_cpu": round(time.process_time() - cpu, 1),
        "rss_before_mib": round(baseline),
        "peak_rss_mib": round(rss_mib("VmHWM")),
        "peak_is_exact": exact_peak,
        "features": int(model._coef.shape[1]),
        "classes": len(model.classes_),
    }

    wall = time.perf_counter()
    model_with_extras = RoutingModel().fit(texts, labels, extras)
    report["train_with_extras_seconds_wall"] = round(time.perf_counter() - wall, 1)
    del model_with_extras

    wall = time.perf_counter()
    data = model.to_bytes()
    dumped = time.perf_counter() - wall
    wall = time.perf_counter()
    model = RoutingModel.from_bytes(data)
    report["storage"] = {
        "bytes": len(data),
        "to_bytes_ms": round(dumped * 1000),
        "from_bytes_ms": round((time.perf_counter() - wall) * 1000),
    }

    for text in probe[:50]:
        model.predict(text)
    latencies = []
    for text in probe[:1000]:
        started = time.perf_counter()
        model.predict(text)
        latencies.append(time.perf_counter() - started)
    latencies.sort()
    wall = time.perf_counter()
    model.predict_many(probe[1000:])
    batch = time.perf_counter() - wall
    explain = []
    for text in probe[:200]:
        label = model.predict(text, top_k=1)[0].label
        started = time.perf_counter()
        model.explain(text, label)
        explain.append(time.perf_counter() - started)
    report["predict"] = {
        "single_per_second": round(len(latencies) / sum(latencies)),
        "single_p50_ms": round(statistics.median(latencies) * 1000, 2),
        "single_p99_ms": round(latencies[int(len(latencies) * 0.99)] * 1000, 2),
        "batch_per_second": round((len(probe) - 1000) / batch),
        "explain_p50_ms": round(statistics.median(explain) * 1000, 2),
    }

    if args.evaluate:
        cut = int(len(train) * 0.8)
        wall = time.perf_counter()
        result = evaluate(
            [(c.text, c.agency) for c in train[:cut]], [(c.text, c.agency) for c in train[cut:]]
        )
        report["evaluate"] = {
            "seconds_wall": round(time.perf_counter() - wall, 1),
            "n_train": result["n_train"],
            "n_test": result["n_test"],
            "accuracy": round(result["accuracy"], 4),
            "macro_f1": round(result["macro_f1"], 4),
            "auto_dispatch": result["auto_dispatch"],
        }
    report["machine"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
