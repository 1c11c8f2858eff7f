"""Inbound webhooks: SMSSync, the generic signed SMS webhook, WhatsApp, Telegram, e-mail.

Every view checks the caller's secret or signature first: a request that
fails it gets 403 and nothing is stored. A payload that passes but cannot be
read gets a 400 naming the field; it is stored, and filed for the
moderators when it reads like a complaint.
"""

from __future__ import annotations

import hmac
import json
from datetime import UTC, datetime

from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from django.http import HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from aduan.core.models import OutboundMessage
from aduan.lib import gateways
from aduan.lib.gateways import PayloadError
from aduan.lib.phones import normalize_phone

from . import conf, email_intake, receipts
from .intake import Handled, Outcome, keep_malformed, receive
from .media import handle_chat_message
from .models import ChannelDelivery, InboundGateway, PulledSms
from .sms import handle_sms

SIGNATURE_HEADER = "X-Aduan-Signature"


def _forbidden(message="Tanda tangan atau kunci rahasia tidak valid."):
    return JsonResponse(
        {"error": {"field": None, "code": "invalid_signature", "message": message}}, status=403
    )


def _bad_payload(exc: PayloadError, kept: bool) -> JsonResponse:
    return JsonResponse({"error": exc.as_dict(), "kept": kept}, status=400)


def _load_json(body: bytes):
    try:
        return json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise PayloadError("body", "invalid_payload", "body is not JSON") from None


def _result(received) -> dict:
    return {
        "status": "duplicate" if received.duplicate else "ok",
        "outcome": received.outcome or (received.log.outcome if received.log else ""),
        "code": received.complaint.code if received.complaint else None,
    }


def _phone_or_blank(value) -> str:
    try:
        return normalize_phone(value) if isinstance(value, str) else ""
    except ValueError:
        return ""


def _email_or_blank(value) -> str:
    try:
        return email_intake.address_of(value)[0]
    except PayloadError:
        return ""


def _text_of(obj, *keys):
    if isinstance(obj, dict):
        for key in keys:
            if isinstance(obj.get(key), str):
                return obj[key]
    return None


# -- SMS -------------------------------------------------------------------------


def _same(secret: str, given) -> bool:
    return isinstance(given, str) and hmac.compare_digest(given.encode(), secret.encode())


def _task_body(request) -> dict:
    """SMSSync posts its task reports as JSON; older builds as form fields."""
    if request.content_type == "application/json":
        obj = _load_json(request.body)
        if not isinstance(obj, dict):
            raise PayloadError("body", "invalid_payload", "body must be a JSON object")
        return obj
    return request.POST


def _smssync_task(request, task: str, secret: str):
    """SMSSync's outgoing side: hand out queued SMS, take acknowledgements and reports."""
    try:
        body = _task_body(request) if request.method == "POST" else {}
    except (PayloadError, MultiPartParserError, SuspiciousOperation):
        return JsonResponse(gateways.smssync_response(False, "unreadable body"), status=400)
    given = request.GET.get("secret") or (body.get("secret") if hasattr(body, "get") else None)
    if not _same(secret, given):
        return JsonResponse(gateways.smssync_response(False, "secret does not match"), status=403)
    waiting = PulledSms.objects.filter(gateway="smssync")
    try:
        if task == "send" and request.method == "GET":
            rows = waiting.filter(state=PulledSms.State.WAITING).order_by("created_at", "id")
            messages = [
                {"to": row.recipient, "message": row.text, "uuid": row.uuid}
                for row in rows[: conf.get_int("ADUAN_SMSSYNC_BATCH")]
            ]
            return JsonResponse(gateways.smssync_send_payload(secret, messages))
        if task == "sent" and request.method == "POST":
            uuids = gateways.parse_smssync_sent(body)
            with transaction.atomic():
                taken = list(
                    waiting.select_for_update()
                    .filter(uuid__in=uuids, state=PulledSms.State.WAITING)
                    .values_list("uuid", flat=True)
                )
                waiting.filter(uuid__in=taken).update(
                    state=PulledSms.State.HANDED, handed_at=timezone.now()
                )
            # Only the acknowledged ones are sent by the phone: never one twice.
            return JsonResponse({"message_uuids": taken})
        if task == "result" and request.method == "GET":
            handed = waiting.filter(state=PulledSms.State.HANDED).order_by("handed_at", "id")
            return JsonResponse({"message_uuids": list(handed.values_list("uuid", flat=True))})
        if task == "result" and request.method == "POST":
            done = []
            for result in gateways.parse_smssync_results(body):
                row = waiting.select_related("message").filter(uuid=result.uuid).first()
                if row is None:
                    continue
                receipts.record(row.message, "smssync", result.status, result.detail)
                if result.status in receipts.DeliveryReceipt.FINAL:
                    PulledSms.objects.filter(pk=row.pk).update(state=PulledSms.State.DONE)
                done.append(result.uuid)
            return JsonResponse({"message_uuids": done})
    except PayloadError as exc:
        answer = gateways.smssync_response(False, exc.message)
        answer["error"] = exc.as_dict()
        return JsonResponse(answer, status=400)
    return JsonResponse(gateways.smssync_response(False, f"unknown task {task[:20]!r}"), status=400)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def smssync(request):
    """SMSSync-style Android gateway: inbound SMS as a form post with a shared ``secret``
    field; outbound through its ``?task=`` polling (see :func:`_smssync_task`)."""
    secret = conf.get("ADUAN_SMSSYNC_SECRET")
    if not secret:
        return JsonResponse(gateways.smssync_response(False, "not configured"), status=403)
    task = request.GET.get("task")
    if task:
        return _smssync_task(request, task, secret)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        form = request.POST
    except (MultiPartParserError, SuspiciousOperation):
        return JsonResponse(gateways.smssync_response(False, "unreadable form"), status=400)
    try:
        msg = gateways.parse_smssync(form, expected_secret=secret)
    except PayloadError as exc:
        if exc.code == "invalid_secret":
            return JsonResponse(gateways.smssync_response(False, exc.message), status=403)
        fields = {k: form.get(k) for k in form if k != "secret"}
        _entry, complaint = keep_malformed(
            channel="sms",
            gateway="smssync",
            raw=fields,
            error=exc,
            text=fields.get("message"),
            sender=_phone_or_blank(fields.get("from")),
        )
        body = gateways.smssync_response(False, exc.message)
        body.update(error=exc.as_dict(), kept=complaint is not None)
        return JsonResponse(body, status=400)
    receive(msg, handle_sms)
    return JsonResponse(gateways.smssync_response(True))


def _gateway_secret(name: str) -> str:
    row = InboundGateway.objects.filter(name=name, is_active=True).first()
    if row is not None:
        return row.secret
    if name == "generic":
        return conf.get("ADUAN_SMS_WEBHOOK_SECRET")
    return ""


@csrf_exempt
@require_POST
def sms_webhook(request, gateway: str):
    """Our documented JSON webhook, signed ``X-Aduan-Signature: sha256=<hex HMAC of body>``."""
    secret = _gateway_secret(gateway)
    if not secret or not gateways.verify_hmac_sha256(
        secret, request.body, request.headers.get(SIGNATURE_HEADER)
    ):
        return _forbidden()
    obj = None
    try:
        obj = _load_json(request.body)
        msg = gateways.parse_generic_sms(obj, gateway=gateway)
    except PayloadError as exc:
        _entry, complaint = keep_malformed(
            channel="sms",
            gateway=gateway,
            raw=obj if obj is not None else request.body.decode("utf-8", "replace"),
            error=exc,
            text=_text_of(obj, "text"),
            sender=_phone_or_blank(_text_of(obj, "from")),
        )
        return _bad_payload(exc, complaint is not None)
    return JsonResponse(_result(receive(msg, handle_sms)))


@csrf_exempt
@require_POST
def sms_receipt(request, gateway: str):
    """Delivery reports of an HTTP SMS gateway, signed like its inbound webhook."""
    secret = _gateway_secret(gateway)
    if not secret or not gateways.verify_hmac_sha256(
        secret, request.body, request.headers.get(SIGNATURE_HEADER)
    ):
        return _forbidden()
    try:
        report = gateways.parse_sms_receipt(_load_json(request.body))
    except PayloadError as exc:
        return _bad_payload(exc, False)
    sms = OutboundMessage.objects.filter(channel="sms")
    message = None
    if report.reference.isdigit():
        message = sms.filter(pk=int(report.reference)).first()
    if message is None and report.provider_id:
        message = sms.filter(provider_id=report.provider_id).first()
    if message is None:
        error = PayloadError("reference", "unknown_message", "no such outbound message")
        return JsonResponse({"error": error.as_dict()}, status=404)
    stored = receipts.record(message, gateway, report.status, report.detail)
    return JsonResponse({"status": "ok" if stored else "duplicate"})


# -- WhatsApp --------------------------------------------------------------------


def _whatsapp_verify(request):
    challenge = gateways.whatsapp_challenge(request.GET, conf.get("ADUAN_WHATSAPP_VERIFY_TOKEN"))
    if challenge is None:
        return HttpResponse("Forbidden", status=403, content_type="text/plain")
    return HttpResponse(challenge, content_type="text/plain")


def _record_statuses(statuses: list[dict]) -> None:
    """A delivery that WhatsApp reports failed is noted on its outbox row for the staff."""
    for status in statuses:
        if status.get("status") != "failed":
            continue
        delivery = ChannelDelivery.objects.filter(
            channel="whatsapp", provider_id=status.get("id")
        ).first()
        if delivery is not None:
            errors = json.dumps(status.get("errors"), ensure_ascii=False)[:1000]
            type(delivery.message).objects.filter(pk=delivery.message_id).update(
                last_error=f"whatsapp failed: {errors}"
            )


@csrf_exempt
@require_http_methods(["GET", "POST"])
def whatsapp(request):
    """Meta's WhatsApp Cloud API: GET is the subscription handshake, POST the events."""
    if request.method == "GET":
        return _whatsapp_verify(request)
    if not gateways.verify_whatsapp_signature(
        conf.get("ADUAN_WHATSAPP_APP_SECRET"),
        request.body,
        request.headers.get("X-Hub-Signature-256"),
    ):
        return _forbidden()
    obj = None
    try:
        obj = _load_json(request.body)
        messages, statuses = gateways.parse_whatsapp(obj)
    except PayloadError as exc:
        _entry, complaint = keep_malformed(
            channel="whatsapp",
            gateway="whatsapp_cloud",
            raw=obj if obj is not None else request.body.decode("utf-8", "replace"),
            error=exc,
        )
        return _bad_payload(exc, complaint is not None)
    results = [_result(receive(msg, handle_chat_message)) for msg in messages]
    _record_statuses(statuses)
    return JsonResponse({"status": "ok", "messages": results})


# -- Telegram --------------------------------------------------------------------


@csrf_exempt
@require_POST
def telegram(request):
    """Telegram Bot API updates; the secret token header was set with setWebhook."""
    if not gateways.verify_telegram_secret(
        conf.get("ADUAN_TELEGRAM_SECRET"),
        request.headers.get("X-Telegram-Bot-Api-Secret-Token"),
    ):
        return _forbidden()
    obj = None
    try:
        obj = _load_json(request.body)
        msg = gateways.parse_telegram(obj)
    except PayloadError as exc:
        # Without a chat id nobody could be answered; the raw update is kept for the staff.
        _entry, complaint = keep_malformed(
            channel="telegram",
            gateway="telegram",
            raw=obj if obj is not None else request.body.decode("utf-8", "replace"),
            error=exc,
        )
        return _bad_payload(exc, complaint is not None)
    if msg is None:
        # Group chats, bots and other update kinds: stored (once, by update_id) and ignored.
        update_id = obj.get("update_id")
        ignored = gateways.InboundMessage(
            channel="telegram",
            gateway="telegram",
            gateway_message_id=str(update_id),
            sender="",
            received_at=datetime.now(UTC),
            raw=obj,
            message_type="ignored",
        )
        received = receive(ignored, lambda msg, entry: Handled(Outcome.IGNORED))
        return JsonResponse(_result(received))
    return JsonResponse(_result(receive(msg, handle_chat_message)))


# -- E-mail ----------------------------------------------------------------------


@csrf_exempt
@require_POST
def email(request):
    """Inbound e-mail pushed by a mail service, signed like the SMS webhook."""
    secret = conf.get("ADUAN_EMAIL_WEBHOOK_SECRET")
    if not secret or not gateways.verify_hmac_sha256(
        secret, request.body, request.headers.get(SIGNATURE_HEADER)
    ):
        return _forbidden()
    obj = None
    try:
        obj = _load_json(request.body)
        mail = email_intake.parse_webhook(obj)
    except PayloadError as exc:
        _entry, complaint = keep_malformed(
            channel="email",
            gateway=email_intake.GATEWAY,
            raw=obj if obj is not None else request.body.decode("utf-8", "replace"),
            error=exc,
            text=_text_of(obj, "text"),
            sender=_email_or_blank(_text_of(obj, "from")),
        )
        return _bad_payload(exc, complaint is not None)
    return JsonResponse(_result(email_intake.receive_mail(mail)))
