"""The actions staff take on one complaint, as data.

Each :class:`Action` names the permission it needs (``permissions.can_act``),
the lifecycle transition that decides in which statuses it is offered, its
form, and a ``run`` that calls exactly one lifecycle function with the
form's ``version`` as ``expected_version``. The complaint page lists the
available ones; one view (``views.complaint.act``) serves them all.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aduan.core import lifecycle
from aduan.core.lifecycle import TRANSITIONS, TransitionError
from aduan.core.models import CLOSED_STATUSES, DROPPED_STATUSES, Complaint
from aduan.core.permissions import can_act

from . import forms as f
from .models import Assignment, Notification
from .notify import notify_staff


@dataclass(frozen=True)
class Action:
    name: str
    label: str
    perm: str
    form: type
    run: Callable
    done: str
    # The lifecycle transition whose source statuses offer this action; None: see ``offered``.
    transition: str | None = None
    offered: Callable | None = None
    # Forms that accept a response template (prefilled ``answer``).
    uses_templates: bool = False
    danger: bool = False

    def is_available(self, user, complaint: Complaint) -> bool:
        return can_act(user, self.perm, complaint) and self.is_offered(complaint)

    def is_offered(self, complaint: Complaint) -> bool:
        """Does the complaint's status allow this action at all (whoever asks)?"""
        if self.transition is not None:
            return complaint.status in TRANSITIONS[self.transition].sources
        return self.offered(complaint) if self.offered else True


def _verify(c, user, d):
    lifecycle.verify(c, user, note=d["note"], expected_version=d["version"])


def _dispatch(c, user, d):
    lifecycle.dispatch(
        c,
        user,
        lead=d["lead"],
        supporting=d["supporting"],
        note=d["note"],
        expected_version=d["version"],
    )


def _request_info(c, user, d):
    lifecycle.request_info(c, user, question=d["question"], expected_version=d["version"])


def _reject(c, user, d):
    lifecycle.reject(c, user, reason=d["reason"], note=d["note"], expected_version=d["version"])


def _merge(c, user, d):
    lifecycle.merge(c, user, into=d["into"], note=d["note"], expected_version=d["version"])


def _answer(c, user, d):
    lifecycle.answer_directly(c, user, answer=d["answer"], expected_version=d["version"])


def _correct(c, user, d):
    lifecycle.correct(
        c,
        user,
        kind=d["kind"],
        category=d["category"],
        privacy=d["privacy"],
        priority=d["priority"],
        reason=d["reason"],
        expected_version=d["version"],
    )


def _locate(c, user, d):
    lifecycle.correct(
        c,
        user,
        latitude=d["latitude"],
        longitude=d["longitude"],
        kelurahan=d["kelurahan"],
        reason=d["reason"],
        expected_version=d["version"],
    )


def _acknowledge(c, user, d):
    lifecycle.acknowledge(c, user, note=d["note"], expected_version=d["version"])


def _update(c, user, d):
    lifecycle.post_update(c, user, note=d["note"], public=True, expected_version=d["version"])


@transaction.atomic
def _note(c, user, d):
    if c.status in TRANSITIONS["post_update"].sources:
        lifecycle.post_update(c, user, note=d["note"], public=False, expected_version=d["version"])
        return
    # Outside the agency statuses a note is an audit row, not a transition.
    locked = lifecycle.lock(c, expected_version=d["version"])
    lifecycle.record_note(locked, user, note=d["note"].strip())


def _return(c, user, d):
    lifecycle.return_dispatch(c, user, reason=d["reason"], expected_version=d["version"])


def _defer(c, user, d):
    lifecycle.defer_to_budget(
        c, user, year=d["year"], plan=d["plan"], expected_version=d["version"]
    )


def _resolve(c, user, d):
    lifecycle.resolve(
        c,
        user,
        answer=d["answer"],
        internal_note=d["internal_note"],
        photos=d["photos"],
        outcome=d["outcome"],
        outcome_note=d["outcome_note"],
        expected_version=d["version"],
    )


@transaction.atomic
def _assign(c, user, d):
    locked = lifecycle.lock(c, expected_version=d["version"])
    officer = d["officer"]
    current = Assignment.objects.filter(complaint=locked, agency_id=user.agency_id).first()
    if current is not None and current.officer_id == officer.pk:
        raise TransitionError(
            _("Aduan ini sudah ditugaskan kepada %(name)s.") % {"name": officer.display_name}
        )
    Assignment.objects.update_or_create(
        complaint=locked,
        agency_id=user.agency_id,
        defaults={"officer": officer, "assigned_by": user, "at": timezone.now()},
    )
    lifecycle.record_note(
        locked,
        user,
        note=_("Ditugaskan kepada %(name)s.") % {"name": officer.display_name},
        data={"assigned_to": officer.username},
    )
    notify_staff(
        [officer],
        locked,
        Notification.Kind.ASSIGNED,
        _("%(by)s menugaskan aduan %(code)s kepada Anda.")
        % {"by": user.display_name, "code": locked.code},
        exclude=user.pk,
    )


def _open(complaint):
    return complaint.status not in CLOSED_STATUSES


def _correctable(complaint):
    return complaint.status not in DROPPED_STATUSES


ACTIONS: dict[str, Action] = {
    a.name: a
    for a in [
        Action(
            "disposisi",
            gettext_lazy("Verifikasi dan disposisikan"),
            "dispatch",
            f.DispatchForm,
            _dispatch,
            gettext_lazy("Aduan didisposisikan."),
            transition="dispatch",
        ),
        Action(
            "verifikasi",
            gettext_lazy("Verifikasi saja"),
            "verify",
            f.VerifyForm,
            _verify,
            gettext_lazy("Aduan diverifikasi."),
            transition="verify",
        ),
        Action(
            "terima",
            gettext_lazy("Terima dan mulai proses"),
            "acknowledge",
            f.AcknowledgeForm,
            _acknowledge,
            gettext_lazy("Aduan diterima dan sedang diproses."),
            transition="acknowledge",
        ),
        Action(
            "selesaikan",
            gettext_lazy("Jawab dan selesaikan"),
            "resolve",
            f.ResolveForm,
            _resolve,
            gettext_lazy("Jawaban terkirim ke pelapor."),
            transition="resolve",
            uses_templates=True,
        ),
        Action(
            "jawab",
            gettext_lazy("Jawab langsung (permintaan informasi)"),
            "answer_directly",
            f.AnswerForm,
            _answer,
            gettext_lazy("Jawaban terkirim ke pelapor."),
            transition="answer_directly",
            uses_templates=True,
        ),
        Action(
            "perkembangan",
            gettext_lazy("Kirim perkembangan"),
            "post_update",
            f.UpdateForm,
            _update,
            gettext_lazy("Perkembangan terkirim ke pelapor."),
            transition="post_update",
        ),
        Action(
            "minta-info",
            gettext_lazy("Minta informasi ke pelapor"),
            "request_info",
            f.RequestInfoForm,
            _request_info,
            gettext_lazy("Pertanyaan terkirim ke pelapor. Tenggat berhenti sementara."),
            transition="request_info",
        ),
        Action(
            "catatan",
            gettext_lazy("Catatan internal"),
            "note",
            f.NoteForm,
            _note,
            gettext_lazy("Catatan tersimpan."),
            offered=_open,
        ),
        Action(
            "tugaskan",
            gettext_lazy("Tugaskan ke petugas"),
            "assign",
            f.AssignForm,
            _assign,
            gettext_lazy("Penugasan tersimpan."),
            offered=_open,
        ),
        Action(
            "tunda-anggaran",
            gettext_lazy("Rencanakan pada tahun anggaran"),
            "defer_to_budget",
            f.DeferForm,
            _defer,
            gettext_lazy("Aduan direncanakan pada tahun anggaran."),
            transition="defer_to_budget",
        ),
        Action(
            "koreksi",
            gettext_lazy("Koreksi jenis, kategori, privasi, prioritas"),
            "correct",
            f.CorrectForm,
            _correct,
            gettext_lazy("Koreksi tersimpan."),
            offered=_correctable,
        ),
        Action(
            "lokasi",
            gettext_lazy("Tetapkan atau koreksi titik lokasi"),
            "set_location",
            f.LocationForm,
            _locate,
            gettext_lazy("Titik lokasi tersimpan."),
            offered=_correctable,
        ),
        Action(
            "gabung",
            gettext_lazy("Gabungkan dengan aduan lain"),
            "merge",
            f.MergeForm,
            _merge,
            gettext_lazy("Aduan digabung."),
            transition="merge",
            danger=True,
        ),
        Action(
            "kembalikan",
            gettext_lazy("Kembalikan: bukan wewenang"),
            "return_dispatch",
            f.ReturnForm,
            _return,
            gettext_lazy("Aduan dikembalikan ke moderator."),
            transition="return_dispatch",
            danger=True,
        ),
        Action(
            "tolak",
            gettext_lazy("Tolak aduan"),
            "reject",
            f.RejectForm,
            _reject,
            gettext_lazy("Aduan ditolak. Pelapor menerima alasannya."),
            transition="reject",
            danger=True,
        ),
    ]
}


def available_actions(user, complaint: Complaint) -> list[Action]:
    return [a for a in ACTIONS.values() if a.is_available(user, complaint)]
