"""The maps in a real browser on a 390-px phone: filing with a pin, the staff pin, the
public map. Tiles are unreachable here (closed network): every map must still work on its
plain background, which is what these tests see."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from aduan.core import lifecycle
from aduan.core.models import City, Complaint, Event
from aduan.geo import importing
from aduan.reports import aggregation
from aduan.testing.browser import assert_accessible, new_page, screenshot

from .conftest import CITY_FILE

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

TEXT = "Lampu penerangan jalan mati sejak seminggu, gelap dan rawan jambret."


@pytest.fixture
def mapped_city(transactional_db, city):
    """The test city with its box centred on Kauman (-7.985, 112.625) and boundaries."""
    City.objects.create(
        name="Kota Uji",
        short_name="Uji",
        government_name="Pemerintah Kota Uji",
        site_name="Aduan Kota Uji",
        south=Decimal("-7.995"),
        north=Decimal("-7.975"),
        west=Decimal("112.615"),
        east=Decimal("112.635"),
    )
    importing.import_boundaries(CITY_FILE, source="uji.geojson")
    return city


def test_tapping_the_map_chooses_the_kelurahan_and_files(live_server, phone_page, mapped_city):
    page = phone_page
    page.goto(live_server.url + "/aduan/baru/")
    canvas = page.locator("#map-canvas")
    expect(canvas).to_be_visible()
    expect(page.locator("#map-canvas .leaflet-control-zoom")).to_be_visible()
    assert canvas.bounding_box()["width"] <= 390
    # The centre of the map is the centre of the city's box: Kauman.
    canvas.click()
    expect(page.locator("#map-status")).to_contain_text("Kauman, Kec. Klojen")
    expect(page.locator("#id_kelurahan")).to_have_value(str(mapped_city["kauman"].pk))
    expect(page.locator("#map-canvas .leaflet-marker-icon")).to_have_count(1)
    lat = float(page.locator("#id_latitude").input_value())
    lon = float(page.locator("#id_longitude").input_value())
    assert abs(lat - -7.985) < 0.001 and abs(lon - 112.625) < 0.001
    assert_accessible(page)
    screenshot(page, "file-map-phone")

    # Bottom left of the box is outside every kelurahan: the page says so.
    box = canvas.bounding_box()
    canvas.click(position={"x": 12, "y": box["height"] - 40})
    expect(page.locator("#map-status")).to_contain_text("di luar wilayah Kota Uji")
    expect(page.locator("#map-status")).to_have_class(re.compile("map-status-bad"))

    # Back inside, corrected by the citizen in the list, and filed.
    canvas.click()
    expect(page.locator("#map-status")).to_contain_text("Kauman")
    page.locator("#id_kelurahan").select_option(str(mapped_city["oro"].pk))
    page.get_by_label("Apa yang ingin Anda sampaikan?").fill(TEXT)
    page.get_by_label("Nama", exact=True).fill("Siti Aminah")
    page.get_by_label("Nomor HP").fill("0812 3456 7890")
    page.get_by_role("button", name="Kirim aduan").click()
    expect(page.locator("#tracking-code")).to_be_visible()
    complaint = Complaint.objects.get()
    assert complaint.kelurahan == mapped_city["oro"]
    assert abs(float(complaint.latitude) - -7.985) < 0.001


def test_without_javascript_the_form_still_files_with_a_pin(live_server, browser, mapped_city):
    page = new_page(browser, phone=True, java_script_enabled=False)
    try:
        page.goto(live_server.url + "/aduan/baru/")
        expect(page.locator("#map-picker")).to_be_hidden()
        page.get_by_label("Apa yang ingin Anda sampaikan?").fill(TEXT)
        page.get_by_label("Nama", exact=True).fill("Siti Aminah")
        page.get_by_label("Nomor HP").fill("0812 3456 7890")
        page.locator("details.pin summary").click()
        page.get_by_label("Lintang").fill("-7.975")
        page.get_by_label("Bujur").fill("112.625")
        # No kelurahan chosen: the pin chooses it on the server.
        page.get_by_role("button", name="Kirim aduan").click()
        expect(page.locator("#tracking-code")).to_be_visible()
        assert Complaint.objects.get().kelurahan == mapped_city["oro"]
        screenshot(page, "filed-nojs-pin-phone")
    finally:
        page.context.close()


def _staff_page(browser, live_server, client, user):
    client.force_login(user)
    page = new_page(browser, phone=True)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return page


def test_staff_see_the_pin_and_move_it(
    live_server, browser, client, mapped_city, make_complaint, mira, adi
):
    c = make_complaint(latitude=Decimal("-7.985000"), longitude=Decimal("112.625000"))
    lifecycle.dispatch(c, mira, lead=mapped_city["dpupr"])
    page = _staff_page(browser, live_server, client, adi)
    try:
        page.goto(f"{live_server.url}/kantor/aduan/{c.code}/")
        expect(page.locator("#staff-map")).to_be_visible()
        expect(page.locator("#staff-map .leaflet-marker-icon")).to_have_count(1)
        expect(page.get_by_role("link", name="Buka di aplikasi peta")).to_have_attribute(
            "href", re.compile(r"^geo:-7\.985000,112\.625000")
        )
        assert_accessible(page)
        screenshot(page, "office-complaint-map-phone")
        # A tap puts a new pin into the "lokasi" form, which opens; saving is a post.
        box = page.locator("#staff-map").bounding_box()
        page.locator("#staff-map").click(
            position={"x": box["width"] / 2 + 30, "y": box["height"] / 2}
        )
        expect(page.locator("#aksi-lokasi")).to_have_attribute("open", "")
        moved = float(page.locator("#lokasi-longitude").input_value())
        assert moved > 112.625
        # (The office header overflows a phone's width, so the emulated viewport is zoomed
        # out and Playwright's pointer misses; the keyboard submits the same form.)
        page.locator("#aksi-lokasi").get_by_role(
            "button", name="Tetapkan atau koreksi titik lokasi"
        ).press("Enter")
        expect(page.locator(".msg").first).to_contain_text("Titik lokasi tersimpan")
        c.refresh_from_db()
        assert abs(float(c.longitude) - moved) < 0.000002
        assert c.events.filter(kind=Event.Kind.CORRECTED).exists()
    finally:
        page.context.close()


def test_public_map_places_clusters_and_marks_overdue(
    live_server, phone_page, mapped_city, make_complaint, mira
):
    # Eight complaints spread over the city, three more on one street corner.
    spots = [
        (
            Decimal("-7.992") + (n % 4) * Decimal("0.005"),
            Decimal("112.618") + (n // 4) * Decimal("0.008"),
        )
        for n in range(8)
    ]
    spots += [(Decimal("-7.9801"), Decimal("112.6301"))] * 3
    for lat, lon in spots:
        c = make_complaint(latitude=lat, longitude=lon)
        lifecycle.dispatch(c, mira, lead=mapped_city["dpupr"])
    Complaint.objects.update(due_at=None)
    Complaint.objects.filter(pk=Complaint.objects.order_by("pk").first().pk).update(
        due_at="2020-01-01T00:00:00Z"
    )
    aggregation.run()
    page = phone_page
    page.goto(live_server.url + "/publik/peta/")
    expect(page.locator("#public-map")).to_be_visible()
    # Single complaints as pins (one overdue, in red), the corner's three as one cluster.
    expect(page.locator("#public-map .map-pin")).to_have_count(8)
    expect(page.locator("#public-map .map-pin-overdue")).to_have_count(1)
    expect(page.locator("#public-map .marker-cluster")).to_have_count(1)
    expect(page.locator("#public-map .marker-cluster")).to_have_text("3")
    assert_accessible(page)
    screenshot(page, "public-map")
