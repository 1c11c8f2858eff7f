"""Which kelurahan holds a point: aduan.geo.locate and /peta/kelurahan, /peta/batas.json."""

import pytest

from aduan.geo.locate import locate

URL = "/peta/kelurahan"


@pytest.mark.parametrize(
    ("lat", "lon", "name"),
    [
        (-7.985, 112.625, "Kauman"),
        (-7.975, 112.625, "Oro-oro Dowo"),
        (-7.988, 112.638, "Gadang"),
    ],
)
def test_a_point_finds_its_kelurahan(boundaries, lat, lon, name):
    place = locate(lat, lon)
    assert place.kelurahan.name == name and place.inside_city is True
    assert place.geometry["type"] in ("Polygon", "MultiPolygon")


def test_a_point_in_a_hole_or_beyond_is_outside(boundaries):
    assert locate(-7.980, 112.635) == locate(-7.95, 112.70)
    assert locate(-7.980, 112.635).inside_city is False
    assert locate(-7.980, 112.635).kelurahan is None


def test_without_boundaries_nobody_can_tell(city):
    place = locate(-7.985, 112.625)
    assert place.kelurahan is None and place.inside_city is None


def test_endpoint_answers_inside(client, boundaries, city):
    response = client.get(URL, {"lat": "-7.985", "lon": "112.625"})
    assert response.status_code == 200
    data = response.json()
    assert data["inside"] is True
    assert data["kelurahan"] == {
        "id": city["kauman"].pk,
        "code": "35.73.02.1001",
        "name": "Kauman",
        "kecamatan": "Klojen",
    }
    assert data["geometry"]["type"] == "Polygon"
    assert "max-age=300" in response["Cache-Control"]


def test_endpoint_answers_outside(client, boundaries):
    data = client.get(URL, {"lat": "-7.5", "lon": "112.625"}).json()
    assert data == {"inside": False, "kelurahan": None, "geometry": None}


@pytest.mark.parametrize(
    "params",
    [{}, {"lat": "x", "lon": "112"}, {"lat": "91", "lon": "112"}, {"lat": "nan", "lon": "1"}],
)
def test_endpoint_refuses_bad_coordinates(client, boundaries, params):
    assert client.get(URL, params).status_code == 400


def test_endpoint_is_read_only(client, boundaries):
    assert client.post(URL, {"lat": "-7.985", "lon": "112.625"}).status_code == 405


def test_outlines_list_every_kelurahan_boundary(client, boundaries):
    data = client.get("/peta/batas.json").json()
    assert data["type"] == "FeatureCollection"
    assert sorted(f["properties"]["name"] for f in data["features"]) == [
        "Gadang",
        "Kauman",
        "Oro-oro Dowo",
    ]
