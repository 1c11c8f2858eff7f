"""``aduan boundaries import``: validation, matching and the report."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from aduan.geo.models import Boundary

from .conftest import CITY_FILE, GADANG, KAUMAN, ORO, collection, feature, rect


def run(*args):
    out = StringIO()
    call_command("boundaries", *args, stdout=out)
    return out.getvalue()


def test_valid_file_is_imported_and_reported(city, write_geojson):
    output = run("import", str(write_geojson(CITY_FILE)))
    assert "3 features, level kelurahan" in output
    assert "matched: 3 (3 boundaries written)" in output
    assert "done: 3 written, 0 left out" in output
    rows = {b.kelurahan.name: b for b in Boundary.objects.select_related("kelurahan")}
    assert set(rows) == {"Kauman", "Oro-oro Dowo", "Gadang"}
    kauman = rows["Kauman"]
    assert (kauman.west, kauman.south, kauman.east, kauman.north) == (
        112.620,
        -7.990,
        112.630,
        -7.980,
    )
    assert kauman.kecamatan == city["klojen"]
    assert kauman.source == "batas.geojson"
    assert rows["Gadang"].geometry["type"] == "MultiPolygon"


def test_open_ring_unknown_name_and_duplicate_are_reported_and_left_out(city, write_geojson):
    open_ring = rect(112.620, -7.980, 112.630, -7.970)[:-1]
    data = collection(
        feature({"nama": "Kauman"}, [KAUMAN]),
        feature({"nama": "Oro-oro Dowo"}, [open_ring]),
        feature({"nama": "Kasin"}, [ORO]),
        feature({"nama": "Gadang"}, [GADANG]),
        feature({"kode": "35.73.04.1001"}, [GADANG]),
        {"type": "Feature", "properties": {"nama": "Sukun"}, "geometry": None},
    )
    output = run("import", str(write_geojson(data)))
    assert "invalid geometry: #2 Oro-oro Dowo: ring 1: ring is not closed" in output
    assert "invalid geometry: #6 Sukun: no geometry" in output
    assert "unmatched (1): #3 Kasin" in output
    assert "duplicates, left out (1): #5" in output and "(also #4 Gadang) = Gadang" in output
    assert "kelurahan without a boundary (2): Gadang, Oro-oro Dowo" in output
    assert "done: 1 written, 4 left out" in output
    assert list(Boundary.objects.values_list("kelurahan__name", flat=True)) == ["Kauman"]


def test_dry_run_writes_nothing(city, write_geojson):
    output = run("import", str(write_geojson(CITY_FILE)), "--dry-run")
    assert "3 boundaries would be written" in output and "(dry run)" in output
    assert not Boundary.objects.exists()


def test_reimport_replaces_the_earlier_boundary(city, write_geojson):
    run("import", str(write_geojson(CITY_FILE)))
    bigger = rect(112.610, -7.995, 112.630, -7.980)
    run("import", str(write_geojson(collection(feature({"nama": "Kauman"}, [bigger])))))
    assert Boundary.objects.count() == 3
    assert Boundary.objects.get(kelurahan=city["kauman"]).west == 112.610


def test_match_property_names_the_one_property_to_read(city, write_geojson):
    # "nama" would say Gadang; the chosen property says Kauman.
    data = collection(feature({"nama": "Gadang", "desa_resmi": "KAUMAN"}, [KAUMAN]))
    output = run("import", str(write_geojson(data)), "--match-property", "desa_resmi")
    assert "matched: 1" in output
    assert Boundary.objects.get().kelurahan == city["kauman"]


def test_shared_name_is_told_apart_by_kecamatan_or_reported_ambiguous(city, write_geojson):
    from aduan.core.models import Kelurahan

    Kelurahan.objects.create(code="35.73.04.1099", name="Kauman", kecamatan=city["sukun"])
    data = collection(
        feature({"nama": "Kauman"}, [KAUMAN]),
        feature({"nama": "Kauman", "kecamatan": "Kec. Sukun"}, [GADANG]),
    )
    output = run("import", str(write_geojson(data)))
    assert "ambiguous (1): #1 Kauman" in output
    assert Boundary.objects.get().kelurahan.kecamatan == city["sukun"]


def test_kecamatan_level(city, write_geojson):
    data = collection(feature({"WADMKC": "KLOJEN"}, [rect(112.62, -7.99, 112.63, -7.97)]))
    output = run("import", str(write_geojson(data)), "--level", "kecamatan")
    assert "level kecamatan" in output and "matched: 1" in output
    assert "kecamatan without a boundary (1): Sukun" in output
    row = Boundary.objects.get()
    assert row.level == "kecamatan" and row.kecamatan == city["klojen"] and row.kelurahan is None


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json", "is not JSON"),
        ('{"type": "Point", "coordinates": [1, 2]}', "expected a FeatureCollection"),
        ('{"type": "FeatureCollection", "features": []}', "no boundary could be imported"),
    ],
)
def test_unusable_files_fail_loudly(city, tmp_path, content, message):
    path = tmp_path / "x.geojson"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CommandError, match=message):
        run("import", str(path))
    assert not Boundary.objects.exists()


def test_missing_file(city, tmp_path):
    with pytest.raises(CommandError, match="cannot read"):
        run("import", str(tmp_path / "nope.geojson"))


def test_show_counts_per_level(boundaries):
    output = run("show")
    assert "kelurahan: 3" in output and "kecamatan: 0" in output
