import csv
import io
import json

import pytest

from aduan.lib.routing import RoutingModel
from aduan.lib.routing.cli import main
from aduan.lib.tests import routing_corpus


def write_csv(path, complaints, delimiter=";"):
    with open(path, "w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(["tanggal", "isi_aduan", "opd", "kelurahan"])
        for c in complaints:
            writer.writerow([c.date.isoformat(), c.text, c.agency, c.kelurahan])
        # One row a moderator never labelled.
        writer.writerow(["2024-12-31", "tidak jelas", "", "Sukun"])
    return str(path)


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("routing")
    complaints = routing_corpus.generate(700, seed=21)
    train, test = routing_corpus.split_by_date(complaints, routing_corpus.LATE_FROM)
    return write_csv(folder / "lama.csv", train), write_csv(folder / "baru.csv", test, ",")


def run(argv):
    out, err = io.StringIO(), io.StringIO()
    code = main(argv, stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def test_evaluate_prints_one_json_object(files):
    train, test = files
    argv = ["evaluate", "--train", train, "--test", test, "--text-column", "isi_aduan"]
    argv += ["--label-column", "opd", "--extra-column", "kelurahan", "--precision-target", "0.9"]
    code, out, err = run(argv)
    assert code == 0, err
    result = json.loads(out)
    assert result["auto_dispatch"]["precision_target"] == 0.9
    assert result["accuracy"] > 0.8
    assert result["skipped_train"] == 1
    assert result["skipped_test"] == 1
    assert "selected pipeline: " + result["selection"]["chosen"] in err


def test_evaluate_quiet_writes_nothing_to_stderr(files):
    train, test = files
    argv = ["evaluate", "--train", train, "--test", test, "--text-column", "isi_aduan"]
    argv += ["--label-column", "opd"]
    code, out, err = run([*argv, "--quiet"])
    assert code == 0
    assert err == ""
    assert json.loads(out)["n_test"] > 0


def test_train_writes_a_loadable_model(files, tmp_path):
    train, _ = files
    out_path = tmp_path / "model.bin"
    argv = ["train", "--csv", train, "--text-column", "isi_aduan", "--label-column", "opd"]
    code, out, err = run([*argv, "--out", str(out_path), "--quiet", "--param", "pipeline=cnb"])
    assert code == 0, err
    summary = json.loads(out)
    assert summary["bytes"] == out_path.stat().st_size
    assert summary["skipped"] == 1
    model = RoutingModel.from_bytes(out_path.read_bytes())
    assert model.classes_ == summary["classes"]
    assert model.params["pipeline"] == "cnb" and model.pipeline == "cnb"
    assert model.predict("air pdam mati tiga hari")[0].label == "Perumda Air Minum"


def test_missing_column_is_a_clear_error(files):
    train, test = files
    argv = ["evaluate", "--train", train, "--test", test, "--text-column", "teks"]
    code, out, err = run([*argv, "--label-column", "opd"])
    assert code == 2
    assert out == ""
    assert "'teks' not found" in err
    assert "'isi_aduan'" in err


def test_missing_file_and_bad_arguments(tmp_path):
    argv = ["train", "--csv", str(tmp_path / "nope.csv"), "--text-column", "a"]
    argv += ["--label-column", "b", "--out", str(tmp_path / "m.bin")]
    code, out, err = run(argv)
    assert (code, out) == (2, "")
    assert "nope.csv" in err
    code, _, err = run([*argv, "--param", "nonsense=1"])
    assert code == 2
    assert "pipeline" in err
    assert run(["evaluate", "--train", "a.csv"])[0] == 2
    evaluate = ["evaluate", "--train", "a", "--test", "b", "--text-column", "t"]
    code, _, err = run([*evaluate, "--label-column", "l", "--precision-target", "1.5"])
    assert code == 2
    assert "precision-target" in err
