"""The citizen's journey in a real browser, on a phone: file, read the code, track, dispute."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from playwright.sync_api import expect

from aduan.core import lifecycle
from aduan.core.models import Complaint, Status
from aduan.testing.browser import assert_accessible, new_page, screenshot

pytestmark = [
    pytest.mark.browser,
    # The live server runs without collectstatic; WhiteNoise only warns about it.
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

CODE_RE = re.compile(r"ADU-\d{4}-\d{4}")
SHORT = "Lampu mati"
FULL = "Lampu penerangan jalan mati sejak seminggu, gelap dan rawan jambret."
ANSWER = "Lampu sudah diganti oleh petugas PJU pada hari ini."
# A fixed morning keeps codes and timestamps, and so the committed screenshots, stable.
SCREENSHOT_MORNING = datetime(2026, 3, 10, 9, 30, tzinfo=ZoneInfo("Asia/Jakarta"))


@pytest.fixture
def fixed_morning():
    # Ticking, so that the server and the browser still see time pass.
    with time_machine.travel(SCREENSHOT_MORNING, tick=True):
        yield


def fill_contact_and_place(page, city):
    page.get_by_label("Kelurahan").select_option(str(city["oro"].pk))
    page.get_by_label("Alamat atau patokan lokasi").fill("Jl. Kawi depan SD Negeri 2")
    page.get_by_label("Nama", exact=True).fill("Siti Aminah")
    page.get_by_label("Nomor HP").fill("0812 3456 7890")
    page.get_by_label("E-mail", exact=True).fill("siti@contoh.id")


def test_file_track_and_dispute_on_a_phone(
    live_server, transactional_db, fixed_morning, phone_page, city, mira, adi, jpeg
):
    page = phone_page
    page.goto(live_server.url + "/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sampaikan aduan Anda")
    # Unstyled pages would make the screenshots and the contrast checks meaningless.
    header_colour = page.locator("header.top").evaluate("e => getComputedStyle(e).backgroundColor")
    assert header_colour == "rgb(11, 92, 171)", "site.css was not served"
    screenshot(page, "home-phone")
    assert_accessible(page)

    page.locator(".hero").get_by_role("link", name="Buat aduan").click()
    expect(page).to_have_url(re.compile(r"/aduan/baru/$"))
    screenshot(page, "file-phone")
    assert_accessible(page)

    # First attempt: the text is too short. Everything else must survive the round trip.
    page.get_by_label("Apa yang ingin Anda sampaikan?").fill(SHORT)
    page.get_by_label("Aspirasi/saran").check()
    fill_contact_and_place(page, city)
    page.set_input_files(
        "#id_photos",
        files=[{"name": "lampu.jpg", "mimeType": "image/jpeg", "buffer": jpeg(exif_gps=True)}],
    )
    page.get_by_role("button", name="Kirim aduan").click()

    summary = page.locator("#errors")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("Isi aduan terlalu pendek")
    expect(summary).to_be_focused()
    expect(page.get_by_label("Apa yang ingin Anda sampaikan?")).to_have_value(SHORT)
    expect(page.get_by_label("Aspirasi/saran")).to_be_checked()
    expect(page.get_by_label("Kelurahan")).to_have_value(str(city["oro"].pk))
    expect(page.get_by_label("Alamat atau patokan lokasi")).to_have_value(
        "Jl. Kawi depan SD Negeri 2"
    )
    expect(page.get_by_label("Nama", exact=True)).to_have_value("Siti Aminah")
    expect(page.get_by_label("Nomor HP")).to_have_value("0812 3456 7890")
    expect(page.get_by_label("E-mail", exact=True)).to_have_value("siti@contoh.id")
    expect(page.get_by_text("1 foto sudah tersimpan dan akan ikut terkirim.")).to_be_visible()
    assert Complaint.objects.count() == 0
    screenshot(page, "file-error-phone")
    assert_accessible(page)

    # The error link takes the citizen to the field.
    summary.get_by_role("link").first.click()
    expect(page.get_by_label("Apa yang ingin Anda sampaikan?")).to_be_focused()
    page.get_by_label("Apa yang ingin Anda sampaikan?").fill(FULL)
    page.get_by_role("button", name="Kirim aduan").click()

    code_on_screen = page.locator("#tracking-code")
    expect(code_on_screen).to_have_text(CODE_RE)
    code = code_on_screen.inner_text().strip()
    # This month's code; on PostgreSQL the number comes from a per-month sequence, which
    # outlives the tables a transactional test empties, so only the month is fixed here.
    assert code.startswith("ADU-2603-")
    complaint = Complaint.objects.get(code=code)
    assert complaint.text == FULL
    assert complaint.kind == "aspirasi"
    assert complaint.reporter_phone == "+6281234567890"
    assert complaint.attachments.count() == 1  # the photo from the first attempt
    own_link = page.get_by_role("link", name="Buka halaman aduan saya").get_attribute("href")
    screenshot(page, "filed-phone")
    assert_accessible(page)

    # Track it by code, typed the way people read it out.
    page.get_by_role("navigation").get_by_role("link", name="Lacak").click()
    page.get_by_label("Kode aduan").fill(code.lower().replace("-", " "))
    page.get_by_role("button", name="Lacak").click()
    expect(page).to_have_url(re.compile(rf"/lacak/{code}/$"))
    expect(page.locator(".badge")).to_have_text("Diterima")
    expect(page.get_by_text("Siti")).to_have_count(0)
    # Not yet checked by a moderator: the public sees its status and nothing else.
    expect(page.locator(".complaint-text")).to_have_count(0)
    assert_accessible(page)

    # Once verified it is listed: its text appears, masked.
    lifecycle.verify(complaint, mira)
    page.reload()
    expect(page.locator(".badge")).to_have_text("Terverifikasi")
    expect(page.locator(".complaint-text")).to_be_visible()
    expect(page.get_by_text("Siti")).to_have_count(0)
    screenshot(page, "track-phone")
    assert_accessible(page)

    # Staff handle it (their screens are tested elsewhere).
    lifecycle.dispatch(complaint, mira, lead=city["dpupr"])
    lifecycle.acknowledge(complaint, adi)
    lifecycle.resolve(complaint, adi, answer=ANSWER)

    page.goto(live_server.url + own_link)
    expect(page.locator(".badge")).to_have_text("Selesai ditindaklanjuti")
    expect(page.locator(".answer")).to_contain_text(ANSWER)
    photo = page.get_by_role("img", name="Foto lampiran 1")
    expect(photo).to_be_visible()
    # The photo is lazy-loaded: bring it into view and wait for it, as a reader would.
    photo.scroll_into_view_if_needed()
    width = photo.evaluate(
        "img => img.complete && img.naturalWidth ? img.naturalWidth"
        " : new Promise(done => img.addEventListener('load', () => done(img.naturalWidth)))"
    )
    assert width == 64
    screenshot(page, "own-answered-phone")
    assert_accessible(page)

    page.get_by_label("Mengapa masalahnya belum selesai?").fill(
        "Lampunya menyala semalam lalu mati lagi."
    )
    page.get_by_role("button", name="Belum selesai, buka kembali").click()
    expect(page.locator(".msg-success")).to_contain_text("dibuka kembali")
    expect(page.locator(".badge")).to_have_text("Didisposisikan ke OPD")
    expect(page.get_by_role("button", name="Belum selesai, buka kembali")).to_have_count(0)
    complaint.refresh_from_db()
    assert complaint.status == Status.DIDISPOSISIKAN
    assert complaint.reopen_count == 1
    assert complaint.lead_agency == city["dpupr"]


def test_filing_works_without_javascript(live_server, transactional_db, browser, city):
    page = new_page(browser, phone=True, java_script_enabled=False)
    try:
        page.goto(live_server.url + "/aduan/baru/")
        # The location button needs JavaScript, so it must not be offered.
        expect(page.get_by_role("button", name="Gunakan lokasi saya")).to_be_hidden()
        page.get_by_label("Apa yang ingin Anda sampaikan?").fill(FULL)
        fill_contact_and_place(page, city)
        page.get_by_role("button", name="Kirim aduan").click()
        expect(page.locator("#tracking-code")).to_have_text(CODE_RE)
        code = page.locator("#tracking-code").inner_text().strip()
        assert Complaint.objects.get(code=code).reporter_name == "Siti Aminah"
    finally:
        page.context.close()
