"""The public pages and a scorecard in a real browser: they read well on a phone, pass
axe-core without serious findings, and the map works without JavaScript.

Screenshots: docs/screenshots/public-feed.png, public-map.png, stats.png, stats-1366.png,
stats-phone.png, scorecard.png, reports-dashboard-1366.png.
"""

import pytest
from playwright.sync_api import expect

from aduan.core.models import Agency
from aduan.deadlines import presets, store
from aduan.deadlines.models import EscalationStep, SlaRule, WorkingHours
from aduan.demo import loader as demo
from aduan.reports import aggregation, defaults, feed, sketch
from aduan.reports.models import MonthlyCount, ReportSettings, SanctionLevel
from aduan.reports.views.common import period_choices
from aduan.testing.browser import assert_accessible, new_page, screenshot
from conftest import PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]


@pytest.fixture
def demo_city(transactional_db, sekar):
    """A few months of Kota Malang walked through the real lifecycle, then counted.

    An earlier transactional test may have flushed what the migrations installed (the
    deadline policy, the sanction ladder): they are installed again when missing.
    """
    presets.install_hours(WorkingHours)
    if not SlaRule.objects.exists():
        presets.install_rules(SlaRule, "default")
    presets.install_ladder(EscalationStep)
    defaults.install(SanctionLevel, ReportSettings)
    store.invalidate()
    demo.load_master_data()
    demo.load_complaints(n=90, days=150)
    aggregation.rebuild()
    settings = ReportSettings.load()
    settings.publish_scorecard = True
    # A smaller city than the real one: rank agencies from five judged stages.
    settings.min_volume = 5
    settings.save()
    return sekar


def test_a_visit_to_the_public_site(
    demo_city, live_server, browser, phone_page, desktop_page, monkeypatch
):
    # Short pages keep the screenshot readable (the live server shares this process).
    monkeypatch.setattr(feed, "PAGE_SIZE", 6)
    page = phone_page
    page.goto(live_server.url + "/publik/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Aduan warga dan tindak lanjutnya")
    expect(page.locator("article.rp-item").first).to_be_visible()
    assert page.locator("article.rp-item").count() == 6
    assert_accessible(page)
    screenshot(page, "public-feed")
    first_page = page.locator(".rp-code").all_inner_texts()
    page.get_by_role("link", name="Aduan lebih lama").click()
    page.wait_for_url("**sebelum=**")
    assert set(page.locator(".rp-code").all_inner_texts()).isdisjoint(first_page)
    # Filter by category with the form.
    page.get_by_text("Saring menurut kategori").click()
    page.get_by_label("Kategori").select_option(label="Jalan rusak atau berlubang")
    page.get_by_role("button", name="Terapkan").click()
    page.wait_for_url("**kategori=**")
    assert page.locator("article.rp-item").count() >= 1
    for meta in page.locator(".rp-meta").all_inner_texts():
        assert "Jalan rusak atau berlubang" in meta

    # Without script the map page lists the complaints it would place, with their links.
    plain = new_page(browser, phone=True, java_script_enabled=False)
    try:
        plain.goto(live_server.url + "/publik/peta/")
        expect(plain.locator("#public-map")).to_be_hidden()
        assert plain.locator("table a[href^='/lacak/']").count() > 5
        screenshot(plain, "public-map-nojs")
    finally:
        plain.context.close()

    page = desktop_page
    for path in ("/publik/peta/", "/publik/data/", "/publik/skor/"):
        page.goto(live_server.url + path)
        assert_accessible(page)
    page.goto(live_server.url + "/publik/statistik/?bulan=6")
    expect(page.get_by_role("img", name="Aduan per bulan")).to_be_visible()
    page.get_by_text("Tabel data: aduan per bulan").click()
    expect(page.locator("details[open] table").first).to_be_visible()
    assert_accessible(page)
    screenshot(page, "stats")


# (on-time share in the three periods up to the evaluated one, judged stages per period,
#  median hours to respond, to resolve, mean rating)
PROFILES = [
    ((0.97, 0.98, 0.98), 60, 3, 30, 4.6),
    ((0.95, 0.94, 0.95), 48, 5, 40, 4.2),
    ((0.90, 0.91, 0.90), 40, 8, 50, 4.0),
    ((0.90, 0.88, 0.90), 40, 9, 55, 3.9),  # ties with the one above in the last period
    ((0.85, 0.86, 0.84), 32, 12, 60, 3.7),
    ((0.80, 0.82, 0.78), 30, 14, 70, 3.5),
    ((0.85, 0.80, 0.62), 30, 20, 90, 3.1),  # slow once: first warning
    ((0.82, 0.60, 0.58), 28, 26, 110, 2.8),  # slow twice: second warning
    ((0.55, 0.50, 0.48), 34, 40, 160, 2.2),  # slow three times: the black vest
    ((0.25, 0.25, 0.25), 4, 30, 90, 3.0),  # too few to rank
]


@pytest.fixture
def ranked_city(transactional_db, sekar):
    """Counts of three evaluation periods for ten agencies, as the job would leave them."""
    defaults.install(SanctionLevel, ReportSettings)
    demo.load_master_data()
    agencies = list(Agency.objects.filter(kind__in=["dinas", "badan", "satuan", "bumd"])[:10])
    evaluated = period_choices()[1]
    for agency, (shares, judged, respond, resolve, rating) in zip(agencies, PROFILES, strict=True):
        for back, share in zip((2, 1, 0), shares, strict=True):
            period = evaluated.previous(back)
            on_time = round(share * judged)
            for stage, hours in (("response", respond), ("resolution", resolve)):
                MonthlyCount.objects.create(
                    month=period.first,
                    agency=agency,
                    stage=stage,
                    public=True,
                    started=judged,
                    completed=judged,
                    judged=judged,
                    on_time=on_time,
                    breached=judged - on_time,
                    seconds=judged * hours * 3600.0,
                    hist=sketch.histogram([hours * 3600.0] * judged),
                )
            MonthlyCount.objects.create(
                month=period.first,
                agency=agency,
                stage="",
                public=True,
                dispatched=judged,
                answers=judged,
                disputes=judged // 10,
                ratings=judged // 2,
                rating_sum=round(rating * (judged // 2)),
            )
    return sekar


def test_the_leaders_scorecard(ranked_city, live_server, desktop_page):
    page = desktop_page
    page.goto(live_server.url + "/kantor/masuk/")
    page.locator("#id_username").fill(ranked_city.username)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.goto(live_server.url + "/kantor/laporan/skor/")
    expect(page.get_by_role("heading", name="Peringkat", exact=True)).to_be_visible()
    ladder = page.locator(".rp-lists")
    for name in ("Daftar rompi hitam", "Teguran kedua", "Teguran pertama"):
        expect(ladder.get_by_text(name)).to_be_visible()
    ranks = page.locator("td.rp-rank").all_inner_texts()
    assert ranks == ["1", "2", "3", "3", "5", "6", "7", "8", "9", "–"]
    assert_accessible(page)
    screenshot(page, "scorecard")
    page.goto(live_server.url + "/kantor/laporan/")
    expect(page.get_by_role("heading", name="OPD yang lambat, dan sebabnya")).to_be_visible()
    assert_accessible(page)


LAPTOP = {"width": 1366, "height": 768}
# Every table's box wider than its content area, and the page itself scrolling sideways.
OVERFLOWING = """() => {
  const wide = [];
  document.querySelectorAll('table').forEach((table) => {
    const box = table.parentElement;
    if (box.scrollWidth > box.clientWidth + 1) {
      const name = table.caption ? table.caption.textContent.trim() : table.className;
      wide.push(`${name}: ${box.scrollWidth} > ${box.clientWidth}`);
    }
  });
  const doc = document.documentElement;
  if (doc.scrollWidth > doc.clientWidth) wide.push(`page: ${doc.scrollWidth}`);
  return wide;
}"""
REPORT_PAGES = ("/kantor/laporan/", "/kantor/laporan/skor/", "/kantor/laporan/evaluasi/")


def test_report_tables_fit_a_1366_px_screen(demo_city, live_server, browser):
    """The leaders' tables whole on a laptop, without a sideways scrollbar in their box;
    on a phone only the tables' own boxes scroll, never the page."""
    page = new_page(browser, phone=False, viewport=LAPTOP)
    try:
        page.goto(live_server.url + "/kantor/masuk/")
        page.locator("#id_username").fill(demo_city.username)
        page.locator("#id_password").fill(PASSWORD)
        page.get_by_role("button", name="Masuk").click()
        for path in REPORT_PAGES:
            page.goto(live_server.url + path)
            assert page.locator("table").count() >= 2, path
            assert page.evaluate(OVERFLOWING) == [], path
        page.goto(live_server.url + "/kantor/laporan/")
        expect(page.get_by_role("columnheader", name="Tahap terlambat")).to_be_visible()
        assert_accessible(page)
        screenshot(page, "reports-dashboard-1366")
        page.set_viewport_size({"width": 390, "height": 844})
        for path in REPORT_PAGES:
            page.goto(live_server.url + path)
            wide = page.evaluate(OVERFLOWING)
            assert not [w for w in wide if w.startswith("page")], (path, wide)
            # What does not fit a phone scrolls inside a box the keyboard can reach.
            boxes = page.locator(".rp-table-wrap")
            assert page.locator("table").count() == boxes.count(), path
            assert set(boxes.evaluate_all("(els) => els.map((e) => e.tabIndex)")) == {0}
    finally:
        page.context.close()


# The data tables of the outcomes (eight columns and a label): the widest on the page.
OUTCOME_TABLES = (
    "Tabel data: aduan per bulan",
    "Tabel data: aduan per kategori",
    "Tabel data: aduan per OPD",
)
OPEN_EVERY_TABLE = "() => document.querySelectorAll('details').forEach((d) => { d.open = true; })"


def test_statistics_tables_fit_a_1366_px_screen(demo_city, live_server, browser):
    """The public statistics whole on a laptop, without a sideways scrollbar in any table's
    box; on a phone only the tables' own boxes scroll, never the page."""
    page = new_page(browser, phone=False, viewport=LAPTOP)
    try:
        page.goto(live_server.url + "/publik/statistik/")
        for summary in OUTCOME_TABLES:
            page.get_by_text(summary, exact=True).click()
        outcome = page.get_by_role("columnheader", name="Tidak dapat ditindaklanjuti")
        expect(outcome).to_have_count(len(OUTCOME_TABLES))
        assert_accessible(page)
        screenshot(page, "stats-1366")
        # A table in a closed <details> has no width: every one is measured open.
        page.evaluate(OPEN_EVERY_TABLE)
        tables = page.locator("table")
        assert tables.count() >= 8
        for table in tables.all():
            expect(table).to_be_visible()
        assert page.evaluate(OVERFLOWING) == []
    finally:
        page.context.close()

    page = new_page(browser, phone=True)
    try:
        page.goto(live_server.url + "/publik/statistik/")
        page.get_by_text(OUTCOME_TABLES[0], exact=True).click()
        assert_accessible(page)
        screenshot(page, "stats-phone")
        page.evaluate(OPEN_EVERY_TABLE)
        wide = page.evaluate(OVERFLOWING)
        assert not [w for w in wide if w.startswith("page")], wide
        # What does not fit a phone scrolls inside a box of its own the keyboard can reach.
        boxes = page.locator(".rp-table-wrap")
        assert page.locator("table").count() == boxes.count()
        assert set(boxes.evaluate_all("(els) => els.map((e) => e.tabIndex)")) == {0}
    finally:
        page.context.close()
