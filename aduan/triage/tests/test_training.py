"""Training from the database, versions, the retraining job and the sweep's predictor."""

from datetime import timedelta

import pytest
from django.utils import timezone

from aduan.core import lifecycle
from aduan.core.models import Status
from aduan.deadlines.sweep import predict_agency
from aduan.lib.routing import NEVER
from aduan.triage import jobs
from aduan.triage.models import RoutingModelVersion, Target, TrainingRun, TriageSettings
from aduan.triage.training import (
    Dataset,
    TrainingBusy,
    activate_version,
    count_new_decisions,
    decisions_dataset,
    final_agencies,
    fit_version,
    rollback,
    train_from_database,
    training_run,
)

from .conftest import AGENCIES, CATEGORIES, WASTE, corpus


@pytest.fixture
def history(make_complaint, mira, city):
    """``history(n)``: n past complaints of the synthetic corpus, dispatched by Mira."""

    def make(n, start=0):
        start_at = timezone.now() - timedelta(days=300)
        made = []
        for i, item in enumerate(corpus()[start : start + n]):
            agency = {a.code: a for a in (city["dpupr"], city["dlh"], city["pdam"])}[
                AGENCIES[item.agency]
            ]
            category = {c.code: c for c in (city["roads"], city["waste"], city["water"])}[
                CATEGORIES[item.category]
            ]
            at = start_at + timedelta(days=3 * i)
            complaint = make_complaint(
                text=item.text, category=category if i % 2 else None, kelurahan=None, at=at
            )
            if complaint.category is None:
                lifecycle.correct(complaint, mira, category=category, at=at)
            lifecycle.dispatch(complaint, mira, lead=agency, at=at + timedelta(hours=1))
            made.append(complaint)
        return made

    return make


def test_the_last_dispatch_wins_and_a_return_unlearns(make_complaint, mira, dewi, adi, city):
    plain = make_complaint()
    lifecycle.dispatch(plain, mira, lead=city["dpupr"])
    redispatched = make_complaint()
    lifecycle.dispatch(redispatched, mira, lead=city["dlh"])
    lifecycle.return_dispatch(redispatched, dewi, reason="Bukan wewenang.")
    lifecycle.dispatch(redispatched, mira, lead=city["pdam"])
    returned = make_complaint()
    lifecycle.dispatch(returned, mira, lead=city["dpupr"])
    lifecycle.return_dispatch(returned, adi, reason="Bukan wewenang.")
    automatic = make_complaint()
    lifecycle.dispatch(automatic, None, lead=city["dpupr"], automatic=True)
    assert final_agencies() == {plain.pk: "dpuprpkp", redispatched.pk: "pdam"}


def test_the_agency_model_learns_the_category_as_filed(make_complaint, mira, city):
    complaint = make_complaint(category=city["waste"], kelurahan=city["gadang"])
    lifecycle.correct(complaint, mira, category=city["roads"])
    lifecycle.dispatch(complaint, mira, lead=city["dpupr"])
    agency = decisions_dataset(Target.AGENCY)
    assert agency.labels == ["dpuprpkp"]
    assert agency.extras == [{"channel": "web", "kelurahan": "Gadang", "category": "Sampah"}]
    category = decisions_dataset(Target.CATEGORY)
    assert category.labels == ["jalan-rusak"]
    assert category.extras == [{"channel": "web", "kelurahan": "Gadang"}]


def test_train_from_database_stores_active_versions_and_refreshes_the_queue(
    history, make_complaint, city
):
    history(60)
    waiting = make_complaint(text=WASTE, category=None)
    assert waiting.triage.agency is None
    versions = train_from_database(folds=3)
    assert [v.target for v in versions] == [Target.AGENCY, Target.CATEGORY]
    agency = RoutingModelVersion.objects.get(target=Target.AGENCY, is_active=True)
    assert agency.source == "database" and agency.n_train == 60
    assert set(agency.labels) == {"dpuprpkp", "dlh", "pdam"}
    for key in ("accuracy", "macro_f1", "per_class", "auto_dispatch", "thresholds", "guard"):
        assert key in agency.metrics
    # 60 decisions are too little history to select on: the fallback never auto-dispatches.
    assert agency.metrics["fallback"] is True and agency.metrics["accuracy"] is None
    assert agency.threshold == agency.metrics["auto_dispatch"]["threshold"] == NEVER
    assert agency.blocked_for(0.97) == {"dpuprpkp", "dlh", "pdam"}
    assert agency.precision_target == 0.97
    waiting.triage.refresh_from_db()
    assert waiting.triage.agency == city["dlh"]
    assert waiting.triage.agency_version == agency
    run = TrainingRun.objects.get()
    assert run.state == TrainingRun.State.DONE and run.finished_at is not None


def test_too_little_history_trains_nothing(history):
    history(5)
    assert train_from_database() == []
    assert not RoutingModelVersion.objects.exists()
    assert TrainingRun.objects.get().state == TrainingRun.State.SKIPPED


def test_one_training_at_a_time(db):
    with training_run("command"), pytest.raises(TrainingBusy), training_run("schedule"):
        pass
    # The slot is free again afterwards.
    with training_run("command") as run:
        assert run.pk
    assert TrainingRun.objects.filter(finished_at__isnull=True).count() == 0


def test_a_failed_training_releases_the_claim(db):
    with pytest.raises(RuntimeError), training_run("command"):
        raise RuntimeError("out of memory")
    run = TrainingRun.objects.get()
    assert run.state == TrainingRun.State.FAILED and "out of memory" in run.detail["error"]


def test_retrain_job_needs_enough_new_decisions(history, make_complaint, mira, city):
    settings = TriageSettings.load()
    settings.retrain_min_decisions = 100
    settings.save()
    history(30)  # 30 dispatches and 15 category corrections
    assert count_new_decisions() == 45
    assert jobs.retrain() == {}
    assert not RoutingModelVersion.objects.exists()
    settings.retrain_min_decisions = 40
    settings.save()
    assert jobs.retrain() == {"trained": 2, "decisions": 45}
    assert RoutingModelVersion.objects.filter(is_active=True).count() == 2
    # Within the interval nothing runs, even with enough decisions.
    settings.retrain_min_decisions = 1
    settings.save()
    assert jobs.retrain() == {}
    # A day later, only decisions made after the last version count.
    later = timezone.now() + timedelta(hours=25)
    settings.retrain_min_decisions = 3
    settings.save()
    assert jobs.retrain(now=later) == {}
    for complaint in make_complaint(), make_complaint(), make_complaint():
        lifecycle.dispatch(complaint, mira, lead=city["dpupr"])
    assert jobs.retrain(now=later) == {"trained": 2, "decisions": 3}
    assert RoutingModelVersion.objects.count() == 4


def test_retrain_job_never_runs_twice_at_once(history):
    history(30)
    settings = TriageSettings.load()
    settings.retrain_min_decisions = 10
    settings.save()
    TrainingRun.objects.create(trigger="command")
    assert jobs.retrain() == {"busy": 1}
    assert not RoutingModelVersion.objects.exists()
    # A claim left by a killed worker stops blocking after a while.
    TrainingRun.objects.update(started_at=timezone.now() - timedelta(hours=4))
    assert jobs.retrain()["trained"] == 2
    assert TrainingRun.objects.get(trigger="command").state == TrainingRun.State.ABANDONED


def test_retrain_can_be_switched_off(history):
    history(3)
    settings = TriageSettings.load()
    settings.retrain_enabled = False
    settings.retrain_min_decisions = 1
    settings.save()
    assert jobs.retrain() == {}


def test_activate_and_rollback(install_model):
    first = install_model(Target.AGENCY)
    second = install_model(Target.AGENCY)
    assert list(RoutingModelVersion.objects.filter(is_active=True)) == [second]
    assert rollback(Target.AGENCY) == first
    assert list(RoutingModelVersion.objects.filter(is_active=True)) == [first]
    with pytest.raises(ValueError, match="oldest"):
        rollback(Target.AGENCY)
    activate_version(second)
    assert RoutingModelVersion.objects.get(is_active=True) == second
    with pytest.raises(ValueError, match="no active"):
        rollback(Target.CATEGORY)


def test_the_sweep_predicts_only_above_the_threshold(install_model, make_complaint, city):
    complaint = make_complaint(text=WASTE, category=None)
    assert predict_agency(complaint) is None
    version = install_model(Target.AGENCY, threshold=0.5)
    assert predict_agency(complaint) == city["dlh"]
    RoutingModelVersion.objects.filter(pk=version.pk).update(threshold=1.01)
    assert predict_agency(complaint) is None


def test_the_sweep_predictor_survives_a_broken_model(install_model, make_complaint):
    install_model(Target.AGENCY, blob=b"garbage")
    complaint = make_complaint(text=WASTE, category=None)
    assert predict_agency(complaint) is None
    assert complaint.status == Status.BARU


def test_a_version_selects_itself_on_its_recent_history(city):
    from aduan.lib.routing import PIPELINES
    from aduan.lib.tests import routing_corpus

    data = Dataset()
    for c in routing_corpus.generate(1200, seed=7, label_noise=0.0, vague=0.0):
        if c.agency in AGENCIES:
            data.texts.append(c.text)
            data.labels.append(AGENCIES[c.agency])
            data.extras.append({"channel": "web"})
    assert len(data) >= 300
    version = fit_version(Target.AGENCY, data, source="test", precision_target=0.97, activate=False)
    m = version.metrics
    assert m["fallback"] is False and m["pipeline"] in PIPELINES
    assert m["selection"]["chosen"] == m["pipeline"] and m["selection"]["reason"]
    assert m["n_holdout"] == round(len(data) * 0.2)
    assert 0.8 < m["accuracy"] <= 1.0
    assert version.threshold == m["thresholds"]["0.97"] == version.threshold_for(0.97)
    assert version.blocked_for(0.97) == set(m["guard"]["0.97"])
    if m["auto_dispatch"]["precision"] is not None:
        assert m["auto_dispatch"]["precision"] >= 0.97 - 0.05


def test_little_history_follows_the_category_table(city):
    from aduan.lib.routing import RoutingModel

    data = Dataset(
        texts=["mohon dicek", "tolong segera"] * 15,
        labels=["dlh", "pdam"] * 15,
        extras=[{"category": "Sampah"}, {"category": "Air PDAM"}] * 15,
    )
    version = fit_version(Target.AGENCY, data, source="test", precision_target=0.97)
    assert version.metrics["fallback"] is True
    model = RoutingModel.from_bytes(bytes(version.blob))
    # The city's table: the category "Jalan rusak" belongs to dpuprpkp, never seen in history.
    assert model.predict("ada lubang", {"category": "Jalan rusak"})[0].label == "dpuprpkp"
    assert not version.is_strong(0.999, "dpuprpkp", 0.97)
