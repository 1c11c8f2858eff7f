"""Points and areas in GeoJSON terms: which polygon holds a point, and is a geometry sound.

Framework-free. Positions are GeoJSON's ``[longitude, latitude]``; functions that take a
single point take ``(lat, lon)`` keyword-free in that order, as the rest of Aduan writes
coordinates. Only ``Polygon`` and ``MultiPolygon`` are areas here (what BPS,
geoBoundaries and OpenStreetMap exports use for administrative boundaries).

Point-in-polygon is ray casting (the even-odd rule) on plain degrees: at city scale the
earth's curvature moves a border by far less than the boundaries' own accuracy. A point
exactly on an edge may fall on either side; a kelurahan picked by the pin is a suggestion
the citizen can correct.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Sequence

AREA_TYPES = ("Polygon", "MultiPolygon")

Ring = Sequence[Sequence[float]]
BBox = tuple[float, float, float, float]  # west, south, east, north


def point_in_ring(lat: float, lon: float, ring: Ring) -> bool:
    """Whether (lat, lon) lies inside the closed ``ring`` (even-odd ray casting)."""
    inside = False
    n = len(ring)
    if n < 3:
        return False
    j = n - 1
    for i in range(n):
        xi, yi = ring[i][0], ring[i][1]
        xj, yj = ring[j][0], ring[j][1]
        # An edge counts when it straddles the horizontal line through the point and
        # crosses it east of the point; half-open on y so a vertex is counted once.
        if (yi > lat) != (yj > lat):
            x_cross = xi + (lat - yi) * (xj - xi) / (yj - yi)
            if lon < x_cross:
                inside = not inside
        j = i
    return inside


def point_in_polygon(lat: float, lon: float, rings: Sequence[Ring]) -> bool:
    """Inside the outer ring (``rings[0]``) and outside every hole (the others)."""
    if not rings or not point_in_ring(lat, lon, rings[0]):
        return False
    return not any(point_in_ring(lat, lon, hole) for hole in rings[1:])


def polygons(geometry: dict) -> list[Sequence[Ring]]:
    """The polygons (each a list of rings) of a Polygon or MultiPolygon."""
    kind = geometry.get("type")
    if kind == "Polygon":
        return [geometry["coordinates"]]
    if kind == "MultiPolygon":
        return list(geometry["coordinates"])
    return []


def contains(geometry: dict, lat: float, lon: float) -> bool:
    """Whether an area geometry holds the point; any other geometry holds nothing."""
    return any(point_in_polygon(lat, lon, rings) for rings in polygons(geometry))


def bbox(geometry: dict) -> BBox:
    """``(west, south, east, north)`` of an area geometry's outer rings."""
    lons: list[float] = []
    lats: list[float] = []
    for rings in polygons(geometry):
        if rings:
            lons.extend(p[0] for p in rings[0])
            lats.extend(p[1] for p in rings[0])
    if not lons:
        raise ValueError("geometry has no positions")
    return min(lons), min(lats), max(lons), max(lats)


def in_bbox(box: BBox, lat: float, lon: float) -> bool:
    west, south, east, north = box
    return west <= lon <= east and south <= lat <= north


def _number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _ring_problems(ring, where: str) -> list[str]:
    if not isinstance(ring, list) or len(ring) < 4:
        return [f"{where}: a ring needs at least 4 positions"]
    problems = []
    for position in ring:
        if (
            not isinstance(position, list)
            or len(position) < 2
            or not all(_number(v) for v in position[:2])
        ):
            return [f"{where}: a position is not a [longitude, latitude] pair of numbers"]
        lon, lat = position[0], position[1]
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            problems.append(f"{where}: coordinates out of range ({lon}, {lat})")
            break
    if not problems and list(ring[0][:2]) != list(ring[-1][:2]):
        problems.append(f"{where}: ring is not closed (first and last positions differ)")
    return problems


def geometry_problems(geometry) -> list[str]:
    """Why ``geometry`` is not a usable area (an empty list when it is).

    Checks the type (Polygon or MultiPolygon), the nesting, at least four positions per
    ring, closed rings and coordinates within longitude/latitude range. It does not
    check self-intersection: exports from GIS tools rarely have it, and ray casting
    still answers something sensible for a slightly twisted ring.
    """
    if not isinstance(geometry, dict):
        return ["no geometry"]
    kind = geometry.get("type")
    if kind not in AREA_TYPES:
        return [f"geometry type {kind!r} is not Polygon or MultiPolygon"]
    coordinates = geometry.get("coordinates")
    if not isinstance(coordinates, list) or not coordinates:
        return ["geometry has no coordinates"]
    parts = [coordinates] if kind == "Polygon" else coordinates
    problems: list[str] = []
    for p, rings in enumerate(parts):
        if not isinstance(rings, list) or not rings:
            problems.append(f"polygon {p + 1}: no rings")
            continue
        for r, ring in enumerate(rings):
            where = f"polygon {p + 1} ring {r + 1}" if kind == "MultiPolygon" else f"ring {r + 1}"
            problems.extend(_ring_problems(ring, where))
    return problems


_PREFIXES = re.compile(r"^(kelurahan|kel|desa|kecamatan|kec)\b\.?\s*")


def normalise_name(name: str) -> str:
    """A place name reduced for matching: case, accents, a "Kelurahan"/"Kec." prefix,
    spaces, hyphens and punctuation do not count ("Oro-oro Dowo" = "OROORO DOWO")."""
    text = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode()
    text = _PREFIXES.sub("", text.strip().lower())
    return re.sub(r"[^a-z0-9]", "", text)


def normalise_code(code: str) -> str:
    """A Kemendagri area code without separators ("35.73.02.1001" = "3573021001")."""
    return re.sub(r"[^0-9a-z]", "", str(code).strip().lower())


def first_containing(areas: Iterable[tuple[object, dict]], lat: float, lon: float):
    """The key of the first ``(key, geometry)`` whose geometry holds the point, or None."""
    for key, geometry in areas:
        if contains(geometry, lat, lon):
            return key
    return None
