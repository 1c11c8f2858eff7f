"""A small GeoJSON of the test city (root conftest): three kelurahan as rectangles.

Kauman and Oro-oro Dowo (Kec. Klojen) side by side, Gadang (Kec. Sukun) east of both,
with a hole (a park that is "not Gadang" in this made-up map).
"""

import json

import pytest

from aduan.geo import importing


def rect(west, south, east, north):
    return [[west, south], [east, south], [east, north], [west, north], [west, south]]


KAUMAN = rect(112.620, -7.990, 112.630, -7.980)
ORO = rect(112.620, -7.980, 112.630, -7.970)
GADANG = rect(112.630, -7.990, 112.640, -7.970)
GADANG_HOLE = rect(112.634, -7.984, 112.636, -7.976)


def feature(properties, rings, kind="Polygon"):
    coordinates = rings if kind == "Polygon" else [rings]
    return {
        "type": "Feature",
        "properties": properties,
        "geometry": {"type": kind, "coordinates": coordinates},
    }


def collection(*features):
    return {"type": "FeatureCollection", "features": list(features)}


CITY_FILE = collection(
    feature({"KDEPUM": "3573021001", "WADMKD": "KAUMAN"}, [KAUMAN]),
    feature({"nama": "Kel. Oro-Oro Dowo", "kecamatan": "Klojen"}, [ORO]),
    feature({"name": "Gadang"}, [GADANG, GADANG_HOLE], kind="MultiPolygon"),
)


@pytest.fixture
def write_geojson(tmp_path):
    def write(data, name="batas.geojson"):
        path = tmp_path / name
        path.write_text(json.dumps(data), encoding="utf-8")
        return path

    return write


@pytest.fixture
def boundaries(city):
    """The three kelurahan boundaries, imported through the import code."""
    report = importing.import_boundaries(CITY_FILE, source="uji.geojson")
    assert report.written == 3
    return report
