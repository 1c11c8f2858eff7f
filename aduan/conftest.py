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


@pytest.fixture(autouse=True)
def _site_language():
    # A request in English (Accept-Language, the language cookie) activates English in the
    # test's thread and the locale middleware leaves it active: the next test's words and
    # dates would be English. Every test starts and ends in the site's own language.
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)
