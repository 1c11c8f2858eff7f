"""Public pages: the feed, the map, the statistics, open data and (if the city chooses)
the agency scorecard. They read summaries, pre-aggregated counts and bounded queries."""

from __future__ import annotations

from collections import Counter
from urllib.parse import urlencode

from django.db.models import BooleanField, ExpressionWrapper, Q
from django.http import Http404, JsonResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from aduan.core.city import current_city
from aduan.core.models import OPEN_STATUSES, Agency, Category, Kelurahan, Kind
from aduan.deadlines.models import Stage

from .. import aggregation, charts, feed, mapping, measures, opendata, scoring
from ..forms import FeedFilterForm, MapFilterForm
from ..models import ReportSettings, Result, VolumeCount
from ..periods import Period, last_months, parse_period
from ..templatetags.reports import duration, duration_unit, pct
from .common import period_choices, scorecard_context

# Markers the map's JSON sends at most (clustered in the browser), and rows of the list
# the page itself carries for phones without script.
MAP_PINS = 1000
MAP_LIST = 100
PERIOD_CHOICES = (3, 6, 12, 24)


def _query(params: dict, **extra) -> str:
    merged = {k: v for k, v in params.items() if v} | {k: v for k, v in extra.items() if v}
    return "?" + urlencode(merged) if merged else ""


def _filter_params(request) -> dict:
    keys = ("q", "kategori", "kecamatan", "kelurahan", "opd", "status")
    return {k: request.GET.get(k, "").strip() for k in keys if request.GET.get(k, "").strip()}


@require_safe
def feed_view(request):
    form = FeedFilterForm(request.GET or None)
    valid = not form.is_bound or form.is_valid()
    rows, cursor = (
        feed.page(form.active_filters(), request.GET.get("sebelum")) if valid else ([], None)
    )
    params = _filter_params(request)
    return render(
        request,
        "reports/feed.html",
        {
            "form": form,
            "rows": rows,
            "next_url": _query(params, sebelum=cursor) if cursor else "",
            "first_url": _query(params) if request.GET.get("sebelum") else "",
            "filtered": bool(params),
            "download_query": _query(params),
            "updated": aggregation.status()["updated_at"],
        },
        status=200 if valid else 400,
    )


def _window(request) -> tuple[Period, int | None]:
    try:
        months = int(request.GET.get("bulan", 12))
    except ValueError:
        months = 12
    if months not in PERIOD_CHOICES:
        months = 12
    return last_months(months), months


@require_safe
def map_view(request):
    """The public map: filters as a GET form, Leaflet with clustering from
    ``map_data`` (aduan/static/aduan/public-map.js), and the same complaints as a list
    for phones without script; rahasia and unlisted complaints are never placed."""
    form, filters, period, months = _map_filters(request)
    rows = list(_map_rows(filters, period)[:MAP_LIST])
    query = urlencode({k: v for k, v in request.GET.items() if k in form.fields and v})
    return render(
        request,
        "reports/map.html",
        {
            "form": form,
            "rows": rows,
            "more": len(rows) == MAP_LIST,
            "areas": _area_rows(period),
            "period": period,
            "months": months,
            "markers_url": reverse("reports:map_data") + (f"?{query}" if query else ""),
            "updated": aggregation.status()["updated_at"],
        },
        status=200 if form.is_valid() else 400,
    )


@require_safe
def map_data(request):
    """The map's markers as JSON, from the public projection (ComplaintSummary): rounded
    coordinates (3 decimals, about 100 m), code, category, status, overdue; nothing else."""
    form, filters, period, _months = _map_filters(request)
    if not form.is_valid():
        return JsonResponse({"error": "invalid filter"}, status=400)
    rows = list(_map_rows(filters, period)[: MAP_PINS + 1])
    return JsonResponse(
        {
            "complaints": [
                {
                    "code": row.code,
                    "lat": float(row.latitude),
                    "lon": float(row.longitude),
                    "category": row.category.name if row.category_id else "",
                    "status": row.status,
                    "status_label": str(row.get_status_display()),
                    "overdue": row.overdue,
                    "url": reverse("portal:status", args=[row.code]),
                }
                for row in rows[:MAP_PINS]
            ],
            "truncated": len(rows) > MAP_PINS,
        }
    )


def _map_filters(request):
    form = MapFilterForm(request.GET)
    filters = form.cleaned_data if form.is_valid() else {}
    months = filters.get("bulan") or 12
    return form, filters, last_months(months), months


def _map_rows(filters: dict, period: Period):
    """Listed summaries with a position in the period, newest first, each marked
    ``overdue`` when the complaint's current deadline has passed (FixMyStreet #2378)."""
    rows = feed.listed().filter(
        latitude__isnull=False, longitude__isnull=False, received_at__gte=period.start
    )
    if filters.get("kategori"):
        rows = rows.filter(category=filters["kategori"])
    if filters.get("status"):
        rows = rows.filter(status=filters["status"])
    overdue = Q(complaint__due_at__lt=timezone.now(), complaint__status__in=OPEN_STATUSES)
    return (
        rows.annotate(overdue=ExpressionWrapper(overdue, output_field=BooleanField()))
        .select_related("category", "kelurahan")
        .order_by("-received_at", "-complaint_id")
    )


def _area_rows(period: Period) -> list:
    counts = _kelurahan_counts(period)
    kelurahan = Kelurahan.objects.select_related("kecamatan").filter(pk__in=counts)
    return sorted(((k, counts[k.pk]) for k in kelurahan), key=lambda item: (-item[1], item[0].name))


def _kelurahan_counts(period: Period) -> dict[int, int]:
    volume = measures.volume(VolumeCount.Dimension.KELURAHAN, period.months)
    return {int(k): sum(c.values()) for k, c in volume.items() if k}


def _bars(volume: dict, names: dict, href, missing: str) -> list[charts.Bar]:
    bars = []
    for key, counter in volume.items():
        label, code = names.get(key, (missing, ""))
        bars.append(charts.Bar(label, dict(counter), href(code) if code else ""))
    return sorted(bars, key=lambda b: (-sum(b.values.values()), b.label))


TOP_BARS = 15


@require_safe
def stats_view(request):
    period, months = _window(request)
    series = charts.result_series()
    feed_url = reverse("reports:feed")

    by_month = measures.volume_by_month(period.months)
    columns = [
        (date_format(m, "M"), str(m.year) if i == 0 or m.month == 1 else "", dict(c))
        for i, (m, c) in enumerate(by_month.items())
    ]
    month_table = [
        (date_format(m, "F Y"), [c.get(s.key, 0) for s in series], sum(c.values()))
        for m, c in by_month.items()
    ]
    total = Counter()
    for counter in by_month.values():
        total.update(counter)

    categories = {str(c.pk): (c.name, c.code) for c in Category.objects.all()}
    agencies = {a.pk: a for a in Agency.objects.all()}
    agency_names = {str(pk): (a.short_name, a.code) for pk, a in agencies.items()}
    category_bars = _bars(
        measures.volume("category", period.months),
        categories,
        lambda c: f"{feed_url}?kategori={c}",
        _("Tanpa kategori"),
    )
    agency_bars = _bars(
        measures.volume("agency", period.months),
        agency_names,
        lambda c: f"{feed_url}?opd={c}",
        _("Belum ke OPD / moderator"),
    )
    kinds = measures.volume("kind", period.months)
    kind_rows = [
        (label, sum(kinds.get(value, Counter()).values())) for value, label in Kind.choices
    ]

    map_svg, areas, shades, classes = mapping.build_map(
        "peta-kecamatan",
        _("Aduan per kecamatan"),
        _("Peta %(city)s; kecamatan diarsir menurut jumlah aduan dalam periode ini.")
        % {"city": current_city().name},
        _kelurahan_counts(period),
        kelurahan_href=lambda k: f"{feed_url}?kelurahan={k.code}",
    )

    perf = measures.performance(period.months, public=True)
    performance = _performance_rows(perf, agencies)
    response_city = _merge_stage(perf, Stage.RESPONSE)
    resolution_city = _merge_stage(perf, Stage.RESOLUTION)
    flows_city = _merge_stage(perf, "")
    charted = [r for r in performance if r["agency"] is not None]

    def rate_chart(uid, title, stage, reference):
        rows = sorted(
            (
                charts.Measure(r["name"], r[stage].on_time_rate, f"(n={r[stage].judged})")
                for r in charted
                if r[stage].judged
            ),
            key=lambda m: -m.value,
        )
        return charts.measure_bars(
            uid,
            title,
            _(
                "Persentase tahap yang selesai sebelum tenggat, per OPD; garis putus-putus: rata-rata kota."
            ),
            rows,
            maximum=1.0,
            text=pct,
            reference=reference,
            reference_label=_("kota %(v)s") % {"v": pct(reference)}
            if reference is not None
            else "",
        )

    def median_chart(uid, title, stage):
        rows = sorted(
            (
                charts.Measure(r["name"], r[stage].median_seconds)
                for r in charted
                if r[stage].judged
            ),
            key=lambda m: m.value,
        )
        # One unit per chart: "43 jam" next to "2,1 hari" reads backwards.
        unit = duration_unit(max((m.value for m in rows), default=0))
        return charts.measure_bars(
            uid,
            title,
            _("Median lama tahap per OPD, tanpa waktu menunggu pelapor."),
            rows,
            text=lambda v: duration(v, unit),
        )

    outcomes = measures.Outcomes.of(total)
    context = {
        "period": period,
        "months": months,
        "choices": PERIOD_CHOICES,
        "series": series,
        "outcomes": outcomes,
        "outcome_rows": [
            (Result(value).label, n, n / outcomes.concluded if outcomes.concluded else None)
            for value, n in outcomes.items()
        ],
        "total": sum(total.values()),
        "done": sum(
            total.get(r, 0)
            for r in (Result.FIXED, Result.ANSWERED, Result.REFERRED, Result.CANNOT_ACT)
        ),
        "in_progress": total.get(Result.IN_PROGRESS, 0) + total.get(Result.PLANNED, 0),
        "response_city": response_city,
        "resolution_city": resolution_city,
        "flows_city": flows_city,
        "month_chart": charts.stacked_columns(
            "per-bulan",
            _("Aduan per bulan"),
            _("Jumlah aduan yang diterima tiap bulan, ditumpuk menurut hasil penanganannya."),
            columns,
            series,
        ),
        "month_table": month_table,
        "category_chart": charts.stacked_bars(
            "per-kategori",
            _("Apa yang dilakukan kota, per kategori"),
            _("Aduan per kategori, ditumpuk menurut hasil penanganannya."),
            category_bars[:TOP_BARS],
            series,
        ),
        "category_bars": category_bars,
        "category_more": max(len(category_bars) - TOP_BARS, 0),
        "agency_chart": charts.stacked_bars(
            "per-opd",
            _("Aduan per OPD"),
            _("Aduan menurut OPD yang menanganinya, ditumpuk menurut hasil."),
            agency_bars[:TOP_BARS],
            series,
        ),
        "agency_bars": agency_bars,
        "agency_more": max(len(agency_bars) - TOP_BARS, 0),
        "kind_rows": kind_rows,
        "map_svg": map_svg,
        "shades": shades,
        "classes": classes,
        "areas": sorted(areas, key=lambda a: (a.kelurahan.kecamatan.name, a.kelurahan.name)),
        "performance": performance,
        "response_rate_chart": rate_chart(
            "tepat-tanggapan",
            _("Tanggapan pertama tepat waktu"),
            Stage.RESPONSE,
            response_city.on_time_rate,
        ),
        "resolution_rate_chart": rate_chart(
            "tepat-selesai",
            _("Penyelesaian tepat waktu"),
            Stage.RESOLUTION,
            resolution_city.on_time_rate,
        ),
        "response_median_chart": median_chart(
            "median-tanggapan", _("Median waktu tanggapan pertama"), Stage.RESPONSE
        ),
        "resolution_median_chart": median_chart(
            "median-selesai", _("Median waktu penyelesaian"), Stage.RESOLUTION
        ),
        "satisfaction_chart": charts.measure_bars(
            "kepuasan",
            _("Kepuasan pelapor"),
            _("Rata-rata nilai pelapor (1–5) untuk jawaban tiap OPD."),
            sorted(
                (
                    charts.Measure(r["name"], r["flows"].mean_rating, f"(n={r['flows'].ratings})")
                    for r in performance
                    if r["flows"].ratings
                ),
                key=lambda m: -m.value,
            ),
            maximum=5.0,
        ),
        "updated": aggregation.status()["updated_at"],
    }
    return render(request, "reports/stats.html", context)


def _merge_stage(perf: dict, stage: str) -> measures.Perf:
    merged = measures.Perf()
    for (_agency, s), p in perf.items():
        if s == stage:
            merged.merge(p)
    return merged


def _performance_rows(perf: dict, agencies: dict) -> list[dict]:
    rows: dict = {}
    for (agency_id, stage), p in perf.items():
        row = rows.setdefault(
            agency_id,
            {
                "agency": agencies.get(agency_id) if agency_id else None,
                "name": agencies[agency_id].short_name if agency_id in agencies else _("Moderator"),
                Stage.DISPATCH: measures.Perf(),
                Stage.RESPONSE: measures.Perf(),
                Stage.RESOLUTION: measures.Perf(),
                Stage.BUDGET: measures.Perf(),
                "flows": measures.Perf(),
            },
        )
        row[stage or "flows"].merge(p)
    result = [
        r
        for r in rows.values()
        if r[Stage.DISPATCH].judged
        or r[Stage.RESPONSE].judged
        or r[Stage.RESOLUTION].judged
        or r["flows"].answers
    ]
    return sorted(result, key=lambda r: (r["agency"] is None, r["name"].lower()))


@require_safe
def open_data(request):
    return render(
        request,
        "reports/open_data.html",
        {
            "fields": opendata.FIELDS,
            "license": opendata.LICENSE,
            "updated": aggregation.status()["updated_at"],
        },
    )


def _download(request, content_type: str, filename: str, stream):
    form = FeedFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return render(request, "reports/feed.html", {"form": form, "rows": []}, status=400)
    response = StreamingHttpResponse(stream(form.active_filters()), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_safe
def download_csv(request):
    return _download(request, "text/csv; charset=utf-8", "aduan-publik.csv", opendata.csv_lines)


@require_safe
def download_json(request):
    return _download(
        request, "application/json; charset=utf-8", "aduan-publik.json", opendata.json_chunks
    )


@require_safe
def public_scorecard(request):
    settings = ReportSettings.load()
    if not settings.publish_scorecard:
        raise Http404
    period = parse_period(request.GET.get("periode"), default=None) or period_choices()[1]
    card = scoring.scorecard(period, settings)
    return render(
        request,
        "reports/public_scorecard.html",
        scorecard_context(card, period, public=True),
    )
