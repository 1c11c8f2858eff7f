from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "aduan.portal"
    label = "portal"
    verbose_name = "Portal warga"
