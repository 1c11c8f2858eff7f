from django.apps import AppConfig


class TriageConfig(AppConfig):
    name = "aduan.triage"
    label = "triage"
    verbose_name = "Triase cerdas"

    def ready(self):
        # hooks.on_transition is named in aduan.core.effects.SUBSCRIBERS, not registered here.
        from .jobs import register_all

        register_all()
