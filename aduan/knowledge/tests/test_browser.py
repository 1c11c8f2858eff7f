"""The knowledge base on the filing form in a real browser, on a phone: with JavaScript
the answer appears while the citizen types; without it, once before the question is
filed. Both end with the citizen saying it answered them, and the article counting it."""

import re

import pytest
from playwright.sync_api import expect

from aduan.core.models import Complaint
from aduan.testing.browser import assert_accessible, new_page, screenshot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

QUESTION = "Selamat pagi, mau tanya jam buka Dukcapil hari Sabtu apakah tetap buka?"
TITLE = "Jam layanan kantor Dispendukcapil"


def test_the_answer_appears_while_typing(live_server, transactional_db, phone_page, hours):
    page = phone_page
    page.goto(live_server.url + "/aduan/baru/")
    box = page.get_by_label("Apa yang ingin Anda sampaikan?")
    # Typed key by key, as a citizen does: htmx asks after a pause in the typing.
    box.press_sequentially(QUESTION, delay=5)
    suggestions = page.locator("#kb-suggestions")
    expect(suggestions).to_contain_text("Apakah ini menjawab pertanyaan Anda?")
    expect(suggestions.get_by_role("link", name=TITLE)).to_be_visible()
    screenshot(page, "file-knowledge-phone")
    assert_accessible(page)
    suggestions.get_by_role("button", name="Ya, terjawab").click()
    expect(suggestions).to_contain_text("Anda tidak perlu mengirim aduan")
    hours.refresh_from_db()
    assert hours.shown_count == 1 and hours.helped_count == 1
    assert Complaint.objects.count() == 0


def test_without_javascript_the_answer_comes_before_filing(
    live_server, transactional_db, browser, city, hours
):
    page = new_page(browser, phone=True, java_script_enabled=False)
    try:
        page.goto(live_server.url + "/aduan/baru/")
        page.get_by_label("Apa yang ingin Anda sampaikan?").fill(QUESTION)
        page.get_by_label("Permintaan informasi").check()
        page.get_by_label("Kelurahan").select_option(str(city["oro"].pk))
        page.get_by_label("Nama", exact=True).fill("Siti Aminah")
        page.get_by_label("Nomor HP").fill("0812 3456 7890")
        page.get_by_role("button", name="Kirim aduan").click()
        # Nothing filed yet: the answer first, the form kept below it.
        expect(
            page.get_by_role("heading", name="Apakah ini menjawab pertanyaan Anda?")
        ).to_be_visible()
        expect(page.get_by_label("Apa yang ingin Anda sampaikan?")).to_have_value(QUESTION)
        assert Complaint.objects.count() == 0
        screenshot(page, "file-knowledge-nojs-phone")
        page.get_by_role("button", name="Ya, terjawab").first.click()
        expect(page).to_have_url(re.compile(rf"/pengetahuan/{hours.pk}/$"))
        expect(page.get_by_role("heading", level=1)).to_contain_text(TITLE)
        hours.refresh_from_db()
        assert hours.helped_count == 1
        assert Complaint.objects.count() == 0
    finally:
        page.context.close()
