from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from aduan.core.admin import AuditedAdmin

from .models import (
    MassEvent,
    MassEventMember,
    Review,
    RoutingModelVersion,
    Street,
    StreetAlias,
    TriageSettings,
)
from .streets import clear_cache
from .training import activate_version


@admin.register(TriageSettings)
class TriageSettingsAdmin(AuditedAdmin):
    list_display = ["__str__", "auto_dispatch_enabled", "precision_target", "retrain_enabled"]

    def has_add_permission(self, request):
        return not TriageSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RoutingModelVersion)
class RoutingModelVersionAdmin(AuditedAdmin):
    list_display = [
        "pk",
        "target",
        "is_active",
        "created_at",
        "source",
        "n_train",
        "accuracy",
        "macro_f1",
        "threshold",
    ]
    list_filter = ["target", "is_active", "source"]
    exclude = ["blob"]
    readonly_fields = [
        "target",
        "created_at",
        "source",
        "trained_by",
        "n_train",
        "n_skipped",
        "labels",
        "metrics",
        "precision_target",
        "threshold",
        "is_active",
    ]
    actions = ["activate"]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("blob")

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("akurasi"))
    def accuracy(self, obj):
        return (obj.metrics or {}).get("accuracy")

    @admin.display(description=_("macro F1"))
    def macro_f1(self, obj):
        return (obj.metrics or {}).get("macro_f1")

    @admin.action(description=_("Aktifkan versi terpilih"))
    def activate(self, request, queryset):
        chosen = list(queryset)
        if len({v.target for v in chosen}) != len(chosen):
            self.message_user(request, _("Pilih satu versi per sasaran."), messages.ERROR)
            return
        for version in chosen:
            activate_version(version)
            self._audit_change(request, version, "activate")
        self.message_user(request, _("Versi diaktifkan."))


class MemberInline(admin.TabularInline):
    model = MassEventMember
    raw_id_fields = ["complaint"]
    extra = 0


@admin.register(MassEvent)
class MassEventAdmin(AuditedAdmin):
    list_display = ["pk", "state", "created_at", "survivor"]
    list_filter = ["state"]
    raw_id_fields = ["survivor", "gathered_by"]
    inlines = [MemberInline]


@admin.register(Review)
class ReviewAdmin(AuditedAdmin):
    list_display = ["event", "complaint", "verdict", "agency", "actor", "created_at"]
    list_filter = ["verdict"]
    raw_id_fields = ["event", "complaint", "actor"]


class AliasInline(admin.TabularInline):
    model = StreetAlias
    extra = 3


@admin.register(Street)
class StreetAdmin(AuditedAdmin):
    """Streets and the names people use for them; mass events read them within minutes."""

    list_display = ["name", "aliases_shown", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "aliases__name"]
    filter_horizontal = ["kelurahan"]
    inlines = [AliasInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("aliases")

    @admin.display(description=_("nama lain"))
    def aliases_shown(self, obj):
        return ", ".join(a.name for a in obj.aliases.all())

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # This process reads the new names at once; the others within their cache's life.
        clear_cache()
