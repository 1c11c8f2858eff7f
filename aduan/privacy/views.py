"""The citizen's pages: "Data saya" (see and download one's data, ask for its erasure).

A citizen proves control of a phone number or e-mail address with a code sent to it;
the proof lasts :data:`actions.SUBJECT_TTL` in the session. Every page here is sent
with ``Cache-Control: no-store``: a shared computer's browser keeps none of it.
"""

from __future__ import annotations

import json
import time

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from . import actions, trail
from .forms import CodeForm, ContactForm, ErasureForm
from .models import ContactKind

PENDING = "privacy.pending"
SUBJECT = "privacy.subject"


def _subject(request) -> tuple[str, str] | None:
    """The contact this session has proven, while the proof lasts."""
    proof = request.session.get(SUBJECT)
    if not proof or proof.get("until", 0) < time.time():
        request.session.pop(SUBJECT, None)
        return None
    return proof["kind"], proof["contact"]


@never_cache
@require_safe
def start(request):
    return render(
        request,
        "privacy/start.html",
        {"form": ContactForm(), "proven": _subject(request) is not None},
    )


@never_cache
@require_POST
def request_code(request):
    """POST only, so the rate limiter can count it (``/data-saya/kode/``)."""
    form = ContactForm(request.POST)
    if not form.is_valid():
        return render(request, "privacy/start.html", {"form": form, "proven": False}, status=400)
    kind, contact = form.cleaned_data["contact"]
    code = actions.send_code(kind, contact)
    request.session[PENDING] = {
        "code": code.pk,
        "kind": kind,
        "masked": actions.mask_contact(kind, contact),
    }
    return redirect("privacy:verify")


@never_cache
@require_http_methods(["GET", "POST"])
def verify(request):
    pending = request.session.get(PENDING)
    if not pending:
        return redirect("privacy:start")
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        result, code = actions.check_code(pending["code"], form.cleaned_data["code"])
        if result is actions.Check.OK:
            # A new session key once the person is proven (no fixation).
            request.session.cycle_key()
            request.session.pop(PENDING, None)
            request.session[SUBJECT] = {
                "kind": code.kind,
                "contact": code.contact,
                "until": time.time() + actions.SUBJECT_TTL.total_seconds(),
            }
            actions.record_access(code.kind, code.contact)
            return redirect("privacy:mine")
        if result is actions.Check.SPENT:
            request.session.pop(PENDING, None)
            messages.error(request, _("Kode tidak berlaku lagi. Minta kode baru."))
            return redirect("privacy:start")
        form.add_error("code", _("Kode salah. Periksa pesan yang kami kirim lalu coba lagi."))
        status = 400
    elif request.method == "POST":
        status = 400
    channel = _("SMS") if pending["kind"] == ContactKind.PHONE else _("e-mail")
    return render(
        request,
        "privacy/verify.html",
        {"form": form, "masked": pending["masked"], "channel": channel},
        status=status,
    )


@never_cache
@require_safe
def mine(request):
    subject = _subject(request)
    if subject is None:
        return redirect("privacy:start")
    kind, contact = subject
    complaints = actions.subject_complaints(kind, contact)
    received, sent = actions.message_counts(kind, contact)
    return render(
        request,
        "privacy/mine.html",
        {
            "masked": actions.mask_contact(kind, contact),
            "complaints": complaints,
            "received": received,
            "sent": sent,
            "pending": actions.pending_erasure(contact),
            "form": ErasureForm(),
        },
    )


@never_cache
@require_safe
def download(request):
    subject = _subject(request)
    if subject is None:
        return redirect("privacy:start")
    kind, contact = subject
    data = actions.subject_data(kind, contact)
    trail.record(description="Warga mengunduh data pribadinya", complaints=len(data["complaints"]))
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="data-pribadi-saya.json"'
    return response


@never_cache
@require_POST
def erase(request):
    subject = _subject(request)
    if subject is None:
        return redirect("privacy:start")
    kind, contact = subject
    form = ErasureForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Catatan terlalu panjang."))
        return redirect("privacy:mine")
    erasure, created = actions.request_erasure(kind, contact, note=form.cleaned_data["note"])
    if created:
        messages.success(
            request,
            _(
                "Permintaan penghapusan data diterima (nomor %(id)s). Kami mengabari Anda "
                "lewat pesan setelah petugas memutuskannya."
            )
            % {"id": erasure.pk},
        )
    else:
        messages.info(
            request,
            _("Permintaan penghapusan Anda (nomor %(id)s) sedang diproses.") % {"id": erasure.pk},
        )
    return redirect("privacy:mine")


@never_cache
@require_POST
def end(request):
    request.session.pop(SUBJECT, None)
    request.session.pop(PENDING, None)
    messages.info(request, _("Anda sudah keluar dari halaman data pribadi."))
    return redirect("privacy:start")
