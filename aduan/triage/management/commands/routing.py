"""``aduan routing``: evaluate, train, list, activate and roll back routing models.

    aduan routing evaluate --train A.csv --test B.csv --text-column X --label-column Y
    aduan routing train                                   # from the moderators' decisions
    aduan routing train --csv arsip.csv --text-column isi --label-column opd \\
        [--extra-column kategori=category] [--target agency|category]
    aduan routing list
    aduan routing activate 7
    aduan routing rollback [--target agency|category]
"""

from __future__ import annotations

import io
import json

from django.core.management.base import BaseCommand, CommandError

from aduan.lib.routing import MissingColumnError
from aduan.lib.routing import cli as routing_cli
from aduan.triage import training
from aduan.triage.models import RoutingModelVersion, Target


class _Raw:
    """Lets the routing CLI print into a command's stream without extra line endings."""

    def __init__(self, wrapper):
        self.wrapper = wrapper

    def write(self, text):
        self.wrapper.write(text, ending="")

    def flush(self):
        self.wrapper.flush()


class Command(BaseCommand):
    help = "Routing models: evaluate on CSV files, train, list, activate and roll back versions."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)

        ev = sub.add_parser("evaluate", help="train on one CSV, score on another; print JSON")
        # The same flags as aduan.lib.routing's CLI, passed on unchanged when given.
        ev.add_argument("--train", required=True)
        ev.add_argument("--test", required=True)
        ev.add_argument("--text-column", required=True)
        ev.add_argument("--label-column", required=True)
        ev.add_argument("--extra-column", action="append", default=[])
        ev.add_argument("--precision-target")
        ev.add_argument("--seed")
        ev.add_argument("--date-column")
        ev.add_argument("--quiet", action="store_true")

        tr = sub.add_parser("train", help="train a new version (database, or --csv)")
        tr.add_argument("--csv", help="an archive of labelled complaints instead of the database")
        tr.add_argument("--text-column")
        tr.add_argument("--label-column")
        tr.add_argument(
            "--extra-column",
            action="append",
            default=[],
            metavar="COLUMN[=FIELD]",
            help="a structured column; FIELD (category, kelurahan, channel) names what it holds",
        )
        tr.add_argument("--target", choices=[t.value for t in Target])
        tr.add_argument("--date-column", help="with --csv: the column to order rows by")
        tr.add_argument("--precision-target", type=float)
        tr.add_argument("--no-activate", action="store_true", help="store without activating")

        ls = sub.add_parser("list", help="versions with their figures")
        ls.add_argument("--target", choices=[t.value for t in Target])

        ac = sub.add_parser("activate", help="make a version the active one of its target")
        ac.add_argument("version", type=int)

        rb = sub.add_parser("rollback", help="activate the version before the active one")
        rb.add_argument("--target", choices=[t.value for t in Target], help="default: every target")

    def handle(self, *args, action, **options):
        getattr(self, f"do_{action}")(**options)

    # -- evaluate ----------------------------------------------------------------------------

    def do_evaluate(self, **o):
        argv = [
            "evaluate",
            "--train",
            o["train"],
            "--test",
            o["test"],
            "--text-column",
            o["text_column"],
            "--label-column",
            o["label_column"],
        ]
        for column in o["extra_column"]:
            argv += ["--extra-column", column]
        for flag in ("precision_target", "seed", "date_column"):
            if o[flag] is not None:
                argv += ["--" + flag.replace("_", "-"), str(o[flag])]
        if o["quiet"]:
            argv.append("--quiet")
        out = io.StringIO()
        status = routing_cli.main(argv, stdout=out, stderr=_Raw(self.stderr))
        if status:
            raise CommandError("routing evaluate failed", returncode=status)
        self.stdout.write(out.getvalue(), ending="")

    # -- train ---------------------------------------------------------------------------------

    def do_train(self, **o):
        activate = not o["no_activate"]
        try:
            if o["csv"]:
                versions = [self._train_csv(o, activate)]
            else:
                targets = [o["target"]] if o["target"] else [Target.AGENCY, Target.CATEGORY]
                versions = training.train_from_database(
                    targets=targets,
                    activate=activate,
                    precision_target=o["precision_target"],
                    trigger="command",
                )
        except training.TrainingBusy as exc:
            raise CommandError(str(exc)) from exc
        except (OSError, MissingColumnError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        if not versions:
            self.stdout.write("nothing trained: not enough labelled complaints in the database")
        for version in versions:
            self.stdout.write(self._describe(version))

    def _train_csv(self, o, activate):
        if not (o["text_column"] and o["label_column"]):
            raise CommandError("--csv needs --text-column and --label-column")
        extra = {}
        for spec in o["extra_column"]:
            column, _, field = spec.partition("=")
            field = field or column
            if field not in training.FIELDS:
                raise CommandError(
                    f"--extra-column {spec}: say which field it holds, "
                    f"e.g. {column}=category (one of {', '.join(training.FIELDS)})"
                )
            extra[column] = field
        return training.train_from_csv(
            o["csv"],
            text_column=o["text_column"],
            label_column=o["label_column"],
            extra_columns=extra,
            target=o["target"] or Target.AGENCY,
            activate=activate,
            precision_target=o["precision_target"],
            date_column=o["date_column"],
        )

    # -- versions --------------------------------------------------------------------------------

    def do_list(self, **o):
        versions = RoutingModelVersion.objects.defer("blob").order_by("target", "-pk")
        if o["target"]:
            versions = versions.filter(target=o["target"])
        if not versions:
            self.stdout.write("no routing model versions yet")
        for version in versions:
            self.stdout.write(self._describe(version))

    def do_activate(self, **o):
        version = RoutingModelVersion.objects.defer("blob").filter(pk=o["version"]).first()
        if version is None:
            raise CommandError(f"no routing model version {o['version']}")
        training.activate_version(version)
        self.stdout.write(f"active: {self._describe(version)}")

    def do_rollback(self, **o):
        targets = [o["target"]] if o["target"] else [t.value for t in Target]
        done, problems = 0, []
        for target in targets:
            try:
                version = training.rollback(target)
            except ValueError as exc:
                problems.append(str(exc))
                continue
            done += 1
            self.stdout.write(f"rolled back; active: {self._describe(version)}")
        if not done:
            raise CommandError("; ".join(problems))

    def _describe(self, v: RoutingModelVersion) -> str:
        m = v.metrics or {}
        auto = m.get("auto_dispatch") or {}
        figures = {
            "version": v.pk,
            "target": v.target,
            "active": v.is_active,
            "created_at": v.created_at.isoformat(timespec="seconds"),
            "source": v.source,
            "n_train": v.n_train,
            "n_skipped": v.n_skipped,
            "accuracy": m.get("accuracy"),
            "macro_f1": m.get("macro_f1"),
            "precision_target": v.precision_target,
            "threshold": v.threshold,
            "coverage": auto.get("coverage"),
            "pipeline": m.get("pipeline"),
            "blocked": (m.get("guard") or {}).get(str(v.precision_target), []),
        }
        return json.dumps(figures, ensure_ascii=False)
