"""Automatic dispatch by the worker, and the moderators' review of it (/kantor/triase/tinjau/)."""

from django.core.management import call_command
from django.urls import reverse

from aduan.core import lifecycle
from aduan.core.models import Event, Status
from aduan.office.tests.conftest import login
from aduan.triage import actions
from aduan.triage.models import Review, RoutingModelVersion, Suggestion, TriageSettings
from aduan.triage.training import final_agencies

from .conftest import WASTE, WATER

MIXED = "Jalan rusak berlubang bekas galian pipa, air juga mati, sampah numpuk di pinggir."


def enable(**changes):
    settings = TriageSettings.load()
    settings.auto_dispatch_enabled = True
    for key, value in changes.items():
        setattr(settings, key, value)
    settings.save()
    return settings


def test_off_by_default(models, make_complaint):
    complaint = make_complaint(text=WASTE, category=None)
    assert TriageSettings.load().auto_dispatch_enabled is False
    assert actions.auto_dispatch() == {}
    complaint.refresh_from_db()
    assert complaint.status == Status.BARU


def test_on_dispatches_confident_suggestions_from_the_worker(models, make_complaint, city):
    enable()
    complaint = make_complaint(text=WASTE, category=None)
    # Nothing happens inside the filing request itself.
    complaint.refresh_from_db()
    assert complaint.status == Status.BARU
    call_command("worker", "--once")
    complaint.refresh_from_db()
    assert complaint.status == Status.DIDISPOSISIKAN and complaint.lead_agency == city["dlh"]
    event = Event.objects.get(complaint=complaint, kind=Event.Kind.DISPATCHED)
    assert event.actor is None and event.actor_label == "Sistem"
    assert event.data["automatic"] is True and event.data["review"] is True
    assert event.data["model_version"] == models["agency"].pk
    assert event.data["confidence"] == complaint.triage.agency_confidence
    s = Suggestion.objects.get(complaint=complaint)
    assert s.auto_state == Suggestion.AutoState.DISPATCHED and s.auto_event == event
    # A second pass finds nothing more to do.
    assert actions.auto_dispatch() == {}


def test_the_threshold_is_respected(models, make_complaint):
    enable()
    clear = make_complaint(text=WATER, category=None)
    mixed = make_complaint(text=MIXED, category=None)
    high, low = clear.triage.agency_confidence, mixed.triage.agency_confidence
    assert high > low
    RoutingModelVersion.objects.filter(pk=models["agency"].pk).update(threshold=(high + low) / 2)
    assert actions.auto_dispatch() == {"dispatched": 1, "below": 1}
    clear.refresh_from_db()
    mixed.refresh_from_db()
    assert clear.status == Status.DIDISPOSISIKAN
    assert mixed.status == Status.BARU
    assert mixed.triage.auto_state == Suggestion.AutoState.BELOW


def test_the_precision_target_picks_the_stored_threshold(models, make_complaint):
    version = models["agency"]
    RoutingModelVersion.objects.filter(pk=version.pk).update(
        metrics={"thresholds": {"0.9": 0.5, "0.99": 1.01}}
    )
    enable(precision_target=0.99)
    strict = make_complaint(text=WATER, category=None)
    assert actions.auto_dispatch() == {"below": 1}
    enable(precision_target=0.9)
    lenient = make_complaint(text=WASTE, category=None)
    assert actions.auto_dispatch() == {"dispatched": 1}
    strict.refresh_from_db()
    lenient.refresh_from_db()
    assert (strict.status, lenient.status) == (Status.BARU, Status.DIDISPOSISIKAN)
    version.refresh_from_db()
    # Between stored targets the stricter one's threshold applies; beyond them, never.
    assert version.threshold_for(0.95) == 1.01
    assert version.threshold_for(0.995) > 1.0
    assert version.threshold_for(0.97) == version.threshold


def test_spam_is_never_dispatched_automatically(models, make_complaint):
    enable()
    complaint = make_complaint(
        text="PROMO SLOT GACOR bonus 100% daftar sekarang klik bit.ly/gacor88 dijamin maxwin, "
        "sampah menumpuk di TPS",
        category=None,
    )
    actions.auto_dispatch()
    complaint.refresh_from_db()
    assert complaint.status == Status.BARU
    assert complaint.triage.auto_state in (
        Suggestion.AutoState.SKIPPED,
        Suggestion.AutoState.BELOW,
    )


def test_possible_duplicates_are_left_to_the_moderators(models, make_complaint):
    enable()
    first = make_complaint(text=WASTE, category=None)
    second = make_complaint(text=WASTE + " Tolong.", category=None)
    assert actions.auto_dispatch() == {"skipped": 2}
    for c in (first, second):
        c.refresh_from_db()
        assert c.status == Status.BARU


def test_a_complaint_claimed_by_another_worker_is_left_alone(models, make_complaint):
    enable()
    complaint = make_complaint(text=WASTE, category=None)
    Suggestion.objects.filter(complaint=complaint).update(auto_state="claimed")
    assert actions.auto_dispatch() == {}
    complaint.refresh_from_db()
    assert complaint.status == Status.BARU


# -- review ------------------------------------------------------------------------------------


def auto_dispatched(make_complaint, text=WASTE):
    enable()
    complaint = make_complaint(text=text, category=None)
    actions.auto_dispatch()
    complaint.refresh_from_db()
    event = Event.objects.get(complaint=complaint, kind=Event.Kind.DISPATCHED)
    return complaint, event


def decide(client, event, **data):
    return client.post(reverse("triage:review_decide", args=[event.pk]), data)


def test_the_review_list_shows_automatic_dispatches(models, make_complaint, mira, city):
    complaint, event = auto_dispatched(make_complaint)
    # The deadline sweep's automatic dispatches are reviewed here too.
    other = make_complaint(text="Lampu jalan mati di gang kenanga.", category=None)
    lifecycle.dispatch(other, None, lead=city["dpupr"], automatic=True)
    manual = make_complaint(text="Trotoar pecah di Jl. Ijen.", category=None)
    lifecycle.dispatch(manual, mira, lead=city["dpupr"])
    page = login(mira).get(reverse("triage:review")).content.decode()
    assert complaint.code in page and other.code in page
    assert manual.code not in page
    assert f"model v{event.data['model_version']}" in page
    assert "2 disposisi menunggu tinjauan" in page


def test_confirming_records_the_verdict(models, make_complaint, mira, city):
    complaint, event = auto_dispatched(make_complaint)
    response = decide(login(mira), event, verdict="confirm", version=complaint.version)
    assert response.status_code == 302
    review = Review.objects.get(event=event)
    assert review.verdict == Review.Verdict.CONFIRMED and review.agency == city["dlh"]
    assert review.actor == mira
    note = Event.objects.filter(complaint=complaint, kind=Event.Kind.NOTE).last()
    assert "dikonfirmasi moderator" in note.note and note.actor == mira
    assert event.pk not in actions.pending_reviews().values_list("pk", flat=True)
    # A reviewed automatic dispatch is a training label.
    assert final_agencies()[complaint.pk] == "dlh"


def test_an_unreviewed_automatic_dispatch_teaches_nothing(models, make_complaint):
    complaint, _ = auto_dispatched(make_complaint)
    assert complaint.pk not in final_agencies()


def test_correcting_records_the_right_agency_and_category(models, make_complaint, mira, city):
    complaint, event = auto_dispatched(make_complaint)
    response = decide(
        login(mira),
        event,
        verdict="correct",
        agency=city["pdam"].pk,
        category=city["water"].pk,
        note="Ini soal pipa PDAM.",
        version=complaint.version,
    )
    assert response.status_code == 302
    review = Review.objects.get(event=event)
    assert review.verdict == Review.Verdict.CORRECTED
    assert review.agency == city["pdam"] and review.category == city["water"]
    complaint.refresh_from_db()
    assert complaint.category == city["water"]
    # Auto-dispatch had set the category its model was sure of; the moderator corrects it.
    automatic = Event.objects.get(complaint=complaint, kind=Event.Kind.CORRECTED, actor=None)
    assert automatic.data["changes"]["category"] == [None, "sampah"]
    corrected = Event.objects.get(complaint=complaint, kind=Event.Kind.CORRECTED, actor=mira)
    assert corrected.data["changes"]["category"] == ["sampah", "air-pdam"]
    # Without a redispatch transition the agency is asked to return it.
    note = Event.objects.filter(complaint=complaint, kind=Event.Kind.NOTE).last()
    assert "OPD yang tepat: PDAM" in note.note and "Ini soal pipa PDAM." in note.note
    assert complaint.lead_agency == city["dlh"]
    assert final_agencies()[complaint.pk] == "pdam"


def test_correcting_uses_a_redispatch_transition_when_there_is_one(
    models, make_complaint, mira, city, monkeypatch
):
    calls = []

    def redispatch(complaint, actor, *, lead, supporting, reason, expected_version):
        calls.append((complaint.pk, actor, lead, reason, expected_version))

    monkeypatch.setattr(lifecycle, "redispatch", redispatch, raising=False)
    complaint, event = auto_dispatched(make_complaint)
    decide(login(mira), event, verdict="correct", agency=city["pdam"].pk, version=complaint.version)
    assert calls == [
        (complaint.pk, mira, city["pdam"], "Koreksi atas disposisi otomatis.", complaint.version)
    ]


def test_reviewing_twice_is_refused_clearly(models, make_complaint, mira):
    _complaint, event = auto_dispatched(make_complaint)
    client = login(mira)
    decide(client, event, verdict="confirm")
    response = decide(client, event, verdict="confirm")
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "sudah ditinjau" in page
    assert Review.objects.filter(event=event).count() == 1


def test_a_correction_must_name_something(models, make_complaint, mira):
    _complaint, event = auto_dispatched(make_complaint)
    client = login(mira)
    response = decide(client, event, verdict="correct")
    assert "Pilih OPD atau kategori yang tepat" in client.get(response["Location"]).content.decode()
    assert not Review.objects.exists()


def test_review_permissions_and_method(models, make_complaint, sekar, dewi, adi, mira):
    _complaint, event = auto_dispatched(make_complaint)
    for user in (sekar, dewi, adi):
        client = login(user)
        assert client.get(reverse("triage:review")).status_code == 403
        assert decide(client, event, verdict="confirm").status_code == 403
    assert login(mira).get(reverse("triage:review_decide", args=[event.pk])).status_code == 405
    assert not Review.objects.exists()


def test_only_automatic_dispatches_can_be_reviewed(models, complaint_in, mira):
    complaint = complaint_in(Status.DIDISPOSISIKAN)
    event = Event.objects.get(complaint=complaint, kind=Event.Kind.DISPATCHED)
    assert decide(login(mira), event, verdict="confirm").status_code == 404


def test_a_sure_category_model_sets_the_category_too(models, make_complaint, city):
    complaint, event = auto_dispatched(make_complaint)
    assert complaint.category == city["waste"]
    assert event.data["category"] == {
        "from": None,
        "to": "sampah",
        "model_version": models["category"].pk,
        "confidence": complaint.triage.category_confidence,
    }
    corrected = Event.objects.get(complaint=complaint, kind=Event.Kind.CORRECTED)
    assert corrected.actor is None and corrected.data["changes"]["category"] == [None, "sampah"]
    # The category came with its supporting agencies, as a moderator's choice would.
    assert complaint.lead_agency == city["dlh"]


def test_a_category_below_its_own_bar_is_left_alone(models, make_complaint):
    RoutingModelVersion.objects.filter(pk=models["category"].pk).update(threshold=1.01)
    complaint, event = auto_dispatched(make_complaint)
    assert complaint.category is None
    assert "category" not in event.data
    assert not Event.objects.filter(complaint=complaint, kind=Event.Kind.CORRECTED).exists()


def test_the_per_agency_guard_holds_a_blocked_agency(models, make_complaint):
    enable()
    RoutingModelVersion.objects.filter(pk=models["agency"].pk).update(
        metrics={"thresholds": {"0.97": 0.5}, "guard": {"0.97": ["dlh"]}}
    )
    complaint = make_complaint(text=WASTE, category=None)
    assert actions.auto_dispatch() == {"below": 1}
    complaint.refresh_from_db()
    assert complaint.status == Status.BARU
    assert complaint.triage.auto_note == "guard: dlh"
    version = RoutingModelVersion.objects.get(pk=models["agency"].pk)
    assert version.blocked_for(0.97) == {"dlh"}
    assert not version.is_strong(0.99, "dlh", 0.97)
    assert version.is_strong(0.99, "pdam", 0.97)
    assert not version.is_strong(0.4, "pdam", 0.97)
    assert not version.is_strong(None)
