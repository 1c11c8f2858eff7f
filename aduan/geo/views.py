"""The map picker's question: which kelurahan holds this point (a small JSON answer)."""

from __future__ import annotations

import math

from django.http import JsonResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from .locate import locate
from .models import Boundary


def _coordinate(raw: str | None, low: float, high: float) -> float | None:
    try:
        value = float(raw or "")
    except ValueError:
        return None
    return value if math.isfinite(value) and low <= value <= high else None


@require_safe
# Boundaries change about never; a phone asking again for the same point need not wait.
@cache_control(public=True, max_age=300)
def kelurahan_at(request):
    """``{"inside": true|false|null, "kelurahan": {...}|null, "geometry": {...}|null}``.

    ``inside`` is null when the city has no boundaries imported: nobody can tell then.
    """
    lat = _coordinate(request.GET.get("lat"), -90, 90)
    lon = _coordinate(request.GET.get("lon"), -180, 180)
    if lat is None or lon is None:
        return JsonResponse({"error": "lat and lon must be numbers in range"}, status=400)
    place = locate(lat, lon)
    kelurahan = place.kelurahan
    return JsonResponse(
        {
            "inside": place.inside_city,
            "kelurahan": (
                {
                    "id": kelurahan.pk,
                    "code": kelurahan.code,
                    "name": kelurahan.name,
                    "kecamatan": kelurahan.kecamatan.name,
                }
                if kelurahan
                else None
            ),
            "geometry": place.geometry,
        }
    )


@require_safe
@cache_control(public=True, max_age=3600)
def outlines(request):
    """Every kelurahan boundary as one GeoJSON FeatureCollection (name and geometry), drawn
    faintly under the pin so the map says something even when no tile loads."""
    rows = Boundary.objects.filter(level=Boundary.Level.KELURAHAN).select_related("kelurahan")
    return JsonResponse(
        {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "properties": {"name": row.kelurahan.name},
                    "geometry": row.geometry,
                }
                for row in rows
            ],
        }
    )
