"""Every transition from every status: legal ones succeed and write their event,
illegal ones raise a clear error and change nothing."""

import pytest
from django.db import transaction
from django.utils import timezone

from aduan.core import effects, lifecycle
from aduan.core.models import Complaint, Event, OutboundMessage, Status


def _call(name, c, city, mira, adi, make_complaint):
    year = timezone.localdate().year + 1
    calls = {
        "verify": lambda: lifecycle.verify(c, mira),
        "dispatch": lambda: lifecycle.dispatch(c, mira, lead=city["dpupr"]),
        "acknowledge": lambda: lifecycle.acknowledge(c, adi),
        "post_update": lambda: lifecycle.post_update(c, adi, note="Survei lokasi dijadwalkan."),
        "request_info": lambda: lifecycle.request_info(c, adi, question="Nomor rumah terdekat?"),
        "provide_info": lambda: lifecycle.provide_info(c, text="Depan rumah nomor 12."),
        "add_info": lambda: lifecycle.add_info(c, text="Lubangnya makin lebar sejak kemarin."),
        "return_dispatch": lambda: lifecycle.return_dispatch(c, adi, reason="Jalan provinsi."),
        "defer_to_budget": lambda: lifecycle.defer_to_budget(c, adi, year=year, plan="APBD."),
        "resolve": lambda: lifecycle.resolve(c, adi, answer="Sudah ditambal."),
        "answer_directly": lambda: lifecycle.answer_directly(c, mira, answer="Buka jam 8."),
        "confirm": lambda: lifecycle.confirm(c),
        "dispute": lambda: lifecycle.dispute(c, reason="Masih berlubang."),
        "close": lambda: lifecycle.close(c, automatic=True),
        "reject": lambda: lifecycle.reject(c, mira, reason=city["spam"]),
        "merge": lambda: lifecycle.merge(c, mira, into=make_complaint()),
        "rate": lambda: lifecycle.rate(c, rating=4),
    }
    return calls[name]()


CASES = [(name, status) for name in lifecycle.TRANSITIONS for status in Status]


@pytest.mark.parametrize(("name", "status"), CASES)
def test_transition_matrix(name, status, complaint_in, city, mira, adi, make_complaint):
    c = complaint_in(status)
    before_events = c.events.count()
    before_version = c.version
    legal = status in lifecycle.TRANSITIONS[name].sources
    if name == "add_info" and status == Status.MENUNGGU_INFO:
        legal = True  # answers the question: provide_info, which resumes the clock
    if legal:
        event = _call(name, c, city, mira, adi, make_complaint)
        c.refresh_from_db()
        assert c.events.count() == before_events + 1
        assert event.from_status == status
        assert event.to_status == c.status
        assert c.version == before_version + 1
        target = lifecycle.TRANSITIONS[name].target
        if target is not None:
            assert c.status == target
    else:
        with pytest.raises(lifecycle.IllegalTransition) as info:
            _call(name, c, city, mira, adi, make_complaint)
        assert "tidak dapat dilakukan" in info.value.message
        c.refresh_from_db()
        assert c.status == status
        assert c.version == before_version
        assert c.events.count() == before_events


def test_create_writes_event_code_and_reporter_message(make_complaint):
    c = make_complaint()
    assert c.status == Status.BARU
    local = timezone.localtime(c.received_at)
    assert c.code == f"ADU-{local:%y%m}-0001"
    event = c.events.get()
    assert event.kind == Event.Kind.CREATED and event.is_public
    message = OutboundMessage.objects.get(complaint=c)
    assert message.channel == "sms" and message.recipient == "+6281234567890"
    assert c.code in message.body and c.token in message.body


def test_codes_are_sequential_per_month(make_complaint):
    first = make_complaint()
    second = make_complaint()
    assert int(second.code[-4:]) == int(first.code[-4:]) + 1
    older = make_complaint(at=timezone.now() - timezone.timedelta(days=62))
    assert older.code[4:8] != first.code[4:8]
    assert older.code.endswith("-0001")


def test_retried_submission_creates_no_duplicate(city):
    kwargs = {"text": "Sampah menumpuk di pinggir jalan.", "channel": "web", "submission_key": "k1"}
    first, created = lifecycle.create_complaint(**kwargs)
    again, created_again = lifecycle.create_complaint(**kwargs)
    assert created and not created_again
    assert first.pk == again.pk
    assert Complaint.objects.count() == 1


def test_empty_text_refused(city):
    with pytest.raises(lifecycle.TransitionError):
        lifecycle.create_complaint(text="   ", channel="web")
    assert not Complaint.objects.exists()


def test_stale_version_is_refused(complaint_in, adi):
    c = complaint_in(Status.DIDISPOSISIKAN)
    seen = c.version
    lifecycle.acknowledge(c, adi, expected_version=seen)
    with pytest.raises(lifecycle.StaleComplaint) as info:
        lifecycle.post_update(c, adi, note="Kedua", expected_version=seen)
    assert c.code in info.value.message
    assert not c.events.filter(note="Kedua").exists()


def test_dispatch_with_supporting_agencies(make_complaint, city, mira):
    c = make_complaint()
    event = lifecycle.dispatch(c, mira, lead=city["dpupr"], supporting=[city["dlh"], city["dpupr"]])
    assert c.lead_agency == city["dpupr"]
    assert list(c.supporting_agencies.all()) == [city["dlh"]]
    assert event.data["supporting"] == ["dlh"]
    assert "DPUPRPKP, DLH" in event.data["agencies"]
    assert c.verified_at is not None and c.dispatched_at is not None


def test_request_info_pauses_and_resumes_to_previous_status(complaint_in, adi):
    c = complaint_in(Status.DIPROSES)
    lifecycle.request_info(c, adi, question="Foto lokasi?")
    assert c.status == Status.MENUNGGU_INFO and c.resume_status == Status.DIPROSES
    lifecycle.provide_info(c, text="Ini fotonya, depan toko.")
    assert c.status == Status.DIPROSES and c.resume_status == ""
    assert c.events.filter(kind=Event.Kind.INFO_PROVIDED, actor__isnull=True).exists()


def test_first_update_of_dispatched_complaint_is_first_response(complaint_in, adi):
    c = complaint_in(Status.DIDISPOSISIKAN)
    lifecycle.post_update(c, adi, note="Tim sudah dijadwalkan.")
    assert c.status == Status.DIPROSES and c.first_response_at is not None


def test_internal_note_does_not_change_status_or_notify(complaint_in, adi):
    c = complaint_in(Status.DIDISPOSISIKAN)
    sent = OutboundMessage.objects.count()
    event = lifecycle.post_update(c, adi, note="Koordinasi internal.", public=False)
    assert c.status == Status.DIDISPOSISIKAN and not event.is_public
    assert OutboundMessage.objects.count() == sent


def test_return_goes_back_to_moderators_flagged(complaint_in, adi):
    c = complaint_in(Status.DIDISPOSISIKAN)
    event = lifecycle.return_dispatch(c, adi, reason="Ini jalan provinsi.")
    assert c.status == Status.TERVERIFIKASI and c.returned and c.lead_agency is None
    assert event.data["agency"] == "dpuprpkp" and not event.is_public


def test_dispute_reopens_with_the_agency(complaint_in):
    c = complaint_in(Status.SELESAI)
    lifecycle.dispute(c, reason="Lubangnya muncul lagi.")
    assert c.status == Status.DIDISPOSISIKAN and c.reopen_count == 1 and c.answered_at is None


def test_defer_year_must_be_plausible(complaint_in, adi):
    c = complaint_in(Status.DIPROSES)
    with pytest.raises(lifecycle.TransitionError):
        lifecycle.defer_to_budget(c, adi, year=1999, plan="x")
    assert c.status == Status.DIPROSES


def test_reject_tells_reporter_reason_and_referral(complaint_in, city, mira):
    c = complaint_in(Status.BARU)
    lifecycle.reject(c, mira, reason=city["not_city"])
    body = OutboundMessage.objects.filter(complaint=c).latest("id").body
    assert "Bukan kewenangan Pemkot" in body and "PLN UP3 Malang" in body


def test_merge_points_reporter_to_survivor(complaint_in, make_complaint, mira):
    survivor = make_complaint()
    c = complaint_in(Status.BARU)
    lifecycle.merge(c, mira, into=survivor)
    assert c.merged_into == survivor and c.status == Status.DIGABUNG
    assert survivor.code in OutboundMessage.objects.filter(complaint=c).latest("id").body
    assert survivor.events.filter(data__merged=c.code).exists()
    with pytest.raises(lifecycle.TransitionError):
        lifecycle.merge(survivor, mira, into=survivor)


def test_correct_logs_changes_and_requires_reason_for_privacy(complaint_in, city, mira):
    c = complaint_in(Status.BARU)
    with pytest.raises(lifecycle.TransitionError):
        lifecycle.correct(c, mira, privacy="rahasia")
    event = lifecycle.correct(
        c, mira, privacy="rahasia", category=city["waste"], reason="Data pribadi"
    )
    assert event.data["changes"]["privacy"] == ["publik", "rahasia"]
    assert event.data["changes"]["category"] == ["jalan-rusak", "sampah"]
    assert event.actor == mira and not event.is_public
    with pytest.raises(lifecycle.TransitionError):
        lifecycle.correct(c, mira, privacy="rahasia", reason="lagi")


def test_rating_once_and_in_range(complaint_in):
    c = complaint_in(Status.SELESAI)
    with pytest.raises(lifecycle.TransitionError):
        lifecycle.rate(c, rating=6)
    lifecycle.rate(c, rating=5, comment="Cepat")
    assert c.rating == 5
    with pytest.raises(lifecycle.TransitionError):
        lifecycle.rate(c, rating=4)


def test_the_after_transition_step_runs_inside_the_transaction(make_complaint, mira, city):
    seen = []

    def subscriber(complaint, event):
        # The event is already saved and the caller's complaint already shows the change.
        assert event.pk and complaint.status == event.to_status
        seen.append((event.kind, transaction.get_connection().savepoint_ids[:]))

    with effects.extra_subscriber(subscriber):
        c = make_complaint()
        outer = transaction.get_connection().savepoint_ids[:]
        lifecycle.dispatch(c, mira, lead=city["dpupr"])
    assert [kind for kind, _ in seen] == [Event.Kind.CREATED, Event.Kind.DISPATCHED]
    # One savepoint deeper than the test's own transaction: the transition's atomic block.
    assert all(len(points) > len(outer) for _, points in seen)


def test_a_failing_subscriber_rolls_the_change_back(complaint_in, mira, city):
    c = complaint_in(Status.BARU)

    def explode(complaint, event):
        raise RuntimeError("subscriber down")

    with effects.extra_subscriber(explode), pytest.raises(RuntimeError):
        lifecycle.dispatch(c, mira, lead=city["dpupr"])
    c.refresh_from_db()
    assert c.status == Status.BARU and not c.events.filter(kind=Event.Kind.DISPATCHED).exists()


def test_a_stale_correction_says_so_like_any_other_change(complaint_in, mira, city):
    c = complaint_in(Status.BARU)
    seen = c.version
    lifecycle.verify(c, mira)
    with pytest.raises(lifecycle.StaleComplaint) as info:
        lifecycle.correct(c, mira, category=city["waste"], expected_version=seen)
    assert "Periksa keadaan terbarunya" in info.value.message
    assert not c.events.filter(kind=Event.Kind.CORRECTED).exists()


def test_allowed_transitions_lists_legal_names():
    assert "dispatch" in lifecycle.allowed_transitions(Status.BARU)
    assert "resolve" not in lifecycle.allowed_transitions(Status.BARU)
    assert lifecycle.allowed_transitions(Status.DITOLAK) == []


def test_reporters_of_merged_complaints_hear_the_survivors_answer(
    complaint_in, make_complaint, mira, adi, city
):
    survivor = make_complaint(reporter_phone="+6281111111111")
    follower = make_complaint(reporter_phone="+6282222222222")
    same_number = make_complaint(reporter_phone="+6281111111111")
    lifecycle.merge(follower, mira, into=survivor)
    lifecycle.merge(same_number, mira, into=survivor)
    lifecycle.dispatch(survivor, mira, lead=city["dpupr"])
    lifecycle.acknowledge(survivor, adi)
    lifecycle.resolve(survivor, adi, answer="Jembatan sudah diperbaiki.")
    answers = OutboundMessage.objects.filter(body__contains="Jembatan sudah diperbaiki")
    assert sorted(m.recipient for m in answers) == ["+6281111111111", "+6282222222222"]
