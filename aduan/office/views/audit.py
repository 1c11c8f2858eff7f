"""The city-wide audit log for system admins and the inspectorate: a filtered list, newest
first, and its CSV export (itself an audited act)."""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Iterator

from django import forms
from django.http import QueryDict, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from aduan.core import audit
from aduan.core.models import Agency, AuditEntry
from aduan.lib.codes import normalize_code
from aduan.lib.spreadsheet import csv_row

from ..paging import Key, bounded_count, paginate
from .common import require_perm, staff_required

PAGE_SIZE = 50
EXPORT_CHUNK = 2000
NEWEST_FIRST = (Key("created_at", descending=True), Key("id", descending=True))
CSV_FIELDS = [
    "time",
    "username",
    "role",
    "agency",
    "action",
    "complaint",
    "description",
    "ip_address",
    "user_agent",
    "details",
]


class AuditFilterForm(forms.Form):
    """GET filters; an invalid value is ignored, never an error page."""

    orang = forms.CharField(label=gettext_lazy("Nama pengguna"), required=False, max_length=150)
    opd = forms.ModelChoiceField(
        label=gettext_lazy("OPD"),
        required=False,
        queryset=Agency.objects.all(),
        empty_label=gettext_lazy("Semua OPD"),
    )
    aduan = forms.CharField(label=gettext_lazy("Kode aduan"), required=False, max_length=40)
    tindakan = forms.ChoiceField(
        label=gettext_lazy("Tindakan"),
        required=False,
        choices=[("", gettext_lazy("Semua tindakan")), *AuditEntry.Action.choices],
    )
    dari = forms.DateField(
        label=gettext_lazy("Dari tanggal"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    sampai = forms.DateField(
        label=gettext_lazy("Sampai tanggal"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    @property
    def values(self) -> dict:
        self.is_valid()
        return {k: v for k, v in getattr(self, "cleaned_data", {}).items() if v}

    def filter(self, queryset):
        data = self.values
        if "orang" in data:
            # The username at the time: a renamed account is found under its old name,
            # and a failed login under the name that was tried.
            queryset = queryset.filter(actor_label=data["orang"].strip())
        if "opd" in data:
            queryset = queryset.filter(agency=data["opd"])
        if "aduan" in data:
            code = normalize_code(data["aduan"]) or data["aduan"].strip().upper()
            queryset = queryset.filter(complaint_code=code)
        if "tindakan" in data:
            queryset = queryset.filter(action=data["tindakan"])
        # Dates are the city's calendar days (TIME_ZONE), both ends included.
        if "dari" in data:
            queryset = queryset.filter(created_at__gte=_start_of(data["dari"]))
        if "sampai" in data:
            queryset = queryset.filter(created_at__lt=_start_of(data["sampai"] + dt.timedelta(1)))
        return queryset

    def querystring(self) -> str:
        if not self.is_bound:
            return ""
        qs = QueryDict(mutable=True)
        for name in self.fields:
            value = self.data.get(name)
            if value:
                qs[name] = value
        return qs.urlencode()


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _details(entry: AuditEntry) -> str:
    return ", ".join(f"{k}={v}" for k, v in sorted((entry.extra or {}).items()))


@never_cache
@staff_required
@require_GET
def audit_log(request):
    require_perm(request.user, "view_audit")
    form = AuditFilterForm(request.GET or None)
    queryset = form.filter(AuditEntry.objects.select_related("agency"))
    if request.GET.get("unduh") == "csv":
        return _export(request, form, queryset)
    page = paginate(
        queryset,
        NEWEST_FIRST,
        after=request.GET.get("setelah", ""),
        before=request.GET.get("sebelum", ""),
        size=PAGE_SIZE,
    )
    for entry in page.rows:
        entry.details = _details(entry)
    total, more = bounded_count(queryset)
    filters = form.querystring()
    export = QueryDict(filters, mutable=True)
    export["unduh"] = "csv"
    return render(
        request,
        "office/audit.html",
        {
            "filter_form": form,
            "page": page,
            "rows": page.rows,
            "total": total,
            "total_more": more,
            "filters": filters,
            "export_query": export.urlencode(),
        },
    )


def _export(request, form, queryset):
    """The filtered log as CSV, every cell safe to open in a spreadsheet."""
    audit.record(
        AuditEntry.Action.EXPORT,
        request=request,
        description=gettext_lazy("Log audit (CSV)"),
        filters={k: str(v) for k, v in form.values.items()},
    )
    response = StreamingHttpResponse(_csv_lines(queryset), content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="log-audit-{stamp}.csv"'
    return response


class _Line:
    def write(self, value):
        return value


def _csv_lines(queryset) -> Iterator[str]:
    writer = csv.writer(_Line())
    yield "\ufeff" + writer.writerow(CSV_FIELDS)  # the BOM makes Excel read UTF-8
    cursor = ""
    while True:
        # Keyset chunks: a long export never holds a cursor or an OFFSET scan open.
        page = paginate(queryset, NEWEST_FIRST, after=cursor, size=EXPORT_CHUNK)
        for entry in page.rows:
            yield writer.writerow(
                csv_row(
                    [
                        timezone.localtime(entry.created_at).isoformat(timespec="seconds"),
                        entry.actor_label,
                        entry.actor_role,
                        entry.agency.short_name if entry.agency_id else "",
                        entry.action,
                        entry.complaint_code,
                        entry.description,
                        entry.ip_address or "",
                        entry.user_agent,
                        json.dumps(entry.extra, ensure_ascii=False, sort_keys=True)
                        if entry.extra
                        else "",
                    ]
                )
            )
        if not page.next_cursor:
            return
        cursor = page.next_cursor
