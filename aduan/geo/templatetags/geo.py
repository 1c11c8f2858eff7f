"""``{% map_attrs %}``: the data-* attributes a map element gives aduan/static/aduan/*.js.

The tile server, its attribution and deepest zoom (settings.ADUAN_MAP_TILES) and the
city's box (core.City), so scripts carry no configuration of their own and the
Content-Security-Policy's "no inline script" holds.
"""

from django import template
from django.conf import settings
from django.utils.html import format_html

from aduan.core.city import current_city

register = template.Library()


@register.simple_tag
def map_attrs():
    tiles = settings.ADUAN_MAP_TILES
    box = current_city().bounds
    return format_html(
        'data-tiles="{}" data-attribution="{}" data-max-zoom="{}" data-bounds="{},{},{},{}"',
        tiles["url"],
        tiles["attribution"],
        tiles["max_zoom"],
        box["lat_min"],
        box["lon_min"],
        box["lat_max"],
        box["lon_max"],
    )


@register.inclusion_tag("geo/_leaflet.html")
def leaflet_assets(cluster=False):
    """The vendored Leaflet stylesheet and script (and the clustering plug-in)."""
    return {"cluster": cluster}
