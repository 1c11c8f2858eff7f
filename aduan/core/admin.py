"""Django admin: master data only (admin sistem).

Complaints, their events and photos are not here: the back office shows them through the
role map and the disclosure projections, and reveals a reporter's contact only through
the logged "show contact". A second way in would bypass both (a system admin read the
contact of anonymous complaints here, unlogged). Rows that carry citizens' data for the
system's own bookkeeping (the outbox, the inbound log, channel sessions) are hidden or
shown without their personal fields, read-only.

Every admin inherits :class:`AuditedAdmin`: each addition, change and deletion goes to the
audit log, and so does each opening of a page that shows personal data (staff accounts).
"""

from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from aduan.lib.privacy import mask_pii

from . import audit
from .models import (
    Agency,
    AuditEntry,
    Category,
    City,
    Kecamatan,
    Kelurahan,
    OutboundMessage,
    RejectionReason,
    User,
)

admin.site.site_header = _("Aduan: administrasi sistem")
admin.site.site_title = _("Aduan")


class AuditedAdmin(admin.ModelAdmin):
    """A ModelAdmin whose writes, and (with ``audits_views``) reads, leave an audit entry."""

    # True where the list or the form shows personal data (names, e-mail, phone).
    audits_views = False

    def _audit_change(self, request, obj, flag: str, message="") -> None:
        opts = self.model._meta
        with translation.override(settings.LANGUAGE_CODE):
            description = f"{opts.verbose_name}: {obj}"
        audit.record(
            AuditEntry.Action.ADMIN_CHANGE,
            request=request,
            description=description,
            model=opts.label_lower,
            object_id=str(obj.pk),
            change=flag,
            # Django's change message names the changed fields, never their values.
            message=message if isinstance(message, str) else str(message),
        )

    def log_addition(self, request, obj, message):
        entry = super().log_addition(request, obj, message)
        self._audit_change(request, obj, "add", message)
        return entry

    def log_change(self, request, obj, message):
        entry = super().log_change(request, obj, message)
        self._audit_change(request, obj, "change", message)
        return entry

    def log_deletions(self, request, queryset):
        # Called before the rows go: their names are still there to copy.
        entries = super().log_deletions(request, queryset)
        for obj in queryset:
            self._audit_change(request, obj, "delete")
        return entries

    def _audit_view(self, request, response, object_id=None) -> None:
        if not self.audits_views or request.method != "GET" or response.status_code != 200:
            return
        opts = self.model._meta
        with translation.override(settings.LANGUAGE_CODE):
            description = str(opts.verbose_name_plural)
        if object_id is not None:
            description += f" #{object_id}"
        audit.record(
            AuditEntry.Action.ADMIN_VIEW,
            request=request,
            description=description,
            model=opts.label_lower,
            object_id="" if object_id is None else str(object_id),
        )

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        self._audit_view(request, response)
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        self._audit_view(request, response, object_id)
        return response


class ReadOnlyAdmin(AuditedAdmin):
    """History written by the system: looked at, never edited or removed here."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class NamedByIdAdmin(ReadOnlyAdmin):
    """For rows whose own name (``str``) carries personal data (a recipient, a social
    handle): their page names them by id, and their history page is closed."""

    change_form_template = "admin/aduan/change_form_by_id.html"

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "subtitle": f"#{object_id}"}
        return super().change_view(request, object_id, form_url, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        raise PermissionDenied


@admin.register(User)
class AduanUserAdmin(AuditedAdmin, UserAdmin):
    # Staff names, e-mail addresses and phone numbers: every look is logged.
    audits_views = True
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
class CityAdmin(AuditedAdmin):
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
class AgencyAdmin(AuditedAdmin):
    list_display = ("short_name", "name", "kind", "email", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("short_name", "name", "code")


@admin.register(Category)
class CategoryAdmin(AuditedAdmin):
    list_display = ("name", "agency", "is_active")
    list_filter = ("agency", "is_active")
    search_fields = ("name", "code", "keywords")
    filter_horizontal = ("supporting_agencies",)


class KelurahanInline(admin.TabularInline):
    model = Kelurahan
    extra = 0


@admin.register(Kecamatan)
class KecamatanAdmin(AuditedAdmin):
    list_display = ("name", "code")
    inlines = [KelurahanInline]


@admin.register(Kelurahan)
class KelurahanAdmin(AuditedAdmin):
    list_display = ("name", "kecamatan", "code")
    list_filter = ("kecamatan",)
    search_fields = ("name",)


@admin.register(RejectionReason)
class RejectionReasonAdmin(AuditedAdmin):
    list_display = ("label", "code", "referral", "is_active")


@admin.register(OutboundMessage)
class OutboundMessageAdmin(NamedByIdAdmin):
    """Delivery bookkeeping only: who received what (recipient, subject, body) stays out."""

    list_display = (
        "created_at",
        "channel",
        "state",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "complaint_code",
    )
    list_filter = ("state", "channel")
    list_select_related = ("complaint",)
    fields = (
        "created_at",
        "channel",
        "state",
        "attempts",
        "next_attempt_at",
        "locked_until",
        "sent_at",
        "provider_id",
        "complaint_code",
        "masked_error",
    )
    readonly_fields = fields
    date_hierarchy = "created_at"

    @admin.display(description=_("kode aduan"))
    def complaint_code(self, obj):
        return obj.complaint.code if obj.complaint_id else "—"

    @admin.display(description=_("galat terakhir"))
    def masked_error(self, obj):
        # Gateways often echo the number or address they refused.
        return mask_pii(obj.last_error) if obj.last_error else "—"


class UnlockAuditedAccessAttemptAdmin(AccessAttemptAdmin):
    """Axes' lockout rows: deleting one unlocks the login, and says so in the audit log."""

    def _unlocked(self, request, attempt) -> None:
        audit.record(
            AuditEntry.Action.UNLOCKED,
            request=request,
            description=str(attempt.username or ""),
            username=str(attempt.username or ""),
        )

    def delete_model(self, request, obj):
        self._unlocked(request, obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for attempt in queryset:
            self._unlocked(request, attempt)
        super().delete_queryset(request, queryset)


admin.site.unregister(AccessAttempt)
admin.site.register(AccessAttempt, UnlockAuditedAccessAttemptAdmin)
