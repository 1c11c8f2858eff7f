"""Switching the language in the middle of a form keeps what was typed (keep-input.js)."""

import pytest
from playwright.sync_api import expect

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

TEXT = "Lampu jalan di depan SD Negeri 2 mati sejak seminggu, gelap sekali."


def test_the_language_switch_keeps_the_typed_text(live_server, transactional_db, phone_page, city):
    page = phone_page
    page.goto(live_server.url + "/aduan/baru/")
    page.get_by_label("Apa yang ingin Anda sampaikan?").fill(TEXT)
    page.get_by_label("Aspirasi/saran").check()
    page.get_by_label("Kelurahan").select_option(str(city["oro"].pk))
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("button", name="Bahasa Indonesia")).to_be_visible()
    expect(page.get_by_label("What would you like to tell us?")).to_have_value(TEXT)
    expect(page.get_by_label("Suggestion")).to_be_checked()
    expect(page.locator("#id_kelurahan")).to_have_value(str(city["oro"].pk))
    # The kept copy is gone once used: a reload shows an empty form.
    page.reload()
    expect(page.locator("#id_text")).to_have_value("")
