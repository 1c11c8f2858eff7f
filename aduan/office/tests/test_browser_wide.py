"""Staff tables on a 1366 x 768 laptop screen: no sideways scrolling of the page, and the
lists (queue, all complaints, inbox, warning board) and the report tables whole inside
their boxes, with the longest labels a working day produces."""

import pytest
from playwright.sync_api import expect

from aduan.core import lifecycle
from aduan.core.models import Channel, Kind, Privacy, Status
from aduan.testing.browser import assert_accessible, new_page, screenshot

from .test_browser import log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

LAPTOP = {"width": 1366, "height": 768}
OVERFLOW = """() => {
  const doc = document.documentElement;
  const wide = [];
  document.querySelectorAll('table').forEach((table) => {
    const box = table.parentElement;
    if (box.scrollWidth > box.clientWidth + 1) {
      wide.push(`${table.className}: ${box.scrollWidth} > ${box.clientWidth}`);
    }
  });
  if (doc.scrollWidth > doc.clientWidth) wide.push(`page: ${doc.scrollWidth}`);
  return wide;
}"""


@pytest.fixture
def busy_day(make_complaint, complaint_in, city, mira, adi, client):
    """Long statuses, flags and names in every list: waiting for the reporter, returned,
    urgent, disputed twice, anonymous, from several channels."""
    complaint_in(Status.MENUNGGU_INFO, text="Lampu jalan mati sepanjang Jalan Ijen. " * 4)
    complaint_in(Status.DITUNDA_ANGGARAN, kind=Kind.ASPIRASI, privacy=Privacy.ANONIM)
    returned = complaint_in(Status.DIDISPOSISIKAN, channel=Channel.WHATSAPP)
    lifecycle.return_dispatch(returned, adi, reason="Bukan wewenang dinas kami.")
    disputed = complaint_in(Status.SELESAI, channel=Channel.TELEGRAM)
    client.post(f"/k/{disputed.token}/bantah/", {"reason": "Lubangnya masih ada."})
    lifecycle.acknowledge(disputed, adi)
    lifecycle.resolve(disputed, adi, answer="Sudah ditambal lagi.")
    client.post(f"/k/{disputed.token}/bantah/", {"reason": "Tambalannya lepas lagi."})
    for _ in range(3):
        make_complaint(kelurahan=city["oro"], channel=Channel.SMS)
    return disputed


def test_staff_lists_fit_a_1366_px_screen(
    live_server, transactional_db, browser, city, mira, adi, busy_day
):
    base = live_server.url
    page = new_page(browser, phone=False, viewport=LAPTOP)
    try:
        log_in(page, base, mira)
        for path in (
            "/kantor/antrean/",
            "/kantor/semua/",
            "/kantor/tenggat/peringatan/",
            "/kantor/laporan/",
            "/kantor/laporan/skor/",
            "/kantor/laporan/evaluasi/",
        ):
            page.goto(base + path)
            assert page.evaluate(OVERFLOW) == [], path
        page.goto(base + "/kantor/semua/")
        expect(page.locator(".office-disputed").first).to_have_text("Dibantah pelapor 2×")
        screenshot(page, "office-list-1366")
        assert_accessible(page)
        page.goto(f"{base}/kantor/aduan/{busy_day.code}/")
        expect(page.locator(".office-dispute").last).to_contain_text("Tambalannya lepas lagi.")
        screenshot(page, "office-complaint-disputed")
    finally:
        page.context.close()
    page = new_page(browser, phone=False, viewport=LAPTOP)
    try:
        log_in(page, base, adi)
        page.goto(base + "/kantor/opd/")
        assert page.evaluate(OVERFLOW) == []
        expect(page.locator(".office-reopened")).to_have_count(1)
        screenshot(page, "office-inbox-1366")
    finally:
        page.context.close()
