"""Triage test helpers: a routing model trained once per session on synthetic complaints of
the test city's three agencies, stored as a version row per test on demand."""

import functools

import pytest

from aduan.lib.routing import RoutingModel
from aduan.lib.tests import routing_corpus as rc
from aduan.triage import duplicates, loader, streets
from aduan.triage.models import RoutingModelVersion, Target, TriageSettings
from aduan.triage.training import Dataset

# Synthetic agencies/categories -> the conftest city's codes.
AGENCIES = {"Dinas PUPR": "dpuprpkp", "DLH": "dlh", "Perumda Air Minum": "pdam"}
CATEGORIES = {"Jalan Rusak": "jalan-rusak", "Sampah": "sampah", "Air Mati": "air-pdam"}
NAMES = {"jalan-rusak": "Jalan rusak", "sampah": "Sampah", "air-pdam": "Air PDAM"}


@functools.cache
def corpus() -> tuple:
    rows = [
        c
        for c in rc.generate(900, seed=7, label_noise=0.0, vague=0.0)
        if c.agency in AGENCIES and c.category in CATEGORIES
    ]
    return tuple(rows)


def dataset(target: str) -> Dataset:
    data = Dataset()
    for c in corpus():
        data.texts.append(c.text)
        if target == Target.AGENCY:
            data.labels.append(AGENCIES[c.agency])
            data.extras.append({"channel": "web", "category": NAMES[CATEGORIES[c.category]]})
        else:
            data.labels.append(CATEGORIES[c.category])
            data.extras.append({"channel": "web"})
    return data


@functools.cache
def model_bytes(target: str) -> bytes:
    data = dataset(target)
    return RoutingModel().fit(data.texts, data.labels, data.extras).to_bytes()


@pytest.fixture
def make_complaint(make_complaint, django_capture_on_commit_callbacks):
    """File as the citizen's request does, commit included: triage computes the suggestion
    after the filing commits, and the test's own transaction would never commit."""

    def make(**overrides):
        with django_capture_on_commit_callbacks(execute=True):
            return make_complaint(**overrides)

    return make


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """``with committed(): ...`` runs what the block left for after its commit, at its end."""
    return functools.partial(django_capture_on_commit_callbacks, execute=True)


@pytest.fixture(autouse=True)
def fresh_models():
    # Rolled-back tests can hand out the same primary key again: never reuse a model.
    loader.clear()
    duplicates.clear_cache()
    streets.clear_cache()
    yield
    loader.clear()
    duplicates.clear_cache()
    streets.clear_cache()


@pytest.fixture
def install_model(db):
    """``install_model(target, threshold=0.5, blob=None)``: an active version row."""

    def install(target=Target.AGENCY, threshold=0.5, blob=None, activate=True):
        version = RoutingModelVersion.objects.create(
            target=target,
            source="test",
            n_train=len(corpus()),
            labels=sorted(set(dataset(target).labels)),
            metrics={"accuracy": 0.9, "thresholds": {"0.9": threshold, "0.99": 0.999}},
            precision_target=0.97,
            threshold=threshold,
            blob=model_bytes(target) if blob is None else blob,
        )
        if activate:
            from aduan.triage.training import activate_version

            activate_version(version)
        return version

    return install


@pytest.fixture
def models(install_model, city):
    """Active agency and category models for the conftest city."""
    return {
        "agency": install_model(Target.AGENCY),
        "category": install_model(Target.CATEGORY),
    }


@pytest.fixture
def triage_settings(db):
    return TriageSettings.load()


WASTE = (
    "Selamat pagi min, sampah di TPS dekat pasar menumpuk dan tidak diangkut sudah seminggu, "
    "baunya busuk sekali dan banyak lalat. Mohon segera ditindaklanjuti."
)
ROAD = "Jalan di Jl. Kawi rusak parah, banyak lubang besar, motor saya jatuh kemarin."
WATER = "Air PDAM mati sudah tiga hari di perumahan griya asri, tolong segera."
