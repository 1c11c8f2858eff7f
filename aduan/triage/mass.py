"""Mass events: many complaints about one thing in one place, gathered into one case.

Location first. Two complaints are *near* when they are close in place, in time and in
topic:

- place: the same street after folding its names (``streets.py``: prefixes, old
  spellings, nicknames, typos); or the same or a neighbouring kelurahan; or pins within
  ``mass_event_distance_m``. The precise evidence wins: two pins far apart, or two
  different streets named, are not near because they share a kelurahan;
- time: filed within ``mass_event_window_hours`` of each other;
- topic: shared topic words (``topics.py``: "banjir", "tergenang", "air meluap"...), or,
  for texts the lexicon says nothing about, the same (filed or predicted) category or a
  low content-word cosine. Never near-identical text: that is the duplicate warning's job,
  though a near-identical report (``mass_event_min_similarity``) still counts as near.

Each filing writes its place as index rows (``PlaceKey``: street, kelurahan, kecamatan,
map cell) and reads only the rows of its own keys within the window, so its cost depends
on how busy that place is, not on the size of the archive (bench/bench_triage.py).

Near complaints form a cluster, joined through any member. From two members the cluster
is ``forming``: automatic dispatch holds its members (``hold``) while it keeps growing.
At ``mass_event_size`` members it opens as one case in the moderators' queue, which they
gather (merge every other member into one survivor through ``lifecycle.merge``; each
reporter is told and then follows the survivor) or gather and dispatch in one action.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cached_property

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aduan.core import lifecycle
from aduan.core.models import CLOSED_STATUSES, DROPPED_STATUSES, Complaint, Status

from . import streets, topics
from .duplicates import Match
from .models import MassEvent, MassEventMember, PlaceKey, Suggestion, TriageSettings
from .textmatch import haversine_m

# Statuses lifecycle.merge accepts for the complaint being merged away.
MERGEABLE = lifecycle.TRANSITIONS["merge"].sources
# Map cells of about 440 m (0.004 degree of latitude); a search reads the cells around.
CELL_DEGREES = 0.004
CELL_METRES = 440.0
# Index rows read per filing at most (the busiest place on its busiest day).
MAX_ROWS = 3000


@dataclass
class Spot:
    """What clustering needs of one complaint."""

    pk: int
    received_at: datetime
    status: str
    kelurahan_id: int | None
    kecamatan_id: int | None
    latitude: float | None
    longitude: float | None
    categories: frozenset
    streets: frozenset
    text: str = field(repr=False, default="")
    place_words: frozenset = field(repr=False, default=frozenset())
    # The kelurahan it is in (or its streets run through); for the complaint being filed,
    # also those around them.
    areas: frozenset = frozenset()
    around: frozenset = frozenset()

    @property
    def pinned(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    # Read only for candidates near in place: most of those found are not.
    @cached_property
    def topics(self) -> frozenset:
        return topics.topics_of(self.text)

    @cached_property
    def words(self) -> frozenset:
        return topics.content_words(self.text, self.place_words)


def _cell(latitude, longitude) -> tuple[int, int]:
    return (math.floor(float(latitude) / CELL_DEGREES), math.floor(float(longitude) / CELL_DEGREES))


def place_keys(complaint: Complaint, street_ids) -> list[str]:
    keys = [f"s:{pk}" for pk in sorted(street_ids)]
    if complaint.kelurahan_id:
        keys.append(f"l:{complaint.kelurahan_id}")
    elif complaint.kecamatan_id:
        keys.append(f"k:{complaint.kecamatan_id}")
    if complaint.latitude is not None and complaint.longitude is not None:
        row, col = _cell(complaint.latitude, complaint.longitude)
        keys.append(f"g:{row}:{col}")
    return keys


def _search_keys(spot: Spot, settings: TriageSettings, gazetteer) -> list[str]:
    keys = [f"s:{pk}" for pk in spot.streets]
    keys += [f"l:{pk}" for pk in spot.around]
    if not spot.streets:
        # Reports that only name a street running through the neighbourhood.
        streets_in = gazetteer.streets_in
        keys += sorted({f"s:{pk}" for area in spot.around for pk in streets_in.get(area, ())})
    if spot.kecamatan_id:
        # Complaints that only know their kecamatan.
        keys.append(f"k:{spot.kecamatan_id}")
    if spot.pinned:
        row, col = _cell(spot.latitude, spot.longitude)
        rings = max(1, math.ceil(settings.mass_event_distance_m / CELL_METRES))
        keys += [
            f"g:{row + dr}:{col + dc}"
            for dr in range(-rings, rings + 1)
            for dc in range(-rings, rings + 1)
        ]
    return keys


def _spots(rows, street_rows, predicted, gazetteer) -> dict[int, Spot]:
    found: dict[int, set[int]] = {}
    for complaint_id, key in street_rows:
        found.setdefault(complaint_id, set()).add(int(key[2:]))
    spots = {}
    for pk, at, status, kel, kec, lat, lon, category, text in rows:
        named = frozenset(found.get(pk, ()))
        areas = {kel} if kel else {a for street in named for a in gazetteer.areas.get(street, ())}
        spots[pk] = Spot(
            pk=pk,
            received_at=at,
            status=status,
            kelurahan_id=kel,
            kecamatan_id=kec,
            latitude=None if lat is None else float(lat),
            longitude=None if lon is None else float(lon),
            categories=frozenset(c for c in (category, predicted.get(pk)) if c),
            streets=named,
            text=text,
            place_words=gazetteer.place_words,
            areas=frozenset(areas),
        )
    return spots


_FIELDS = (
    "pk",
    "received_at",
    "status",
    "kelurahan_id",
    "kecamatan_id",
    "latitude",
    "longitude",
    "category_id",
    "text",
)


def near_in_place(a: Spot, b: Spot, settings: TriageSettings) -> bool:
    if a.streets & b.streets:
        return True
    if a.pinned and b.pinned:
        distance = haversine_m(a.latitude, a.longitude, b.latitude, b.longitude)
        return distance <= settings.mass_event_distance_m
    if a.streets and b.streets:
        return False
    if a.areas and b.areas:
        return bool(b.areas & a.around)
    return bool(a.kecamatan_id and a.kecamatan_id == b.kecamatan_id)


def near_in_topic(a: Spot, b: Spot, settings: TriageSettings) -> bool:
    if a.topics and b.topics:
        return bool(a.topics & b.topics)
    if a.categories & b.categories:
        return True
    return topics.cosine(a.words, b.words) >= settings.mass_event_topic_similarity


def index(complaint: Complaint, gazetteer=None) -> Spot:
    """Write the complaint's place keys (idempotent) and return its ``Spot``."""
    gazetteer = gazetteer or streets.gazetteer()
    street_ids = gazetteer.find(f"{complaint.text or ''}\n{complaint.address or ''}")
    keys = place_keys(complaint, street_ids)
    PlaceKey.objects.bulk_create(
        [PlaceKey(complaint=complaint, key=k, received_at=complaint.received_at) for k in keys],
        ignore_conflicts=True,
    )
    predicted = dict(
        Suggestion.objects.filter(complaint=complaint, category__isnull=False).values_list(
            "complaint_id", "category_id"
        )
    )
    row = (
        complaint.pk,
        complaint.received_at,
        complaint.status,
        complaint.kelurahan_id,
        complaint.kecamatan_id,
        complaint.latitude,
        complaint.longitude,
        complaint.category_id,
        complaint.text,
    )
    street_rows = [(complaint.pk, f"s:{pk}") for pk in street_ids]
    spot = _spots([row], street_rows, predicted, gazetteer)[complaint.pk]
    areas = streets.area_map()
    spot.around = frozenset(pk for area in spot.areas for pk in streets.neighbours(area, areas))
    return spot


def near(spot: Spot, settings: TriageSettings, gazetteer=None) -> list[int]:
    """Complaints near ``spot`` (from ``index``) in place, time and topic, found through
    the place index."""
    gazetteer = gazetteer or streets.gazetteer()
    window = timedelta(hours=settings.mass_event_window_hours)
    candidates = list(
        PlaceKey.objects.filter(
            key__in=_search_keys(spot, settings, gazetteer),
            received_at__gte=spot.received_at - window,
            received_at__lte=spot.received_at + window,
        )
        .exclude(complaint_id=spot.pk)
        .order_by("-received_at")
        .values_list("complaint_id", flat=True)[:MAX_ROWS]
    )
    others = _load(set(candidates), gazetteer)
    return sorted(
        pk
        for pk, other in others.items()
        if near_in_place(spot, other, settings) and near_in_topic(spot, other, settings)
    )


def _located(spot: Spot) -> bool:
    return bool(spot.pinned or spot.streets or spot.kelurahan_id or spot.kecamatan_id)


def _load(ids: set[int], gazetteer) -> dict[int, Spot]:
    if not ids:
        return {}
    rows = Complaint.objects.filter(pk__in=ids).exclude(status=Status.DITOLAK).values_list(*_FIELDS)
    street_rows = PlaceKey.objects.filter(complaint_id__in=ids, key__startswith="s:").values_list(
        "complaint_id", "key"
    )
    predicted = dict(
        Suggestion.objects.filter(complaint_id__in=ids, category__isnull=False).values_list(
            "complaint_id", "category_id"
        )
    )
    return _spots(rows, street_rows, predicted, gazetteer)


def consider(complaint: Complaint, matches: list[Match], settings: TriageSettings):
    """Put ``complaint`` in the cluster of the complaints near it, when there are any.

    Joins the event of any near complaint (forming clusters it bridges become one), or
    starts a forming one; the cluster opens as a case at ``mass_event_size`` members.
    """
    gazetteer = streets.gazetteer()
    spot = index(complaint, gazetteer)
    close = set(near(spot, settings, gazetteer))
    since = complaint.received_at - timedelta(hours=settings.mass_event_window_hours)
    alike = {
        m.complaint_id
        for m in matches
        if m.received_at >= since and m.similarity >= settings.mass_event_min_similarity
    } - close
    if alike:
        # A near-identical text counts unless the places say otherwise (two kelurahan
        # far apart: the same message about two places).
        close |= {
            pk
            for pk, other in _load(alike, gazetteer).items()
            if not (_located(spot) and _located(other)) or near_in_place(spot, other, settings)
        }
    if not close:
        return None
    everyone = {complaint.pk} | close
    with transaction.atomic():
        joined = list(
            MassEvent.objects.select_for_update()
            .filter(
                pk__in=MassEventMember.objects.filter(complaint_id__in=everyone).values("event_id")
            )
            .order_by("id")
        )
        settled = [e for e in joined if e.state != MassEvent.State.FORMING]
        if settled:
            event = settled[0]
        elif joined:
            event = joined[0]
        else:
            event = MassEvent.objects.create(
                state=MassEvent.State.FORMING, last_at=complaint.received_at
            )
        forming = [e.pk for e in joined if e.pk != event.pk and e.state == MassEvent.State.FORMING]
        if forming:
            MassEventMember.objects.filter(event_id__in=forming).update(event=event)
            MassEvent.objects.filter(pk__in=forming).delete()
        alive = set(
            Complaint.objects.filter(pk__in=everyone)
            .exclude(status__in=DROPPED_STATUSES)
            .values_list("pk", flat=True)
        )
        MassEventMember.objects.bulk_create(
            [MassEventMember(event=event, complaint_id=pk) for pk in sorted(alive)],
            ignore_conflicts=True,
        )
        size = MassEventMember.objects.filter(event=event).count()
        if event.state == MassEvent.State.FORMING and size >= settings.mass_event_size:
            event.state = MassEvent.State.OPEN
        if event.last_at is None or complaint.received_at > event.last_at:
            event.last_at = complaint.received_at
        event.save(update_fields=["state", "last_at", "updated_at"])
    return event


def hold(complaint: Complaint, settings: TriageSettings, now=None) -> tuple[str, str] | None:
    """Automatic dispatch's verdict for a complaint in a cluster, or None when free.

    A member of a case (open or gathered) is left to the moderators; a member of a
    forming cluster waits (stays pending) until the cluster has not grown for
    ``mass_event_hold_hours``, and is then free again.
    """
    member = MassEventMember.objects.filter(complaint=complaint).select_related("event").first()
    if member is None:
        return None
    event = member.event
    if event.state != MassEvent.State.FORMING:
        return Suggestion.AutoState.SKIPPED, "mass event"
    now = now or timezone.now()
    if event.last_at and now - event.last_at < timedelta(hours=settings.mass_event_hold_hours):
        return Suggestion.AutoState.PENDING, "mass event forming"
    return None


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
    survivor: Complaint | None = None


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


def dispatch(event: MassEvent, survivor: Complaint, actor, lead) -> tuple[Gathered, object]:
    """Gather the event into ``survivor`` and dispatch the survivor to ``lead``, at once.

    All or nothing: when the dispatch is refused (the survivor moved on meanwhile), no
    complaint is merged either.
    """
    with transaction.atomic():
        result = gather(event, survivor, actor)
        if result.failed:
            raise lifecycle.TransitionError(
                "; ".join(f"{code}: {message}" for code, message in result.failed)
            )
        survivor.refresh_from_db()
        dispatched = lifecycle.dispatch(
            survivor,
            actor,
            lead=lead,
            supporting=_supporting(survivor.category, lead),
            note=lifecycle.stored_text("Kejadian massal #%(n)s: %(count)s aduan.")
            % {"n": event.pk, "count": len(result.merged) + 1},
        )
    return result, dispatched


def _supporting(category, lead) -> list:
    if category is None:
        return []
    return [a for a in category.supporting_agencies.filter(is_active=True) if a.pk != lead.pk]


def merge_many(complaints: list[Complaint], actor, versions: dict[str, int]) -> Gathered:
    """Merge the chosen complaints into one of them (bulk merge from the queue).

    The survivor is the one an agency already has, else the earliest; each other one is
    merged by its own transition at the version the moderator saw.
    """
    rows = sorted(
        (c for c in complaints if c.status not in DROPPED_STATUSES),
        key=lambda c: (c.received_at, c.pk),
    )
    result = Gathered()
    if len(rows) < 2:
        return result
    with_agency = [c for c in rows if c.lead_agency_id]
    survivor = (with_agency or rows)[0]
    result.survivor = survivor
    note = lifecycle.stored_text("Digabung bersama %(n)s aduan lain dari antrean.") % {
        "n": len(rows) - 1
    }
    for complaint in rows:
        if complaint.pk == survivor.pk:
            continue
        try:
            lifecycle.merge(
                complaint,
                actor,
                into=survivor,
                note=note,
                expected_version=versions.get(complaint.code),
            )
        except lifecycle.TransitionError as exc:
            result.failed.append((complaint.code, exc.message))
        else:
            result.merged.append(complaint.code)
    return result


def suggested_lead(complaint: Complaint):
    """The agency to offer for a case: the routing suggestion, else the category's agency."""
    suggestion = Suggestion.objects.filter(complaint=complaint).select_related("agency").first()
    if suggestion is not None and suggestion.agency is not None and suggestion.agency.is_active:
        return suggestion.agency
    if complaint.category_id and complaint.category.agency.is_active:
        return complaint.category.agency
    return None


def open_cases(visible, limit: int = 20) -> list[dict]:
    """Open mass events among ``visible`` complaints, newest activity first, for the queue:
    ``{"event", "members", "count", "pins", "survivor", "lead"}``."""
    events = list(
        MassEvent.objects.filter(
            state=MassEvent.State.OPEN,
            pk__in=MassEventMember.objects.filter(complaint__in=visible).values("event_id"),
        ).order_by("-last_at", "-id")[:limit]
    )
    cases = []
    for event in events:
        rows = list(members(event))
        survivor = default_survivor(event)
        cases.append(
            {
                "event": event,
                "members": rows,
                "count": len(rows),
                "pins": [c for c in rows if c.latitude is not None and c.longitude is not None],
                "survivor": survivor,
                "lead": suggested_lead(survivor) if survivor else None,
            }
        )
    return cases


def in_open_case(complaint_ids) -> set[int]:
    """Those of ``complaint_ids`` that belong to an open mass event."""
    return set(
        MassEventMember.objects.filter(
            complaint_id__in=complaint_ids, event__state=MassEvent.State.OPEN
        ).values_list("complaint_id", flat=True)
    )
