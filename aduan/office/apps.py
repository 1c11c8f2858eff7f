from django.apps import AppConfig


class OfficeConfig(AppConfig):
    name = "aduan.office"
    label = "office"
    verbose_name = "Kantor (back office)"
    # Staff notifications ride on every transition as notify.on_transition, a subscriber
    # named in aduan.core.effects.SUBSCRIBERS: nothing to register at start-up.
