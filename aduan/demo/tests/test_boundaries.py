"""The demo city's approximate kelurahan boundaries (aduan/demo/kelurahan_boundaries.json)."""

import json

import pytest

from aduan.core.models import Kecamatan, Kelurahan
from aduan.demo import boundaries, malang
from aduan.geo.locate import locate
from aduan.geo.models import Boundary
from aduan.lib import geo


@pytest.fixture
def malang_areas(db):
    for kec in malang.KECAMATAN:
        k = Kecamatan.objects.create(code=kec["code"], name=kec["name"])
        for kel in kec["kelurahan"]:
            Kelurahan.objects.create(code=kel["code"], name=kel["name"], kecamatan=k)


def test_the_file_says_it_is_approximate_and_is_what_the_generator_makes():
    data = json.loads(boundaries.DATA_FILE.read_text(encoding="utf-8"))
    assert data["approximate"] is True and "APPROXIMATE" in data["description"]
    assert "Voronoi" in data["description"]
    assert data == boundaries.build()
    assert len(data["features"]) == 57
    for feature in data["features"]:
        assert geo.geometry_problems(feature["geometry"]) == []


def test_every_kelurahan_is_imported_and_holds_its_own_centre(malang_areas):
    report = boundaries.load_boundaries()
    assert report.written == 57 and report.problems == 0 and report.missing == []
    assert Boundary.objects.count() == 57
    for kel in malang.all_kelurahan():
        place = locate(kel["lat"], kel["lon"])
        assert place.kelurahan.code == kel["code"]
    # Far outside the outline: not the city.
    assert locate(-7.80, 112.63).inside_city is False
