"""Channel records: who may post, what arrived, where a conversation stands, how replies went."""

from __future__ import annotations

import hashlib
import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aduan.core.compiled import CompiledInsert


def new_api_key() -> str:
    return secrets.token_urlsafe(24)


def new_public_token() -> str:
    return secrets.token_hex(8)


def hash_secret(value: str) -> str:
    """Device tokens are stored hashed: a database dump must not let anyone act as a phone."""
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


class ApiClient(models.Model):
    """An Open311 client (a partner app or another government system) with its api_key."""

    name = models.CharField(_("nama"), max_length=120)
    api_key = models.CharField(_("api_key"), max_length=64, unique=True, default=new_api_key)
    contact_email = models.EmailField(_("e-mail kontak"), blank=True)
    is_active = models.BooleanField(_("aktif"), default=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("klien Open311")
        verbose_name_plural = _("klien Open311")

    def __str__(self) -> str:
        return self.name


class Open311Submission(CompiledInsert, models.Model):
    """Which client filed a complaint through Open311, and the token it may resolve."""

    complaint = models.OneToOneField(
        "core.Complaint", on_delete=models.CASCADE, related_name="open311_submission"
    )
    client = models.ForeignKey(ApiClient, on_delete=models.PROTECT, related_name="submissions")
    token = models.CharField(max_length=32, unique=True, default=new_public_token)
    device_id = models.CharField(max_length=120, blank=True)
    account_id = models.CharField(max_length=120, blank=True)
    media_url = models.URLField(max_length=500, blank=True)
    attributes = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.token


class AppSubmission(models.Model):
    """A complaint filed through the mobile-app API.

    ``device_token_hash`` ties it to the installation that filed it ("my
    complaints" without an account); ``fingerprint`` is the request that an
    ``Idempotency-Key`` was first used with, so a reused key with another
    body is refused rather than silently answered with the wrong complaint.
    """

    complaint = models.OneToOneField(
        "core.Complaint", on_delete=models.CASCADE, related_name="app_submission"
    )
    device_token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    idempotency_key = models.CharField(max_length=100, blank=True)
    fingerprint = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"app:{self.complaint_id}"


class InboundGateway(models.Model):
    """A gateway that posts to the generic signed webhook, with its own HMAC secret."""

    name = models.SlugField(_("nama"), max_length=40, unique=True)
    secret = models.CharField(_("kunci HMAC"), max_length=200)
    description = models.CharField(_("keterangan"), max_length=200, blank=True)
    is_active = models.BooleanField(_("aktif"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("gateway masuk")
        verbose_name_plural = _("gateway masuk")

    def __str__(self) -> str:
        return self.name


class InboundMessageLog(models.Model):
    """Every message that reached us, raw, with what became of it.

    The unique (gateway, gateway_message_id) insert is the deduplication: a
    gateway that redelivers gets the same row back and nothing happens twice.
    Payloads without any id are stored with an empty id and never collide.
    """

    class Outcome(models.TextChoices):
        RECEIVED = "received", _("Diterima")
        CREATED = "created", _("Aduan dibuat")
        STATUS_REPLY = "status_reply", _("Balasan status")
        INFO_ADDED = "info_added", _("Informasi ditambahkan")
        NOTE_ADDED = "note_added", _("Dicatat pada aduan")
        RATED = "rated", _("Penilaian")
        DISPUTED = "disputed", _("Jawaban dibantah")
        CONVERSATION = "conversation", _("Percakapan berlanjut")
        REPLIED = "replied", _("Dibalas petunjuk")
        KEPT = "kept", _("Disimpan untuk moderator")
        REJECTED = "rejected", _("Ditolak")
        IGNORED = "ignored", _("Diabaikan")
        FAILED = "failed", _("Gagal diproses")

    channel = models.CharField(_("kanal"), max_length=20)
    gateway = models.CharField(_("gateway"), max_length=40)
    gateway_message_id = models.CharField(max_length=300, blank=True)
    sender = models.CharField(_("pengirim"), max_length=200, blank=True)
    sender_name = models.CharField(max_length=200, blank=True)
    text = models.TextField(_("isi"), blank=True)
    raw = models.JSONField(default=dict, blank=True)
    received_at = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    outcome = models.CharField(
        _("hasil"), max_length=20, choices=Outcome.choices, default=Outcome.RECEIVED
    )
    complaint = models.ForeignKey(
        "core.Complaint",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="inbound_messages",
    )
    error_code = models.CharField(max_length=40, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("pesan masuk")
        verbose_name_plural = _("pesan masuk")
        constraints = [
            models.UniqueConstraint(
                fields=["gateway", "gateway_message_id"],
                condition=~Q(gateway_message_id=""),
                name="inbound_unique_gateway_id",
            )
        ]
        indexes = [models.Index(fields=["channel", "sender", "created_at"], name="inbound_sender")]

    def __str__(self) -> str:
        return f"{self.gateway}:{self.gateway_message_id or self.pk}"


class Conversation(models.Model):
    """Where a WhatsApp or Telegram chat stands in the filing dialogue.

    ``handle`` is the reply address (WhatsApp wa_id, Telegram chat id).
    ``last_inbound_at`` also decides WhatsApp's 24-hour customer-service window.
    """

    channel = models.CharField(max_length=20)
    handle = models.CharField(max_length=120)
    state = models.CharField(max_length=30, default="idle")
    data = models.JSONField(default=dict, blank=True)
    last_inbound_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["channel", "handle"], name="conversation_unique")
        ]

    def __str__(self) -> str:
        return f"{self.channel}:{self.handle}:{self.state}"


class SocialPost(models.Model):
    """A social-media post a moderator imported as a complaint."""

    class Platform(models.TextChoices):
        FACEBOOK = "facebook", "Facebook"
        INSTAGRAM = "instagram", "Instagram"
        X = "x", "X (Twitter)"
        TIKTOK = "tiktok", "TikTok"
        YOUTUBE = "youtube", "YouTube"
        OTHER = "other", _("Lainnya")

    complaint = models.OneToOneField(
        "core.Complaint", on_delete=models.CASCADE, related_name="social_post"
    )
    platform = models.CharField(_("platform"), max_length=20, choices=Platform.choices)
    author_handle = models.CharField(_("akun penulis"), max_length=120)
    url = models.URLField(_("tautan"), max_length=500)
    text = models.TextField(_("isi unggahan"))
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    imported_at = models.DateTimeField(default=timezone.now)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answer_text = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["url"], name="socialpost_unique_url"),
        ]

    def __str__(self) -> str:
        return f"{self.platform}:{self.author_handle}"


class ChannelDelivery(models.Model):
    """How an outbox row actually went out (WhatsApp: free text or an approved template)."""

    class Mode(models.TextChoices):
        TEXT = "text", _("Teks bebas")
        TEMPLATE = "template", _("Templat")

    message = models.ForeignKey(
        "core.OutboundMessage", on_delete=models.CASCADE, related_name="deliveries"
    )
    channel = models.CharField(max_length=20)
    mode = models.CharField(max_length=10, choices=Mode.choices, default=Mode.TEXT)
    template_name = models.CharField(max_length=120, blank=True)
    provider_id = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.channel}:{self.mode}:{self.provider_id}"


def new_uuid() -> str:
    return uuid.uuid4().hex


class PulledSms(models.Model):
    """An SMS waiting for a gateway that fetches its work (SMSSync's ``task=send``).

    The outbox "sends" such a message by writing this row; the phone takes it on its
    next poll and confirms (``task=sent``) the ones it queued, so a row is handed out
    until confirmed and never confirmed twice.
    """

    class State(models.TextChoices):
        WAITING = "waiting", _("Menunggu diambil")
        HANDED = "handed", _("Diambil gateway")
        DONE = "done", _("Selesai")

    message = models.OneToOneField(
        "core.OutboundMessage", on_delete=models.CASCADE, related_name="pulled_sms"
    )
    gateway = models.CharField(max_length=40, default="smssync")
    uuid = models.CharField(max_length=64, unique=True, default=new_uuid)
    recipient = models.CharField(max_length=40)
    text = models.TextField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.WAITING)
    created_at = models.DateTimeField(default=timezone.now)
    handed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["gateway", "state", "created_at"], name="pulled_due")]

    def __str__(self) -> str:
        return f"{self.gateway}:{self.uuid}"


class DeliveryReceipt(models.Model):
    """What a gateway reported about an outbound SMS after accepting it.

    ``core.OutboundMessage`` records that the gateway took the message; whether the
    handset got it arrives later (SMSSync's results, Gammu's ``sentitems``, an HTTP
    gateway's callback) and is kept here, one row per report.
    """

    class Status(models.TextChoices):
        SENT = "sent", _("Terkirim ke operator")
        DELIVERED = "delivered", _("Diterima ponsel")
        FAILED = "failed", _("Gagal")

    FINAL = frozenset({Status.DELIVERED, Status.FAILED})

    message = models.ForeignKey(
        "core.OutboundMessage", on_delete=models.CASCADE, related_name="receipts"
    )
    gateway = models.CharField(max_length=40)
    status = models.CharField(max_length=10, choices=Status.choices)
    detail = models.CharField(max_length=500, blank=True)
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["received_at", "id"]
        indexes = [models.Index(fields=["message", "status"], name="receipt_message")]
        verbose_name = _("laporan pengiriman")
        verbose_name_plural = _("laporan pengiriman")

    def __str__(self) -> str:
        return f"{self.gateway}:{self.message_id}:{self.status}"


class SmsRetry(models.Model):
    """A failed SMS sent again through the next sender of ``ADUAN_SMS_SENDERS``.

    ``message`` is the new outbox row, ``original`` the one whose delivery failed;
    ``sender_index`` picks the sender in that list (0 is the primary).
    """

    message = models.OneToOneField(
        "core.OutboundMessage", on_delete=models.CASCADE, related_name="sms_retry"
    )
    original = models.OneToOneField(
        "core.OutboundMessage", on_delete=models.CASCADE, related_name="sms_retried_as"
    )
    sender_index = models.PositiveSmallIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.original_id}->{self.message_id}"


class OutboundMailId(models.Model):
    """The Message-ID of an e-mail we sent about a complaint (angle brackets dropped).

    A citizen's reply names it in In-Reply-To or References, which threads the reply to
    its complaint even when the subject lost the tracking code. Written before the
    send, so a reply can never arrive for an id we do not know.
    """

    message_id = models.CharField(max_length=300, unique=True)
    complaint = models.ForeignKey(
        "core.Complaint", on_delete=models.CASCADE, related_name="mail_ids"
    )
    outbound = models.OneToOneField(
        "core.OutboundMessage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="mail_id",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.message_id


class ChatMedia(models.Model):
    """A photo (or other file) a citizen sent on WhatsApp or Telegram, fetched by the worker.

    The webhook only writes this row; ``channels.media`` downloads the file through the
    platform's media API outside the request. ``complaint`` is empty while the chat is
    still drafting (the row waits and joins the complaint the draft files). A download
    that fails for the network is tried again after ``next_attempt_at``; one refused
    (too large, not a photo) or given up is told to the moderators by a note.
    """

    class State(models.TextChoices):
        WAITING = "waiting", _("Menunggu aduan")
        PENDING = "pending", _("Menunggu diunduh")
        DONE = "done", _("Tersimpan")
        REFUSED = "refused", _("Ditolak")
        FAILED = "failed", _("Gagal diunduh")
        DISCARDED = "discarded", _("Dibuang")

    inbound = models.ForeignKey(InboundMessageLog, on_delete=models.CASCADE, related_name="media")
    position = models.PositiveSmallIntegerField(default=0)
    channel = models.CharField(max_length=20)
    handle = models.CharField(max_length=120)
    kind = models.CharField(max_length=20)
    file_id = models.CharField(max_length=300)
    mime_type = models.CharField(max_length=100, blank=True)
    declared_size = models.PositiveIntegerField(null=True, blank=True)
    complaint = models.ForeignKey(
        "core.Complaint",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="chat_media",
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.WAITING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_error = models.CharField(max_length=500, blank=True)
    attachment = models.ForeignKey(
        "core.Attachment", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["inbound", "position"], name="chatmedia_unique_item")
        ]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="chatmedia_due"),
            models.Index(fields=["channel", "handle", "state"], name="chatmedia_chat"),
        ]

    def __str__(self) -> str:
        return f"{self.channel}:{self.kind}:{self.pk}"
