"""The staff member's own notifications."""

from __future__ import annotations

from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from ..models import Notification
from .common import require_perm, staff_required

PAGE_SIZE = 50


@staff_required
@require_GET
def notification_list(request):
    items = Notification.objects.filter(recipient=request.user).select_related("complaint")
    before = request.GET.get("sebelum", "")
    if before.isdigit():
        items = items.filter(pk__lt=int(before))
    page = list(items.order_by("-id")[: PAGE_SIZE + 1])
    older = page[PAGE_SIZE - 1].pk if len(page) > PAGE_SIZE else None
    return render(
        request,
        "office/notifications.html",
        {"notifications": page[:PAGE_SIZE], "older": older},
    )


@staff_required
@require_POST
def notification_open(request, pk):
    """Mark one notification read and go to its complaint."""
    require_perm(request.user, "notifications")
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    if notification.complaint_id:
        return redirect("office:complaint", code=notification.complaint.code)
    if notification.link.startswith("/") and not notification.link.startswith("//"):
        return redirect(notification.link)
    return redirect("office:notifications")


@staff_required
@require_POST
def notification_read_all(request):
    require_perm(request.user, "notifications")
    Notification.objects.filter(recipient=request.user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    return redirect("office:notifications")
