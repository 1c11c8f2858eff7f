"""``aduan routing``: evaluate, train (CSV and database), list, activate, rollback."""

import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command

from aduan.triage.models import RoutingModelVersion, Target

from .conftest import AGENCIES, corpus


def run(*args) -> str:
    out = io.StringIO()
    call_command("routing", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.fixture
def archive(tmp_path):
    """Two CSVs with a city's own column names, older and newer, plus unusable rows."""
    rows = corpus()
    older, newer = rows[: len(rows) * 3 // 4], rows[len(rows) * 3 // 4 :]

    def write(name, items, blanks):
        path = tmp_path / name
        with open(path, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle, delimiter=";")
            writer.writerow(["No", "Isi Laporan", "OPD Tujuan", "Kategori"])
            for i, c in enumerate(items):
                writer.writerow([i, c.text, AGENCIES[c.agency], c.category])
            for i in range(blanks):
                writer.writerow([900 + i, "" if i % 2 else "ada teks", "dlh" if i % 2 else "", ""])
        return path

    return write("lama.csv", older, 3), write("baru.csv", newer, 0)


def test_evaluate_prints_one_json_object(archive):
    older, newer = archive
    out = run(
        "evaluate",
        "--train",
        str(older),
        "--test",
        str(newer),
        "--text-column",
        "Isi Laporan",
        "--label-column",
        "OPD Tujuan",
        "--precision-target",
        "0.9",
        "--quiet",
    )
    result = json.loads(out)
    assert out.strip().startswith("{") and out.strip().endswith("}")
    for key in ("accuracy", "macro_f1", "per_class", "auto_dispatch"):
        assert key in result
    assert set(result["auto_dispatch"]) >= {
        "precision_target",
        "threshold",
        "coverage",
        "precision",
    }
    assert result["auto_dispatch"]["precision_target"] == 0.9
    assert set(result["per_class"]) == {"dpuprpkp", "dlh", "pdam"}
    # A small archive: too little history to select on, said plainly.
    assert result["selection"]["fallback"] is True and result["selection"]["reason"]
    assert set(result["per_class"]["dlh"]) == {"precision", "recall", "f1", "support"}
    assert result["skipped_train"] == 3
    assert 0.5 < result["accuracy"] <= 1.0


def test_evaluate_reports_a_missing_column(archive):
    older, newer = archive
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "routing",
            "evaluate",
            "--train",
            str(older),
            "--test",
            str(newer),
            "--text-column",
            "isi",
            "--label-column",
            "OPD Tujuan",
            stdout=io.StringIO(),
            stderr=err,
        )
    assert "column 'isi' not found" in err.getvalue()


def test_train_from_a_csv_with_any_column_names(archive, city):
    older, _ = archive
    out = run(
        "train",
        "--csv",
        str(older),
        "--text-column",
        "Isi Laporan",
        "--label-column",
        "OPD Tujuan",
        "--extra-column",
        "Kategori=category",
    )
    figures = json.loads(out)
    version = RoutingModelVersion.objects.get(pk=figures["version"])
    assert version.is_active and version.target == Target.AGENCY
    assert version.source == "csv:lama.csv"
    assert version.n_skipped == 3 and figures["n_skipped"] == 3
    assert version.n_train == len(corpus()) * 3 // 4
    assert version.metrics["method"] == "recent holdout"
    assert version.metrics["pipeline"] == figures["pipeline"]


def test_train_needs_to_know_what_an_extra_column_holds(archive):
    older, _ = archive
    with pytest.raises(CommandError, match="Kategori=category"):
        run(
            "train",
            "--csv",
            str(older),
            "--text-column",
            "Isi Laporan",
            "--label-column",
            "OPD Tujuan",
            "--extra-column",
            "Kategori",
        )


def test_train_from_an_empty_database_says_so(db):
    assert "nothing trained" in run("train")


def test_list_activate_rollback(install_model):
    first = install_model(Target.AGENCY)
    second = install_model(Target.AGENCY)
    category = install_model(Target.CATEGORY)
    listed = [json.loads(line) for line in run("list").splitlines()]
    assert [(v["version"], v["active"]) for v in listed] == [
        (second.pk, True),
        (first.pk, False),
        (category.pk, True),
    ]
    assert listed[0]["accuracy"] == 0.9 and listed[0]["threshold"] == 0.5
    out = run("rollback", "--target", "agency")
    assert f'"version": {first.pk}' in out
    assert RoutingModelVersion.objects.get(target="agency", is_active=True) == first
    run("activate", str(second.pk))
    assert RoutingModelVersion.objects.get(target="agency", is_active=True) == second
    # Without --target every target that can roll back does; the category cannot.
    out = run("rollback")
    assert RoutingModelVersion.objects.get(target="agency", is_active=True) == first
    assert RoutingModelVersion.objects.get(target="category", is_active=True) == category
    with pytest.raises(CommandError, match="no routing model version"):
        run("activate", "999999")
