from django.apps import AppConfig


class OfficeConfig(AppConfig):
    name = "aduan.office"
    label = "office"
    verbose_name = "Kantor (back office)"
