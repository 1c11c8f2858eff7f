"""Django admin for master data (admin sistem). Complaints are read-only here:
their status changes only through the lifecycle functions."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from .models import (
    Agency,
    Category,
    City,
    Complaint,
    Event,
    Kecamatan,
    Kelurahan,
    OutboundMessage,
    RejectionReason,
    User,
)

admin.site.site_header = _("Aduan: administrasi sistem")
admin.site.site_title = _("Aduan")


@admin.register(User)
class AduanUserAdmin(UserAdmin):
    list_display = ("username", "first_name", "last_name", "role", "agency", "is_active")
    list_filter = ("role", "agency", "is_active")
    fieldsets = (
        *UserAdmin.fieldsets,
        (_("Peran di Aduan"), {"fields": ("role", "agency", "phone")}),
    )
    add_fieldsets = (
        *UserAdmin.add_fieldsets,
        (_("Peran di Aduan"), {"fields": ("role", "agency")}),
    )


@admin.register(City)
class CityAdmin(admin.ModelAdmin):
    list_display = ("name", "site_name", "timezone", "sms_number")
    fieldsets = (
        (None, {"fields": ("name", "short_name", "government_name", "site_name", "timezone")}),
        (_("Kontak"), {"fields": ("sms_number", "email")}),
        (_("Batas peta"), {"fields": (("south", "north"), ("west", "east"))}),
    )

    def has_add_permission(self, request):
        # One deployment, one city: the row is edited, never added twice.
        return not City.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ("short_name", "name", "kind", "email", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("short_name", "name", "code")


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "agency", "is_active")
    list_filter = ("agency", "is_active")
    search_fields = ("name", "code", "keywords")
    filter_horizontal = ("supporting_agencies",)


class KelurahanInline(admin.TabularInline):
    model = Kelurahan
    extra = 0


@admin.register(Kecamatan)
class KecamatanAdmin(admin.ModelAdmin):
    list_display = ("name", "code")
    inlines = [KelurahanInline]


@admin.register(Kelurahan)
class KelurahanAdmin(admin.ModelAdmin):
    list_display = ("name", "kecamatan", "code")
    list_filter = ("kecamatan",)
    search_fields = ("name",)


@admin.register(RejectionReason)
class RejectionReasonAdmin(admin.ModelAdmin):
    list_display = ("label", "code", "referral", "is_active")


class EventInline(admin.TabularInline):
    model = Event
    extra = 0
    can_delete = False
    fields = (
        "created_at",
        "kind",
        "from_status",
        "to_status",
        "actor",
        "actor_label",
        "is_public",
        "note",
    )
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Complaint)
class ComplaintAdmin(admin.ModelAdmin):
    list_display = ("code", "status", "kind", "channel", "category", "lead_agency", "received_at")
    list_filter = ("status", "kind", "channel", "privacy", "lead_agency")
    search_fields = ("code", "text")
    date_hierarchy = "received_at"
    inlines = [EventInline]
    list_select_related = ("category", "lead_agency")

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields] + ["supporting_agencies"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(OutboundMessage)
class OutboundMessageAdmin(admin.ModelAdmin):
    list_display = ("created_at", "channel", "recipient", "state", "attempts", "next_attempt_at")
    list_filter = ("state", "channel")
    search_fields = ("recipient", "body")
    readonly_fields = [f.name for f in OutboundMessage._meta.fields]
