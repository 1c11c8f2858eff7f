"""A map of the city without tiles or JavaScript: projected points and rough areas.

The demo data has each kelurahan's centre, not its boundary. The map therefore draws
each kelurahan as the part of the city closer to its centre than to any other (a
Voronoi cell), clipped to the city's outline (the convex hull of the centres, pushed
out by a margin). That is honest enough to read "where" at a glance, and the page says
the borders are approximate. Pure functions, no Django.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

Point = tuple[float, float]


@dataclass(frozen=True)
class Projection:
    """Longitude/latitude to SVG units: equirectangular, scaled by cos(latitude) so
    that a kilometre east is as long as a kilometre north (fine at city scale)."""

    lon_min: float
    lon_max: float
    lat_min: float
    lat_max: float
    width: float = 800.0
    pad: float = 24.0

    @property
    def _kx(self) -> float:
        mid = math.radians((self.lat_min + self.lat_max) / 2)
        return math.cos(mid)

    @property
    def scale(self) -> float:
        span = max((self.lon_max - self.lon_min) * self._kx, 1e-9)
        return (self.width - 2 * self.pad) / span

    @property
    def height(self) -> float:
        return (self.lat_max - self.lat_min) * self.scale + 2 * self.pad

    def __call__(self, lat: float, lon: float) -> Point:
        x = self.pad + (lon - self.lon_min) * self._kx * self.scale
        y = self.pad + (self.lat_max - lat) * self.scale
        return round(x, 1), round(y, 1)

    def contains(self, lat: float, lon: float) -> bool:
        return self.lat_min <= lat <= self.lat_max and self.lon_min <= lon <= self.lon_max


def fit(points: Sequence[tuple[float, float]], fallback: dict, margin: float = 0.006) -> Projection:
    """A projection around ``points`` (lat, lon) with ``margin`` degrees of room, or
    around ``fallback`` (lat_min, lat_max, lon_min, lon_max) with fewer than 3 points."""
    if len(points) < 3:
        return Projection(
            fallback["lon_min"], fallback["lon_max"], fallback["lat_min"], fallback["lat_max"]
        )
    lats = [p[0] for p in points]
    lons = [p[1] for p in points]
    return Projection(
        min(lons) - margin, max(lons) + margin, min(lats) - margin, max(lats) + margin
    )


def convex_hull(points: Sequence[Point]) -> list[Point]:
    """Counter-clockwise hull (Andrew's monotone chain); fewer than 3 points as given."""
    pts = sorted(set(points))
    if len(pts) < 3:
        return pts

    def cross(o, a, b):
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])

    lower: list[Point] = []
    for p in pts:
        while len(lower) >= 2 and cross(lower[-2], lower[-1], p) <= 0:
            lower.pop()
        lower.append(p)
    upper: list[Point] = []
    for p in reversed(pts):
        while len(upper) >= 2 and cross(upper[-2], upper[-1], p) <= 0:
            upper.pop()
        upper.append(p)
    return lower[:-1] + upper[:-1]


def expand(polygon: Sequence[Point], margin: float) -> list[Point]:
    """Push every vertex ``margin`` units away from the polygon's centre."""
    cx = sum(p[0] for p in polygon) / len(polygon)
    cy = sum(p[1] for p in polygon) / len(polygon)
    result = []
    for x, y in polygon:
        dx, dy = x - cx, y - cy
        length = math.hypot(dx, dy) or 1.0
        result.append((x + dx / length * margin, y + dy / length * margin))
    return result


def clip_half_plane(polygon: list[Point], site: Point, other: Point) -> list[Point]:
    """The part of ``polygon`` closer to ``site`` than to ``other`` (Sutherland–Hodgman)."""
    mx, my = (site[0] + other[0]) / 2, (site[1] + other[1]) / 2
    nx, ny = other[0] - site[0], other[1] - site[1]

    def side(p: Point) -> float:
        return (p[0] - mx) * nx + (p[1] - my) * ny

    result: list[Point] = []
    for i, current in enumerate(polygon):
        previous = polygon[i - 1]
        a, b = side(previous), side(current)
        if b <= 0:
            if a > 0:
                result.append(_intersect(previous, current, a, b))
            result.append(current)
        elif a <= 0:
            result.append(_intersect(previous, current, a, b))
    return result


def _intersect(p: Point, q: Point, a: float, b: float) -> Point:
    t = a / (a - b)
    return (p[0] + (q[0] - p[0]) * t, p[1] + (q[1] - p[1]) * t)


@lru_cache(maxsize=8)
def voronoi_cells(sites: tuple[Point, ...], outline: tuple[Point, ...]) -> tuple[tuple, ...]:
    """For each site, its cell inside ``outline`` (a convex polygon). Cached: the
    kelurahan centres change about never."""
    cells = []
    for i, site in enumerate(sites):
        cell = list(outline)
        for j, other in enumerate(sites):
            if i != j and other != site and cell:
                cell = clip_half_plane(cell, site, other)
        cells.append(tuple((round(x, 1), round(y, 1)) for x, y in cell))
    return tuple(cells)


def centroid(polygon: Sequence[Point]) -> Point:
    """Area centroid (vertex mean for degenerate polygons)."""
    area = cx = cy = 0.0
    for i, (x0, y0) in enumerate(polygon):
        x1, y1 = polygon[(i + 1) % len(polygon)]
        step = x0 * y1 - x1 * y0
        area += step
        cx += (x0 + x1) * step
        cy += (y0 + y1) * step
    if abs(area) < 1e-9:
        n = len(polygon) or 1
        return sum(p[0] for p in polygon) / n, sum(p[1] for p in polygon) / n
    return cx / (3 * area), cy / (3 * area)


def path_of(polygon: Sequence[Point]) -> str:
    if not polygon:
        return ""
    head, *rest = polygon
    return f"M{head[0]:.1f},{head[1]:.1f}" + "".join(f"L{x:.1f},{y:.1f}" for x, y in rest) + "Z"
