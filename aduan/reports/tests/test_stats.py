"""Public statistics: SVG charts drawn on the server, each with a data table; no script."""

import re

import pytest
from django.utils import timezone

from aduan.core.models import Category
from aduan.reports import aggregation, charts
from aduan.reports.models import Result


@pytest.fixture
def stats(aggregated, client):
    response = client.get("/publik/statistik/", {"bulan": 24})
    assert response.status_code == 200
    return response.content.decode()


def test_every_chart_is_an_accessible_svg_with_a_table(stats):
    svgs = re.findall(r"<svg [^>]*>", stats)
    assert len(svgs) >= 9
    for tag in svgs:
        assert ('role="img"' in tag or 'role="group"' in tag) and "aria-labelledby" in tag
    for uid in ("per-bulan", "per-kategori", "per-opd", "peta-kecamatan"):
        assert f'id="{uid}-t"' in stats and f'id="{uid}-d"' in stats
    assert stats.count("<details") >= 4 and stats.count("<table") >= 6
    # The charts need no script: the only one is the site's keep-input.js, from its own files.
    assert not re.findall(r'<script(?![^>]*\bsrc="/static/)', stats)


def test_the_numbers_are_the_public_ones(stats):
    # Eight complaints arrived in September 2026; the secret one is not counted.
    september = re.search(r"<th scope=\"row\">September 2026</th>(.*?)</tr>", stats, re.S)
    assert september
    cells = re.findall(r'<td class="num">(\d+)</td>', september.group(1))
    assert cells[-1] == "7"
    assert "Jalan rusak" in stats and "DLH" in stats and "Klojen" in stats


def test_the_period_choice_is_bounded(aggregated, client):
    for value in ("3", "x", "1000", "-1"):
        assert client.get("/publik/statistik/", {"bulan": value}).status_code == 200


def test_labels_are_escaped(aggregated, client, city):
    Category.objects.filter(pk=city["waste"].pk).update(name="<b>Sampah</b>")
    html = client.get("/publik/statistik/", {"bulan": 24}).content.decode()
    assert "<b>Sampah</b>" not in html and "&lt;b&gt;Sampah&lt;/b&gt;" in html


def test_charts_scale_to_the_largest_total():
    svg = charts.stacked_columns(
        "t",
        "Judul",
        "Keterangan",
        [
            ("Jan", "2026", {Result.FIXED: 30, Result.IN_PROGRESS: 10}),
            ("Feb", "", {Result.FIXED: 5}),
        ],
        charts.result_series(),
    )
    heights = [float(h) for h in re.findall(r'<rect [^>]*height="([\d.]+)"', svg)]
    assert len(heights) == 3
    assert heights[0] / heights[2] == pytest.approx(6, rel=0.02)
    assert charts.nice_max(37) == (40, 10)
    assert charts.nice_max(0) == (1.0, 1.0)


def test_the_map_works_without_javascript(aggregated, client):
    html = client.get("/publik/peta/", {"bulan": 24}).content.decode()
    # Scripts are static files only (the map); the served page lists the same complaints.
    assert "<script>" not in html
    returned = aggregated["returned"]
    assert html.count(f'href="/lacak/{returned.code}/"') == 1
    assert "Kauman" in html and "Gadang" in html


def test_public_points_are_rounded(aggregated):
    summary = aggregated["returned"].report_summary
    assert str(summary.latitude) == "-7.980" and str(summary.longitude) == "112.627"


def test_the_updated_line_shows_when_the_job_last_ran(aggregated, client):
    assert "Angka diperbarui" in client.get("/publik/statistik/").content.decode()
    assert aggregation.status()["updated_at"] <= timezone.now()
