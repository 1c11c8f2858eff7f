"""The city map: kecamatan shaded by volume, kelurahan bubbles, complaint points.

Kelurahan centres come from the database (the admin keeps them), and so does the box
drawn while too few of them have coordinates (the city record); complaint points are
the rounded coordinates of :class:`ComplaintSummary`. Everything is an SVG link to a
public page, with ``tabindex="-1"``: keyboard and screen-reader users get the same
links in the table under the map instead of hundreds of tab stops.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from aduan.core.city import current_city
from aduan.core.models import Kelurahan

from . import geometry
from .charts import INK, _join, _svg, fmt

SHADES = ["#dce8f7", "#b7cfee", "#8fb3e2", "#5f93d3", "#2f6bb7"]
BUBBLE = "#f2b705"
BUBBLE_EDGE = "#6b4500"
POINT = "#b3261e"
MAX_RADIUS = 18.0


@dataclass
class Area:
    kelurahan: Kelurahan
    count: int = 0
    href: str = ""
    xy: tuple | None = None
    radius: float = 0.0


@dataclass
class KecamatanShade:
    name: str
    count: int
    color: str
    label_xy: tuple | None = None
    cells: list = field(default_factory=list)


@dataclass
class Pin:
    lat: float
    lon: float
    href: str
    label: str


def shade_classes(counts: list[int]) -> list[tuple[int, int, str]]:
    """Up to five equal classes ``(low, high, colour)`` spanning the counts (a legend):
    with five kecamatan, classes from zero would paint them all one colour."""
    if not counts:
        return [(0, 0, SHADES[0])]
    low, high = min(counts), max(counts)
    if high == low:
        return [(low, high, SHADES[2])]
    n = min(len(SHADES), high - low + 1)
    step = (high - low + 1) / n
    classes = []
    for i in range(n):
        start = low + math.ceil(i * step)
        end = low + math.ceil((i + 1) * step) - 1
        classes.append((start, end, SHADES[round(i * (len(SHADES) - 1) / max(n - 1, 1))]))
    return classes


def _shade(count: int, classes) -> str:
    for _low, high, color in classes:
        if count <= high:
            return color
    return classes[-1][2]


def build_map(
    uid: str,
    title: str,
    desc: str,
    counts: dict[int, int],
    *,
    kelurahan_href=None,
    pins: list[Pin] = (),
    bubbles: bool = True,
):
    """``(svg, areas, kecamatan_shades, classes)``; ``counts`` by kelurahan id."""
    kelurahan = list(
        Kelurahan.objects.select_related("kecamatan").order_by("kecamatan__name", "name")
    )
    located = [k for k in kelurahan if k.latitude is not None and k.longitude is not None]
    projection = geometry.fit(
        [(float(k.latitude), float(k.longitude)) for k in located], current_city().bounds
    )
    sites = tuple(projection(float(k.latitude), float(k.longitude)) for k in located)
    hull = geometry.convex_hull(sites)
    if len(hull) >= 3:
        outline = tuple(geometry.expand(hull, 22.0))
    else:
        w, h = projection.width, projection.height
        outline = ((8.0, 8.0), (w - 8, 8.0), (w - 8, h - 8), (8.0, h - 8))
    cells = geometry.voronoi_cells(sites, outline) if sites else ()

    areas = [
        Area(k, counts.get(k.pk, 0), kelurahan_href(k) if kelurahan_href else "") for k in kelurahan
    ]
    by_id = {a.kelurahan.pk: a for a in areas}
    kecamatan: dict[int, KecamatanShade] = {}
    for area in areas:
        kec = area.kelurahan.kecamatan
        shade = kecamatan.setdefault(kec.pk, KecamatanShade(kec.name, 0, ""))
        shade.count += area.count
    classes = shade_classes([s.count for s in kecamatan.values()])
    for shade in kecamatan.values():
        shade.color = _shade(shade.count, classes)

    top = max((a.count for a in areas), default=0) or 1
    body = [
        format_html(
            '<path d="{}" fill="#f7f9fc" stroke="{}" stroke-width="1.5"/>',
            geometry.path_of(outline),
            "#8a94a3",
        )
    ]
    for k, site, cell in zip(located, sites, cells, strict=True):
        area = by_id[k.pk]
        area.xy = site
        shade = kecamatan[k.kecamatan_id]
        shade.cells.append(cell)
        body.append(
            format_html(
                '<path d="{}" fill="{}" stroke="#ffffff" stroke-width="1"><title>{}</title></path>',
                geometry.path_of(cell),
                shade.color,
                f"{k.name}, {shade.name}",
            )
        )
    labels = []
    for shade in kecamatan.values():
        if not shade.cells:
            continue
        points = [geometry.centroid(c) for c in shade.cells if c]
        x = sum(p[0] for p in points) / len(points)
        y = sum(p[1] for p in points) / len(points)
        shade.label_xy = (x, y)
        labels.append(
            format_html(
                '<text x="{}" y="{}" font-size="21" font-weight="700" fill="{}" '
                'text-anchor="middle" stroke="#ffffff" stroke-width="5" paint-order="stroke">'
                "{}</text>"
                '<text x="{}" y="{}" font-size="17" fill="{}" text-anchor="middle" '
                'stroke="#ffffff" stroke-width="5" paint-order="stroke">{}</text>',
                f"{x:.1f}",
                f"{y:.1f}",
                INK,
                shade.name,
                f"{x:.1f}",
                f"{y + 20:.1f}",
                INK,
                ngettext("%(n)s aduan", "%(n)s aduan", shade.count) % {"n": fmt(shade.count)},
            )
        )
    if bubbles:
        for area in areas:
            if area.xy is None or not area.count:
                continue
            area.radius = 3 + (MAX_RADIUS - 3) * math.sqrt(area.count / top)
            circle = format_html(
                '<circle cx="{}" cy="{}" r="{}" fill="{}" fill-opacity="0.8" stroke="{}" '
                'stroke-width="1.2"><title>{}</title></circle>',
                area.xy[0],
                area.xy[1],
                f"{area.radius:.1f}",
                BUBBLE,
                BUBBLE_EDGE,
                _("%(place)s: %(n)s aduan") % {"place": area.kelurahan.name, "n": area.count},
            )
            if area.href:
                circle = format_html('<a href="{}" tabindex="-1">{}</a>', area.href, circle)
            body.append(circle)
    for pin in pins:
        if not projection.contains(pin.lat, pin.lon):
            continue
        x, y = projection(pin.lat, pin.lon)
        body.append(
            format_html(
                '<a href="{}" tabindex="-1"><circle cx="{}" cy="{}" r="5" fill="{}" '
                'stroke="#ffffff" stroke-width="1.5"><title>{}</title></circle></a>',
                pin.href,
                x,
                y,
                POINT,
                pin.label,
            )
        )
    # Names last: bubbles and points must not cover them.
    svg: SafeString = _svg(
        uid, projection.width, projection.height, title, desc, [_join(body), _join(labels)]
    )
    shades = sorted(kecamatan.values(), key=lambda s: s.name)
    return svg, areas, shades, classes
