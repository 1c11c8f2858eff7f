"""Fixtures of the reports tests: a period of history walked through the real lifecycle.

``history`` back-dates every transition into September–October 2026 (the evaluation
period "2026-09"), with one complaint in November outside it, so that the deadline
clock, the stage records and the event log hold what the system would have written.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from aduan.core import lifecycle
from aduan.core.models import Kind, Outcome, Privacy, Role
from aduan.deadlines import store
from aduan.reports import aggregation
from aduan.reports.records import Sanction
from conftest import _user

from .sanction_fixtures import SEP, judged, step

WIB = ZoneInfo("Asia/Jakarta")

# Personal data seeded into complaint text: none of it may reach a public page.
NAME = "Sutrisno Wibowo"
PHONE = "081234567890"
NIK = "3573012505800003"
EMAIL = "sutrisno.wibowo@contoh.id"
PLATE = "N 4821 AG"
SECRET_TEXT = "Pungutan liar oleh oknum di kantor kelurahan, mohon dirahasiakan."
ANON_NAME = "Rahmawati Kusuma"


def wib(*args) -> datetime:
    return datetime(*args, tzinfo=WIB)


@pytest.fixture(autouse=True)
def fresh_policy():
    store.invalidate()
    yield
    store.invalidate()


@pytest.fixture
def pii_text():
    return (
        f"Nama saya {NAME}, NIK {NIK}, HP {PHONE}, email {EMAIL}. "
        f"Mobil plat {PLATE} parkir di trotoar Jalan Kawi setiap hari."
    )


@pytest.fixture
def history(city, mira, adi, dewi, make_complaint, pii_text):
    """Ten complaints with every path the reports count; returns them by name."""
    made = {}

    def new(name, at, **fields):
        made[name] = make_complaint(at=at, **fields)
        return made[name]

    # On time all the way, rated 5.
    c = new("quick", wib(2026, 9, 1, 9), text=pii_text, reporter_name=NAME)
    lifecycle.dispatch(c, mira, lead=city["dpupr"], at=wib(2026, 9, 1, 10))
    lifecycle.acknowledge(c, adi, at=wib(2026, 9, 1, 11))
    lifecycle.resolve(
        c, adi, answer=f"Sudah ditertibkan, {NAME} terima kasih.", at=wib(2026, 9, 3, 10)
    )
    lifecycle.rate(c, rating=5, at=wib(2026, 9, 4, 8))
    # Late response and resolution, disputed, answered again, rated 2.
    c = new("slow", wib(2026, 9, 2, 9))
    lifecycle.dispatch(c, mira, lead=city["dpupr"], at=wib(2026, 9, 2, 10))
    lifecycle.acknowledge(c, adi, at=wib(2026, 9, 8, 10))
    lifecycle.resolve(c, adi, answer="Sudah ditambal.", at=wib(2026, 9, 21, 10))
    lifecycle.dispute(c, reason="Belum, masih berlubang.", at=wib(2026, 9, 22, 9))
    lifecycle.acknowledge(c, adi, at=wib(2026, 9, 22, 10))
    lifecycle.resolve(c, adi, answer="Sudah diaspal ulang.", at=wib(2026, 9, 23, 10))
    lifecycle.rate(c, rating=2, comment="Lama sekali.", at=wib(2026, 9, 24, 10))
    # Never answered by DLH.
    c = new("ignored", wib(2026, 9, 3, 9), category=city["waste"], text="Sampah menumpuk di TPS.")
    lifecycle.dispatch(c, mira, lead=city["dlh"], at=wib(2026, 9, 3, 10))
    # Planned for next year's budget.
    c = new("budget", wib(2026, 9, 10, 9), text="Jalan kampung perlu dicor ulang.")
    lifecycle.dispatch(c, mira, lead=city["dpupr"], at=wib(2026, 9, 10, 10))
    lifecycle.acknowledge(c, adi, at=wib(2026, 9, 10, 11))
    lifecycle.defer_to_budget(c, adi, year=2027, plan="Masuk APBD 2027.", at=wib(2026, 9, 15, 10))
    # Confidential, handled on time.
    c = new("secret", wib(2026, 9, 5, 9), privacy=Privacy.RAHASIA, text=SECRET_TEXT)
    lifecycle.dispatch(c, mira, lead=city["dpupr"], at=wib(2026, 9, 7, 8))
    lifecycle.acknowledge(c, adi, at=wib(2026, 9, 7, 9))
    lifecycle.resolve(c, adi, answer="Sudah ditindaklanjuti inspektorat.", at=wib(2026, 9, 8, 9))
    # Anonymous question answered by a moderator.
    c = new(
        "anon",
        wib(2026, 9, 6, 9),
        privacy=Privacy.ANONIM,
        kind=Kind.INFORMASI,
        category=None,
        reporter_name=ANON_NAME,
        text=f"Saya {ANON_NAME}, kapan jadwal pengambilan sampah di Gadang?",
        kelurahan=city["gadang"],
    )
    lifecycle.answer_directly(c, mira, answer="Setiap Senin dan Kamis pagi.", at=wib(2026, 9, 7, 9))
    # Still with the moderators when the period ends.
    new("waiting", wib(2026, 10, 30, 9), text="Lampu jalan mati di Jalan Ijen.")
    # Returned by DPUPR, re-dispatched to DLH, answered as referred.
    c = new(
        "returned",
        wib(2026, 9, 7, 9),
        text="Pohon tumbang menutup saluran.",
        latitude="-7.980123",
        longitude="112.627456",
    )
    lifecycle.dispatch(c, mira, lead=city["dpupr"], at=wib(2026, 9, 7, 10))
    lifecycle.return_dispatch(c, adi, reason="Bukan wewenang kami.", at=wib(2026, 9, 9, 10))
    lifecycle.dispatch(c, mira, lead=city["dlh"], at=wib(2026, 9, 10, 10))
    lifecycle.acknowledge(c, dewi, at=wib(2026, 9, 10, 11))
    lifecycle.resolve(
        c,
        dewi,
        answer="Dirujuk ke PLN untuk kabelnya.",
        outcome=Outcome.REFERRED,
        outcome_note="PLN UP3 Malang",
        at=wib(2026, 10, 1, 10),
    )
    # Rejected as spam.
    c = new("spam", wib(2026, 9, 8, 9), text="Jual pulsa murah hubungi 081399998888")
    lifecycle.reject(c, mira, reason=city["spam"], at=wib(2026, 9, 8, 10))
    # After the period.
    c = new(
        "november",
        wib(2026, 11, 2, 9),
        text="Saluran air tersumbat di Sukun.",
        kelurahan=city["gadang"],
    )
    lifecycle.dispatch(c, mira, lead=city["dpupr"], at=wib(2026, 11, 2, 10))
    lifecycle.acknowledge(c, adi, at=wib(2026, 11, 2, 11))
    lifecycle.resolve(c, adi, answer="Sudah dibersihkan.", at=wib(2026, 11, 3, 10))
    return made


@pytest.fixture
def aggregated(history):
    """The history with the aggregation job run over it."""
    aggregation.run()
    return history


# -- the sanction records -------------------------------------------------------------


@pytest.fixture
def scores(city):
    """September–October 2026: DPUPR slow, DLH and PDAM fast, Diskominfo too small."""
    judged(city["dpupr"], SEP, 100, 500)
    judged(city["dlh"], SEP, 480, 500)
    judged(city["pdam"], SEP, 480, 500)
    judged(city["kominfo"], SEP, 0, 3)
    return city


@pytest.fixture
def record(city):
    """A DPUPR record of teguran pertama for September–October 2026, in any state."""
    state_of = Sanction.State

    def make(state=state_of.PROPOSED, code="teguran-pertama", agency="dpupr"):
        level = step(code)
        decided = state != state_of.PROPOSED
        return Sanction.objects.create(
            agency=city[agency],
            period=SEP.code,
            state=state,
            proposed_level=level,
            level=level if decided else None,
            score="0.219",
            judged=500,
            reasons="Skor di bawah batas.",
            proposed_at=timezone.now(),
            letter_title="Surat" if state not in ("diusulkan", "disetujui") else "",
            letter_text="Isi surat" if state not in ("diusulkan", "disetujui") else "",
        )

    return make


@pytest.fixture
def head_of_dlh(city):
    return _user("hendra", Role.KEPALA_OPD, city["dlh"])
