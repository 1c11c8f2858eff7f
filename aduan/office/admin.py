from django.contrib import admin

from .models import Assignment, Notification, ResponseTemplate


@admin.register(ResponseTemplate)
class ResponseTemplateAdmin(admin.ModelAdmin):
    list_display = ("title", "agency", "category", "is_active", "updated_at")
    list_filter = ("agency", "is_active")
    search_fields = ("title", "body")


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("recipient", "kind", "complaint", "created_at", "read_at")
    list_filter = ("kind",)
    raw_id_fields = ("recipient", "complaint")


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ("complaint", "agency", "officer", "assigned_by", "at")
    raw_id_fields = ("complaint", "officer", "assigned_by")
