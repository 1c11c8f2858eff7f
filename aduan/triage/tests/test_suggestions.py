"""The after-transition subscriber: suggestions after filing, correction and return commit;
filing never breaks."""

import logging

from aduan.core import lifecycle
from aduan.core.models import Complaint, Status
from aduan.lib.routing import RoutingModel
from aduan.triage.models import Suggestion, Target

from .conftest import ROAD, WASTE


def test_filing_creates_a_suggestion_with_route_and_reasons(models, make_complaint, city):
    complaint = make_complaint(text=WASTE, category=None)
    s = Suggestion.objects.get(complaint=complaint)
    assert s.agency == city["dlh"]
    assert s.agency_label == "dlh"
    assert 0.5 < s.agency_confidence <= 1.0
    assert s.agency_version == models["agency"]
    assert s.category == city["waste"]
    assert s.category_version == models["category"]
    assert any("sampah" in reason for reason in s.agency_reasons)
    assert {a["label"] for a in s.agency_alternatives} == {"dpuprpkp", "pdam"}
    assert s.spam_label == "ok" and not s.abusive


def test_the_category_filed_counts_as_a_reason_in_indonesian(models, make_complaint, city):
    complaint = make_complaint(text=ROAD, category=city["roads"])
    s = complaint.triage
    assert s.agency == city["dpupr"]
    assert not any(reason.startswith("category:") for reason in s.agency_reasons)


def test_filing_works_without_a_model(make_complaint, city):
    complaint = make_complaint(
        text="Saya Budi, NIK 3573010101900001, hp 081234567890: sampah menumpuk.",
        category=None,
    )
    s = Suggestion.objects.get(complaint=complaint)
    assert s.agency is None and s.agency_version is None and s.agency_label == ""
    assert {"nik", "phone"} <= set(s.pii_kinds)
    assert complaint.status == Status.BARU


def test_filing_works_with_a_broken_model(install_model, make_complaint, caplog):
    install_model(Target.AGENCY, blob=b"not a model at all")
    with caplog.at_level(logging.ERROR, logger="aduan.triage"):
        complaint = make_complaint(text=WASTE, category=None)
    assert Complaint.objects.filter(pk=complaint.pk).exists()
    s = complaint.triage
    assert s.agency is None and s.agency_version is None
    assert "cannot be loaded" in caplog.text


def test_filing_works_when_prediction_raises(models, make_complaint, monkeypatch, caplog):
    def explode(self, *args, **kwargs):
        raise RuntimeError("model exploded")

    monkeypatch.setattr(RoutingModel, "predict", explode)
    with caplog.at_level(logging.ERROR, logger="aduan.triage"):
        complaint = make_complaint(text=WASTE, category=None)
    assert complaint.code and complaint.triage.agency is None
    # Screening still ran.
    assert complaint.triage.spam_label == "ok"
    assert "model exploded" in caplog.text


def test_filing_works_when_triage_itself_fails(make_complaint, monkeypatch, caplog):
    from aduan.triage import suggest

    def explode(*args, **kwargs):
        raise RuntimeError("triage down")

    monkeypatch.setattr(suggest, "compute", explode)
    with caplog.at_level(logging.ERROR, logger="aduan.triage"):
        complaint = make_complaint(text=WASTE)
    assert Complaint.objects.get(pk=complaint.pk).status == Status.BARU
    assert not Suggestion.objects.filter(complaint=complaint).exists()
    assert "triage down" in caplog.text


def test_a_correction_recomputes_the_suggestion_after_its_commit(
    models, make_complaint, mira, city, committed
):
    complaint = make_complaint(text=WASTE, category=None)
    first = complaint.triage.computed_at
    with committed():
        lifecycle.correct(complaint, mira, category=city["waste"])
        # Not inside the moderator's transaction: the row lock is not held for inference.
        assert Suggestion.objects.get(complaint=complaint).computed_at == first
    s = Suggestion.objects.get(complaint=complaint)
    assert s.computed_at > first
    assert s.agency == city["dlh"]


def test_a_returned_complaint_is_not_suggested_to_the_agency_that_returned_it(
    models, make_complaint, mira, dewi, city, committed
):
    complaint = make_complaint(text=WASTE, category=None)
    assert complaint.triage.agency == city["dlh"]
    lifecycle.dispatch(complaint, mira, lead=city["dlh"])
    with committed():
        lifecycle.return_dispatch(complaint, dewi, reason="Bukan wewenang kami.")
    s = Suggestion.objects.get(complaint=complaint)
    assert s.agency is not None and s.agency != city["dlh"]


def test_spam_and_abuse_are_assessed_never_rejected(make_complaint):
    complaint = make_complaint(
        text="PROMO SLOT GACOR hari ini!!! daftar sekarang bonus 100% klik bit.ly/gacor88 "
        "WA 081234567890 dijamin maxwin",
        category=None,
    )
    s = complaint.triage
    assert s.spam_label in ("spam", "suspect") and s.spam_reasons
    complaint.refresh_from_db()
    assert complaint.status == Status.BARU


def test_the_same_sender_repeating_itself_counts(make_complaint):
    text = "Tolong cek lampu jalan di gang melati, mati total sejak minggu lalu."
    for _ in range(3):
        last = make_complaint(text=text, reporter_phone="+6281111111111")
    assert "sudah dikirim 2 kali oleh pengirim ini" in " ".join(last.triage.spam_reasons)
    assert last.triage.spam_label != "ok"
