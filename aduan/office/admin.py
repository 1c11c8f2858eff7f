"""Admin for the response templates (master data). Notifications and assignments are the
back office's own records: shown read-only, without the notification's text (it quotes
complaints, and so can quote a reporter)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from aduan.core.admin import AuditedAdmin, ReadOnlyAdmin

from .models import Assignment, Notification, ResponseTemplate


@admin.register(ResponseTemplate)
class ResponseTemplateAdmin(AuditedAdmin):
    list_display = ("title", "agency", "category", "is_active", "updated_at")
    list_filter = ("agency", "is_active")
    search_fields = ("title", "body")


def _code(obj):
    return obj.complaint.code if obj.complaint_id else "—"


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ("recipient", "kind", "complaint_code", "created_at", "read_at")
    list_filter = ("kind",)
    list_select_related = ("recipient", "complaint")
    fields = ("recipient", "kind", "complaint_code", "created_at", "read_at")
    readonly_fields = fields

    @admin.display(description=_("kode aduan"))
    def complaint_code(self, obj):
        return _code(obj)


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyAdmin):
    list_display = ("complaint_code", "agency", "officer", "assigned_by", "at")
    list_select_related = ("complaint", "agency", "officer", "assigned_by")
    fields = ("complaint_code", "agency", "officer", "assigned_by", "at")
    readonly_fields = fields

    @admin.display(description=_("kode aduan"))
    def complaint_code(self, obj):
        return _code(obj)
