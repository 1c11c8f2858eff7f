from django.apps import AppConfig


class OfficeConfig(AppConfig):
    name = "aduan.office"
    label = "office"
    verbose_name = "Kantor (back office)"
    # Staff notifications ride on every transition as notify.on_transition, a subscriber
    # named in aduan.core.effects.SUBSCRIBERS. Notices about no complaint (the reports'
    # evaluations and sanction letters) arrive by core.signals.staff_notice.

    def ready(self):
        from aduan.core.signals import staff_notice

        from .notify import on_staff_notice

        staff_notice.connect(on_staff_notice, dispatch_uid="office.staff_notice")
