"""Number formatting of the report pages, in the reader's language."""

from __future__ import annotations

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

register = template.Library()


def _num(value: float, decimals: int) -> str:
    return number_format(value, decimal_pos=decimals, use_l10n=True, force_grouping=True)


@register.filter
def pct(value) -> str:
    """0.873 → "87,3%" (Indonesian) / "87.3%"; None → "–"."""
    if value is None or value == "":
        return "–"
    return f"{_num(float(value) * 100, 1)}%"


def duration_unit(seconds: float) -> str:
    """The unit a reader thinks in for a duration: minutes, hours or days."""
    if seconds < 3600:
        return "minutes"
    if seconds < 48 * 3600:
        return "hours"
    return "days"


@register.filter
def duration(seconds, unit: str | None = None) -> str:
    """Seconds as "25 menit", "3,2 jam" or "1,5 hari" (``unit`` forces one)."""
    if seconds is None or seconds == "":
        return "–"
    seconds = float(seconds)
    unit = unit or duration_unit(seconds)
    if unit == "minutes":
        return _("%(n)s menit") % {"n": _num(max(seconds / 60, 1), 0)}
    if unit == "hours":
        return _("%(n)s jam") % {"n": _num(seconds / 3600, 1)}
    return _("%(n)s hari") % {"n": _num(seconds / 86400, 1)}


@register.filter
def decimal1(value) -> str:
    if value is None or value == "":
        return "–"
    return _num(float(value), 1)


@register.filter
def get(mapping, key):
    """``{{ row.medians|get:"response" }}``; None when missing."""
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.filter
def stage_rate(row, stage):
    """``{{ row|stage_rate:"response"|pct }}``: an AgencyRow's on-time rate of a stage."""
    return row.rate(stage)


@register.simple_tag
def scorecard_is_public() -> bool:
    """Whether the city publishes the agency scorecard (the public menu asks)."""
    from ..models import ReportSettings

    return ReportSettings.objects.filter(pk=1, publish_scorecard=True).exists()
