"""Photos, served only through the projection of the one who asks (``core.disclosure``).

Stored files are named by random ids and ``MEDIA_ROOT`` is never served as a folder:
the public gets photos of listed ``publik`` complaints, the reporter the photos of
their own complaint (through the private link), staff those of complaints they may see.

``?ukuran=kecil`` (a 320 px thumbnail, for lists, the feed and timelines) and
``?ukuran=sedang`` (1280 px, for a complaint's page) serve the derived files stored
beside the original when the photo was accepted; the access check is the original's,
made before the size is looked at. A photo stored before derived sizes existed gets
them on its first request.
"""

from __future__ import annotations

from django.http import FileResponse, Http404
from django.views.decorators.http import require_safe

from aduan.core import disclosure, lifecycle
from aduan.lib import images


def _size(request) -> str:
    size = request.GET.get("ukuran", "")
    return size if size in images.SIZES else ""


def _open(attachment, size: str):
    """(handle, content type) of the wanted size; the original for a photo no larger."""
    if not size or not images.needs_size(attachment.width, attachment.height, size):
        return attachment.file.open("rb"), attachment.content_type
    storage = attachment.file.storage
    name = images.derived_name(attachment.file.name, size)
    if not storage.exists(name):
        try:
            lifecycle.store_photo_sizes(attachment)
        except images.ImageRejected:
            return attachment.file.open("rb"), attachment.content_type
    return storage.open(name, "rb"), "image/jpeg"


def _serve(attachment, *, public: bool, size: str = "") -> FileResponse:
    if attachment is None:
        raise Http404
    try:
        handle, content_type = _open(attachment, size)
    except (FileNotFoundError, OSError):
        raise Http404 from None
    response = FileResponse(handle, content_type=content_type)
    response["Content-Disposition"] = "inline"
    # Staff and private photos must not stay in shared caches or the browser's history.
    response["Cache-Control"] = "public, max-age=3600" if public else "private, no-store"
    return response


@require_safe
def public_photo(request, public_id):
    return _serve(disclosure.public_photo(public_id), public=True, size=_size(request))


@require_safe
def own_photo(request, token, public_id):
    return _serve(disclosure.reporter_photo(token, public_id), public=False, size=_size(request))


@require_safe
def staff_photo(request, public_id):
    return _serve(
        disclosure.staff_photo(request.user, public_id), public=False, size=_size(request)
    )
