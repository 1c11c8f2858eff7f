"""Command line for the routing model: evaluate on a date split, or train and save a model.

    python -m aduan.lib.routing evaluate --train old.csv --test new.csv \\
        --text-column isi --label-column opd [--extra-column kategori ...] \\
        [--date-column tanggal]
    python -m aduan.lib.routing train --csv all.csv --text-column isi --label-column opd \\
        --out model.bin

``evaluate`` prints exactly one JSON object on stdout (its "selection" key says which pipeline
the model chose and every candidate's scores on the recent slice); progress, a summary of the
selection and errors go to stderr. Rows are taken in file order as time order, unless
``--date-column`` names a column to sort them by.
"""

import argparse
import json
import sys
import time

from .csvio import MissingColumnError, read_labelled_csv
from .evaluation import evaluate, order_by_date, split_rows
from .model import DEFAULT_PARAMS, RoutingModel


def _parser():
    parser = argparse.ArgumentParser(prog="aduan routing", description="Complaint routing model.")
    commands = parser.add_subparsers(dest="command", required=True)

    def columns(sub):
        sub.add_argument("--text-column", required=True, help="column with the complaint text")
        sub.add_argument(
            "--label-column", required=True, help="column with the agency (or category)"
        )
        sub.add_argument(
            "--extra-column",
            action="append",
            default=[],
            metavar="COLUMN",
            help="structured column used as an extra feature (repeatable), e.g. category, kelurahan",
        )
        sub.add_argument(
            "--param",
            action="append",
            default=[],
            metavar="KEY=VALUE",
            help="override a model setting (repeatable), e.g. pipeline=svm or svm_C=0.3",
        )
        sub.add_argument(
            "--date-column",
            metavar="COLUMN",
            help="column with the complaint's date (e.g. 2022-12-20 15:21:00, or ISO): rows "
            "are put in date order; without it the row order is taken as time",
        )
        sub.add_argument("--quiet", action="store_true", help="no progress on stderr")

    ev = commands.add_parser("evaluate", help="train on one file, score on another, print JSON")
    ev.add_argument("--train", required=True, metavar="CSV", help="older complaints, to learn from")
    ev.add_argument("--test", required=True, metavar="CSV", help="newer complaints, to score on")
    ev.add_argument(
        "--precision-target",
        type=float,
        default=0.97,
        help="auto-dispatch precision (default 0.97)",
    )
    ev.add_argument("--seed", type=int, default=0)
    columns(ev)

    tr = commands.add_parser("train", help="train on a file and write the model")
    tr.add_argument("--csv", required=True, help="labelled complaints")
    tr.add_argument("--out", required=True, help="file to write the model bytes to")
    columns(tr)
    return parser


def describe_selection(selection):
    """A few lines for people: the chosen pipeline, why, and every candidate's scores."""
    lines = [
        f"selected pipeline: {selection.get('chosen')}, confidence from "
        f"{selection.get('confidence', selection.get('chosen'))} ({selection.get('reason')})"
    ]
    for name, figures in (selection.get("candidates") or {}).items():
        lines.append(
            f"  {name:<13} accuracy {figures['accuracy']:.3f}  macro-F1 {figures['macro_f1']:.3f}"
            f"  score {figures['score']:.3f}"
            f"  tied with the best {'yes' if figures.get('tied', True) else 'no'}"
            f"  coverage as confidence {figures['coverage']:.3f}"
            f" (without the guard {figures.get('coverage_without_guard', figures['coverage']):.3f})"
        )
    return "\n".join(lines)


def _params(pairs):
    """``["C=0.3", "class_weight=sqrt"]`` to ``{"C": 0.3, "class_weight": "sqrt"}``."""
    params = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or key not in DEFAULT_PARAMS:
            known = ", ".join(sorted(DEFAULT_PARAMS))
            raise ValueError(f"--param {pair!r}: expected KEY=VALUE with KEY one of {known}")
        try:
            params[key] = json.loads(value)
        except json.JSONDecodeError:
            params[key] = value
    return params


def main(argv=None, stdout=None, stderr=None):
    """Run the command in ``argv`` (default ``sys.argv[1:]``); return the exit status."""
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    if not 0.0 < args.__dict__.get("precision_target", 0.5) <= 1.0:
        print("error: --precision-target must be in (0, 1]", file=stderr)
        return 2

    def progress(message):
        if not args.quiet:
            print(message, file=stderr, flush=True)

    def read(path):
        progress(f"reading {path}")
        columns = list(args.extra_column)
        if args.date_column:
            columns.append(args.date_column)
        rows, skipped = read_labelled_csv(
            path, args.text_column, args.label_column, columns or None
        )
        if args.date_column:
            rows, undated = order_by_date(rows, args.date_column)
            if undated:
                progress(f"{undated} rows of {path} without a readable date left out")
            skipped += undated
            if not args.extra_column:
                rows = [row[:2] for row in rows]
        return rows, skipped

    try:
        params = _params(args.param)
        if args.command == "evaluate":
            train_rows, train_skipped = read(args.train)
            test_rows, test_skipped = read(args.test)
            result = evaluate(
                train_rows,
                test_rows,
                precision_target=args.precision_target,
                seed=args.seed,
                params=params,
                progress=progress,
            )
            result["skipped_train"] += train_skipped
            result["skipped_test"] += test_skipped
            progress(describe_selection(result["selection"]))
        else:
            rows, skipped = read(args.csv)
            texts, labels, extras, more_skipped = split_rows(rows)
            if not texts:
                raise ValueError(f"no usable rows in {args.csv}")
            progress(f"training on {len(texts)} complaints")
            started = time.perf_counter()
            model = RoutingModel(**params).fit(texts, labels, extras)
            progress(describe_selection(model.selection))
            data = model.to_bytes()
            with open(args.out, "wb") as handle:
                handle.write(data)
            result = {
                "out": args.out,
                "bytes": len(data),
                "n_train": model.n_train,
                "skipped": skipped + more_skipped,
                "classes": model.classes_,
                "selection": model.selection,
                "seconds": round(time.perf_counter() - started, 2),
            }
    except (OSError, MissingColumnError, ValueError) as exc:
        print(f"error: {exc}", file=stderr)
        return 2
    print(json.dumps(result, ensure_ascii=False, indent=2), file=stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
