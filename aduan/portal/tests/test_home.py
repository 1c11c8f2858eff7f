"""The portal's front page: /."""

import pytest
from django.contrib.staticfiles import finders

from .conftest import form_values


def test_home_offers_filing_and_tracking(client, city):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="id">' in html
    assert 'href="/aduan/baru/"' in html
    assert 'action="/lacak/"' in html
    assert "kode" in form_values(html, "kode")


def test_home_needs_no_data(client, db):
    # The front page must render on a fresh install, before any area is loaded.
    assert client.get("/").status_code == 200


def test_head_is_allowed(client, db):
    assert client.head("/").status_code == 200


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_home_is_read_only(client, db, method):
    assert getattr(client, method)("/").status_code == 405


def test_stylesheet_linked_by_every_page_can_be_served(client, db):
    # collectstatic and the live server only find files through the finders.
    html = client.get("/").content.decode()
    assert '<link rel="stylesheet" href="/static/aduan/site.css">' in html
    assert finders.find("aduan/site.css"), "add aduan/static to STATICFILES_DIRS"
