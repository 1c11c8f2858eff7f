"""What became of a complaint, in the plain words the citizen reads.

One place for the sentences, so the status page and the SMS/WhatsApp notice say the
same thing. ``note`` is the named body (referred) or the reason (cannot act), already
masked by the caller when the audience is the public.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from .models import Outcome

# A referral's body name in an SMS: a name, not a paragraph.
_SHORT_NOTE = 60


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def phrase(outcome: str, note: str = "", budget_year: int | None = None) -> str:
    """The full sentence for the status page; "" for a complaint without an outcome."""
    note = " ".join((note or "").split())
    if outcome == Outcome.FIXED:
        return _("Sudah ditangani: masalah yang Anda laporkan sudah dikerjakan.")
    if outcome == Outcome.ANSWERED:
        return _("Dijawab: petugas menjelaskan hal yang Anda tanyakan atau laporkan.")
    if outcome == Outcome.REFERRED:
        if note:
            return _(
                "Dirujuk ke %(body)s: urusan ini bukan wewenang pemerintah kota; "
                "sampaikan juga kepada mereka bila perlu."
            ) % {"body": note}
        return _("Dirujuk ke pihak lain.")
    if outcome == Outcome.PLANNED:
        if budget_year:
            return _("Direncanakan pada tahun anggaran %(year)s.") % {"year": budget_year}
        return _("Direncanakan pada tahun anggaran mendatang.")
    if outcome == Outcome.CANNOT_ACT:
        if note:
            return _("Tidak dapat ditindaklanjuti: %(reason)s") % {"reason": note}
        return _("Tidak dapat ditindaklanjuti.")
    return ""


def short_phrase(outcome: str, note: str = "", budget_year: int | None = None) -> str:
    """A few words for a text message; the answer itself carries the explanation."""
    if outcome == Outcome.FIXED:
        return "sudah ditangani"
    if outcome == Outcome.ANSWERED:
        return "dijawab"
    if outcome == Outcome.REFERRED:
        return f"dirujuk ke {_clip(note, _SHORT_NOTE)}" if note.strip() else "dirujuk"
    if outcome == Outcome.PLANNED:
        return f"direncanakan TA {budget_year}" if budget_year else "direncanakan"
    if outcome == Outcome.CANNOT_ACT:
        return "tidak dapat ditindaklanjuti"
    return ""
