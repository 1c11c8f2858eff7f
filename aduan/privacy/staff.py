"""Staff pages for data-subject requests: system admins list, read and decide them.

The citizen's contact is never shown here (only its masked form): deciding needs the
complaints, not the number.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from aduan.core.models import CLOSED_STATUSES
from aduan.office.views.common import require_perm, staff_required

from . import actions
from .forms import ApproveForm, RefuseForm
from .models import DataRequest

PERMISSION = "admin"
FILTERS = {
    "menunggu": [DataRequest.State.RECEIVED, DataRequest.State.APPROVED],
    "selesai": [DataRequest.State.DONE, DataRequest.State.REFUSED],
}


@never_cache
@require_safe
@staff_required
def request_list(request):
    require_perm(request.user, PERMISSION)
    shown = request.GET.get("status", "menunggu")
    if shown not in FILTERS:
        shown = "menunggu"
    rows = DataRequest.objects.filter(
        kind=DataRequest.Kind.ERASURE, state__in=FILTERS[shown]
    ).order_by("created_at" if shown == "menunggu" else "-created_at")[:200]
    access_count = DataRequest.objects.filter(kind=DataRequest.Kind.ACCESS).count()
    return render(
        request,
        "privacy/staff_list.html",
        {"rows": rows, "shown": shown, "access_count": access_count},
    )


def _detail(request, erasure, approve_form=None, refuse_form=None, error="", status=200):
    complaints = list(erasure.complaints.select_related("anonymisation").order_by("received_at"))
    for complaint in complaints:
        complaint.is_closed_now = complaint.status in CLOSED_STATUSES
        complaint.is_anonymised = hasattr(complaint, "anonymisation")
    return render(
        request,
        "privacy/staff_detail.html",
        {
            "erasure": erasure,
            "complaints": complaints,
            "approve_form": approve_form or ApproveForm(),
            "refuse_form": refuse_form or RefuseForm(),
            "error": error,
        },
        status=status,
    )


def _erasure(pk: int) -> DataRequest:
    return get_object_or_404(DataRequest, pk=pk, kind=DataRequest.Kind.ERASURE)


@never_cache
@require_safe
@staff_required
def request_detail(request, pk):
    require_perm(request.user, PERMISSION)
    return _detail(request, _erasure(pk))


@require_POST
@staff_required
def approve(request, pk):
    require_perm(request.user, PERMISSION)
    erasure = _erasure(pk)
    form = ApproveForm(request.POST)
    if form.is_valid():
        try:
            actions.approve(
                erasure,
                request.user,
                anonymise_open=form.cleaned_data["anonymise_open"],
                note=form.cleaned_data["note"],
            )
        except actions.DecisionError as exc:
            return _detail(request, erasure, approve_form=form, error=exc.message, status=400)
        messages.success(request, _("Permintaan disetujui; warga dikabari."))
        return redirect("privacy:request", pk=erasure.pk)
    return _detail(request, erasure, approve_form=form, status=400)


@require_POST
@staff_required
def refuse(request, pk):
    require_perm(request.user, PERMISSION)
    erasure = _erasure(pk)
    form = RefuseForm(request.POST)
    if form.is_valid():
        try:
            actions.refuse(erasure, request.user, note=form.cleaned_data["note"])
        except actions.DecisionError as exc:
            return _detail(request, erasure, refuse_form=form, error=exc.message, status=400)
        messages.success(request, _("Permintaan ditolak; warga dikabari alasannya."))
        return redirect("privacy:request", pk=erasure.pk)
    return _detail(request, erasure, refuse_form=form, status=400)
