"""The triage pages show a complaint's summary as ``core.disclosure`` allows: a rahasia
complaint's text stays out of the lists that do not handle it (the review of automatic
dispatches, mass events, duplicate warnings), and a rejected or merged complaint cannot
be chosen as the survivor of a mass event."""

import re

import pytest
from django.urls import reverse

from aduan.core import lifecycle
from aduan.core.models import Privacy
from aduan.office.tests.conftest import login
from aduan.triage.models import MassEvent

SECRET = "Jembatan kecil di Jl. Kalimosodo retak parah, pungutan liar oleh oknum petugas."
BRIDGE = (
    "Jembatan kecil di Jl. Kalimosodo retak parah dan pagar pengamannya hilang, "
    "bahaya buat anak sekolah."
)
HERE = (-7.9770, 112.6250)


@pytest.fixture
def flood(make_complaint):
    """Five reports of one broken bridge; the first is rahasia."""
    first = make_complaint(
        text=SECRET + " " + BRIDGE,
        privacy=Privacy.RAHASIA,
        latitude=HERE[0],
        longitude=HERE[1],
    )
    rest = [
        make_complaint(
            text=(BRIDGE, "Tolong! " + BRIDGE)[i % 2],
            reporter_phone=f"+62812000001{i:02d}",
            latitude=HERE[0],
            longitude=HERE[1],
        )
        for i in range(4)
    ]
    return [first, *rest]


def _radio(html: str, code: str) -> str:
    match = re.search(rf'<input type="radio" name="survivor" value="{code}"[^>]*>', html)
    assert match, code
    return match.group(0)


def test_a_mass_event_hides_the_rahasia_text(flood, mira):
    event = MassEvent.objects.get()
    client = login(mira)
    detail = client.get(reverse("triage:mass_event", args=[event.pk])).content.decode()
    assert all(c.code in detail for c in flood)
    assert "pungutan liar" not in detail and "Rahasia" in detail
    assert "pagar pengamannya hilang" in detail
    listing = client.get(reverse("triage:mass_events")).content.decode()
    assert f"#{event.pk}" in listing and "pungutan liar" not in listing


def test_rejected_and_merged_members_cannot_be_the_survivor(flood, mira, city):
    event = MassEvent.objects.get()
    client = login(mira)
    lifecycle.reject(flood[4], mira, reason=city["spam"])
    lifecycle.merge(flood[3], mira, into=flood[1])
    detail = client.get(reverse("triage:mass_event", args=[event.pk])).content.decode()
    assert "disabled" in _radio(detail, flood[4].code)
    assert "disabled" in _radio(detail, flood[3].code)
    assert "disabled" not in _radio(detail, flood[2].code)
    assert "disabled" not in _radio(detail, flood[1].code)


def test_a_duplicate_warning_hides_the_rahasia_text(flood, mira):
    page = login(mira).get(reverse("office:complaint", args=[flood[1].code])).content.decode()
    panel = page.split('id="triase"', 1)[1]
    assert flood[0].code in panel and "Rahasia" in panel
    assert "pungutan liar" not in panel


def test_the_review_of_automatic_dispatches_hides_the_rahasia_text(make_complaint, mira, city):
    secret = make_complaint(text=SECRET, privacy=Privacy.RAHASIA)
    public = make_complaint(text=BRIDGE)
    for complaint in (secret, public):
        lifecycle.dispatch(complaint, None, lead=city["dpupr"], automatic=True)
    page = login(mira).get(reverse("triage:review")).content.decode()
    assert secret.code in page and public.code in page
    assert "pungutan liar" not in page and "pagar pengamannya hilang" in page
