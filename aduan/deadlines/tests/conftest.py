"""Helpers shared by the deadline tests: Jakarta times and a fresh policy cache."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from aduan.deadlines import store

WIB = ZoneInfo("Asia/Jakarta")


def wib(*args) -> datetime:
    """``wib(2026, 3, 17, 16, 30)``: an aware datetime in Asia/Jakarta."""
    return datetime(*args, tzinfo=WIB)


@pytest.fixture(autouse=True)
def fresh_policy():
    # Test transactions roll back without signals: never let one test's holidays or
    # rules linger in the process-wide cache.
    store.invalidate()
    yield
    store.invalidate()


@pytest.fixture
def emails(mira, adi, kurnia, dewi, sekar):
    """Give the personas addresses, so escalations can e-mail them."""
    for user in (mira, adi, kurnia, dewi, sekar):
        user.email = f"{user.username}@kota.test"
        user.save(update_fields=["email"])
    return {u.username: u for u in (mira, adi, kurnia, dewi, sekar)}
