"""The moderators' triage pages: accept a suggestion, review automatic dispatches, gather a
mass event. Thin views: check access, validate, call one action, report."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from aduan.core import lifecycle
from aduan.core.models import DROPPED_STATUSES, Event
from aduan.core.permissions import access_complaint, can_act, visible_complaints
from aduan.office.views.common import redirect_back, require_perm, staff_required
from aduan.office.views.complaint import complaint_page

from . import actions, mass
from .forms import DispatchEventForm, GatherForm, ReviewForm
from .models import MassEvent, PlaceKey, Street

REVIEW_PAGE = 100


def _version(request) -> int | None:
    raw = request.POST.get("version", "")
    return int(raw) if raw.isdigit() else None


@staff_required
@require_POST
def accept(request, code):
    """One click: dispatch as suggested. 404 for a complaint the user cannot see, 403 for a
    role that may not dispatch, 409 with the complaint page when it moved on meanwhile."""
    user = request.user
    complaint = access_complaint(user, code)
    if not can_act(user, "dispatch", complaint):
        raise PermissionDenied
    try:
        event = actions.accept(complaint, user, expected_version=_version(request))
    except lifecycle.TransitionError as exc:
        messages.error(request, exc.message)
        return complaint_page(request, code, status=409)
    messages.success(
        request,
        _("Aduan %(code)s didisposisikan ke %(agencies)s sesuai saran.")
        % {"code": code, "agencies": event.data.get("agencies", "")},
    )
    return redirect_back(request, "office:complaint", code)


@staff_required
@require_GET
def review_list(request):
    require_perm(request.user, "dispatch")
    pending = actions.pending_reviews()
    events = list(pending[:REVIEW_PAGE])
    return render(
        request,
        "triage/review.html",
        {
            "events": events,
            "total": pending.count() if len(events) == REVIEW_PAGE else len(events),
            "form": ReviewForm(),
        },
    )


@staff_required
@require_POST
def review_decide(request, event_id):
    user = request.user
    require_perm(user, "dispatch")
    event = get_object_or_404(
        Event.objects.select_related("complaint"),
        pk=event_id,
        kind=Event.Kind.DISPATCHED,
        data__automatic=True,
    )
    complaint = access_complaint(user, event.complaint.code)
    if not can_act(user, "correct", complaint):
        raise PermissionDenied
    form = ReviewForm(request.POST)
    if not form.is_valid():
        for error in form.errors.values():
            messages.error(request, " ".join(error))
        return redirect("triage:review")
    data = form.cleaned_data
    try:
        result = actions.review(
            event,
            user,
            agency=data["agency"],
            category=data["category"],
            note=data["note"],
            expected_version=data["version"],
        )
    except lifecycle.TransitionError as exc:
        messages.error(request, f"{complaint.code}: {exc.message}")
        return redirect("triage:review")
    if result.verdict == result.Verdict.CONFIRMED:
        messages.success(
            request, _("Disposisi otomatis %(code)s dikonfirmasi.") % {"code": complaint.code}
        )
    else:
        messages.success(
            request,
            _("Koreksi %(code)s dicatat; OPD yang tepat: %(agency)s.")
            % {"code": complaint.code, "agency": result.agency.short_name},
        )
    return redirect("triage:review")


def _event_for(user, pk) -> MassEvent:
    """A mass event, seen only by staff who may see every one of its complaints' queue."""
    require_perm(user, "merge")
    event = get_object_or_404(MassEvent, pk=pk)
    if not visible_complaints(user).filter(pk__in=event.members.values("complaint_id")).exists():
        raise Http404
    return event


@staff_required
@require_GET
def mass_list(request):
    require_perm(request.user, "merge")
    events = MassEvent.objects.filter(state=MassEvent.State.OPEN).order_by("-updated_at")[:50]
    rows = [(e, mass.members(e)) for e in events]
    return render(request, "triage/mass_list.html", {"rows": rows})


@staff_required
@require_GET
def mass_detail(request, pk):
    event = _event_for(request.user, pk)
    survivor = mass.default_survivor(event)
    members = list(mass.members(event))
    named = {}
    for complaint_id, key in PlaceKey.objects.filter(
        complaint_id__in=[c.pk for c in members], key__startswith="s:"
    ).values_list("complaint_id", "key"):
        named.setdefault(complaint_id, set()).add(int(key[2:]))
    names = dict(
        Street.objects.filter(pk__in={pk for ids in named.values() for pk in ids}).values_list(
            "pk", "name"
        )
    )
    for c in members:
        c.street_names = sorted(names[pk] for pk in named.get(c.pk, ()) if pk in names)
    pins = [c for c in members if c.latitude is not None and c.longitude is not None]
    return render(
        request,
        "triage/mass_event.html",
        {
            "event": event,
            "members": members,
            "pins": pins,
            "streets": sorted({n for c in members for n in c.street_names}),
            "survivor": survivor,
            "pending": mass.pending(event, survivor),
            "dispatch_form": DispatchEventForm(
                initial={"lead": mass.suggested_lead(survivor) if survivor else None}
            ),
        },
    )


@staff_required
@require_POST
def gather(request, pk):
    """Merge every other open complaint of the event into the chosen survivor."""
    user = request.user
    event = _event_for(user, pk)
    form = GatherForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Pilih aduan utama."))
        return redirect("triage:mass_event", pk=pk)
    survivor = access_complaint(user, form.cleaned_data["survivor"])
    if not can_act(user, "merge", survivor):
        raise PermissionDenied
    if not mass.pending(event, survivor):
        messages.error(request, _("Semua aduan kejadian ini sudah digabung."))
        return redirect("triage:mass_event", pk=pk)
    try:
        result = mass.gather(event, survivor, user)
    except lifecycle.TransitionError as exc:
        messages.error(request, exc.message)
        return redirect("triage:mass_event", pk=pk)
    if result.merged:
        messages.success(
            request,
            _("%(n)s aduan digabung ke %(code)s; setiap pelapornya akan menerima jawabannya.")
            % {"n": len(result.merged), "code": survivor.code},
        )
    for code, message in result.failed:
        messages.error(request, f"{code}: {message}")
    return redirect_back(request, "triage:mass_event", pk)


@staff_required
@require_POST
def dispatch_event(request, pk):
    """Gather the event into the chosen survivor and dispatch it, in one action."""
    user = request.user
    event = _event_for(user, pk)
    form = DispatchEventForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Pilih aduan utama dan OPD utama."))
        return redirect("triage:mass_event", pk=pk)
    survivor = access_complaint(user, form.cleaned_data["survivor"])
    if not (can_act(user, "merge", survivor) and can_act(user, "dispatch", survivor)):
        raise PermissionDenied
    lead = form.cleaned_data["lead"]
    try:
        result, _event = mass.dispatch(event, survivor, user, lead)
    except lifecycle.TransitionError as exc:
        messages.error(request, exc.message)
        return redirect("triage:mass_event", pk=pk)
    messages.success(
        request,
        _("%(n)s aduan digabung ke %(code)s dan didisposisikan ke %(agency)s.")
        % {"n": len(result.merged), "code": survivor.code, "agency": lead.short_name},
    )
    return redirect_back(request, "triage:mass_event", pk)


@staff_required
@require_POST
def bulk_merge(request):
    """Merge the complaints ticked in the queue into one of them (see ``mass.merge_many``)."""
    user = request.user
    require_perm(user, "merge")
    filters = QueryDict(request.POST.get("filters", ""))
    back = reverse("office:queue")
    back = f"{back}?{filters.urlencode()}" if filters else back
    versions: dict[str, int] = {}
    for raw in request.POST.getlist("items")[:100]:
        code, _sep, version = str(raw).rpartition(":")
        if code and version.isdigit():
            versions[code] = int(version)
    chosen, failed = [], []
    for code in versions:
        try:
            complaint = access_complaint(user, code)
        except Http404:
            failed.append((code, _("Aduan tidak ditemukan.")))
            continue
        if complaint.status in DROPPED_STATUSES:
            continue
        if can_act(user, "merge", complaint):
            chosen.append(complaint)
        else:
            failed.append((code, _("Anda tidak berwenang.")))
    if len(chosen) < 2:
        messages.error(request, _("Pilih minimal dua aduan untuk digabung."))
        return redirect(back)
    result = mass.merge_many(chosen, user, versions)
    if result.merged:
        messages.success(
            request,
            _("%(n)s aduan digabung ke %(code)s: %(codes)s")
            % {
                "n": len(result.merged),
                "code": result.survivor.code,
                "codes": ", ".join(result.merged),
            },
        )
    for code, message in failed + result.failed:
        messages.error(request, f"{code}: {message}")
    return redirect(back)
