"""The Django admin, configured for Aduan: in INSTALLED_APPS in place of
``django.contrib.admin``, so ``admin.site`` everywhere is the site that asks for the
second factor (``twofactor.AdminSite``)."""

from django.contrib.admin.apps import AdminConfig


class AduanAdminConfig(AdminConfig):
    default_site = "aduan.office.twofactor.AdminSite"

    def ready(self):
        super().ready()
        # django-otp's own admin pages would show every authenticator's secret and
        # every recovery code, and delete devices without a record; second factors
        # are reset from the back office instead (office:second_factor_users).
        from django_otp.plugins.otp_static.models import StaticDevice
        from django_otp.plugins.otp_totp.models import TOTPDevice

        for model in (TOTPDevice, StaticDevice):
            if self.module.site.is_registered(model):
                self.module.site.unregister(model)
