"""Thumbnails of public complaints for lists (the public feed), in one query per page.

Only photos the public may see: those filed with a listed ``publik`` complaint
(``core.disclosure.shows_public_photos``); the URL is the public photo view, which checks
the same again through ``disclosure.public_photo`` before serving a byte.
"""

from __future__ import annotations

from django import template
from django.urls import reverse

from aduan.core import disclosure
from aduan.core.models import Attachment

register = template.Library()

PER_ITEM = 3


@register.simple_tag
def public_thumbnails(rows) -> dict:
    """``{complaint id: [(thumbnail url, display url), ...]}`` for rows with ``complaint_id``."""
    ids = [row.complaint_id for row in rows]
    if not ids:
        return {}
    found: dict[int, list] = {}
    attachments = (
        Attachment.objects.filter(complaint_id__in=ids, event__isnull=True, is_public=True)
        .select_related("complaint")
        .order_by("created_at", "id")
    )
    for attachment in attachments:
        if not disclosure.shows_public_photos(attachment.complaint):
            continue
        photos = found.setdefault(attachment.complaint_id, [])
        if len(photos) < PER_ITEM:
            url = reverse("media:public", args=[attachment.public_id])
            photos.append(
                {
                    "thumbnail": f"{url}?ukuran=kecil",
                    "display": f"{url}?ukuran=sedang",
                    "height": round(120 * attachment.height / max(attachment.width, 1)),
                }
            )
    return found


@register.filter
def photos_of(found: dict, complaint_id) -> list:
    return found.get(complaint_id, [])
