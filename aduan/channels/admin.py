"""Admin for channel credentials and the inbound log (admin sistem)."""

from django.contrib import admin

from .models import (
    ApiClient,
    ChannelDelivery,
    Conversation,
    InboundGateway,
    InboundMessageLog,
    Open311Submission,
    SocialPost,
)


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin):
    list_display = ("name", "contact_email", "is_active", "created_at", "last_used_at")
    list_filter = ("is_active",)
    search_fields = ("name", "contact_email")
    readonly_fields = ("created_at", "last_used_at")


@admin.register(InboundGateway)
class InboundGatewayAdmin(admin.ModelAdmin):
    list_display = ("name", "description", "is_active")
    list_filter = ("is_active",)


@admin.register(InboundMessageLog)
class InboundMessageLogAdmin(admin.ModelAdmin):
    """Read-only: the log is evidence of what arrived."""

    list_display = ("created_at", "channel", "gateway", "sender", "outcome", "complaint")
    list_filter = ("channel", "gateway", "outcome")
    search_fields = ("sender", "text", "gateway_message_id", "complaint__code")
    date_hierarchy = "created_at"
    list_select_related = ("complaint",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Conversation)
class ConversationAdmin(admin.ModelAdmin):
    list_display = ("channel", "handle", "state", "last_inbound_at", "updated_at")
    list_filter = ("channel", "state")
    search_fields = ("handle",)


@admin.register(SocialPost)
class SocialPostAdmin(admin.ModelAdmin):
    list_display = ("complaint", "platform", "author_handle", "imported_at", "answered_at")
    list_filter = ("platform",)
    search_fields = ("author_handle", "url", "complaint__code")
    raw_id_fields = ("complaint", "imported_by", "answered_by")


@admin.register(Open311Submission)
class Open311SubmissionAdmin(admin.ModelAdmin):
    list_display = ("complaint", "client", "token", "created_at")
    list_filter = ("client",)
    raw_id_fields = ("complaint",)


@admin.register(ChannelDelivery)
class ChannelDeliveryAdmin(admin.ModelAdmin):
    list_display = ("created_at", "channel", "mode", "template_name", "provider_id")
    list_filter = ("channel", "mode")
    raw_id_fields = ("message",)
