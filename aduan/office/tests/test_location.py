"""The staff complaint page's map and the "lokasi" action (set or correct the pin)."""

from decimal import Decimal

import pytest

from aduan.core.models import Event, Status
from aduan.geo import importing
from aduan.geo.tests.conftest import CITY_FILE

from .conftest import act_url, login, post_action


@pytest.fixture
def boundaries(city):
    importing.import_boundaries(CITY_FILE, source="uji.geojson")


def page(client, complaint) -> str:
    response = client.get(f"/kantor/aduan/{complaint.code}/")
    assert response.status_code == 200
    return response.content.decode()


def test_pin_is_on_the_page_with_links_to_map_apps(complaint_in, mira):
    c = complaint_in(
        Status.DIDISPOSISIKAN, latitude=Decimal("-7.982612"), longitude=Decimal("112.630812")
    )
    html = page(login(mira), c)
    assert 'id="staff-map"' in html and 'data-lat="-7.982612" data-lon="112.630812"' in html
    assert f'href="geo:-7.982612,112.630812?q=-7.982612,112.630812({c.code})"' in html
    assert (
        'href="https://www.openstreetmap.org/?mlat=-7.982612&amp;mlon=112.630812'
        '#map=18/-7.982612/112.630812"'
    ) in html
    assert "/static/aduan/staff-map.js" in html and "/static/vendor/leaflet/leaflet.js" in html


def test_no_pin_no_links_but_a_map_to_set_one(complaint_in, adi, sekar):
    c = complaint_in(Status.DIDISPOSISIKAN)
    html = page(login(adi), c)
    assert 'id="staff-map"' in html and "data-lat=" not in html
    assert 'data-form="aksi-lokasi"' in html and "geo:" not in html
    # A read-only leader sees no map without a pin and no form.
    html = page(login(sekar), c)
    assert 'id="staff-map"' not in html and 'id="aksi-lokasi"' not in html


def test_agency_sets_the_pin_and_the_kelurahan_follows(complaint_in, adi, city, boundaries):
    c = complaint_in(Status.DIPROSES)
    before = c.events.count()
    response = post_action(
        login(adi), c, "lokasi", latitude="-7.988", longitude="112.638", kelurahan=""
    )
    assert response.status_code == 302
    c.refresh_from_db()
    assert (c.latitude, c.longitude) == (Decimal("-7.988000"), Decimal("112.638000"))
    assert c.kelurahan == city["gadang"] and c.kecamatan == city["sukun"]
    assert c.status == Status.DIPROSES
    event = c.events.order_by("-pk").first()
    assert c.events.count() == before + 1
    assert event.kind == Event.Kind.CORRECTED and not event.is_public
    assert event.data["changes"] == {
        "latitude": [None, "-7.988000"],
        "longitude": [None, "112.638000"],
        "kelurahan": ["35.73.02.1001", "35.73.04.1001"],
    }


def test_chosen_kelurahan_wins_and_pin_outside_is_refused(complaint_in, mira, city, boundaries):
    c = complaint_in(Status.BARU)
    client = login(mira)
    response = post_action(
        client, c, "lokasi", latitude="-7.5", longitude="112.0", kelurahan=str(city["oro"].pk)
    )
    assert response.status_code == 400
    assert "di luar wilayah" in response.content.decode()
    response = post_action(
        client, c, "lokasi", latitude="-7.988", longitude="112.638", kelurahan=city["oro"].pk
    )
    assert response.status_code == 302
    c.refresh_from_db()
    assert c.kelurahan == city["oro"] and str(c.latitude) == "-7.988000"


def test_same_pin_twice_changes_nothing(complaint_in, mira):
    c = complaint_in(Status.BARU, latitude=Decimal("-7.98"), longitude=Decimal("112.63"))
    before = c.events.count()
    response = post_action(
        login(mira), c, "lokasi", latitude="-7.980000", longitude="112.630000", kelurahan=""
    )
    assert response.status_code in (400, 409)
    assert "Tidak ada yang diubah" in response.content.decode()
    assert c.events.count() == before


def test_other_agency_and_read_only_roles_cannot(complaint_in, dewi, sekar):
    c = complaint_in(Status.DIPROSES)
    data = {"latitude": "-7.98", "longitude": "112.63", "kelurahan": ""}
    assert post_action(login(dewi), c, "lokasi", **data).status_code == 404
    assert post_action(login(sekar), c, "lokasi", **data).status_code == 403
    c.refresh_from_db()
    assert c.latitude is None


def test_wrong_method(complaint_in, mira):
    c = complaint_in(Status.BARU)
    assert login(mira).get(act_url(c, "lokasi")).status_code == 405


def test_stale_version_is_refused(complaint_in, mira):
    c = complaint_in(Status.BARU)
    response = post_action(
        login(mira), c, "lokasi", version=c.version - 1 or 99, latitude="-7.98", longitude="112.63"
    )
    assert response.status_code == 409
    c.refresh_from_db()
    assert c.latitude is None
