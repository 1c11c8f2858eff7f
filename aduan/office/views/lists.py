"""The staff lists: home redirect, moderator queue (with bulk actions), agency inbox, overview."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.http import Http404, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from aduan.core import lifecycle
from aduan.core.models import (
    AGENCY_STATUSES,
    MODERATOR_STATUSES,
    OPEN_STATUSES,
    Complaint,
    Status,
)
from aduan.core.permissions import access_complaint, can_act, has_perm

from ..filters import BY_DEADLINE, NEWEST_FIRST, FilterForm, involving
from ..forms import BulkForm
from ..models import Assignment
from ..paging import bounded_count, paginate
from .common import require_perm, staff_required, summarise_rows

PAGE_SIZE = 50
_ROW_RELATED = ("category", "category__agency", "lead_agency", "kelurahan", "kecamatan")


@staff_required
@require_GET
def home(request):
    """Each role lands on its own list."""
    user = request.user
    if has_perm(user, "dispatch"):
        return redirect("office:queue")
    if user.is_agency_staff:
        return redirect("office:inbox")
    if has_perm(user, "view_all"):
        return redirect("office:overview")
    raise PermissionDenied


def _page(request, queryset, form, keys, template, context, *, handling, status=200):
    """One page of a staff list. ``handling``: the list of those who act on its rows (the
    moderators' queue, the agency's inbox), where even a secret complaint shows its line."""
    queryset = form.filter(queryset).select_related(*_ROW_RELATED)
    page = paginate(
        queryset,
        keys,
        after=request.GET.get("setelah", ""),
        before=request.GET.get("sebelum", ""),
        size=PAGE_SIZE,
        ids_first=True,
    )
    summarise_rows(page.rows, request.user, handling=handling)
    total, more = bounded_count(queryset)
    context.update(
        {
            "filter_form": form,
            "page": page,
            "rows": page.rows,
            "total": total,
            "total_more": more,
            "filters": form.querystring(),
        }
    )
    return render(request, template, context, status=status)


def _queue_filter(data):
    return FilterForm(data or None, statuses=MODERATOR_STATUSES, agency_by_category=True)


@staff_required
@require_GET
def queue(request):
    """Every new, verified and returned complaint across channels, nearest deadline first."""
    require_perm(request.user, "dispatch")
    return _queue_page(request, request.GET)


def _queue_page(request, data, bulk_form=None, status=200):
    return _page(
        request,
        Complaint.objects.all(),
        _queue_filter(data),
        BY_DEADLINE,
        "office/queue.html",
        {
            "bulk_form": bulk_form or BulkForm(),
            # After a refused bulk submit the same rows stay ticked.
            "selected": {item.rpartition(":")[0] for item in request.POST.getlist("items")},
        },
        handling=True,
        status=status,
    )


@staff_required
@require_POST
def bulk(request):
    """Dispatch or reject many complaints; each still goes through its own transition.

    One complaint failing (changed meanwhile, already dispatched, not
    visible) does not stop the others; every failure is reported by code.
    """
    user = request.user
    require_perm(user, "dispatch")
    require_perm(user, "reject")
    filters = QueryDict(request.POST.get("filters", ""))
    form = BulkForm(request.POST, items=request.POST.getlist("items"))
    if not form.is_valid():
        for error in form.non_field_errors():
            messages.error(request, error)
        return _queue_page(request, filters, bulk_form=form, status=400)
    data = form.cleaned_data
    done, failed = [], []
    for code, version in data["items"]:
        try:
            complaint = access_complaint(user, code)
        except Http404:
            failed.append((code, _("Aduan tidak ditemukan.")))
            continue
        try:
            if data["action"] == BulkForm.DISPATCH:
                if not can_act(user, "dispatch", complaint):
                    raise PermissionDenied
                lifecycle.dispatch(
                    complaint, user, lead=data["lead"], note=data["note"], expected_version=version
                )
            else:
                if not can_act(user, "reject", complaint):
                    raise PermissionDenied
                lifecycle.reject(
                    complaint,
                    user,
                    reason=data["reason"],
                    note=data["note"],
                    expected_version=version,
                )
        except lifecycle.TransitionError as exc:
            failed.append((code, exc.message))
        except PermissionDenied:
            failed.append((code, _("Anda tidak berwenang.")))
        else:
            done.append(code)
    if done:
        verb = _("didisposisikan") if data["action"] == BulkForm.DISPATCH else _("ditolak")
        messages.success(
            request,
            _("%(n)s aduan %(verb)s: %(codes)s")
            % {"n": len(done), "verb": verb, "codes": ", ".join(done)},
        )
    for code, message in failed:
        messages.error(request, f"{code}: {message}")
    url = reverse("office:queue")
    return redirect(f"{url}?{filters.urlencode()}" if filters else url)


INBOX_STATUSES = AGENCY_STATUSES | {
    Status.MENUNGGU_INFO,
    Status.SELESAI,
    Status.DITUTUP,
    Status.DIGABUNG,
}


@staff_required
@require_GET
def inbox(request):
    """Complaints dispatched to the user's agency, as lead or supporting agency; nothing else."""
    user = request.user
    require_perm(user, "view_agency")
    if not user.agency_id:
        raise PermissionDenied
    form = FilterForm(
        request.GET or None,
        statuses=INBOX_STATUSES,
        default_statuses=INBOX_STATUSES & OPEN_STATUSES,
        omit=("agency", "returned"),
    )
    queryset = Complaint.objects.filter(involving(user.agency_id))
    role = form.values.get("role")
    if role == "lead":
        queryset = queryset.filter(lead_agency_id=user.agency_id)
    elif role == "supporting":
        queryset = queryset.exclude(lead_agency_id=user.agency_id)
    if form.values.get("mine"):
        mine = Assignment.objects.filter(complaint=OuterRef("pk"), officer=user)
        queryset = queryset.filter(Exists(mine))
    return _page(request, queryset, form, BY_DEADLINE, "office/inbox.html", {}, handling=True)


@staff_required
@require_GET
def overview(request):
    """Every complaint, newest first, for roles that see everything (leaders read only)."""
    require_perm(request.user, "view_all")
    form = FilterForm(request.GET or None, statuses=frozenset(Status))
    return _page(
        request,
        Complaint.objects.all(),
        form,
        NEWEST_FIRST,
        "office/overview.html",
        {},
        handling=False,
    )
