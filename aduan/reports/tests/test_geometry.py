"""The tile-free map: projection, hull, and Voronoi cells that tile the outline."""

import pytest

from aduan.reports import geometry


def _area(polygon):
    return abs(
        sum(
            x0 * y1 - x1 * y0
            for (x0, y0), (x1, y1) in zip(polygon, polygon[1:] + polygon[:1], strict=True)
        )
        / 2
    )


def test_projection_keeps_north_up_and_inside_the_canvas():
    projection = geometry.Projection(112.56, 112.70, -8.06, -7.90)
    north = projection(-7.91, 112.60)
    south = projection(-8.05, 112.60)
    west = projection(-8.0, 112.57)
    east = projection(-8.0, 112.69)
    assert north[1] < south[1]
    assert west[0] < east[0]
    for x, y in (north, south, west, east):
        assert 0 <= x <= projection.width and 0 <= y <= projection.height


def test_voronoi_cells_tile_the_outline():
    sites = ((100.0, 100.0), (300.0, 120.0), (200.0, 300.0), (120.0, 260.0), (280.0, 280.0))
    outline = tuple(geometry.expand(geometry.convex_hull(sites), 30.0))
    cells = geometry.voronoi_cells(sites, outline)
    assert len(cells) == len(sites)
    assert sum(_area(list(c)) for c in cells) == pytest.approx(_area(list(outline)), rel=1e-3)
    for site, cell in zip(sites, cells, strict=True):
        cx, cy = geometry.centroid(cell)
        # Each cell's centre is nearer its own site than to any other.
        mine = (cx - site[0]) ** 2 + (cy - site[1]) ** 2
        assert all(mine <= (cx - o[0]) ** 2 + (cy - o[1]) ** 2 + 1e-6 for o in sites)


def test_hull_of_collinear_or_few_points():
    assert geometry.convex_hull([(0.0, 0.0), (1.0, 1.0)]) == [(0.0, 0.0), (1.0, 1.0)]
    hull = geometry.convex_hull([(0, 0), (2, 0), (1, 1), (2, 2), (0, 2)])
    assert (1, 1) not in hull and len(hull) == 4


def test_fit_falls_back_to_the_city_box_with_few_points():
    fallback = {"lat_min": -8.06, "lat_max": -7.90, "lon_min": 112.56, "lon_max": 112.70}
    assert geometry.fit([(-7.98, 112.63)], fallback).lat_min == -8.06
    fitted = geometry.fit([(-7.9, 112.6), (-8.0, 112.7), (-7.95, 112.65)], fallback)
    assert fitted.lat_max == pytest.approx(-7.894)
