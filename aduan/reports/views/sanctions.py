"""Pages of the sanction records: the leaders' decisions per period, one record with its
letter and improvement plan, and an agency's own records. Views validate input and call
one function of ``sanctions.py``; that function checks the state and the actor again."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from aduan.core import audit, lifecycle
from aduan.core.models import AuditEntry
from aduan.core.permissions import has_perm

from .. import exports, sanctions
from ..access import access_sanction, may, require
from ..forms import (
    AmendSanctionForm,
    ImprovementActionFormSet,
    ImprovementPlanForm,
    ReviewSanctionForm,
    plan_actions,
)
from ..periods import parse_period
from ..records import GeneratedReport, Sanction
from .common import period_choices

WRONG_STATE = gettext_lazy("Langkah ini tidak dapat dilakukan pada status catatan sekarang.")


def _period_or_404(code: str):
    period = parse_period(code)
    if period is None or period.code != code:
        raise Http404
    return period


@require_safe
@login_required
def index(request):
    if has_perm(request.user, "view_reports"):
        return redirect("reports:sanctions_period", period=period_choices()[1].code)
    if request.user.is_agency_staff:
        return redirect("reports:agency_sanctions")
    raise PermissionDenied


@require_safe
@require("view_reports")
def period_view(request, period):
    period = _period_or_404(period)
    records = list(
        Sanction.objects.filter(period=period.code).select_related(
            "agency", "proposed_level", "level", "plan"
        )
    )
    leader = may(request.user, "decide_sanctions")
    stored = GeneratedReport.objects.filter(period=period.code).defer("pdf", "xlsx").first()
    return render(
        request,
        "reports/sanctions.html",
        {
            "period": period,
            "periods": period_choices()[1:],
            "records": records,
            "leader": leader,
            "ended": period.end <= timezone.now(),
            "amend_form": AmendSanctionForm() if leader else None,
            "review_form": ReviewSanctionForm() if leader else None,
            "stored": stored,
        },
    )


@require_POST
@require("view_reports")
def propose_view(request, period):
    period = _period_or_404(period)
    try:
        added = sanctions.propose(period, actor=request.user)
    except sanctions.WrongState:
        messages.error(request, _("Usulan baru dapat dibuat setelah periode berakhir."))
    else:
        messages.success(request, _("%(n)s usulan baru dicatat.") % {"n": len(added)})
    return redirect("reports:sanctions_period", period=period.code)


def _leader_record(request, pk) -> Sanction:
    sanction = access_sanction(request.user, pk)
    if not may(request.user, "decide_sanctions"):
        raise PermissionDenied
    return sanction


def _step(request, done: str, transition, *args, **kwargs) -> bool:
    """Run one transition of a sanction's life and say how it went."""
    try:
        transition(*args, **kwargs)
    except sanctions.WrongState:
        messages.error(request, WRONG_STATE)
        return False
    messages.success(request, done)
    return True


def _back(sanction: Sanction):
    return redirect("reports:sanctions_period", period=sanction.period)


@require_POST
@login_required
def approve_view(request, pk):
    sanction = _leader_record(request, pk)
    _step(request, _("Langkah disetujui."), sanctions.approve, sanction, request.user)
    return _back(sanction)


@require_POST
@login_required
def amend_view(request, pk):
    sanction = _leader_record(request, pk)
    form = AmendSanctionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Pilih langkah dan tuliskan alasan perubahannya."))
        return _back(sanction)
    data = form.cleaned_data
    _step(
        request,
        _("Langkah diubah dan disetujui."),
        sanctions.amend,
        sanction,
        request.user,
        data["level"],
        data["reason"],
    )
    return _back(sanction)


@require_POST
@login_required
def issue_view(request, pk):
    sanction = _leader_record(request, pk)
    _step(
        request,
        _("Surat diterbitkan; kepala OPD diberi tahu."),
        sanctions.issue,
        sanction,
        request.user,
    )
    return _back(sanction)


@require_POST
@login_required
def review_view(request, pk):
    sanction = _leader_record(request, pk)
    form = ReviewSanctionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Pilih apakah perbaikan berhasil."))
        return _back(sanction)
    data = form.cleaned_data
    _step(
        request,
        _("Tinjauan dicatat."),
        sanctions.review,
        sanction,
        actor=request.user,
        held=data["held"],
        note=data["note"],
    )
    return _back(sanction)


@require_safe
@login_required
def detail(request, pk):
    sanction = access_sanction(request.user, pk)
    head = may(request.user, "answer_sanction", sanction.agency_id)
    return render(
        request,
        "reports/sanction_detail.html",
        {
            "sanction": sanction,
            "plan": sanction.plan_or_none,
            "head": head,
            "may_download": sanction.letter_text
            and (has_perm(request.user, "view_reports") or head),
        },
    )


@require_POST
@login_required
def acknowledge_view(request, pk):
    sanction = access_sanction(request.user, pk)
    if not may(request.user, "answer_sanction", sanction.agency_id):
        raise PermissionDenied
    _step(request, _("Surat diterima."), sanctions.acknowledge, sanction, request.user)
    return redirect("reports:sanction", pk=sanction.pk)


@require_http_methods(["GET", "POST"])
@login_required
def plan_view(request, pk):
    sanction = access_sanction(request.user, pk)
    if not may(request.user, "answer_sanction", sanction.agency_id):
        raise PermissionDenied
    if sanction.state != Sanction.State.ACKNOWLEDGED or not sanction.needs_plan:
        messages.error(request, WRONG_STATE)
        return redirect("reports:sanction", pk=sanction.pk)
    form = ImprovementPlanForm(request.POST or None)
    actions = ImprovementActionFormSet(request.POST or None, prefix="tindakan")
    if request.method == "POST":
        if form.is_valid() and actions.is_valid() and plan_actions(actions):
            try:
                sanctions.file_plan(
                    sanction, request.user, form.cleaned_data["summary"], plan_actions(actions)
                )
            except sanctions.WrongState:
                messages.error(request, WRONG_STATE)
            else:
                messages.success(request, _("Rencana perbaikan disimpan."))
            return redirect("reports:sanction", pk=sanction.pk)
        if actions.is_valid() and not plan_actions(actions):
            messages.error(request, _("Tuliskan sedikitnya satu tindakan dengan tenggatnya."))
    return render(
        request,
        "reports/sanction_plan.html",
        {"sanction": sanction, "form": form, "actions": actions},
        status=400 if request.method == "POST" else 200,
    )


@require_safe
@login_required
def letter(request, pk):
    sanction = access_sanction(request.user, pk)
    allowed = has_perm(request.user, "view_reports") or may(
        request.user, "answer_sanction", sanction.agency_id
    )
    if not allowed or not sanction.letter_text:
        raise Http404
    audit.record(
        AuditEntry.Action.EXPORT,
        request=request,
        description=lifecycle.stored_text("Surat sanksi/penghargaan (PDF)"),
        sanction=sanction.pk,
    )
    response = HttpResponse(exports.letter_pdf(sanction), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{exports.letter_filename(sanction)}"'
    return response


@require_safe
@login_required
def agency_list(request):
    if not request.user.is_agency_staff:
        raise PermissionDenied
    records = Sanction.objects.filter(
        agency_id=request.user.agency_id, state__in=Sanction.VISIBLE_TO_AGENCY
    ).select_related("agency", "proposed_level", "level", "plan")
    return render(
        request,
        "reports/agency_sanctions.html",
        {"records": records, "head": may(request.user, "answer_sanction", request.user.agency_id)},
    )


@require_safe
@require("view_reports")
def stored_report(request, period, extension):
    stored = GeneratedReport.objects.filter(period=period).first()
    if stored is None or extension not in ("pdf", "xlsx"):
        raise Http404
    audit.record(
        AuditEntry.Action.EXPORT,
        request=request,
        description=lifecycle.stored_text("Evaluasi tersimpan"),
        period=period,
    )
    content_type = (
        "application/pdf"
        if extension == "pdf"
        else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response = HttpResponse(bytes(getattr(stored, extension)), content_type=content_type)
    response["Content-Disposition"] = (
        f'attachment; filename="evaluasi-aduan-{stored.period}.{extension}"'
    )
    return response
