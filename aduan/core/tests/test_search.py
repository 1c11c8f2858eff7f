"""Staff search: full text through a GIN index on PostgreSQL, a substring match on SQLite."""

from __future__ import annotations

import pytest
from django.db import connection

from aduan.core.models import Complaint, text_search
from aduan.office.filters import search

postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL search")


def _found(query: str) -> set[str]:
    return set(Complaint.objects.filter(search(query)).values_list("code", flat=True))


@pytest.fixture
def three(make_complaint):
    return [
        make_complaint(text="Lampu penerangan jalan mati di gang Kawi sejak kemarin malam."),
        make_complaint(
            text="Sampah menumpuk di pasar Oro-oro Dowo, bau sekali.", address="Café Ijen"
        ),
        make_complaint(text="Jalan berlubang besar di depan sekolah, membahayakan pengendara."),
    ]


def test_a_word_finds_the_complaints_holding_it(three):
    lamp, waste, road = three
    assert _found("jalan") == {lamp.code, road.code}
    assert _found("pasar") == {waste.code}
    assert _found("kereta") == set()


@postgresql
def test_postgresql_finds_complaints_holding_every_word(three):
    lamp, _waste, road = three
    assert _found("lampu jalan") == {lamp.code}
    assert _found("jalan sekolah") == {road.code}
    assert _found("lampu sekolah") == set()


def test_a_full_code_finds_its_complaint(three):
    assert _found(three[1].code.lower()) == {three[1].code}


@postgresql
def test_postgresql_matches_word_starts_accents_and_code_parts(three):
    lamp, waste, road = three
    assert _found("lamp") == {lamp.code}
    assert _found("cafe") == {waste.code}
    number = road.code.rsplit("-", 1)[1]
    assert road.code in _found(number)


@postgresql
def test_postgresql_search_uses_the_gin_index(db):
    # A tiny table may be scanned anyway; forbid that to see that the index can answer.
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = Complaint.objects.filter(text_search("lampu jalan")).explain()
    assert "complaint_fts" in plan


@pytest.mark.skipif(connection.vendor == "postgresql", reason="SQLite fallback")
def test_sqlite_has_no_full_text_and_falls_back(three):
    assert text_search("lampu") is None
    assert _found("lampu jalan") == set()  # a substring, not words
    assert _found("Oro-oro") == {three[1].code}
