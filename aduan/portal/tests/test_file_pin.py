"""Filing with a pin: the pin chooses the kelurahan (aduan.geo), outside the city it is refused."""

import pytest

from aduan.core.models import Complaint
from aduan.geo import importing
from aduan.geo.tests.conftest import CITY_FILE

from .test_file import URL, error_summary


@pytest.fixture
def boundaries(city):
    importing.import_boundaries(CITY_FILE, source="uji.geojson")


def test_pin_without_kelurahan_chooses_it(client, filing, city, boundaries):
    response = client.post(URL, filing(kelurahan="", latitude="-7.988", longitude="112.638"))
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert complaint.kelurahan == city["gadang"]
    assert complaint.kecamatan == city["sukun"]
    assert str(complaint.latitude) == "-7.988000"


def test_citizens_own_choice_wins_over_the_pin(client, filing, city, boundaries):
    # The pin is in Gadang by the boundaries; the citizen says Kauman (a border case).
    client.post(
        URL, filing(kelurahan=str(city["kauman"].pk), latitude="-7.988", longitude="112.638")
    )
    assert Complaint.objects.get().kelurahan == city["kauman"]


def test_pin_outside_the_city_is_a_clear_error(client, filing, city, boundaries):
    response = client.post(URL, filing(kelurahan="", latitude="-7.5", longitude="112.0"))
    assert response.status_code == 400
    assert not Complaint.objects.exists()
    summary = error_summary(response)
    assert "Titik lokasi berada di luar wilayah" in summary
    assert 'href="#id_latitude"' in summary


def test_pin_outside_is_refused_even_with_a_kelurahan(client, filing, city, boundaries):
    response = client.post(URL, filing(latitude="-7.980", longitude="112.635"))  # the hole
    assert response.status_code == 400
    assert "di luar wilayah" in error_summary(response)


def test_chosen_kelurahan_stays_chosen_when_another_field_fails(client, filing, city, boundaries):
    response = client.post(
        URL, filing(kelurahan="", text="pendek", latitude="-7.985", longitude="112.625")
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert f'<option value="{city["kauman"].pk}" selected>Kauman</option>' in html


def test_without_boundaries_a_pin_is_taken_as_it_is(client, filing, city):
    response = client.post(URL, filing(latitude="-7.5", longitude="112.0"))
    assert response.status_code == 302
    assert Complaint.objects.get().kelurahan == city["oro"]


def test_the_form_carries_the_map_for_scripts_and_works_without(client, city):
    html = client.get(URL).content.decode()
    assert 'id="map-picker"' in html and 'data-locate-url="/peta/kelurahan"' in html
    assert 'data-tiles="https://tile.openstreetmap.org/{z}/{x}/{y}.png"' in html
    assert "/static/vendor/leaflet/leaflet.js" in html
    # The fallback: the kelurahan list and the number fields are in the served form.
    assert 'name="kelurahan"' in html and 'name="latitude"' in html
