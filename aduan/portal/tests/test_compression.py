"""Gzip on a server without a compressing proxy (portal.compression, ADUAN_COMPRESS_PAGES):
the public pages compressed, nothing that carries a personal secret."""

import gzip

import pytest

GZIP = {"HTTP_ACCEPT_ENCODING": "gzip, deflate"}


@pytest.fixture
def compressing(settings):
    settings.ADUAN_COMPRESS_PAGES = True
    return settings


def html_of(response) -> str:
    body = response.content
    if response.get("Content-Encoding") == "gzip":
        body = gzip.decompress(body)
    return body.decode()


def test_public_pages_arrive_compressed(client, city, compressing):
    for path in ("/", "/aduan/baru/", "/publik/", "/publik/statistik/"):
        response = client.get(path, **GZIP)
        assert response.status_code == 200, path
        assert response["Content-Encoding"] == "gzip", path
        assert "Accept-Encoding" in response["Vary"], path
        assert "</html>" in html_of(response), path


def test_the_filing_form_keeps_a_fresh_csrf_token(client, city, compressing):
    # The one secret in a compressed page: Django masks it anew in every response.
    first = html_of(client.get("/aduan/baru/", **GZIP))
    second = html_of(client.get("/aduan/baru/", **GZIP))
    token = 'name="csrfmiddlewaretoken" value="'
    assert first.split(token)[1][:64] != second.split(token)[1][:64]


def test_only_for_browsers_that_accept_gzip(client, city, compressing):
    response = client.get("/", HTTP_ACCEPT_ENCODING="br")
    assert not response.has_header("Content-Encoding")
    assert "</html>" in response.content.decode()


def test_off_unless_configured(client, city):
    # Production: the proxy compresses (deploy/Caddyfile).
    assert not client.get("/", **GZIP).has_header("Content-Encoding")


def test_private_link_is_never_compressed(client, make_complaint, compressing):
    complaint = make_complaint()
    response = client.get(f"/k/{complaint.token}/", **GZIP)
    assert response.status_code == 200
    assert not response.has_header("Content-Encoding")
    assert complaint.token in response.content.decode()


def test_staff_pages_are_never_compressed(client, mira, compressing):
    client.force_login(mira)
    for path in ("/kantor/semua/", "/kantor/laporan/", "/"):
        response = client.get(path, **GZIP)
        assert response.status_code in (200, 403), path
        assert not response.has_header("Content-Encoding"), path


def test_answers_to_a_form_are_never_compressed(client, filing, compressing):
    # The filing form sent back with its errors echoes what was typed.
    data = filing(kelurahan="", address="", text="Jalan berlubang di depan pasar Oro-oro Dowo.")
    response = client.post("/aduan/baru/", data, **GZIP)
    assert response.status_code == 400
    assert not response.has_header("Content-Encoding")
    assert "Jalan berlubang di depan pasar Oro-oro Dowo." in response.content.decode()


def test_open_data_downloads_arrive_compressed(client, city, compressing):
    response = client.get("/publik/data/aduan.json", **GZIP)
    assert response["Content-Encoding"] == "gzip"
    assert gzip.decompress(b"".join(response.streaming_content)).startswith(b"{")
