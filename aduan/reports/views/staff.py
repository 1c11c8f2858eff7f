"""Pages for the leaders and Diskominfo: the dashboard, the scorecard, the bimonthly
evaluation (HTML, PDF, XLSX), and the moderators' redaction of public text."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from aduan.core import audit, disclosure, lifecycle
from aduan.core.models import AuditEntry, Event, Redaction
from aduan.core.permissions import access_complaint
from aduan.deadlines.models import SLA_STAGES

from .. import charts, evaluation, exports, measures, scoring
from ..access import require
from ..dashboard import STAGE_LABELS, AgencyRow, agencies_by_id, dashboard_rows, slowest_first
from ..forms import RedactionForm
from ..periods import parse_period
from ..publishing import refresh_public_text
from ..templatetags.reports import pct
from .common import period_choices, scorecard_context

# The complaint's own texts a redaction may be copied from (the public projection masks
# each of them, redactions first).
REDACTABLE_FIELDS = ("text", "answer", "outcome_note", "budget_plan")
# The page lists this many complaints per agency and list; the XLSX has them all.
PAGE_LIST_LIMIT = 100
STAGE_COLORS = {"dispatch": "#5d6673", "response": "#b86e00", "resolution": "#b3261e"}


@require_safe
@require("view_reports")
def dashboard(request):
    choices = period_choices()
    period = parse_period(request.GET.get("periode"), default=choices[0])
    rows = dashboard_rows(period)
    running = period == choices[0]
    if running:
        overdue = measures.overdue_now()
        by_agency = {r.agency.pk if r.agency else None: r for r in rows}
        agencies = agencies_by_id()
        for agency_id, n in overdue.items():
            row = by_agency.get(agency_id)
            if row is None:
                row = by_agency[agency_id] = AgencyRow(
                    agencies.get(agency_id) if agency_id else None
                )
                rows.append(row)
            row.overdue_now = n
    rows = slowest_first(rows)
    series = [charts.Series(s, str(STAGE_LABELS[s]), STAGE_COLORS[s]) for s in SLA_STAGES]
    slow = [r for r in rows if r.total_breaches][:15]
    breach_chart = charts.stacked_bars(
        "pelanggaran",
        _("Tahap terlambat per OPD"),
        _("Jumlah tahap yang selesai melewati tenggat dalam periode ini, per OPD dan tahap."),
        [charts.Bar(r.short_name, dict(r.breaches)) for r in slow],
        series,
    )
    return render(
        request,
        "reports/dashboard.html",
        {
            "period": period,
            "periods": choices,
            "running": running,
            "rows": rows,
            "slow": slow,
            "series": series,
            "breach_chart": breach_chart,
            "stages": SLA_STAGES,
            "stage_labels": STAGE_LABELS,
        },
    )


@require_safe
@require("view_reports")
def scorecard(request):
    choices = period_choices()
    period = parse_period(request.GET.get("periode"), default=choices[1])
    card = scoring.scorecard(period)
    rows = [
        charts.Measure(s.agency.short_name, s.score, f"(n={s.judged})")
        for s in card.scores
        if s.ranked
    ]
    context = scorecard_context(card, period, public=False)
    context["score_chart"] = charts.measure_bars(
        "skor",
        _("Skor ketepatan waktu OPD"),
        _("Skor tiap OPD yang diperingkat; garis putus-putus: rata-rata kota."),
        rows,
        maximum=1.0,
        text=pct,
        reference=card.city_rate,
        reference_label=_("kota %(v)s") % {"v": pct(card.city_rate)},
    )
    return render(request, "reports/scorecard.html", context)


def _evaluation(request):
    choices = period_choices()
    period = parse_period(request.GET.get("periode"), default=choices[1])
    return evaluation.build(period), choices


@require_safe
@require("view_reports")
def evaluation_view(request):
    report, choices = _evaluation(request)
    return render(
        request,
        "reports/evaluation.html",
        {
            "report": report,
            "sections": report.sections(PAGE_LIST_LIMIT),
            "period": report.period,
            "periods": choices,
            "running": report.period == choices[0],
            "stages": SLA_STAGES,
            "stage_labels": STAGE_LABELS,
        },
    )


@require_safe
@require("view_reports")
def evaluation_pdf(request):
    report, _choices = _evaluation(request)
    audit.record(
        AuditEntry.Action.EXPORT,
        request=request,
        description=lifecycle.stored_text("Evaluasi (PDF)"),
        period=report.period.code,
    )
    response = HttpResponse(exports.pdf(report), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{exports.filename(report, "pdf")}"'
    return response


@require_safe
@require("view_reports")
def evaluation_xlsx(request):
    report, _choices = _evaluation(request)
    audit.record(
        AuditEntry.Action.EXPORT,
        request=request,
        description=lifecycle.stored_text("Evaluasi (XLSX)"),
        period=report.period.code,
    )
    response = HttpResponse(
        exports.xlsx(report),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{exports.filename(report, "xlsx")}"'
    return response


@require_http_methods(["GET", "POST"])
@require("redact")
def redact(request, code):
    complaint = access_complaint(request.user, code)
    existing = list(Redaction.objects.filter(complaint=complaint).select_related("created_by"))
    notes = list(
        Event.objects.filter(complaint=complaint, is_public=True)
        .exclude(note="")
        .values_list("note", flat=True)
    )
    sources = [getattr(complaint, f) for f in REDACTABLE_FIELDS] + notes
    form = RedactionForm(request.POST or None, sources=sources, existing=[r.text for r in existing])
    if request.method == "POST" and form.is_valid():
        text, reason = form.cleaned_data["text"], form.cleaned_data["reason"]
        with transaction.atomic():
            # The event says why, not what: the hidden words stay out of one more place.
            event = lifecycle.record_note(
                complaint,
                request.user,
                note=_("Teks disamarkan dari halaman publik. Alasan: %(reason)s")
                % {"reason": reason},
                data={"redaction": True},
            )
            Redaction.objects.create(
                complaint=complaint, text=text, reason=reason, created_by=request.user, event=event
            )
            refresh_public_text(complaint)
        messages.success(request, _("Teks disamarkan dari semua halaman publik."))
        return redirect("reports:redact", code=complaint.code)
    # The preview is the public projection itself: what every public page shows.
    public = disclosure.for_public(complaint, events=True, redactions=[r.text for r in existing])
    return render(
        request,
        "reports/redact.html",
        {
            "complaint": complaint,
            "form": form,
            "redactions": existing,
            "shows_content": public.shows_content,
            "preview_text": public.text,
            "preview_answer": public.answer,
            "preview_notes": [e.note for e in public.events if e.note],
        },
        status=400 if form.is_bound else 200,
    )
