"""The page shown right after filing: /aduan/terkirim/<token>/."""

import pytest

from aduan.core.models import Privacy


def test_shows_code_and_private_link(client, make_complaint):
    complaint = make_complaint()
    response = client.get(f"/aduan/terkirim/{complaint.token}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<p class="code" id="tracking-code">{complaint.code}</p>' in html
    assert f'href="/k/{complaint.token}/"' in html
    assert "Kode ini juga kami kirim lewat SMS ke nomor Anda." in html


def test_tells_an_email_reporter_about_email(client, make_complaint):
    complaint = make_complaint(reporter_phone="", reporter_email="budi@contoh.id")
    html = client.get(f"/aduan/terkirim/{complaint.token}/").content.decode()
    assert "Kode ini juga kami kirim ke e-mail Anda." in html
    assert "lewat SMS ke nomor Anda" not in html


def test_anonymous_reporter_is_not_promised_a_message(client, make_complaint):
    complaint = make_complaint(privacy=Privacy.ANONIM, reporter_name="", reporter_phone="")
    html = client.get(f"/aduan/terkirim/{complaint.token}/").content.decode()
    assert complaint.code in html
    assert "Kode ini juga kami kirim" not in html


def test_unknown_token_is_404(client, make_complaint):
    make_complaint()
    assert client.get("/aduan/terkirim/bukan-token/").status_code == 404


def test_code_is_not_a_token(client, make_complaint):
    complaint = make_complaint()
    assert client.get(f"/aduan/terkirim/{complaint.code}/").status_code == 404


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_read_only(client, make_complaint, method):
    complaint = make_complaint()
    assert getattr(client, method)(f"/aduan/terkirim/{complaint.token}/").status_code == 405
