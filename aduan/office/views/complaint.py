"""The complaint page for staff, its actions, and the logged "show contact"."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from aduan.core import disclosure, lifecycle
from aduan.core.disclosure import EventView, Photo
from aduan.core.models import OPEN_STATUSES, Complaint, Event, Privacy
from aduan.core.permissions import (
    access_complaint,
    can_act,
    can_see_reporter,
    has_perm,
    visible_complaints,
)
from aduan.knowledge import matching as knowledge

from ..actions import ACTIONS, available_actions
from ..models import Assignment
from ..notify import is_contribution
from ..responses import render_template, templates_for
from .common import staff_required, summarise_rows

DUPLICATE_WINDOW = timedelta(days=30)
# Same-phone candidates read before dropping those whose reporter the viewer may not see.
_SAME_REPORTER_SCAN = 50


def _load(user, code) -> Complaint:
    """The complaint with everything the page shows, through the access helper (404 otherwise)."""
    access_complaint(user, code)
    return (
        Complaint.objects.select_related(
            "category",
            "category__agency",
            "lead_agency",
            "kelurahan__kecamatan",
            "kecamatan",
            "rejection_reason",
            "merged_into",
        )
        .prefetch_related(
            "supporting_agencies",
            "attachments",
            Prefetch(
                "events",
                queryset=Event.objects.select_related("actor", "agency"),
                to_attr="all_events",
            ),
            Prefetch(
                "assignments",
                queryset=Assignment.objects.select_related("officer", "agency"),
                to_attr="all_assignments",
            ),
        )
        .get(code=code)
    )


@dataclass(frozen=True)
class TimelineRow:
    """One timeline entry: what was said (``note``, ``photos``) as the viewer may read it,
    from the staff projection; who acted and how the workflow moved, from the event row."""

    kind: str
    at: datetime
    label: str
    is_public: bool
    # The acting staff member (and agency), for colleagues; ``by`` names only the agency
    # or role, as the reporter is told.
    who: str
    by: str
    note: str
    photos: tuple[Photo, ...]
    # "from → to" status labels; empty when the status did not change.
    change: str = ""
    # A supporting agency's note: its short name.
    contribution: str = ""
    agencies: str = ""
    automatic: bool = False
    merged_into: str = ""
    changes: dict | None = None


def _who(event: Event) -> str:
    if event.actor_id:
        name = event.actor.display_name
        return f"{name} ({event.agency.short_name})" if event.agency_id else name
    return event.actor_label or _("Sistem")


def _timeline(complaint: Complaint, views: tuple[EventView, ...]) -> list[TimelineRow]:
    events = complaint.all_events
    # The projection walks the same prefetched list, so its entries pair with the rows
    # one to one; a mismatch would put one event's note under another's heading.
    if len(events) != len(views) or any(
        e.kind != v.kind for e, v in zip(events, views, strict=True)
    ):
        raise RuntimeError("staff projection and event rows disagree")
    rows = []
    for event, view in zip(events, views, strict=True):
        data = event.data or {}
        change = ""
        if event.from_status and event.to_status and event.from_status != event.to_status:
            change = f"{event.get_from_status_display()} → {event.get_to_status_display()}"
        contribution = ""
        if is_contribution(complaint, event):
            contribution = event.agency.short_name
        rows.append(
            TimelineRow(
                kind=view.kind,
                at=view.at,
                label=view.label,
                is_public=view.is_public,
                who=_who(event),
                by=view.by,
                note=view.note,
                photos=view.photos,
                change=change,
                contribution=contribution,
                agencies=view.agencies,
                automatic=event.kind == Event.Kind.DISPATCHED and bool(data.get("automatic")),
                merged_into=data.get("into", "") if event.kind == Event.Kind.MERGED else "",
                changes=data.get("changes") if event.kind == Event.Kind.CORRECTED else None,
            )
        )
    return rows


def related_complaints(user, complaint: Complaint, see_reporter: bool) -> dict:
    """Possible duplicates and links, limited to what ``user`` may see anyway.

    Same reporter phone is offered only to staff who may see the reporter, and lists
    only complaints whose reporter they may see too: for everyone else it would tie an
    anonymous complaint to a person. Summaries come from the staff projection.
    """
    visible = (
        visible_complaints(user).exclude(pk=complaint.pk).select_related("kelurahan", "category")
    )
    similar = []
    if complaint.category_id and complaint.kelurahan_id:
        similar = list(
            visible.filter(
                category_id=complaint.category_id,
                kelurahan_id=complaint.kelurahan_id,
                status__in=OPEN_STATUSES,
                received_at__gte=complaint.received_at - DUPLICATE_WINDOW,
                received_at__lte=complaint.received_at + DUPLICATE_WINDOW,
            ).order_by("-received_at")[:10]
        )
        summarise_rows(similar, user, handling=False)
        for r in similar:
            if r.row_summary:
                # A look-alike filed openly by the same person names them right beside
                # the anonymous complaint: mask this complaint's reporter in its lines too.
                r.row_summary = disclosure.staff_text(complaint, user, r.row_summary)
    same_reporter = []
    if see_reporter and complaint.reporter_phone:
        candidates = visible.filter(reporter_phone=complaint.reporter_phone).order_by(
            "-received_at"
        )[:_SAME_REPORTER_SCAN]
        same_reporter = [r for r in candidates if can_see_reporter(user, r)][:10]
    merged = list(visible.filter(merged_into=complaint).order_by("received_at")[:20])
    return {"similar": similar, "same_reporter": same_reporter, "merged": merged}


def _forms(request, complaint, bound, keep):
    """One form per available action; ``bound`` holds a submitted one, ``keep`` its text."""
    user = request.user
    template_text = None
    chosen = request.GET.get("templat", "")
    # "Jawab dengan artikel ini" (aduan.knowledge) opens the page with ?artikel=.
    article_text = knowledge.answer_of(request.GET.get("artikel", ""))
    templates = None
    result = []
    for action in available_actions(user, complaint):
        if action.name in bound:
            form = bound[action.name]
        else:
            initial = dict(keep.get(action.name, {}))
            if action.uses_templates:
                templates = (
                    templates if templates is not None else list(templates_for(user, complaint))
                )
                if chosen.isdigit() and template_text is None:
                    picked = next((t for t in templates if t.pk == int(chosen)), None)
                    if picked is not None:
                        template_text = render_template(picked, complaint, user)
                if template_text is not None and "answer" not in initial:
                    initial["answer"] = template_text
                if article_text and "answer" not in initial:
                    initial["answer"] = article_text
            form = action.form(
                initial=initial,
                complaint=complaint,
                user=user,
                auto_id=f"{action.name}-%s",
            )
        result.append((action, form))
    return result, templates or [], chosen


def complaint_page(request, code, *, bound=None, keep=None, status=200, show_contact=False):
    """The page renders the staff projection for everything said by or about the reporter
    (text, answer, address, location, photos, notes, the reporter); the complaint row
    supplies only the workflow: status, deadlines, agencies, forms and their version."""
    user = request.user
    complaint = _load(user, code)
    see_reporter = can_see_reporter(user, complaint)
    view = disclosure.for_staff(complaint, user, contact_shown=show_contact and see_reporter)
    action_forms, templates, chosen = _forms(request, complaint, bound or {}, keep or {})
    timeline = _timeline(complaint, view.events)
    returned = None
    if complaint.returned:
        returned = next((r for r in reversed(timeline) if r.kind == Event.Kind.RETURNED), None)
    context = {
        "complaint": complaint,
        "view": view,
        "timeline": timeline,
        "privacy_flag": view.privacy_label if view.privacy != Privacy.PUBLIK else "",
        # Moderators' redactions act on public text; a secret complaint has none.
        "can_redact": has_perm(user, "redact") and view.privacy != Privacy.RAHASIA,
        "see_reporter": see_reporter,
        "anonymous": view.privacy == Privacy.ANONIM,
        "has_contact": see_reporter and complaint.has_contact,
        "action_forms": action_forms,
        "templates": templates,
        "chosen_template": chosen,
        "contributions": [row for row in timeline if row.contribution],
        "is_lead": bool(user.agency_id)
        and user.agency_id == complaint.lead_agency_id
        and user.is_agency_staff,
        "returned_event": returned,
        "related": related_complaints(user, complaint, see_reporter),
        "read_only": not action_forms,
        # The page's map takes a new pin for the "lokasi" action's form (aduan.geo).
        "can_set_location": any(action.name == "lokasi" for action, _form in action_forms),
        # Knowledge-base articles for those who can answer here (moderators, the lead agency).
        "articles": knowledge.for_staff(view.text)
        if any(action.uses_templates for action, _form in action_forms)
        else (),
    }
    return render(request, "office/complaint.html", context, status=status)


@staff_required
@require_GET
def detail(request, code):
    return complaint_page(request, code)


@staff_required
@require_POST
def show_contact(request, code):
    """Reveal the reporter's contact once, on purpose, and log who looked."""
    user = request.user
    complaint = access_complaint(user, code)
    if not can_see_reporter(user, complaint):
        raise PermissionDenied
    lifecycle.record_note(
        complaint,
        user,
        note=_("Kontak pelapor dilihat."),
        kind=Event.Kind.CONTACT_VIEWED,
    )
    return complaint_page(request, code, show_contact=True)


def _posted_version(request) -> int | None:
    raw = request.POST.get("version", "")
    return int(raw) if raw.isdigit() else None


def _conflict(request, code, action, form, message):
    """409: the reloaded complaint, the user's words kept, the fresh version in the form."""
    messages.error(request, message)
    keep = {}
    if form is not None and form.is_bound:
        kept = {}
        for name, field in form.fields.items():
            if name == "version" or isinstance(field, forms.FileField):
                continue
            multiple = isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField)
            kept[name] = form.data.getlist(name) if multiple else form.data.get(name, "")
        keep[action.name] = kept
    return complaint_page(request, code, keep=keep, status=409)


@staff_required
@require_POST
def act(request, code, action):
    """Every action of the complaint page: validate, call one lifecycle function, report.

    404 when the complaint is not the user's to see; 403 when the role (or
    agency) may not do this; 409 with the reloaded page when the complaint
    changed since the form was loaded or its status no longer allows the
    action (nothing is written); 400 with the form when the input is invalid
    or the lifecycle refuses it.
    """
    user = request.user
    spec = ACTIONS.get(action)
    if spec is None:
        raise Http404
    complaint = access_complaint(user, code)
    if not has_perm(user, spec.perm):
        raise PermissionDenied
    stale = _posted_version(request) not in (None, complaint.version)
    if not can_act(user, spec.perm, complaint):
        # Allowed when the form was loaded, not now: somebody else moved the complaint on.
        if stale:
            return _conflict(request, code, spec, None, _stale_message(complaint))
        raise PermissionDenied
    if not spec.is_offered(complaint):
        message = _stale_message(complaint) if stale else _illegal_message(complaint)
        return _conflict(request, code, spec, None, message)
    form = spec.form(
        request.POST, request.FILES, complaint=complaint, user=user, auto_id=f"{action}-%s"
    )
    if not form.is_valid():
        return complaint_page(request, code, bound={action: form}, status=400)
    try:
        spec.run(complaint, user, form.cleaned_data)
    except lifecycle.StaleComplaint as exc:
        return _conflict(request, code, spec, form, exc.message)
    except lifecycle.TransitionError as exc:
        form.add_error(None, exc.message)
        return complaint_page(request, code, bound={action: form}, status=400)
    messages.success(request, str(spec.done))
    if not visible_complaints(user).filter(code=code).exists():
        # Returned to the moderators: the agency no longer sees it.
        return redirect("office:home")
    return redirect("office:complaint", code=code)


# The lifecycle's own refusals, so the page says exactly what a refused write would say.
_illegal_message = lifecycle.illegal_message
_stale_message = lifecycle.stale_message
