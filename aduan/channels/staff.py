"""Moderator pages for channels without an inbox: the desk, the phone, letters, social media.

A moderator types in what a citizen brought in person, said on the phone or
wrote in a letter, and imports social-media posts worth handling. Posts are
answered by hand on the platform (there is no API to post back): the page
shows the reply to paste, with the public tracking link, and records that it
was given.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from aduan.core import intake, lifecycle
from aduan.core.lifecycle import stored_text
from aduan.core.models import Channel
from aduan.core.notify import tracking_url
from aduan.core.permissions import access_complaint, has_perm

from .forms import SocialPostForm, StaffComplaintForm
from .models import SocialPost

PERMISSION = "file_for_citizen"


def _require(user) -> None:
    if not has_perm(user, PERMISSION):
        raise PermissionDenied


@login_required
@require_http_methods(["GET", "POST"])
def file_for_citizen(request):
    """A walk-in, phone or letter complaint, filed with the moderator as its actor."""
    _require(request.user)
    if request.method == "POST":
        form = StaffComplaintForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            with transaction.atomic():
                complaint, _created = intake.file(
                    form.checked, channel=data["channel"], actor=request.user
                )
                if data["reference"]:
                    lifecycle.record_note(
                        complaint,
                        request.user,
                        note=stored_text("Catatan penerimaan: %(ref)s")
                        % {"ref": data["reference"]},
                        data={"channel": data["channel"], "reference": data["reference"]},
                    )
            messages.success(
                request,
                _("Aduan %(code)s tercatat. Berikan kode ini kepada pelapor.")
                % {"code": complaint.code},
            )
            return redirect("channels_staff_file")
        status = 400
    else:
        form = StaffComplaintForm()
        status = 200
    return render(request, "channels/staff_file.html", {"form": form}, status=status)


def reply_text(post: SocialPost) -> str:
    """What the moderator pastes under the post: the code and the public tracking page."""
    # Goes to the citizen: in the city's language, not the moderator's interface language.
    return stored_text(
        "Halo %(handle)s, terima kasih atas laporannya. Laporan Anda kami catat dengan kode "
        "%(code)s dan diteruskan kepada petugas. Pantau perkembangannya di %(url)s"
    ) % {
        "handle": post.author_handle,
        "code": post.complaint.code,
        "url": tracking_url(post.complaint, private=False),
    }


@login_required
@require_http_methods(["GET", "POST"])
def social_import(request):
    """Import a post a moderator chose; recent imports are listed with their reply links."""
    _require(request.user)
    if request.method == "POST":
        form = SocialPostForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            with transaction.atomic():
                complaint, _created = intake.file(
                    form.checked, channel=Channel.SOCIAL, actor=request.user
                )
                SocialPost.objects.create(
                    complaint=complaint,
                    platform=data["platform"],
                    author_handle=data["author_handle"],
                    url=data["url"],
                    text=form.checked.text,
                    imported_by=request.user,
                )
                lifecycle.record_note(
                    complaint,
                    request.user,
                    note=_("Diimpor dari unggahan %(platform)s oleh %(handle)s: %(url)s")
                    % {
                        "platform": dict(SocialPost.Platform.choices)[data["platform"]],
                        "handle": data["author_handle"],
                        "url": data["url"],
                    },
                    data={
                        "social": True,
                        "platform": data["platform"],
                        "author_handle": data["author_handle"],
                        "url": data["url"],
                    },
                )
            messages.success(
                request, _("Unggahan diimpor sebagai aduan %(code)s.") % {"code": complaint.code}
            )
            return redirect("channels_social_answer", code=complaint.code)
        status = 400
    else:
        form = SocialPostForm()
        status = 200
    posts = SocialPost.objects.select_related("complaint").order_by("-imported_at")[:30]
    return render(
        request, "channels/social_import.html", {"form": form, "posts": posts}, status=status
    )


@login_required
@require_http_methods(["GET", "POST"])
def social_answer(request, code):
    """Show the reply to paste; POST records that the moderator posted it."""
    _require(request.user)
    complaint = access_complaint(request.user, code)
    post = get_object_or_404(SocialPost.objects.select_related("complaint"), complaint=complaint)
    text = reply_text(post)
    if request.method == "POST":
        with transaction.atomic():
            # Claimed with a conditional update: two clicks record one reply.
            claimed = SocialPost.objects.filter(pk=post.pk, answered_at__isnull=True).update(
                answered_at=timezone.now(), answered_by=request.user, answer_text=text
            )
            if claimed:
                lifecycle.record_note(
                    post.complaint,
                    request.user,
                    note=stored_text("Balasan dengan tautan pelacakan dikirim di %(platform)s.")
                    % {"platform": post.get_platform_display()},
                    data={
                        "social_reply": True,
                        "platform": post.platform,
                        "author_handle": post.author_handle,
                        "url": post.url,
                        "text": text,
                    },
                )
        if claimed:
            messages.success(request, _("Balasan tercatat."))
        else:
            messages.info(request, _("Balasan untuk unggahan ini sudah tercatat sebelumnya."))
        return redirect("channels_social_answer", code=code)
    return render(
        request,
        "channels/social_answer.html",
        {"post": post, "reply_text": text, "site_url": settings.SITE_URL},
    )
