from django.apps import AppConfig


class TriageConfig(AppConfig):
    name = "aduan.triage"
    label = "triage"
    verbose_name = "Triase cerdas"

    def ready(self):
        from aduan.core import lifecycle

        from .hooks import on_transition
        from .jobs import register_all

        if on_transition not in lifecycle.TRANSITION_HOOKS:
            lifecycle.TRANSITION_HOOKS.append(on_transition)
        register_all()
