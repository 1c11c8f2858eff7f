"""Point-in-polygon, bounding boxes, geometry checks and name matching (aduan.lib.geo)."""

import pytest

from aduan.lib import geo

# A 4 x 4 square (lon 0..4, lat 0..4) with a 2 x 2 hole in the middle (1..3).
OUTER = [[0, 0], [4, 0], [4, 4], [0, 4], [0, 0]]
HOLE = [[1, 1], [1, 3], [3, 3], [3, 1], [1, 1]]
SQUARE_WITH_HOLE = {"type": "Polygon", "coordinates": [OUTER, HOLE]}
# An L shape: concave, where a bounding box alone would answer wrongly.
L_SHAPE = [[0, 0], [3, 0], [3, 1], [1, 1], [1, 3], [0, 3], [0, 0]]


@pytest.mark.parametrize(
    ("lat", "lon", "expected"),
    [
        (0.5, 0.5, True),  # in the ring, outside the hole
        (2, 2, False),  # in the hole
        (3.5, 2, True),
        (5, 2, False),  # north of everything
        (2, -0.1, False),
        (2, 4.1, False),
    ],
)
def test_polygon_with_hole(lat, lon, expected):
    assert geo.contains(SQUARE_WITH_HOLE, lat, lon) is expected


def test_concave_ring_answers_by_shape_not_box():
    assert geo.point_in_ring(0.5, 2.5, L_SHAPE)
    assert geo.point_in_ring(2.5, 0.5, L_SHAPE)
    # Inside the bounding box, outside the L.
    assert not geo.point_in_ring(2, 2, L_SHAPE)


def test_multipolygon_holds_points_of_each_part():
    far = [[10, 10], [11, 10], [11, 11], [10, 11], [10, 10]]
    multi = {"type": "MultiPolygon", "coordinates": [[OUTER, HOLE], [far]]}
    assert geo.contains(multi, 10.5, 10.5)
    assert geo.contains(multi, 0.5, 0.5)
    assert not geo.contains(multi, 2, 2)
    assert not geo.contains(multi, 7, 7)


def test_vertex_on_the_ray_is_counted_once():
    diamond = [[0, 1], [1, 0], [2, 1], [1, 2], [0, 1]]
    # The ray from (lat 1, lon 0.5) runs through the vertex (2, 1).
    assert geo.point_in_ring(1, 0.5, diamond)
    assert not geo.point_in_ring(1, 2.5, diamond)


def test_other_geometries_hold_nothing():
    assert not geo.contains({"type": "Point", "coordinates": [1, 1]}, 1, 1)


def test_bbox_of_multipolygon():
    far = [[10, -5], [11, -5], [11, 11], [10, 11], [10, -5]]
    multi = {"type": "MultiPolygon", "coordinates": [[OUTER, HOLE], [far]]}
    assert geo.bbox(multi) == (0, -5, 11, 11)
    assert geo.in_bbox(geo.bbox(multi), 5, 5)
    assert not geo.in_bbox(geo.bbox(multi), 12, 5)


def test_sound_geometries_have_no_problems():
    assert geo.geometry_problems(SQUARE_WITH_HOLE) == []
    assert geo.geometry_problems({"type": "MultiPolygon", "coordinates": [[OUTER]]}) == []


@pytest.mark.parametrize(
    ("geometry", "fragment"),
    [
        (None, "no geometry"),
        ({"type": "Point", "coordinates": [1, 1]}, "not Polygon or MultiPolygon"),
        ({"type": "Polygon", "coordinates": []}, "no coordinates"),
        ({"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1]]]}, "not closed"),
        ({"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [0, 0]]]}, "at least 4"),
        (
            {"type": "Polygon", "coordinates": [[[0, 0], [200, 0], [1, 1], [0, 0]]]},
            "out of range",
        ),
        (
            {"type": "Polygon", "coordinates": [[[0, 0], ["1", 0], [1, 1], [0, 0]]]},
            "pair of numbers",
        ),
        ({"type": "MultiPolygon", "coordinates": [[]]}, "polygon 1: no rings"),
    ],
)
def test_unsound_geometries_are_named(geometry, fragment):
    problems = geo.geometry_problems(geometry)
    assert problems
    assert fragment in problems[0]


def test_names_and_codes_normalise():
    assert geo.normalise_name("Oro-oro Dowo") == geo.normalise_name("KELURAHAN ORO ORO DOWO")
    assert geo.normalise_name("Kel. Kauman") == "kauman"
    assert geo.normalise_name("Kec. Klojen") == "klojen"
    assert geo.normalise_name("Kauman") != geo.normalise_name("Kasin")
    assert geo.normalise_code("35.73.02.1001") == geo.normalise_code("3573021001")


def test_first_containing_returns_the_key():
    far = {"type": "Polygon", "coordinates": [[[10, 10], [11, 10], [11, 11], [10, 11], [10, 10]]]}
    areas = [("square", SQUARE_WITH_HOLE), ("far", far)]
    assert geo.first_containing(areas, 10.5, 10.5) == "far"
    assert geo.first_containing(areas, 2, 2) is None
