"""Mass events: many complaints about one thing, gathered into one case.

A complaint joins a mass event when one of its near-duplicates already belongs to one; a new
event starts when, counting the complaint itself, ``mass_event_size`` near-duplicates
arrived within ``mass_event_window_hours``. Gathering merges every other member into one
survivor through ``lifecycle.merge``: each reporter is told and then follows the survivor,
whose public updates and answer ``core.notify`` sends to every merged reporter.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aduan.core import lifecycle
from aduan.core.models import CLOSED_STATUSES, DROPPED_STATUSES, Complaint

from .duplicates import Match
from .models import MassEvent, MassEventMember, TriageSettings

# Statuses lifecycle.merge accepts for the complaint being merged away.
MERGEABLE = lifecycle.TRANSITIONS["merge"].sources


def consider(complaint: Complaint, matches: list[Match], settings: TriageSettings):
    """Add ``complaint`` and its close look-alikes to a mass event when warranted.

    Only direct near-duplicates at ``mass_event_min_similarity`` or more count: grouping
    through look-alikes of look-alikes, or at the duplicate warning's similarity, gathered
    unrelated complaints of the same kind on the benchmark corpus.
    """
    since = complaint.received_at - timedelta(hours=settings.mass_event_window_hours)
    direct = {
        m.complaint_id
        for m in matches
        if m.received_at >= since and m.similarity >= settings.mass_event_min_similarity
    }
    if not direct:
        return None
    everyone = sorted({complaint.pk} | direct)
    member = (
        MassEventMember.objects.filter(complaint_id__in=everyone)
        .select_related("event")
        .order_by("event_id")
        .first()
    )
    if member is not None:
        event = member.event
    elif len(everyone) >= settings.mass_event_size:
        event = MassEvent.objects.create()
    else:
        return None
    taken = set(
        MassEventMember.objects.filter(complaint_id__in=everyone).values_list(
            "complaint_id", flat=True
        )
    )
    try:
        with transaction.atomic():
            MassEventMember.objects.bulk_create(
                [
                    MassEventMember(event=event, complaint_id=pk)
                    for pk in everyone
                    if pk not in taken
                ]
            )
    except IntegrityError:
        # Another filing grouped some of them a moment ago: join its event instead.
        if member is None:
            event.delete()
        other = (
            MassEventMember.objects.filter(complaint_id__in=everyone).order_by("event_id").first()
        )
        if other is None:
            return None
        event = other.event
        MassEventMember.objects.bulk_create(
            [MassEventMember(event=event, complaint=complaint)], ignore_conflicts=True
        )
    event.save(update_fields=["updated_at"])
    return event


def event_of(complaint: Complaint) -> MassEvent | None:
    member = MassEventMember.objects.filter(complaint=complaint).select_related("event").first()
    return member.event if member else None


def members(event: MassEvent):
    return (
        Complaint.objects.filter(pk__in=event.members.values("complaint_id"))
        .select_related("kelurahan", "lead_agency", "category")
        .order_by("received_at", "pk")
    )


def pending(event: MassEvent, survivor: Complaint | None = None) -> list[Complaint]:
    """Members that gathering would still merge into ``survivor``."""
    survivor = survivor or event.survivor
    return [
        c
        for c in members(event)
        if c.status in MERGEABLE and (survivor is None or c.pk != survivor.pk)
    ]


def default_survivor(event: MassEvent) -> Complaint | None:
    """The complaint the others should follow: the one gathered before, else one an agency
    already has, else the earliest still open."""
    if event.survivor_id and event.survivor.status not in DROPPED_STATUSES:
        return event.survivor
    rows = [c for c in members(event) if c.status not in CLOSED_STATUSES]
    with_agency = [c for c in rows if c.lead_agency_id]
    return (with_agency or rows or [None])[0]


@dataclass
class Gathered:
    merged: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)


def gather(event: MassEvent, survivor: Complaint, actor) -> Gathered:
    """Merge every other open member into ``survivor``, one transition each.

    One complaint failing (changed meanwhile) does not stop the others; failures are
    returned by code with the lifecycle's message.
    """
    if survivor.status in DROPPED_STATUSES:
        raise lifecycle.TransitionError(_("Aduan tujuan sudah ditutup atau ditolak."))
    if not MassEventMember.objects.filter(event=event, complaint=survivor).exists():
        raise lifecycle.TransitionError(_("Aduan tujuan bukan bagian dari kejadian ini."))
    result = Gathered()
    note = lifecycle.stored_text("Digabung sebagai bagian dari kejadian massal #%(n)s.") % {
        "n": event.pk
    }
    for complaint in pending(event, survivor):
        try:
            lifecycle.merge(complaint, actor, into=survivor, note=note)
        except lifecycle.TransitionError as exc:
            result.failed.append((complaint.code, exc.message))
        else:
            result.merged.append(complaint.code)
    MassEvent.objects.filter(pk=event.pk).update(
        state=MassEvent.State.GATHERED,
        survivor=survivor,
        gathered_at=timezone.now(),
        gathered_by=actor,
        updated_at=timezone.now(),
    )
    return result
