from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "aduan.core"
    label = "core"
    verbose_name = "Inti aduan"

    def ready(self):
        # Logins, failed logins and logouts go to the audit log (Django's auth signals).
        from . import audit

        audit.connect_signals()
