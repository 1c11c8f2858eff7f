"""Template helpers of the back office."""

from django import template
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aduan.core.permissions import has_perm

from ..models import Notification

register = template.Library()


@register.filter
def can(user, action: str) -> bool:
    """``{% if user|can:"dispatch" %}``: the role map, for showing links."""
    return has_perm(user, action)


@register.simple_tag
def unread_notifications(user) -> int:
    """The staff nav's counter; reads the (recipient, read_at) index only."""
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


_STAGES = {
    "dispatch": _("Disposisi"),
    "response": _("Tanggapan pertama"),
    "resolution": _("Penyelesaian"),
}


@register.filter
def due_stage_label(stage: str) -> str:
    """A readable stage name; unknown stages (the deadlines app owns them) show as they are."""
    return str(_STAGES.get(stage, stage))


@register.filter
def overdue(complaint) -> bool:
    return bool(complaint.due_at and complaint.due_at < timezone.now())
