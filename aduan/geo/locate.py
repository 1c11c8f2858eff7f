"""Which kelurahan holds a point: the database's bounding boxes first, then the polygons."""

from __future__ import annotations

from dataclasses import dataclass

from aduan.core.models import Kelurahan
from aduan.lib import geo

from .models import Boundary


@dataclass(frozen=True)
class Place:
    """Where a point lies. ``inside_city`` is None when no boundaries are imported: then
    nobody can tell, and a pin is accepted as it is."""

    kelurahan: Kelurahan | None
    inside_city: bool | None
    geometry: dict | None = None


def _holding(level: str, lat: float, lon: float) -> Boundary | None:
    candidates = Boundary.objects.filter(
        level=level, west__lte=lon, east__gte=lon, south__lte=lat, north__gte=lat
    ).select_related("kelurahan__kecamatan")
    for boundary in candidates:
        if geo.contains(boundary.geometry, lat, lon):
            return boundary
    return None


def locate(lat, lon) -> Place:
    """The kelurahan at (lat, lon), and whether the point is inside the city at all.

    Inside the city means inside a kelurahan boundary, or inside a kecamatan boundary
    when the kelurahan there has none.
    """
    lat, lon = float(lat), float(lon)
    found = _holding(Boundary.Level.KELURAHAN, lat, lon)
    if found is not None:
        return Place(found.kelurahan, True, found.geometry)
    if not Boundary.objects.exists():
        return Place(None, None)
    inside = _holding(Boundary.Level.KECAMATAN, lat, lon) is not None
    return Place(None, inside)


def kelurahan_outline(kelurahan_id) -> dict | None:
    boundary = Boundary.objects.filter(
        level=Boundary.Level.KELURAHAN, kelurahan_id=kelurahan_id
    ).first()
    return boundary.geometry if boundary else None
