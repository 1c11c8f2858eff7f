"""The citizen portal: file, track, add information, confirm or dispute, rate."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from aduan.core import disclosure, intake, lifecycle
from aduan.core.city import site_name
from aduan.core.models import Channel, Complaint, Kelurahan, Kind
from aduan.core.notify import queue_message
from aduan.deadlines.display import expected_date
from aduan.knowledge import matching as knowledge
from aduan.lib.codes import normalize_code

from . import alerts, recovery, stash
from .forms import (
    KIND_HELP,
    PRIVACY_HELP,
    ComplaintForm,
    DisputeForm,
    FollowForm,
    InfoForm,
    NoticeForm,
    RatingForm,
    RecoveryCodeForm,
    RecoveryForm,
    TrackForm,
    normalize_submission_key,
)
from .models import Follow, NoticePreference


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
            # For the link to follow the complaint's kelurahan; the page names it already.
            "kelurahan_id": complaint.kelurahan_id if view.kelurahan else None,
        },
    )


@require_safe
def own(request, token):
    """The reporter's own page, reached through the secret link."""
    return _render_own(request, token)


def _render_own(request, token, forms=None):
    complaint = get_object_or_404(_with_everything(), token=token)
    forms = forms or {}
    preference = NoticePreference.objects.filter(complaint=complaint).first()
    context = {
        "view": disclosure.for_reporter(complaint),
        "expected": expected_date(complaint),
        "private": True,
        # Information may be added at any time while the complaint is open.
        "may_add_info": complaint.status in lifecycle.TRANSITIONS["add_info"].sources,
        "info_form": forms.get("info") or InfoForm(),
        "dispute_form": forms.get("dispute") or DisputeForm(),
        "rating_form": forms.get("rating") or RatingForm(),
        "has_both_contacts": bool(complaint.reporter_phone and complaint.reporter_email),
        "notice_form": NoticeForm(
            initial={"both_channels": bool(preference and preference.both_channels)}
        ),
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
        lifecycle.add_info(complaint, text=data["text"], photos=data["photos"])
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


@require_POST
def notices(request, token):
    """The reporter chooses to hear on both their phone and their e-mail."""
    complaint = get_object_or_404(Complaint, token=token)
    form = NoticeForm(request.POST)
    if form.is_valid() and complaint.reporter_phone and complaint.reporter_email:
        both = form.cleaned_data["both_channels"]
        NoticePreference.objects.update_or_create(
            complaint=complaint, defaults={"both_channels": both, "updated_at": timezone.now()}
        )
        if both:
            messages.success(request, _("Kabar aduan akan dikirim ke nomor HP dan e-mail Anda."))
        else:
            messages.success(request, _("Kabar aduan dikirim lewat satu jalur saja."))
    return redirect("portal:own", token=token)


# -- a lost private link ------------------------------------------------------------------

RECOVERY = "portal.recovery"


@never_cache
@require_http_methods(["GET", "POST"])
def recover(request):
    form = RecoveryForm(request.POST or None)
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "portal/recover.html", {"form": form}, status=400)
        row = recovery.request_code(form.cleaned_data["kode"], form.cleaned_data["kontak"])
        # The same answer for a matching pair and any other: nothing tells them apart.
        request.session[RECOVERY] = row.pk
        return redirect("portal:recover_code")
    return render(request, "portal/recover.html", {"form": form})


@never_cache
@require_http_methods(["GET", "POST"])
def recover_code(request):
    pending = request.session.get(RECOVERY)
    if not pending:
        return redirect("portal:recover")
    form = RecoveryCodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        result, complaint = recovery.check_code(pending, form.cleaned_data["code"])
        if result is recovery.Check.OK:
            request.session.pop(RECOVERY, None)
            messages.success(
                request,
                _("Ini halaman pribadi aduan Anda. Simpan alamatnya: %(url)s")
                % {"url": alerts.absolute(reverse("portal:own", args=[complaint.token]))},
            )
            return redirect("portal:own", token=complaint.token)
        if result is recovery.Check.SPENT:
            request.session.pop(RECOVERY, None)
            messages.error(request, _("Kode tidak berlaku lagi. Minta kode baru."))
            return redirect("portal:recover")
        form.add_error("code", _("Kode salah. Periksa pesan yang kami kirim lalu coba lagi."))
        status = 400
    elif request.method == "POST":
        status = 400
    return render(request, "portal/recover_code.html", {"form": form}, status=status)


# -- following a complaint or a kelurahan --------------------------------------------------

FOLLOW_MAILS_PER_HOUR = 3


@require_http_methods(["GET", "POST"])
def follow(request):
    if request.method == "GET":
        # Links from the feed and a complaint's page choose the kelurahan beforehand.
        form = FollowForm(initial={"kelurahan": request.GET.get("kelurahan", "")})
        return render(request, "portal/follow.html", {"form": form})
    form = FollowForm(request.POST)
    if not form.is_valid():
        return render(request, "portal/follow.html", {"form": form}, status=400)
    email = form.cleaned_data["email"].strip()
    target = {}
    code = normalize_code(form.cleaned_data["aduan"])
    if code:
        complaint = Complaint.objects.filter(code=code).first()
        # Only what is public may be followed; anything else answers the same.
        if complaint is not None and disclosure.is_listed(complaint):
            target = {"complaint": complaint}
    elif form.cleaned_data["kelurahan"]:
        kelurahan = Kelurahan.objects.filter(pk=form.cleaned_data["kelurahan"]).first()
        if kelurahan is not None:
            target = {"kelurahan": kelurahan}
    if target:
        _ask_to_confirm(email, target)
    return render(request, "portal/follow_sent.html", {"email": email})


def _ask_to_confirm(email: str, target: dict) -> None:
    now = timezone.now()
    recent = Follow.objects.filter(
        email__iexact=email, created_at__gte=now - timedelta(hours=1)
    ).count()
    if recent >= FOLLOW_MAILS_PER_HOUR:
        return
    if Follow.objects.filter(email__iexact=email, confirmed_at__isnull=False, **target).exists():
        return
    row = Follow.objects.create(email=email, created_at=now, **target)
    what = (
        _("aduan %(code)s") % {"code": target["complaint"].code}
        if "complaint" in target
        else _("aduan baru di Kelurahan %(name)s") % {"name": target["kelurahan"].name}
    )
    with translation.override(settings.LANGUAGE_CODE):
        body = _(
            "Seseorang (semoga Anda) ingin menerima kabar %(what)s di %(site)s lewat e-mail "
            "ini. Untuk memulai, buka: %(url)s\n\nBila bukan Anda, abaikan e-mail ini."
        ) % {
            "what": what,
            "site": site_name(),
            "url": alerts.absolute(reverse("portal:follow_confirm", args=[row.token])),
        }
        subject = _("Konfirmasi langganan kabar %(site)s") % {"site": site_name()}
    queue_message("email", email, body, subject=subject)


@never_cache
@require_http_methods(["GET", "POST"])
def follow_confirm(request, token):
    # A GET only shows the button: mail scanners open links, and must not subscribe anyone.
    row = get_object_or_404(Follow, token=token)
    if request.method == "POST":
        if row.confirmed_at is None:
            row.confirmed_at = timezone.now()
            row.save(update_fields=["confirmed_at"])
        return render(request, "portal/follow_done.html", {"follow": row, "confirmed": True})
    return render(request, "portal/follow_done.html", {"follow": row, "confirmed": False})


@never_cache
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unfollow(request, token):
    """One click: a POST to the link itself (RFC 8058) ends the subscription; a GET shows
    the button. CSRF-exempt on purpose: the signed link is the credential."""
    row = alerts.follow_from_unsubscribe(token)
    if request.method == "POST":
        if row is not None:
            row.delete()
        return render(request, "portal/unfollow.html", {"done": True})
    return render(request, "portal/unfollow.html", {"done": False, "known": row is not None})
