"""Admin sistem edits the calendar, the policy, the ladder and the piket rota here.

Stage records and escalations are history written by the system: read-only.
"""

from django.contrib import admin

from aduan.core.admin import AuditedAdmin, ReadOnlyAdmin

from .models import (
    Closure,
    DutyShift,
    EscalationFiring,
    EscalationStep,
    RegionalHoliday,
    SlaRule,
    StageRecord,
    WorkingHours,
)


@admin.register(WorkingHours)
class WorkingHoursAdmin(AuditedAdmin):
    list_display = ("weekday", "opens", "closes")


@admin.register(RegionalHoliday)
class RegionalHolidayAdmin(AuditedAdmin):
    list_display = ("date", "name", "is_day_off")
    list_filter = ("is_day_off",)
    date_hierarchy = "date"
    search_fields = ("name",)


@admin.register(Closure)
class ClosureAdmin(AuditedAdmin):
    list_display = ("first_day", "last_day", "name")


@admin.register(SlaRule)
class SlaRuleAdmin(AuditedAdmin):
    list_display = (
        "stage",
        "category",
        "kind",
        "priority",
        "amount",
        "unit",
        "multi_agency_amount",
        "note",
    )
    list_filter = ("stage", "unit", "kind", "priority")
    autocomplete_fields = ("category",)


@admin.register(EscalationStep)
class EscalationStepAdmin(AuditedAdmin):
    list_display = (
        "stage",
        "order",
        "action",
        "at_fraction",
        "offset_amount",
        "offset_unit",
        "respect_working_hours",
        "is_active",
    )
    list_filter = ("stage", "action", "is_active")
    ordering = ("stage", "order")


@admin.register(DutyShift)
class DutyShiftAdmin(AuditedAdmin):
    list_display = ("moderator", "starts_at", "ends_at", "note")
    list_filter = ("moderator",)
    date_hierarchy = "starts_at"


@admin.register(StageRecord)
class StageRecordAdmin(ReadOnlyAdmin):
    list_display = (
        "complaint",
        "stage",
        "cycle",
        "agency",
        "started_at",
        "due_at",
        "completed_at",
        "outcome",
        "breached",
    )
    list_filter = ("stage", "outcome", "breached", "agency")
    search_fields = ("complaint__code",)
    list_select_related = ("complaint", "agency")


@admin.register(EscalationFiring)
class EscalationFiringAdmin(ReadOnlyAdmin):
    list_display = ("complaint", "stage", "cycle", "action", "scheduled_at", "fired_at", "skipped")
    list_filter = ("action", "stage", "skipped")
    search_fields = ("complaint__code",)
    list_select_related = ("complaint",)
