"""The citizen portal: file, track, add information, confirm or dispute, rate."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from aduan.core import disclosure, intake, lifecycle
from aduan.core.models import Channel, Complaint, Kind
from aduan.deadlines.display import expected_date
from aduan.knowledge import matching as knowledge
from aduan.lib.codes import normalize_code

from . import stash
from .forms import (
    KIND_HELP,
    PRIVACY_HELP,
    ComplaintForm,
    DisputeForm,
    InfoForm,
    RatingForm,
    TrackForm,
    normalize_submission_key,
)


@require_safe
def home(request):
    return render(request, "portal/home.html", {"track_form": TrackForm()})


@require_http_methods(["GET", "POST"])
def file_complaint(request):
    if request.method == "POST":
        key = normalize_submission_key(request.POST.get("submission_key"))
        # A retried POST (double tap, flaky network) lands on the first result.
        existing = Complaint.objects.filter(submission_key=key).first()
        if existing:
            return redirect("portal:filed", token=existing.token)
        form = ComplaintForm(request.POST, request.FILES, kept_photos=stash.load(key))
        suggestions = form.is_valid() and _answers_first(request, form)
        if suggestions:
            # Shown once, before anything is filed: what was typed stays in the bound
            # form, and this request's photos wait in the stash like after an error.
            # The checked photos are the stashed ones first, then this request's.
            stash.save(key, form.checked.photos[len(form.kept_photos) :])
            form.stashed_photos = stash.count(key)
            return render(
                request,
                "portal/file.html",
                {
                    "form": form,
                    "privacy_help": PRIVACY_HELP,
                    "kind_help": KIND_HELP,
                    "kb_matches": suggestions,
                },
            )
        if form.is_valid():
            complaint, _created = intake.file(form.checked, channel=Channel.WEB, submission_key=key)
            stash.clear(key)
            return redirect("portal:filed", token=complaint.token)
        if form.valid_photos:
            stash.save(key, form.valid_photos)
        form.stashed_photos = stash.count(key)
        status = 400
    else:
        form = ComplaintForm()
        status = 200
    return render(
        request,
        "portal/file.html",
        {"form": form, "privacy_help": PRIVACY_HELP, "kind_help": KIND_HELP},
        status=status,
    )


def _answers_first(request, form) -> list:
    """Published answers to show a web question before it is filed (the path without
    JavaScript; with it, the form asks while the citizen types). Only for a request for
    information, only a strong match, and only once: the page then posts ``kb_shown``."""
    if form.checked.kind != Kind.INFORMASI or request.POST.get("kb_shown"):
        return []
    matches = knowledge.strong_match(form.checked.text)
    knowledge.count_shown(matches)
    return matches


@require_safe
def filed(request, token):
    complaint = get_object_or_404(Complaint, token=token)
    return render(request, "portal/filed.html", {"view": disclosure.for_reporter(complaint)})


@require_safe
def track(request):
    form = TrackForm(request.GET or None)
    status = 400 if form.is_bound else 200
    if form.is_valid():
        code = normalize_code(form.cleaned_data["kode"])
        # Any existing code goes to its page; the page itself decides how much to show.
        if code and Complaint.objects.filter(code=code).exists():
            return redirect("portal:status", code=code)
        form.add_error("kode", _("Kode aduan tidak ditemukan. Periksa kembali penulisannya."))
        status = 404
    return render(request, "portal/track.html", {"form": form}, status=status)


def _with_everything():
    return disclosure.prefetched(Complaint.objects.all(), events=True)


@require_safe
def status(request, code):
    """Public tracking by code: anyone holding or guessing a code sees this page, so it
    shows the public projection; of an unlisted complaint nothing but its status."""
    normalized = normalize_code(code)
    if normalized != code:
        if normalized:
            return redirect("portal:status", code=normalized)
        raise Http404
    complaint = get_object_or_404(_with_everything(), code=code)
    view = disclosure.for_public(complaint, events=True)
    return render(
        request,
        "portal/status.html",
        {
            "view": view,
            # The expected date says nothing about the reporter, but nothing at all is
            # told of an unlisted complaint beyond its status.
            "expected": expected_date(complaint) if view.shows_content else None,
            "private": False,
        },
    )


@require_safe
def own(request, token):
    """The reporter's own page, reached through the secret link."""
    return _render_own(request, token)


def _render_own(request, token, forms=None):
    complaint = get_object_or_404(_with_everything(), token=token)
    forms = forms or {}
    context = {
        "view": disclosure.for_reporter(complaint),
        "expected": expected_date(complaint),
        "private": True,
        "info_form": forms.get("info") or InfoForm(),
        "dispute_form": forms.get("dispute") or DisputeForm(),
        "rating_form": forms.get("rating") or RatingForm(),
    }
    return render(request, "portal/status.html", context, status=400 if forms else 200)


def _act(request, token, form_class, name, action):
    complaint = get_object_or_404(Complaint, token=token)
    form = form_class(request.POST, request.FILES)
    if not form.is_valid():
        return _render_own(request, token, forms={name: form})
    try:
        action(complaint, form.cleaned_data)
    except lifecycle.TransitionError as exc:
        messages.error(request, exc.message)
    return redirect("portal:own", token=token)


@require_POST
def add_info(request, token):
    def action(complaint, data):
        lifecycle.provide_info(complaint, text=data["text"], photos=data["photos"])
        messages.success(request, _("Terima kasih, informasi Anda sudah kami terima."))

    return _act(request, token, InfoForm, "info", action)


@require_POST
def confirm(request, token):
    complaint = get_object_or_404(Complaint, token=token)
    try:
        lifecycle.confirm(complaint)
        messages.success(request, _("Terima kasih. Aduan Anda kami tutup sebagai selesai."))
    except lifecycle.TransitionError as exc:
        messages.error(request, exc.message)
    return redirect("portal:own", token=token)


@require_POST
def dispute(request, token):
    def action(complaint, data):
        lifecycle.dispute(complaint, reason=data["reason"])
        messages.success(request, _("Aduan Anda dibuka kembali dan dikembalikan ke petugas."))

    return _act(request, token, DisputeForm, "dispute", action)


@require_POST
def rate(request, token):
    def action(complaint, data):
        lifecycle.rate(complaint, rating=data["rating"], comment=data["comment"])
        messages.success(request, _("Terima kasih atas penilaian Anda."))

    return _act(request, token, RatingForm, "rating", action)
