"""An agency head's first login in a real browser: password, enrolment, recovery codes."""

import re
import time
from base64 import b32decode

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import expect

from aduan.testing.browser import assert_accessible, screenshot
from conftest import PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]


def test_first_login_enrols_an_authenticator(live_server, transactional_db, desktop_page, kurnia):
    page = desktop_page
    page.goto(live_server.url + "/kantor/masuk/")
    page.locator("#id_username").fill(kurnia.username)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Aktifkan verifikasi dua langkah")
    expect(page.get_by_role("img", name="Kode QR untuk aplikasi autentikator")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "office-2fa-enrol")

    # What a person would type into the app instead of scanning.
    secret = page.locator("code.code").first.inner_text().replace(" ", "")
    totp = TOTP(b32decode(secret))
    totp.time = time.time()
    page.get_by_label("Kode dari aplikasi autentikator").fill(f"{totp.token():06d}")
    page.get_by_role("button", name="Aktifkan").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Simpan kode cadangan Anda")
    codes = page.locator("ol code.code").all_inner_texts()
    assert len(codes) == 10 and all(re.fullmatch(r"[a-z2-7]{4}-[a-z2-7]{4}", c) for c in codes)
    assert_accessible(page)
    page.get_by_role("link", name="Sudah saya simpan, lanjutkan").click()
    expect(page).to_have_url(re.compile(r"/kantor/opd/$"))
