"""Photos citizens sent on WhatsApp and Telegram: the worker's half.

:func:`download_due` (job ``channels.chat_media``, default queue) claims due
:class:`ChatMedia` rows with a compare-and-set update and fetches each through the
platform's media API: WhatsApp's ``GET /<media-id>`` (bearer token) gives a short-lived
URL fetched with the same token; Telegram's ``getFile`` gives a ``file_path`` under
``/file/bot<token>/``. A file the API (or the message) declares too large or not a photo
is refused before its body is fetched; a body longer than the limit is cut off and
refused; what arrives is cleaned like a portal upload (``lib.images``: decoded,
re-encoded, EXIF dropped) and stored by the lifecycle's own photo path. Network and
server errors are tried again with doubling waits; a refusal, or the last failure, is
written as an internal note on the complaint, which the staff complaint page shows.
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.parse
import urllib.request
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_noop

from aduan.core import lifecycle
from aduan.core.models import Attachment, Channel, Complaint
from aduan.lib.images import ALLOWED_FORMATS, ImageRejected, clean_image

from . import conf
from .conversation import DRAFT_LIFETIME
from .media import CHANNEL_LABEL, city_text, declared_size
from .models import ChatMedia

log = logging.getLogger(__name__)

PHOTO_TYPES = frozenset(ALLOWED_FORMATS.values())
# A claimed row is not claimed again for this long (a worker that died mid-download).
LEASE = timedelta(minutes=10)
# JSON answers of the media APIs are small; anything larger is not one.
_JSON_LIMIT = 64 * 1024


class Refused(Exception):
    """Not a photo we keep; ``reason`` is for the moderators (final, no retry)."""

    def __init__(self, code: str, reason: str):
        super().__init__(reason)
        self.code, self.reason = code, reason


class RetryLater(Exception):
    """The network or the platform failed; worth another try."""


class GiveUp(Exception):
    """The platform says the file is gone, or we are not configured: final."""


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".rstrip("0").rstrip(".")


def _limit() -> int:
    return settings.ADUAN_MAX_PHOTO_BYTES


def _too_large(size: int | None) -> Refused:
    if size is None:
        reason = city_text(
            gettext_noop("ukurannya melebihi batas %(limit)s MB"), limit=_mb(_limit())
        )
    else:
        reason = city_text(
            gettext_noop("ukurannya %(size)s MB, melebihi batas %(limit)s MB"),
            size=_mb(size),
            limit=_mb(_limit()),
        )
    return Refused("too_large", reason)


def check_size(size) -> None:
    size = declared_size(size)
    if size is not None and size > _limit():
        raise _too_large(size)


def check_type(mime: str) -> None:
    mime = (mime or "").split(";")[0].strip().lower()
    if mime not in PHOTO_TYPES:
        raise Refused(
            "not_photo",
            city_text(gettext_noop("jenis berkasnya %(type)s, bukan foto"), type=mime or "?"),
        )


def http_get(url: str, headers: dict, limit: int) -> bytes:
    """GET at most ``limit`` bytes (more is refused as too large) through urlopen."""
    host = urllib.parse.urlsplit(url).netloc
    request = urllib.request.Request(url, headers=headers, method="GET")  # noqa: S310
    try:
        with urllib.request.urlopen(  # noqa: S310 - hosts come from the platform's API
            request, timeout=conf.get_float("ADUAN_HTTP_TIMEOUT")
        ) as response:
            length = response.headers.get("Content-Length") if response.headers else None
            if length and str(length).isdigit() and int(length) > limit:
                raise _too_large(int(length))
            data = response.read(limit + 1)
    except urllib.error.HTTPError as exc:
        exc.close()
        # Gone or never there (an expired WhatsApp media id, a wrong Telegram file id).
        if exc.code in (400, 404, 410):
            raise GiveUp(f"{host}: HTTP {exc.code}") from None
        raise RetryLater(f"{host}: HTTP {exc.code}") from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        # Only the host: Telegram's token sits in the path and must not reach a note.
        reason = getattr(exc, "reason", None) or exc
        raise RetryLater(f"{host}: {reason}") from None
    if len(data) > limit:
        raise _too_large(None)
    return data


def _json(url: str, headers: dict | None = None) -> dict:
    data = http_get(url, headers or {}, _JSON_LIMIT)
    try:
        body = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise RetryLater(f"{urllib.parse.urlsplit(url).netloc}: not JSON") from None
    if not isinstance(body, dict):
        raise RetryLater(f"{urllib.parse.urlsplit(url).netloc}: not a JSON object")
    return body


def _need(name: str) -> str:
    value = conf.get(name)
    if not value:
        raise GiveUp(f"{name} is not set")
    return value


def fetch_whatsapp(row: ChatMedia) -> bytes:
    """Cloud API: the media id gives a short-lived URL, fetched with the same token."""
    token = _need("ADUAN_WHATSAPP_TOKEN")
    auth = {"Authorization": f"Bearer {token}"}
    base = conf.get("ADUAN_WHATSAPP_API_URL").rstrip("/")
    info = _json(f"{base}/{urllib.parse.quote(row.file_id, safe='')}", auth)
    check_type(str(info.get("mime_type") or row.mime_type))
    check_size(info.get("file_size"))
    url = info.get("url")
    if not isinstance(url, str) or not url.startswith("https://"):
        raise GiveUp("graph API answered without a media url")
    return http_get(url, auth, _limit())


def fetch_telegram(row: ChatMedia) -> bytes:
    """Bot API: ``getFile`` gives the file's path, downloaded from the file endpoint."""
    token = _need("ADUAN_TELEGRAM_TOKEN")
    base = conf.get("ADUAN_TELEGRAM_API_URL").rstrip("/")
    query = urllib.parse.urlencode({"file_id": row.file_id})
    info = _json(f"{base}/bot{token}/getFile?{query}")
    result = info.get("result")
    if not info.get("ok") or not isinstance(result, dict):
        raise GiveUp(f"getFile: {str(info.get('description') or 'no result')[:200]}")
    check_size(result.get("file_size"))
    path = result.get("file_path")
    if not isinstance(path, str) or not path or ".." in path:
        raise GiveUp("getFile answered without a file_path")
    return http_get(f"{base}/file/bot{token}/{urllib.parse.quote(path)}", {}, _limit())


FETCHERS = {Channel.WHATSAPP: fetch_whatsapp, Channel.TELEGRAM: fetch_telegram}


def _fetch(row: ChatMedia):
    """The cleaned photo of ``row``; every check that needs no download comes first."""
    if not (row.kind in ("image", "photo") or row.mime_type.startswith("image/")):
        raise Refused(
            "not_photo", city_text(gettext_noop("berkas %(kind)s, bukan foto"), kind=row.kind)
        )
    if row.mime_type:
        check_type(row.mime_type)
    check_size(row.declared_size)
    kept = ChatMedia.objects.filter(complaint=row.complaint_id, state=ChatMedia.State.DONE)
    if kept.count() >= settings.ADUAN_MAX_PHOTOS:
        raise Refused(
            "too_many",
            city_text(
                gettext_noop("aduan ini sudah punya %(n)s foto dari pesan"),
                n=settings.ADUAN_MAX_PHOTOS,
            ),
        )
    fetcher = FETCHERS.get(row.channel)
    if fetcher is None:
        raise GiveUp(f"no media API for {row.channel}")
    data = fetcher(row)
    try:
        return clean_image(data, max_bytes=_limit())
    except ImageRejected as exc:
        raise Refused(f"photo_{exc.code}", exc.message) from None


def _note(row: ChatMedia, complaint: Complaint, note: str, **data) -> None:
    lifecycle.record_note(
        complaint,
        None,
        note=note,
        data={"chat_media": row.pk, "channel": row.channel, **data},
    )


def _finish(row: ChatMedia, state: str, error: str = "", attachment=None) -> None:
    row.state, row.last_error, row.finished_at = state, error[:500], timezone.now()
    row.attachment = attachment
    row.save(update_fields=["state", "last_error", "finished_at", "attachment"])


def _label(row: ChatMedia) -> str:
    return CHANNEL_LABEL.get(row.channel, row.channel)


def _store(row: ChatMedia, photo) -> None:
    with transaction.atomic():
        locked = ChatMedia.objects.select_for_update().get(pk=row.pk)
        if locked.state != ChatMedia.State.PENDING:
            return
        complaint = lifecycle.lock(locked.complaint)
        # The lifecycle's own photo path, as a portal upload is stored at filing.
        lifecycle._store_photos(complaint, [photo], event=None)
        attachment = Attachment.objects.filter(complaint=complaint).order_by("-id").first()
        _finish(locked, ChatMedia.State.DONE, attachment=attachment)
        _note(
            locked,
            complaint,
            city_text(gettext_noop("Foto dari %(channel)s dilampirkan."), channel=_label(row)),
            attachment=attachment.public_id,
        )


def _give_up(row: ChatMedia, state: str, note: str, error: str, **data) -> None:
    with transaction.atomic():
        locked = ChatMedia.objects.select_for_update().get(pk=row.pk)
        if locked.state != ChatMedia.State.PENDING:
            return
        _finish(locked, state, error)
        _note(locked, locked.complaint, note, media_failed=True, **data)


def _backoff(attempts: int) -> timedelta:
    return timedelta(seconds=conf.get_int("ADUAN_CHAT_MEDIA_BACKOFF") * 2 ** max(attempts - 1, 0))


def process(row: ChatMedia) -> str:
    """Fetch and store one claimed row; returns what became of it."""
    try:
        photo = _fetch(row)
    except Refused as exc:
        note = city_text(
            gettext_noop("Lampiran dari %(channel)s tidak disimpan: %(reason)s."),
            channel=_label(row),
            reason=exc.reason.rstrip("."),
        )
        _give_up(row, ChatMedia.State.REFUSED, note, exc.code, code=exc.code)
        return "refused"
    except (RetryLater, GiveUp) as exc:
        final = isinstance(exc, GiveUp) or row.attempts >= conf.get_int("ADUAN_CHAT_MEDIA_ATTEMPTS")
        if final:
            note = city_text(
                gettext_noop(
                    "Foto dari %(channel)s gagal diunduh setelah %(n)s kali percobaan (%(error)s). "
                    "Minta pelapor mengirim ulang fotonya."
                ),
                channel=_label(row),
                n=row.attempts,
                error=str(exc)[:200],
            )
            _give_up(row, ChatMedia.State.FAILED, note, str(exc))
            return "failed"
        ChatMedia.objects.filter(pk=row.pk, state=ChatMedia.State.PENDING).update(
            next_attempt_at=timezone.now() + _backoff(row.attempts), last_error=str(exc)[:500]
        )
        log.info("chat media %s: %s; trying again later", row.pk, exc)
        return "retry"
    _store(row, photo)
    return "stored"


def download_due(batch: int = 20) -> str:
    """Fetch every due photo (up to ``batch``); the worker's ``channels.chat_media`` job."""
    now = timezone.now()
    ChatMedia.objects.filter(
        state=ChatMedia.State.WAITING, created_at__lt=now - DRAFT_LIFETIME
    ).update(state=ChatMedia.State.DISCARDED, finished_at=now)
    due = list(
        ChatMedia.objects.filter(state=ChatMedia.State.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "id")
        .values_list("id", flat=True)[:batch]
    )
    counts: dict[str, int] = {}
    for pk in due:
        # The claim: whoever moves next_attempt_at first owns this try.
        claimed = ChatMedia.objects.filter(
            pk=pk, state=ChatMedia.State.PENDING, next_attempt_at__lte=now
        ).update(attempts=F("attempts") + 1, next_attempt_at=now + LEASE)
        if not claimed:
            continue
        row = ChatMedia.objects.select_related("complaint").get(pk=pk)
        try:
            result = process(row)
        except Exception as exc:  # one bad file must not stop the others
            log.exception("chat media %s failed", pk)
            result = "error"
            if row.attempts >= conf.get_int("ADUAN_CHAT_MEDIA_ATTEMPTS"):
                note = city_text(
                    gettext_noop("Foto dari %(channel)s tidak dapat diproses (%(error)s)."),
                    channel=_label(row),
                    error=type(exc).__name__,
                )
                _give_up(row, ChatMedia.State.FAILED, note, f"{type(exc).__name__}: {exc}")
            # Otherwise the lease runs out and the next pass tries again.
        counts[result] = counts.get(result, 0) + 1
    return " ".join(f"{k}={v}" for k, v in sorted(counts.items()))
