"""The audience projections of ``core.disclosure``, one rule at a time."""

from __future__ import annotations

from decimal import Decimal

import pytest

from aduan.core import disclosure, lifecycle
from aduan.core.disclosure import Audience
from aduan.core.models import Privacy, Redaction, Status

TEXT = (
    "Saya Budi Santoso warga Kauman, hub 0812-3456-7890. Lampu jalan mati di depan rumah Pak Harjo."
)


def test_listed_public_complaint_is_masked_redacted_and_rounded(complaint_in, mira):
    c = complaint_in(
        Status.TERVERIFIKASI,
        text=TEXT,
        address="Jl. Kawi 12",
        latitude=Decimal("-7.981234"),
        longitude=Decimal("112.630987"),
    )
    Redaction.objects.create(complaint=c, text="Pak Harjo", reason="pihak ketiga", created_by=mira)
    view = disclosure.for_public(c)
    assert view.listed and view.shows_content and view.audience == Audience.PUBLIC
    assert "Budi" not in view.text and "0812" not in view.text
    assert "Harjo" not in view.text and "[disamarkan]" in view.text
    assert view.latitude == Decimal("-7.981") and view.longitude == Decimal("112.631")
    assert view.address == "Jl. Kawi 12"
    assert view.reporter is None and view.token == "" and view.actions == frozenset()


def test_anonymous_complaint_has_no_public_address(complaint_in):
    c = complaint_in(Status.TERVERIFIKASI, privacy=Privacy.ANONIM, address="Jl. Kawi 12")
    view = disclosure.for_public(c)
    assert view.listed and view.address == ""


@pytest.mark.parametrize(
    ("status", "privacy"),
    [
        (Status.BARU, Privacy.PUBLIK),
        (Status.DITOLAK, Privacy.PUBLIK),
        (Status.DIGABUNG, Privacy.PUBLIK),
        (Status.DIPROSES, Privacy.RAHASIA),
        (Status.SELESAI, Privacy.RAHASIA),
    ],
)
def test_unlisted_complaint_shows_its_status_only(complaint_in, status, privacy):
    c = complaint_in(status, privacy=privacy, text=TEXT, address="Jl. Kawi 12")
    view = disclosure.for_public(c, events=True)
    assert not view.listed and not view.shows_content
    assert view.status == status and view.status_label
    assert (view.text, view.answer, view.address, view.kelurahan, view.agency_name) == ("",) * 5
    assert view.latitude is None and view.events == () and view.photos == ()
    assert view.rejection is None


def test_public_events_carry_only_notes_written_for_the_citizen(complaint_in, city, mira, adi):
    c = complaint_in(Status.BARU, text=TEXT)
    lifecycle.verify(c, mira, note="catatan verifikasi")
    lifecycle.dispatch(c, mira, lead=city["dpupr"], note="untuk OPD saja")
    lifecycle.post_update(c, adi, note="Sudah kami survei, hubungi 0857-1122-3344.")
    lifecycle.post_update(c, adi, note="internal saja", public=False)
    lifecycle.request_info(c, adi, question="Di mana tepatnya?")
    lifecycle.provide_info(c, text="Di depan warung saya, 0813-9988-7766")
    notes = [e.note for e in disclosure.for_public(c, events=True).events]
    joined = " ".join(notes)
    assert "catatan verifikasi" not in joined and "untuk OPD" not in joined
    assert "internal saja" not in joined and "0813" not in joined and "0857" not in joined
    assert "Sudah kami survei" in joined and "Di mana tepatnya?" in joined
    kinds = [e.kind for e in disclosure.for_public(c, events=True).events]
    assert "note" not in kinds
    reporter = disclosure.for_reporter(c)
    reporter_notes = " ".join(e.note for e in reporter.events)
    assert "0813-9988-7766" in reporter_notes and "untuk OPD" not in reporter_notes
    assert all(e.by != adi.display_name for e in reporter.events)


@pytest.mark.parametrize(
    ("status", "actions"),
    [
        (Status.BARU, set()),
        (Status.MENUNGGU_INFO, {"add_info"}),
        (Status.DIPROSES, set()),
        (Status.SELESAI, {"confirm", "dispute", "rate"}),
        (Status.DITUTUP, {"rate"}),
    ],
)
def test_reporter_actions_come_from_the_transition_table(complaint_in, status, actions):
    c = complaint_in(status)
    view = disclosure.for_reporter(c)
    assert view.actions == actions
    assert view.token == c.token and view.text == c.text


def test_rated_complaint_cannot_be_rated_again(complaint_in):
    c = complaint_in(Status.SELESAI)
    lifecycle.rate(c, rating=4)
    assert "rate" not in disclosure.for_reporter(c).actions


def test_agency_staff_see_no_anonymous_reporter_even_self_named(complaint_in, adi, mira):
    c = complaint_in(Status.DIPROSES, privacy=Privacy.ANONIM, reporter_name="", text=TEXT)
    view = disclosure.for_staff(c, adi)
    assert view.audience == Audience.AGENCY and view.reporter is None
    assert "Budi" not in view.text and "0812-3456-7890" not in view.text
    assert "Lampu jalan mati" in view.text
    moderator = disclosure.for_staff(c, mira)
    assert moderator.audience == Audience.STAFF and "Budi Santoso" in moderator.text


def test_contact_only_after_the_logged_show_contact(complaint_in, mira, adi):
    c = complaint_in(Status.DIPROSES, reporter_email="budi@example.id")
    plain = disclosure.for_staff(c, adi)
    assert plain.reporter.name == "Budi Santoso" and plain.reporter.phone == ""
    shown = disclosure.for_staff(c, mira, contact_shown=True)
    assert shown.reporter.phone == "+6281234567890" and shown.reporter.email == "budi@example.id"


def test_leaders_see_no_reporter(complaint_in, sekar):
    c = complaint_in(Status.DIPROSES)
    assert disclosure.for_staff(c, sekar).reporter is None


def test_listed_queryset_and_rule_agree(complaint_in):
    made = [complaint_in(s) for s in (Status.BARU, Status.TERVERIFIKASI, Status.DITOLAK)]
    made.append(complaint_in(Status.DIPROSES, privacy=Privacy.RAHASIA))
    listed = set(disclosure.listed_complaints().values_list("pk", flat=True))
    assert {c.pk for c in made if disclosure.is_listed(c)} == listed & {c.pk for c in made}
