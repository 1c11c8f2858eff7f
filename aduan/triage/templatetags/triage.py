"""``{% load triage %}``: suggestions, flags and duplicate warnings for moderators.

- ``{% triage_row c %}`` in a list row (office/_rows.html): the suggested agency and
  category with confidence and reasons, a one-click accept, and flags (possible duplicates,
  mass event, spam/abuse, personal data). Loads the data of every row of ``rows`` at once.
- ``{% triage_panel complaint %}`` on the staff complaint page: the same in full, the
  duplicates themselves, the mass event with its one-click gathering.
- ``{% staff_summary c as summary %}``: a complaint's one-line summary as the viewer may
  read it (``core.disclosure``), None for a ``rahasia`` one; ``c|is_dropped``: rejected
  or merged. The templates test these, never a privacy or status value.

The first two render nothing for users who may not dispatch.
"""

from __future__ import annotations

from collections import Counter

from django import template
from django.db.models import Count
from django.utils.translation import gettext as _

from aduan.core import disclosure
from aduan.core.models import DROPPED_STATUSES, MODERATOR_STATUSES, Agency, Privacy
from aduan.core.permissions import has_perm, visible_complaints

from .. import duplicates, mass
from ..models import DuplicateLink, MassEvent, MassEventMember, Review, Suggestion, TriageSettings
from ..suggest import bar_for

register = template.Library()
# Member texts a case shows in the queue; the case's page shows them all.
CASE_TEXTS = 8


@register.filter
def percent(value) -> str:
    if value is None:
        return "—"
    value = float(value) * 100
    if 0 < value < 1:
        return "<1%"
    # A model is never certain: "100%" would read as a promise.
    if 99 < value < 100:
        return ">99%"
    return f"{value:.0f}%"


def pii_warning(kinds, privacy: str) -> str:
    """ "Teks memuat nomor telepon dan NIK: akan disamarkan di situs publik." or ""."""
    names = {
        "name": _("nama orang"),
        "phone": _("nomor telepon"),
        "nik": _("NIK"),
        "email": _("alamat e-mail"),
        "plate": _("nomor polisi kendaraan"),
    }
    words = [str(names[k]) for k in ("name", "phone", "nik", "email", "plate") if k in kinds]
    if not words:
        return ""
    listed = words[0] if len(words) == 1 else ", ".join(words[:-1]) + _(" dan ") + words[-1]
    if privacy == Privacy.RAHASIA:
        return _("Teks memuat %(what)s; aduan rahasia tidak tampil di situs publik.") % {
            "what": listed
        }
    return _("Teks memuat %(what)s: akan disamarkan di situs publik.") % {"what": listed}


def _summary(context, complaint, *, handling: bool = False) -> str | None:
    return disclosure.staff_summary(complaint, context.get("user"), handling=handling)


@register.simple_tag(takes_context=True)
def staff_summary(context, complaint, handling=False):
    """The summary of ``complaint`` for the viewer, None when their list may not show it
    (``handling``: a list of those who handle it, such as the moderators' queue)."""
    return _summary(context, complaint, handling=bool(handling))


@register.filter
def is_dropped(complaint) -> bool:
    """Rejected or merged: no longer a case of its own, so it cannot take others in."""
    return complaint.status in DROPPED_STATUSES


def _moderator(context) -> bool:
    user = context.get("user")
    return bool(user is not None and has_perm(user, "dispatch"))


def _rows_data(context, complaint) -> dict:
    """Suggestions, duplicate counts and mass events of every row on the page, once."""
    cache = context.render_context
    if "triage_rows" in cache:
        return cache["triage_rows"]
    rows = context.get("rows") or [complaint]
    ids = [c.pk for c in rows if c.status in MODERATOR_STATUSES]
    suggestions = {
        s.complaint_id: s
        for s in Suggestion.objects.filter(complaint_id__in=ids).select_related(
            "agency", "category", "agency_version"
        )
    }
    dupes: Counter = Counter()
    links = DuplicateLink.objects.exclude(other__status__in=DROPPED_STATUSES).exclude(
        complaint__status__in=DROPPED_STATUSES
    )
    dupes.update(
        dict(links.filter(complaint_id__in=ids).values_list("complaint_id").annotate(n=Count("id")))
    )
    dupes.update(
        dict(links.filter(other_id__in=ids).values_list("other_id").annotate(n=Count("id")))
    )
    # A forming cluster is no case yet: it only holds automatic dispatch.
    events = dict(
        MassEventMember.objects.filter(complaint_id__in=ids)
        .exclude(event__state=MassEvent.State.FORMING)
        .values_list("complaint_id", "event_id")
    )
    sizes = dict(
        MassEventMember.objects.filter(event_id__in=set(events.values()))
        .values_list("event_id")
        .annotate(n=Count("id"))
    )
    data = {
        "suggestions": suggestions,
        "dupes": dupes,
        "events": events,
        "sizes": sizes,
        "in_case": mass.in_open_case(ids) if context.get("selectable") else set(),
        "settings": TriageSettings.load(),
    }
    cache["triage_rows"] = data
    return data


def _strength(suggestion, settings) -> dict:
    """``strong``: the suggestion meets automatic dispatch's bar (its confidence threshold and
    the per-agency guard) and may be accepted in one click; otherwise it is only a hint. ``bar``: that bar, shown beside a hint."""
    if suggestion is None:
        return {"strong": False, "bar": None}
    bar = bar_for(suggestion, settings)
    version = suggestion.agency_version
    strong = version is not None and version.is_strong(
        suggestion.agency_confidence, suggestion.agency_label, settings.precision_target
    )
    return {"strong": strong, "bar": bar}


@register.simple_tag(takes_context=True)
def triage_in_case(context, complaint) -> bool:
    """True for a queue row that an open mass event's case above the list stands for."""
    if not context.get("selectable") or not _moderator(context):
        return False
    return complaint.pk in _rows_data(context, complaint)["in_case"]


@register.inclusion_tag("triage/_cases.html", takes_context=True)
def triage_cases(context):
    """The open mass events of the queue, one case each, with gather and dispatch."""
    user = context.get("user")
    if user is None or not has_perm(user, "merge"):
        return {"cases": []}
    request = context.get("request")
    cases = mass.open_cases(visible_complaints(user))
    for case in cases:
        case["summaries"] = [
            (c, _summary(context, c, handling=True)) for c in case["members"][:CASE_TEXTS]
        ]
        case["more"] = max(0, case["count"] - CASE_TEXTS)
    return {
        "cases": cases,
        "agencies": Agency.objects.filter(is_active=True).order_by("short_name"),
        "csrf_token": context.get("csrf_token"),
        "next": request.get_full_path() if request else "",
    }


@register.inclusion_tag("triage/_row.html", takes_context=True)
def triage_row(context, complaint):
    if not _moderator(context) or complaint.status not in MODERATOR_STATUSES:
        return {"show": False}
    data = _rows_data(context, complaint)
    suggestion = data["suggestions"].get(complaint.pk)
    event_id = data["events"].get(complaint.pk)
    request = context.get("request")
    # Lists that hide a secret complaint's text hide the words taken from it too.
    handling = bool(context.get("show_secret"))
    hide_words = _summary(context, complaint, handling=handling) is None
    return {
        "show": True,
        "c": complaint,
        "s": suggestion,
        **_strength(suggestion, data["settings"]),
        "dupes": data["dupes"].get(complaint.pk, 0),
        "mass_event": event_id,
        "mass_size": data["sizes"].get(event_id, 0),
        "pii": pii_warning(suggestion.pii_kinds, complaint.privacy) if suggestion else "",
        # Inside the queue's bulk form a nested form is impossible: the button borrows it.
        "in_form": bool(context.get("selectable")),
        "hide_words": hide_words,
        "next": request.get_full_path() if request else "",
    }


@register.inclusion_tag("triage/_panel.html", takes_context=True)
def triage_panel(context, complaint):
    if not _moderator(context):
        return {"show": False}
    suggestion = (
        Suggestion.objects.select_related("agency", "category", "agency_version", "auto_event")
        .filter(complaint=complaint)
        .first()
    )
    event = mass.event_of(complaint)
    forming = None
    if event is not None and event.state == MassEvent.State.FORMING:
        forming, event = event, None
    survivor = mass.default_survivor(event) if event else None
    pending = mass.pending(event, survivor) if event else []
    auto_review = None
    if suggestion and suggestion.auto_event_id:
        auto_review = Review.objects.filter(event_id=suggestion.auto_event_id).first()
    strength = _strength(suggestion, TriageSettings.load())
    return {
        "show": True,
        "complaint": complaint,
        "s": suggestion,
        **strength,
        "can_accept": bool(
            suggestion
            and suggestion.agency_id
            and strength["strong"]
            and complaint.status in MODERATOR_STATUSES
        ),
        "pii": pii_warning(suggestion.pii_kinds, complaint.privacy) if suggestion else "",
        "duplicates": [
            {**d, "summary": _summary(context, d["complaint"])}
            for d in duplicates.duplicates_of(complaint)
        ],
        "mass_event": event,
        "mass_size": event.members.count() if event else 0,
        "forming_size": forming.members.count() if forming else 0,
        "survivor": survivor,
        "pending": pending,
        "auto_review": auto_review,
        "next": request.get_full_path() if (request := context.get("request")) else "",
    }
