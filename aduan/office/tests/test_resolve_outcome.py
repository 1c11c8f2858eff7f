"""The resolve form asks what became of the complaint (issue 16, honest outcomes)."""

import re

import pytest
from django.utils import timezone

from aduan.core import lifecycle
from aduan.core.models import Event, Outcome, Status
from aduan.office.models import ResponseTemplate

from .conftest import login, post_action

pytestmark = pytest.mark.django_db


def resolve_form(client, complaint) -> str:
    html = client.get(f"/kantor/aduan/{complaint.code}/").content.decode()
    return html.split('id="aksi-selesaikan"')[1].split("</details>")[0]


def resolved_event(complaint):
    return complaint.events.get(kind=Event.Kind.RESOLVED)


def test_the_form_asks_for_the_outcome_without_a_default(complaint_in, adi):
    form = resolve_form(login(adi), complaint_in(Status.DIPROSES))
    assert form.count('type="radio" name="outcome"') == 4
    assert "checked" not in form
    for value in ("ditangani", "dijawab", "dirujuk", "tidak_dapat"):
        assert f'value="{value}"' in form
    # No budget year yet: "planned" is not offered, and the form says how to get there.
    assert 'value="direncanakan"' not in form
    assert "Rencanakan pada tahun anggaran" in form
    assert "PLN UP3 Malang" in form  # the note's help says what to write
    assert 'name="outcome_note"' in form
    # Its behaviour is a static file: the CSP allows no inline script.
    assert 'src="/static/aduan/resolve-outcome.js"' in form
    assert "<script>" not in form


@pytest.mark.parametrize(
    "outcome,note",
    [
        (Outcome.FIXED, ""),
        (Outcome.ANSWERED, ""),
        (Outcome.REFERRED, "PLN UP3 Malang"),
        (Outcome.CANNOT_ACT, "Lahan milik pribadi, perbaikan oleh pemilik."),
    ],
)
def test_resolve_with_each_outcome(complaint_in, adi, outcome, note):
    c = complaint_in(Status.DIPROSES)
    r = post_action(
        login(adi), c, "selesaikan", answer="Jawaban.", outcome=outcome, outcome_note=note
    )
    assert r.status_code == 302
    c.refresh_from_db()
    assert (c.status, c.outcome, c.outcome_note) == (Status.SELESAI, outcome, note)
    event = resolved_event(c)
    assert event.data == {"outcome": outcome, "outcome_note": note}
    assert (event.actor, event.is_public) == (adi, True)


def test_planned_is_offered_and_accepted_once_a_budget_year_is_set(complaint_in, adi):
    c = complaint_in(Status.DIPROSES)
    year = timezone.localdate().year + 1
    lifecycle.defer_to_budget(c, adi, year=year, plan="Masuk APBD.")
    client = login(adi)
    form = resolve_form(client, c)
    assert 'value="direncanakan"' in form and f"tahun anggaran {year}" in form
    r = post_action(client, c, "selesaikan", answer="Masuk DPA.", outcome=Outcome.PLANNED)
    assert r.status_code == 302
    c.refresh_from_db()
    assert (c.status, c.outcome, c.budget_year) == (Status.SELESAI, Outcome.PLANNED, year)
    assert resolved_event(c).data["outcome"] == Outcome.PLANNED


def test_planned_without_a_budget_year_is_refused(complaint_in, adi):
    c = complaint_in(Status.DIPROSES)
    r = post_action(login(adi), c, "selesaikan", answer="Nanti.", outcome=Outcome.PLANNED)
    assert r.status_code == 400
    assert "belum punya tahun anggaran" in r.content.decode()
    c.refresh_from_db()
    assert (c.status, c.outcome) == (Status.DIPROSES, "")
    assert not c.events.filter(kind=Event.Kind.RESOLVED).exists()


@pytest.mark.parametrize(
    "outcome,error",
    [
        (Outcome.REFERRED, "Tulis nama instansi atau pihak tujuan rujukan."),
        (Outcome.CANNOT_ACT, "Tulis alasan aduan ini tidak dapat ditindaklanjuti."),
    ],
)
def test_referral_and_refusal_need_the_note(complaint_in, adi, outcome, error):
    c = complaint_in(Status.DIPROSES)
    r = post_action(
        login(adi), c, "selesaikan", answer="Jawaban.", outcome=outcome, outcome_note="   "
    )
    assert r.status_code == 400
    html = r.content.decode()
    # The error sits on the note field, where the officer types the fix.
    assert f'<p class="error" id="selesaikan-outcome_note_error">{error}</p>' in html
    c.refresh_from_db()
    assert c.status == Status.DIPROSES


def test_the_outcome_is_required(complaint_in, adi):
    c = complaint_in(Status.DIPROSES)
    r = post_action(login(adi), c, "selesaikan", answer="Jawaban.")
    assert r.status_code == 400
    assert '<p class="error" id="selesaikan-outcome_error">Pilih hasil tindak lanjut.</p>' in (
        r.content.decode()
    )
    r = post_action(login(adi), c, "selesaikan", answer="Jawaban.", outcome="beres")
    assert r.status_code == 400
    c.refresh_from_db()
    assert c.status == Status.DIPROSES


def test_a_filled_form_keeps_the_choice_after_an_error(complaint_in, adi):
    c = complaint_in(Status.DIPROSES)
    r = post_action(login(adi), c, "selesaikan", answer="", outcome=Outcome.REFERRED)
    assert r.status_code == 400
    checked = re.findall(
        r'<input type="radio" name="outcome" value="(\w+)"[^>]* checked>', r.content.decode()
    )
    assert checked == ["dirujuk"]


def test_other_agency_and_read_only_roles_cannot_resolve(complaint_in, dewi, sekar):
    c = complaint_in(Status.DIPROSES)
    data = {"answer": "Jawaban.", "outcome": Outcome.REFERRED, "outcome_note": "PLN"}
    assert post_action(login(dewi), c, "selesaikan", **data).status_code == 404
    assert post_action(login(sekar), c, "selesaikan", **data).status_code == 403
    c.refresh_from_db()
    assert (c.status, c.outcome) == (Status.DIPROSES, "")


def test_a_response_template_still_fills_the_answer(complaint_in, adi, city):
    c = complaint_in(Status.DIPROSES)
    t = ResponseTemplate.objects.create(
        agency=city["dpupr"], title="Rujuk PLN", body="Aduan {kode} kami rujuk ke PLN."
    )
    client = login(adi)
    html = client.get(f"/kantor/aduan/{c.code}/?templat={t.pk}").content.decode()
    form = html.split('id="aksi-selesaikan"')[1].split("</details>")[0]
    assert f"Aduan {c.code} kami rujuk ke PLN." in form
    assert 'name="outcome"' in form
    r = post_action(
        client,
        c,
        "selesaikan",
        answer=f"Aduan {c.code} kami rujuk ke PLN.",
        outcome=Outcome.REFERRED,
        outcome_note="PLN UP3 Malang",
    )
    assert r.status_code == 302
    c.refresh_from_db()
    assert (c.outcome, c.outcome_note) == (Outcome.REFERRED, "PLN UP3 Malang")
