"""The warning board: every overdue complaint in the city, grouped by agency.

Every staff role sees the whole board (the seeds: unanswered complaints raise a warning
"that all admins can see"), including other agencies' rows, so a row carries only what
accountability needs: code, category, kelurahan, agency, stage and how late. Never the
reporter, never the text (the query does not even load them).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from aduan.core.models import RUNNING_CLOCK_STATUSES, Complaint
from aduan.core.permissions import has_perm

from .display import describe_due
from .models import EscalationFiring, Stage
from .store import get_calendar

BOARD_LIMIT = 1000


@require_GET
@login_required
def board(request):
    if not request.user.role:
        raise PermissionDenied
    now = timezone.now()
    overdue = (
        Complaint.objects.filter(status__in=RUNNING_CLOCK_STATUSES, due_at__lt=now)
        .select_related("category", "kelurahan", "lead_agency")
        .only(
            "code",
            "status",
            "due_stage",
            "due_at",
            "category__name",
            "kelurahan__name",
            "lead_agency__short_name",
            "lead_agency__name",
        )
        .order_by("due_at", "id")
    )
    total = overdue.count()
    rows = list(overdue[:BOARD_LIMIT])
    levels = _escalation_levels([c.pk for c in rows])
    calendar = get_calendar()
    groups: dict[object, dict] = {}
    sees_all = has_perm(request.user, "view_all")
    mine = request.user.agency_id if request.user.is_agency_staff else None
    for complaint in rows:
        agency = complaint.lead_agency if complaint.due_stage != "dispatch" else None
        key = agency.pk if agency else None
        group = groups.setdefault(
            key, {"agency": agency, "rows": [], "name": agency.name if agency else ""}
        )
        group["rows"].append(
            {
                "code": complaint.code,
                "category": complaint.category.name if complaint.category_id else "",
                "kelurahan": complaint.kelurahan.name if complaint.kelurahan_id else "",
                "stage": _stage_label(complaint.due_stage),
                # The page of a complaint the viewer may open: every one for those who
                # see all, their own agency's for agency staff.
                "linked": sees_all or (mine is not None and complaint.lead_agency_id == mine),
                "due_at": complaint.due_at,
                "late": describe_due(complaint.due_at, now, calendar),
                "level": levels.get(complaint.pk, ""),
            }
        )
    # The most overdue agencies first: the longest list heads the board.
    ordered = sorted(groups.values(), key=lambda g: (-len(g["rows"]), g["name"]))
    return render(
        request,
        "deadlines/board.html",
        {"groups": ordered, "total": total, "shown": len(rows), "now": now},
    )


def _stage_label(value: str) -> str:
    """The stage's translated name; an unknown value as it is."""
    try:
        return Stage(value).label
    except ValueError:
        return value


def _escalation_levels(complaint_ids: list[int]) -> dict[int, str]:
    """The highest ladder step fired in each complaint's running stages."""
    best: dict[int, tuple[int, str]] = {}
    firings = EscalationFiring.objects.filter(
        complaint_id__in=complaint_ids, record__outcome="", skipped=False
    ).values_list("complaint_id", "step__order", "step__action")
    labels = dict(EscalationFiring._meta.get_field("action").choices)
    for complaint_id, order, action in firings:
        if complaint_id not in best or order > best[complaint_id][0]:
            best[complaint_id] = (order, str(labels.get(action, action)))
    return {pk: label for pk, (_, label) in best.items()}
