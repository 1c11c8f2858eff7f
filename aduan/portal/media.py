"""Photos, served only through the projection of the one who asks (``core.disclosure``).

Stored files are named by random ids and ``MEDIA_ROOT`` is never served as a folder:
the public gets photos of listed ``publik`` complaints, the reporter the photos of
their own complaint (through the private link), staff those of complaints they may see.
"""

from __future__ import annotations

from django.http import FileResponse, Http404
from django.views.decorators.http import require_safe

from aduan.core import disclosure


def _serve(attachment, *, public: bool) -> FileResponse:
    if attachment is None:
        raise Http404
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    response = FileResponse(handle, content_type=attachment.content_type)
    response["Content-Disposition"] = "inline"
    # Staff and private photos must not stay in shared caches or the browser's history.
    response["Cache-Control"] = "public, max-age=3600" if public else "private, no-store"
    return response


@require_safe
def public_photo(request, public_id):
    return _serve(disclosure.public_photo(public_id), public=True)


@require_safe
def own_photo(request, token, public_id):
    return _serve(disclosure.reporter_photo(token, public_id), public=False)


@require_safe
def staff_photo(request, public_id):
    return _serve(disclosure.staff_photo(request.user, public_id), public=False)
