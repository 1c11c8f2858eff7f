"""Admin sistem edits the publishing settings, the ladder of sanctions and rewards and the
letter templates; redactions, sanction records and the counts are history and derived
data: read-only here, redactions without their text (sanction records change only through
the leaders' and agency heads' pages, which check the state and write the audit)."""

from django.contrib import admin

from aduan.core.admin import AuditedAdmin, ReadOnlyAdmin
from aduan.core.models import Redaction

from .models import AggregationState, ReportSettings, SanctionLevel
from .records import GeneratedReport, LetterTemplate, Sanction


@admin.register(ReportSettings)
class ReportSettingsAdmin(AuditedAdmin):
    list_display = ("__str__", "publish_scorecard", "min_volume", "prior_strength")

    def has_add_permission(self, request):
        return not ReportSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SanctionLevel)
class SanctionLevelAdmin(AuditedAdmin):
    list_display = (
        "order",
        "name",
        "kind",
        "max_score",
        "min_score",
        "periods",
        "requires_plan",
        "is_active",
    )
    list_editable = ("max_score", "min_score", "periods", "requires_plan", "is_active")
    ordering = ("order",)


@admin.register(Redaction)
class RedactionAdmin(ReadOnlyAdmin):
    """Why and by whom; the hidden words themselves (often a name or a number) stay out.
    Redactions are added on the moderators' page, which logs an event."""

    list_display = ("complaint", "reason", "created_by", "created_at")
    search_fields = ("complaint__code",)
    list_select_related = ("complaint", "created_by")
    fields = ("complaint", "reason", "created_by", "created_at")
    readonly_fields = fields


@admin.register(AggregationState)
class AggregationStateAdmin(AuditedAdmin):
    list_display = ("name", "last_event_id", "updated_at")
    readonly_fields = ("name", "last_event_id", "gaps", "updated_at")

    def has_add_permission(self, request):
        return False


@admin.register(LetterTemplate)
class LetterTemplateAdmin(AuditedAdmin):
    list_display = ("title", "kind")


@admin.register(Sanction)
class SanctionAdmin(ReadOnlyAdmin):
    list_display = ("period", "agency", "proposed_level", "level", "state")
    list_filter = ("state", "period")
    list_select_related = ("agency", "proposed_level", "level")


@admin.register(GeneratedReport)
class GeneratedReportAdmin(ReadOnlyAdmin):
    list_display = ("period", "generated_at", "notified")
    fields = ("period", "generated_at", "notified")
