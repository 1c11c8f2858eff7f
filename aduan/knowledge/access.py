"""Who may read and write the knowledge base's staff pages.

Agency staff write their own agency's articles; moderators (who answer the questions
first) and system admins write every agency's; leaders and inspectors read them all.
"Another agency's article" is a 404, like one that does not exist (core.permissions).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from aduan.core.models import Agency, Role

from .models import Article

WRITE_ALL = frozenset({Role.MODERATOR, Role.ADMIN_SISTEM})
READ_ALL = frozenset({Role.PIMPINAN, Role.INSPEKTORAT})


def require_staff(user) -> None:
    if not user.is_authenticated or not user.role:
        raise PermissionDenied


def can_write(user) -> bool:
    return user.role in WRITE_ALL or user.is_agency_staff


def visible_articles(user):
    require_staff(user)
    articles = Article.objects.select_related("agency", "updated_by")
    if user.role in WRITE_ALL or user.role in READ_ALL:
        return articles
    if user.is_agency_staff:
        return articles.filter(agency_id=user.agency_id)
    return articles.none()


def writable_agencies(user):
    if user.role in WRITE_ALL:
        return Agency.objects.filter(is_active=True)
    if user.is_agency_staff:
        return Agency.objects.filter(pk=user.agency_id)
    return Agency.objects.none()


def editable_article(user, pk: int) -> Article:
    """The article ``user`` may edit: 403 for a read-only role, 404 for another agency's."""
    require_staff(user)
    if not can_write(user):
        raise PermissionDenied
    return get_object_or_404(visible_articles(user), pk=pk)
