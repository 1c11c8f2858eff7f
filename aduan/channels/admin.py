"""Admin for channel credentials (admin sistem).

What arrived from citizens (the inbound log, chat sessions, social posts, Open311
submissions) is their personal data: sessions are not shown at all, and the logs only
without sender, text, payload or device ids, read-only. The staff pages of each channel
and the back office are where such data is read, under the role map.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from aduan.core.admin import AuditedAdmin, NamedByIdAdmin, ReadOnlyAdmin

from .models import (
    ApiClient,
    ChannelDelivery,
    InboundGateway,
    InboundMessageLog,
    Open311Submission,
    SocialPost,
)


@admin.register(ApiClient)
class ApiClientAdmin(AuditedAdmin):
    # The contact e-mail may name a person: every look is logged.
    audits_views = True
    list_display = ("name", "contact_email", "is_active", "created_at", "last_used_at")
    list_filter = ("is_active",)
    search_fields = ("name", "contact_email")
    readonly_fields = ("created_at", "last_used_at")


@admin.register(InboundGateway)
class InboundGatewayAdmin(AuditedAdmin):
    list_display = ("name", "description", "is_active")
    list_filter = ("is_active",)


def _code(obj):
    return obj.complaint.code if obj.complaint_id else "—"


@admin.register(InboundMessageLog)
class InboundMessageLogAdmin(ReadOnlyAdmin):
    """What arrived and what became of it; never who sent it or what it said."""

    list_display = ("created_at", "channel", "gateway", "outcome", "error_code", "complaint_code")
    list_filter = ("channel", "gateway", "outcome")
    search_fields = ("gateway_message_id", "complaint__code")
    date_hierarchy = "created_at"
    list_select_related = ("complaint",)
    fields = (
        "created_at",
        "received_at",
        "channel",
        "gateway",
        "gateway_message_id",
        "outcome",
        "error_code",
        "complaint_code",
    )
    readonly_fields = fields

    @admin.display(description=_("kode aduan"))
    def complaint_code(self, obj):
        return _code(obj)


@admin.register(SocialPost)
class SocialPostAdmin(NamedByIdAdmin):
    """Which complaint came from which platform; the author, link and text stay out."""

    list_display = ("complaint_code", "platform", "imported_at", "answered_at")
    list_filter = ("platform",)
    search_fields = ("complaint__code",)
    list_select_related = ("complaint",)
    fields = ("complaint_code", "platform", "imported_at", "answered_at")
    readonly_fields = fields

    @admin.display(description=_("kode aduan"))
    def complaint_code(self, obj):
        return _code(obj)


@admin.register(Open311Submission)
class Open311SubmissionAdmin(NamedByIdAdmin):
    """Which client filed which complaint; device and account ids stay out."""

    list_display = ("complaint_code", "client", "created_at")
    list_filter = ("client",)
    search_fields = ("complaint__code",)
    list_select_related = ("complaint", "client")
    fields = ("complaint_code", "client", "created_at")
    readonly_fields = fields

    @admin.display(description=_("kode aduan"))
    def complaint_code(self, obj):
        return _code(obj)


@admin.register(ChannelDelivery)
class ChannelDeliveryAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "channel", "mode", "template_name", "provider_id")
    list_filter = ("channel", "mode")
    fields = ("created_at", "channel", "mode", "template_name", "provider_id")
    readonly_fields = fields
