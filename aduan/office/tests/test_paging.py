"""Keyset pagination: every row exactly once, in order, both ways, with nulls and ties."""

import itertools
import random
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from aduan.core.models import Complaint
from aduan.office.filters import BY_DEADLINE, NEWEST_FIRST
from aduan.office.paging import bounded_count, paginate

pytestmark = pytest.mark.django_db


@pytest.fixture
def rows(make_complaint):
    rng = random.Random(7)
    base = timezone.now().replace(microsecond=0)
    made = [make_complaint(at=base - timedelta(minutes=rng.choice([0, 1, 2]))) for _ in range(17)]
    for c in made:
        # Few distinct deadlines and many nulls: ties everywhere.
        due = rng.choice([None, None, base, base + timedelta(hours=1)])
        Complaint.objects.filter(pk=c.pk).update(due_at=due)
    return list(Complaint.objects.all())


def expected_by_deadline(rows):
    far = timezone.now() + timedelta(days=99999)
    return [
        c.pk
        for c in sorted(
            rows, key=lambda c: (c.due_at is None, c.due_at or far, c.received_at, c.pk)
        )
    ]


def walk(keys, size):
    pages, cursor = [], ""
    while True:
        page = paginate(Complaint.objects.all(), keys, after=cursor, size=size)
        pages.append(page)
        if not page.next_cursor:
            return pages
        cursor = page.next_cursor


@pytest.mark.parametrize("size", [1, 4, 5, 17, 50])
def test_forward_walk_matches_full_sort(rows, size):
    pages = walk(BY_DEADLINE, size)
    assert [c.pk for p in pages for c in p.rows] == expected_by_deadline(rows)
    assert pages[0].prev_cursor is None


@pytest.mark.parametrize("size", [3, 4])
def test_backward_walk_returns_the_same_pages(rows, size):
    pages = walk(BY_DEADLINE, size)
    for earlier, later in itertools.pairwise(pages):
        back = paginate(Complaint.objects.all(), BY_DEADLINE, before=later.prev_cursor, size=size)
        assert [c.pk for c in back.rows] == [c.pk for c in earlier.rows]


def test_newest_first(rows):
    pages = walk(NEWEST_FIRST, 4)
    got = [c.pk for p in pages for c in p.rows]
    assert got == [c.pk for c in sorted(rows, key=lambda c: (c.received_at, c.pk), reverse=True)]


def test_a_page_is_one_query_without_count(rows):
    cursor = walk(BY_DEADLINE, 5)[1].next_cursor
    with CaptureQueriesContext(connection) as queries:
        paginate(Complaint.objects.all(), BY_DEADLINE, after=cursor, size=5)
    assert len(queries) == 1
    sql = queries[0]["sql"].upper()
    assert "COUNT(" not in sql and "OFFSET" not in sql
    assert "LIMIT 6" in sql


def test_bounded_count(rows):
    assert bounded_count(Complaint.objects.all(), limit=5) == (5, True)
    assert bounded_count(Complaint.objects.all(), limit=17) == (17, False)
    with CaptureQueriesContext(connection) as queries:
        bounded_count(Complaint.objects.all(), limit=5)
    assert "LIMIT 6" in queries[0]["sql"].upper()


@pytest.mark.parametrize(
    "cursor", ["", "x", "W10", "WzEsMiwzXQ", "WyJub3QtYS1kYXRlIiwgbnVsbCwgMV0"]
)
def test_bad_cursor_is_first_page(rows, cursor):
    page = paginate(Complaint.objects.all(), BY_DEADLINE, after=cursor, size=3)
    assert [c.pk for c in page.rows] == expected_by_deadline(rows)[:3]
