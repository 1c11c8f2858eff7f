"""A suggestion below automatic dispatch's bar is a hint: shown with that bar, never with a
one-click accept; at or above it, the moderator may accept it in one click."""

import pytest
from django.urls import reverse

from aduan.office.tests.conftest import login
from aduan.triage.models import RoutingModelVersion, Suggestion, Target, TriageSettings


@pytest.fixture
def version(db):
    # The bar for the default 97% target is the version's own threshold; 0.99 has another.
    return RoutingModelVersion.objects.create(
        target=Target.AGENCY,
        source="test",
        n_train=10,
        metrics={"thresholds": {"0.97": 0.9, "0.99": 0.96}},
        precision_target=0.97,
        threshold=0.9,
        blob=b"not a model: nothing is predicted here",
    )


def suggested(complaint, agency, version, confidence):
    Suggestion.objects.update_or_create(
        complaint=complaint,
        defaults={
            "agency": agency,
            "agency_label": agency.code,
            "agency_confidence": confidence,
            "agency_version": version,
        },
    )
    return complaint


def accept_url(complaint):
    return reverse("triage:accept", args=[complaint.code])


def test_the_queue_offers_one_click_only_above_the_bar(make_complaint, city, version, mira):
    strong = suggested(make_complaint(text="Jalan berlubang"), city["dpupr"], version, 0.95)
    weak = suggested(make_complaint(text="Sampah di sungai"), city["dlh"], version, 0.62)
    page = login(mira).get(reverse("office:queue")).content.decode()
    assert accept_url(strong) in page
    assert accept_url(weak) not in page
    assert "Petunjuk" in page and "di bawah ambang 90%" in page


def test_the_bar_follows_the_precision_target(make_complaint, city, version, mira):
    complaint = suggested(make_complaint(), city["dpupr"], version, 0.95)
    TriageSettings.objects.update_or_create(pk=1, defaults={"precision_target": 0.99})
    page = login(mira).get(reverse("office:queue")).content.decode()
    assert accept_url(complaint) not in page
    assert "di bawah ambang 96%" in page


def test_the_complaint_page_shows_a_weak_suggestion_as_a_hint(make_complaint, city, version, mira):
    weak = suggested(make_complaint(), city["dpupr"], version, 0.5)
    page = login(mira).get(reverse("office:complaint", args=[weak.code])).content.decode()
    assert "Petunjuk OPD" in page
    assert "Keyakinan di bawah ambang 90%: hanya petunjuk." in page
    assert f'action="{accept_url(weak)}"' not in page
    strong = suggested(make_complaint(), city["dpupr"], version, 0.93)
    page = login(mira).get(reverse("office:complaint", args=[strong.code])).content.decode()
    assert "Saran OPD" in page
    assert f'action="{accept_url(strong)}"' in page


def test_without_any_bar_every_suggestion_is_a_hint(make_complaint, city, version, mira):
    # A target stricter than any stored one: automatic dispatch never happens, nor one click.
    TriageSettings.objects.update_or_create(pk=1, defaults={"precision_target": 0.999})
    complaint = suggested(make_complaint(), city["dpupr"], version, 0.99)
    page = login(mira).get(reverse("office:queue")).content.decode()
    assert accept_url(complaint) not in page
    assert "belum ada ambang untuk saran satu klik" in page
