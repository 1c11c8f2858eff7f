"""The site's own 404, 403, CSRF and 500 pages: styled, translated, and free of
Django's bare English pages."""

import pytest
from django.test import Client
from django.views import defaults

pytestmark = pytest.mark.django_db


def test_not_found_is_the_sites_page(client):
    response = client.get("/tidak-ada-halaman-ini/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Halaman tidak ditemukan" in page and 'href="/lacak/' in page
    assert "site.css" in page and "The requested resource was not found" not in page


def test_not_found_in_english(client):
    response = client.get("/tidak-ada-halaman-ini/", headers={"accept-language": "en"})
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_forbidden_is_the_sites_page(client, city, adi):
    # An agency officer opening the system admin's audit log.
    client.force_login(adi)
    response = client.get("/kantor/audit/")
    assert response.status_code == 403
    page = response.content.decode()
    assert "Akses ditolak" in page and "site.css" in page


def test_a_stale_form_gets_a_page_that_says_what_to_do(city):
    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/aduan/baru/", {"text": "x"})
    assert response.status_code == 403
    page = response.content.decode()
    assert "Formulir kedaluwarsa" in page and "muat ulang" in page


def test_server_error_renders_without_context(rf):
    response = defaults.server_error(rf.get("/"))
    assert response.status_code == 500
    page = response.content.decode()
    assert "Terjadi gangguan" in page and "site.css" in page
    assert "Server Error (500)" not in page
