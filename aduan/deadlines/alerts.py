"""Who hears about an escalation, and what they are told.

E-mails go through the outbox (the rows ``core.notify.queue_message`` writes) in the
sweep's transaction, a batch of escalations at a time (:class:`Mailbag`). A step that
respects working hours holds its e-mails until the office opens (``next_attempt_at``);
the event row and the board are immediate. When the back office's in-app
``Notification`` model is installed, each recipient also gets one there.
"""

from __future__ import annotations

import logging
from datetime import datetime
from functools import lru_cache

from django.apps import apps
from django.conf import settings
from django.db.models import QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from aduan.core.models import Complaint, OutboundMessage, Role, User

from .models import Stage, StageRecord

log = logging.getLogger("aduan.deadlines")

STAGE_NAMES = {
    Stage.DISPATCH: "disposisi",
    Stage.RESPONSE: "tanggapan pertama",
    Stage.RESOLUTION: "penyelesaian",
    Stage.BUDGET: "rencana anggaran",
}


def on_duty_moderators(now: datetime) -> list[User]:
    """Moderators whose piket covers ``now``; all moderators when the rota is empty,
    so that a gap in the rota never leaves a complaint unannounced."""
    on_duty = list(
        User.objects.filter(
            role=Role.MODERATOR,
            is_active=True,
            duty_shifts__starts_at__lte=now,
            duty_shifts__ends_at__gt=now,
        ).distinct()
    )
    if on_duty:
        return on_duty
    return list(User.objects.filter(role=Role.MODERATOR, is_active=True))


class Audience:
    """Recipient look-ups, memoised for one sweep (many complaints share an agency)."""

    def __init__(self, now: datetime):
        self.now = now
        self._memo: dict[tuple, list[User]] = {}
        # Supporting agencies by complaint, read for a whole batch by :meth:`load_supporting`.
        self._supporting: dict[int, list[int]] = {}

    def load_supporting(self, records: list[StageRecord]) -> None:
        """Read the supporting agencies of the batch's resolution stages in one query
        (their reminders and board go to those agencies' admins too)."""
        ids = {
            r.complaint_id
            for r in records
            if r.stage == Stage.RESOLUTION
            and r.agency_id
            and r.complaint_id not in self._supporting
        }
        if not ids:
            return
        for complaint_id in ids:
            self._supporting[complaint_id] = []
        through = Complaint.supporting_agencies.through
        rows = through.objects.filter(complaint_id__in=ids).values_list("complaint_id", "agency_id")
        for complaint_id, agency_id in rows:
            self._supporting[complaint_id].append(agency_id)

    def supporting(self, record: StageRecord) -> list[int]:
        if record.complaint_id in self._supporting:
            return self._supporting[record.complaint_id]
        return list(record.complaint.supporting_agencies.values_list("id", flat=True))

    def _get(self, key: tuple, query) -> list[User]:
        if key not in self._memo:
            self._memo[key] = list(query() if callable(query) else query)
        return self._memo[key]

    def on_duty(self) -> list[User]:
        return self._get(("on_duty",), lambda: on_duty_moderators(self.now))

    def agency_admins(self, agency_ids: tuple[int, ...]) -> list[User]:
        return self._get(
            ("admins", agency_ids),
            lambda: _active(role=Role.ADMIN_OPD, agency_id__in=agency_ids),
        )

    def agency_heads(self, agency_ids: tuple[int, ...]) -> list[User]:
        return self._get(
            ("heads", agency_ids),
            lambda: _active(role=Role.KEPALA_OPD, agency_id__in=agency_ids),
        )

    def moderator_agency_heads(self) -> list[User]:
        # The dispatch stage belongs to the moderators' office (Diskominfo): its head.
        return self._get(
            ("mod_heads",),
            lambda: _active(
                role=Role.KEPALA_OPD,
                agency_id__in=User.objects.filter(role=Role.MODERATOR, agency__isnull=False).values(
                    "agency_id"
                ),
            ),
        )

    def pimpinan(self) -> list[User]:
        return self._get(("pimpinan",), lambda: _active(role=Role.PIMPINAN))

    def for_step(self, action: str, record: StageRecord) -> list[User]:
        if action == "notify_pimpinan":
            return self.pimpinan()
        if action == "notify_agency_head":
            if record.stage == Stage.DISPATCH or not record.agency_id:
                return self.moderator_agency_heads()
            return self.agency_heads((record.agency_id,))
        # Reminders and the board: whoever handles the stage now.
        if record.stage == Stage.DISPATCH or not record.agency_id:
            return self.on_duty()
        ids = [record.agency_id]
        if record.stage == Stage.RESOLUTION:
            ids += self.supporting(record)
        return self.agency_admins(tuple(sorted(set(ids))))


def _active(**filters) -> QuerySet:
    return User.objects.filter(is_active=True, **filters).order_by("id")


@lru_cache(maxsize=1)
def _complaint_route() -> str | None:
    # The back office names its complaint page; probing costs an exception per miss,
    # so find out once per process.
    for name in ("office:complaint", "office:detail"):
        try:
            reverse(name, args=["X"])
        except NoReverseMatch:
            continue
        return name
    return None


def staff_url(complaint: Complaint) -> str:
    """Link for staff: the complaint's back-office page, or the warning board."""
    base = settings.SITE_URL.rstrip("/")
    route = _complaint_route()
    if route:
        return base + reverse(route, args=[complaint.code])
    return base + reverse("deadlines:board")


def local_text(moment: datetime | None) -> str:
    if moment is None:
        return "-"
    return timezone.localtime(moment).strftime("%d-%m-%Y %H:%M")


def deliver(
    users: list[User],
    complaint: Complaint,
    *,
    subject: str,
    text: str,
    now: datetime,
    send_at: datetime,
) -> int:
    """Queue one e-mail per user with an address (held until ``send_at``) and an
    in-app notice dated ``now`` when the back office provides them (a notice on a
    screen wakes nobody). Returns e-mails queued."""
    mailbag = Mailbag(now)
    mailbag.add(users, complaint, subject=subject, text=text, send_at=send_at)
    return mailbag.send()


class Mailbag:
    """The e-mails and in-app notices of many escalations, written with one insert per
    table (:meth:`send`) in the caller's transaction; what :func:`deliver` writes for one."""

    def __init__(self, now: datetime):
        self.now = now
        self.messages: list[OutboundMessage] = []
        self.notices: list[tuple[User, Complaint, str]] = []

    def add(
        self, users: list[User], complaint: Complaint, *, subject: str, text: str, send_at
    ) -> None:
        body = f"{text}\n\n{staff_url(complaint)}"
        for user in users:
            if user.email:
                # The outbox row ``core.notify.queue_message`` writes, already held.
                self.messages.append(
                    OutboundMessage(
                        channel="email",
                        recipient=user.email,
                        subject=subject,
                        body=body,
                        complaint=complaint,
                        next_attempt_at=send_at,
                    )
                )
        self.notices.extend((user, complaint, text) for user in users)

    def send(self) -> int:
        """Write what was added and empty the bag; returns e-mails queued."""
        messages, notices = self.messages, self.notices
        self.messages, self.notices = [], []
        if messages:
            OutboundMessage.objects.bulk_create(messages)
        if notices:
            _in_app(notices, self.now)
        return len(messages)


def _in_app(notices: list[tuple[User, Complaint, str]], at: datetime) -> None:
    try:
        model = apps.get_model("office", "Notification")
    except LookupError:
        return
    fields = {f.name for f in model._meta.get_fields()}
    if not {"recipient", "complaint", "kind", "text"} <= fields:
        log.warning("office.Notification has unexpected fields; in-app notices skipped")
        return
    rows = []
    for user, complaint, text in notices:
        row = model(recipient=user, complaint=complaint, kind="escalation", text=text[:300])
        if "created_at" in fields:
            row.created_at = at
        rows.append(row)
    model.objects.bulk_create(rows)


def step_text(action: str, record: StageRecord, complaint: Complaint, overdue: str) -> str:
    """The internal note and message body of one escalation (no reporter data, no text)."""
    what = {
        "code": complaint.code,
        "category": complaint.category.name if complaint.category_id else _("tanpa kategori"),
        "stage": STAGE_NAMES.get(record.stage, record.stage),
        "due": local_text(record.due_at),
        "agency": record.agency.short_name if record.agency_id else _("Moderator"),
        "overdue": overdue,
    }
    if action == "remind_handlers":
        return (
            _(
                "Pengingat: tahap %(stage)s aduan %(code)s (%(category)s) harus selesai paling lambat %(due)s."
            )
            % what
        )
    if action == "warning_board":
        return (
            _(
                "Aduan %(code)s (%(category)s) melewati tenggat %(stage)s (%(due)s) dan kini tampil di papan peringatan seluruh OPD."
            )
            % what
        )
    if action == "notify_agency_head":
        return (
            _(
                "Untuk perhatian Kepala: aduan %(code)s (%(category)s) di %(agency)s terlambat %(overdue)s pada tahap %(stage)s (tenggat %(due)s)."
            )
            % what
        )
    if action == "notify_pimpinan":
        return (
            _(
                "Laporan eskalasi untuk pimpinan: aduan %(code)s (%(category)s) di %(agency)s terlambat %(overdue)s pada tahap %(stage)s (tenggat %(due)s)."
            )
            % what
        )
    raise ValueError(action)


def step_subject(action: str, complaint: Complaint) -> str:
    labels = {
        "remind_handlers": _("Pengingat tenggat"),
        "warning_board": _("Terlambat: papan peringatan"),
        "notify_agency_head": _("Eskalasi ke Kepala OPD"),
        "notify_pimpinan": _("Eskalasi ke pimpinan"),
        "auto_dispatch": _("Disposisi otomatis"),
    }
    return f"[{complaint.code}] {labels.get(action, action)}"
