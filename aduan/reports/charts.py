"""Server-rendered SVG charts: no JavaScript, no chart library, no CDN.

Each function returns safe SVG markup with a ``<title>`` and ``<desc>`` (named by
``aria-labelledby``) and a ``<title>`` tooltip on every mark. Pages put the legend in
HTML beside the chart and the numbers in a data table under it, so nothing depends on
reading the picture. Labels are escaped by ``format_html``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from .models import Result

INK = "#1d2430"
MUTED = "#4f5b6b"
GRID = "#d6dbe3"
BAR = "#0b5cab"
# Non-text marks keep 3:1 contrast against white (WCAG 1.4.11).
RESULT_COLORS = {
    Result.FIXED: "#1f7a3d",
    Result.ANSWERED: "#3f8f55",
    Result.REFERRED: "#0b5cab",
    Result.PLANNED: "#6b3fa0",
    Result.CANNOT_ACT: "#8a5a00",
    Result.IN_PROGRESS: "#b86e00",
    Result.REJECTED: "#5d6673",
    Result.MERGED: "#8a94a3",
}
# Bar labels: about 7.5 px a character at 12.5 px, so 22 characters fit the column.
LABEL_WIDTH = 190.0
LABEL_CHARS = 22
RESULT_ORDER = [
    Result.FIXED,
    Result.ANSWERED,
    Result.REFERRED,
    Result.PLANNED,
    Result.CANNOT_ACT,
    Result.IN_PROGRESS,
    Result.REJECTED,
    Result.MERGED,
]


@dataclass
class Series:
    key: str
    label: str
    color: str


def result_series() -> list[Series]:
    return [Series(r.value, str(r.label), RESULT_COLORS[r]) for r in RESULT_ORDER]


def fmt(value: float, decimals: int = 0) -> str:
    return number_format(value, decimal_pos=decimals, use_l10n=True, force_grouping=True)


def nice_max(value: float, steps: int = 4) -> tuple[float, float]:
    """A round axis maximum at or above ``value`` and its gridline step."""
    if value <= 0:
        return 1.0, 1.0
    raw = value / steps
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        step = factor * power
        if step >= raw:
            break
    if step < 1 and value >= 1:
        step = 1
    return step * math.ceil(value / step), step


def _join(parts) -> SafeString:
    return mark_safe("".join(str(p) for p in parts))  # noqa: S308 - parts are format_html output


def _svg(uid: str, width: float, height: float, title: str, desc: str, body) -> SafeString:
    inner = _join(body)
    # A picture is one image to assistive technology; one holding links must stay a
    # group, or its links would be hidden inside an image (axe: nested-interactive).
    role = "group" if "<a " in inner else "img"
    return format_html(
        '<svg class="rp-chart" viewBox="0 0 {} {}" role="{}" aria-labelledby="{}-t {}-d" '
        'xmlns="http://www.w3.org/2000/svg" font-family="system-ui, sans-serif">'
        '<title id="{}-t">{}</title><desc id="{}-d">{}</desc>{}</svg>',
        f"{width:.0f}",
        f"{height:.0f}",
        role,
        uid,
        uid,
        uid,
        title,
        uid,
        desc,
        inner,
    )


def _truncate(label: str, limit: int) -> str:
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def stacked_columns(
    uid: str,
    title: str,
    desc: str,
    columns: Sequence[tuple[str, str, dict]],
    series: Sequence[Series],
) -> SafeString:
    """Vertical stacked columns, e.g. complaints per month by result. Each column has a
    label and an optional second line (the year, shown where it changes)."""
    width, height = 520.0, 270.0
    left, right, top, bottom = 44.0, 8.0, 14.0, 44.0
    plot_w, plot_h = width - left - right, height - top - bottom
    totals = [sum(values.get(s.key, 0) for s in series) for _label, _sub, values in columns]
    top_value, step = nice_max(max(totals, default=0))
    body = []
    tick = 0.0
    while tick <= top_value + 1e-9:
        y = top + plot_h - tick / top_value * plot_h
        body.append(
            format_html(
                '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="{}" stroke-width="1"/>'
                '<text x="{}" y="{}" font-size="12" fill="{}" text-anchor="end">{}</text>',
                left,
                width - right,
                f"{y:.1f}",
                f"{y:.1f}",
                GRID,
                left - 6,
                f"{y + 4:.1f}",
                MUTED,
                fmt(tick),
            )
        )
        tick += step
    n = max(len(columns), 1)
    slot = plot_w / n
    bar_w = max(slot * 0.7, 2)
    label_every = max(1, math.ceil(n / 12))
    for i, ((label, sub, values), total) in enumerate(zip(columns, totals, strict=True)):
        x = left + i * slot + (slot - bar_w) / 2
        y = top + plot_h
        for s in series:
            value = values.get(s.key, 0)
            if not value:
                continue
            h = value / top_value * plot_h
            y -= h
            body.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="{}">'
                    "<title>{} {}: {} {}</title></rect>",
                    f"{x:.1f}",
                    f"{y:.1f}",
                    f"{bar_w:.1f}",
                    f"{h:.1f}",
                    s.color,
                    label,
                    sub,
                    s.label,
                    fmt(value),
                )
            )
        if i % label_every == 0:
            body.append(
                format_html(
                    '<text x="{}" y="{}" font-size="12" fill="{}" text-anchor="middle">{}</text>',
                    f"{x + bar_w / 2:.1f}",
                    f"{top + plot_h + 17:.1f}",
                    INK,
                    label,
                )
            )
        if sub:
            body.append(
                format_html(
                    '<text x="{}" y="{}" font-size="11" fill="{}" text-anchor="middle">{}</text>',
                    f"{x + bar_w / 2:.1f}",
                    f"{top + plot_h + 33:.1f}",
                    MUTED,
                    sub,
                )
            )
        if total:
            body.append(
                format_html(
                    '<text x="{}" y="{}" font-size="11" fill="{}" text-anchor="middle">{}</text>',
                    f"{x + bar_w / 2:.1f}",
                    f"{y - 3:.1f}",
                    MUTED,
                    fmt(total),
                )
            )
    return _svg(uid, width, height, title, desc, body)


@dataclass
class Bar:
    label: str
    values: dict
    href: str = ""
    note: str = ""


def stacked_bars(
    uid: str, title: str, desc: str, bars: Sequence[Bar], series: Sequence[Series]
) -> SafeString:
    """Horizontal stacked bars with the total at the end, e.g. per category by result."""
    width, label_w, row_h, top = 520.0, LABEL_WIDTH, 26.0, 6.0
    plot_w = width - label_w - 56
    totals = [sum(b.values.get(s.key, 0) for s in series) for b in bars]
    top_value = max(totals, default=0) or 1
    height = top + row_h * max(len(bars), 1) + 6
    body = []
    for i, (bar, total) in enumerate(zip(bars, totals, strict=True)):
        y = top + i * row_h
        label = format_html(
            '<text x="{}" y="{}" font-size="12.5" fill="{}" text-anchor="end">{}</text>',
            label_w - 8,
            f"{y + row_h / 2 + 4:.1f}",
            INK,
            _truncate(bar.label, LABEL_CHARS),
        )
        if bar.href:
            label = format_html('<a href="{}">{}</a>', bar.href, label)
        body.append(label)
        x = label_w
        for s in series:
            value = bar.values.get(s.key, 0)
            if not value:
                continue
            w = value / top_value * plot_w
            body.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="{}">'
                    "<title>{}: {} {}</title></rect>",
                    f"{x:.1f}",
                    f"{y + 4:.1f}",
                    f"{max(w, 1):.1f}",
                    f"{row_h - 8:.1f}",
                    s.color,
                    bar.label,
                    s.label,
                    fmt(value),
                )
            )
            x += w
        body.append(
            format_html(
                '<text x="{}" y="{}" font-size="12" fill="{}">{}</text>',
                f"{x + 5:.1f}",
                f"{y + row_h / 2 + 4:.1f}",
                MUTED,
                bar.note or fmt(total),
            )
        )
    return _svg(uid, width, height, title, desc, body)


@dataclass
class Measure:
    label: str
    value: float | None
    note: str = ""


def measure_bars(
    uid: str,
    title: str,
    desc: str,
    rows: Sequence[Measure],
    *,
    maximum: float | None = None,
    text: Callable[[float], str] = lambda v: fmt(v, 1),
    reference: float | None = None,
    reference_label: str = "",
) -> SafeString:
    """One bar per row, e.g. on-time rate (``maximum=1``) or median hours; a dashed
    line marks a ``reference`` such as the city average."""
    width, label_w, row_h = 520.0, LABEL_WIDTH, 26.0
    top = 22.0 if reference is not None else 6.0
    plot_w = width - label_w - 100
    known = [r.value for r in rows if r.value is not None]
    scale = maximum or max(known, default=0) or 1
    height = top + row_h * max(len(rows), 1) + 6
    body = []
    for i, row in enumerate(rows):
        y = top + i * row_h
        body.append(
            format_html(
                '<text x="{}" y="{}" font-size="12.5" fill="{}" text-anchor="end">{}</text>',
                label_w - 8,
                f"{y + row_h / 2 + 4:.1f}",
                INK,
                _truncate(row.label, LABEL_CHARS),
            )
        )
        if row.value is None:
            body.append(
                format_html(
                    '<text x="{}" y="{}" font-size="12" fill="{}">{}</text>',
                    label_w,
                    f"{y + row_h / 2 + 4:.1f}",
                    MUTED,
                    _("belum ada data"),
                )
            )
            continue
        w = min(row.value / scale, 1.0) * plot_w
        shown = text(row.value) + (f" {row.note}" if row.note else "")
        body.append(
            format_html(
                '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{}: {}</title></rect>'
                '<text x="{}" y="{}" font-size="12" fill="{}" stroke="#ffffff" stroke-width="3" '
                'paint-order="stroke">{}</text>',
                label_w,
                f"{y + 4:.1f}",
                f"{max(w, 1):.1f}",
                f"{row_h - 8:.1f}",
                BAR,
                row.label,
                shown,
                f"{label_w + max(w, 1) + 5:.1f}",
                f"{y + row_h / 2 + 4:.1f}",
                MUTED,
                shown,
            )
        )
    if reference is not None:
        x = label_w + min(reference / scale, 1.0) * plot_w
        body.append(
            format_html(
                '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="{}" stroke-width="2" '
                'stroke-dasharray="4 3"/>'
                '<text x="{}" y="14" font-size="12" fill="{}" text-anchor="middle">{}</text>',
                f"{x:.1f}",
                f"{x:.1f}",
                top - 2,
                f"{height - 4:.1f}",
                INK,
                f"{x:.1f}",
                INK,
                reference_label,
            )
        )
    return _svg(uid, width, height, title, desc, body)
