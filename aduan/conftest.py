"""Fixtures every app's tests share, beyond the personas of the root conftest."""

import pytest

from aduan.core import city


@pytest.fixture(autouse=True)
def _fresh_city():
    # The city record is cached per process, but each test's rows are rolled back
    # without a save signal: a city one test created must not name the next test's pages.
    city.invalidate()
    yield
    city.invalidate()
