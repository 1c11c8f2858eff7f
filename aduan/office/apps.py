from django.apps import AppConfig


class OfficeConfig(AppConfig):
    name = "aduan.office"
    label = "office"
    verbose_name = "Kantor (back office)"

    def ready(self):
        # Staff notifications ride on every transition, inside its transaction.
        from .notify import register

        register()
