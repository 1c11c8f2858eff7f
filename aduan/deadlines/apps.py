from django.apps import AppConfig


class DeadlinesConfig(AppConfig):
    name = "aduan.deadlines"
    label = "deadlines"
    verbose_name = "Tenggat dan eskalasi"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from aduan.core import jobs

        from . import store
        from .models import Closure, EscalationStep, RegionalHoliday, SlaRule, WorkingHours
        from .sweep import sweep

        # The clock itself is named in aduan.core.effects.SUBSCRIBERS, not registered here.
        for model in (WorkingHours, RegionalHoliday, Closure, SlaRule, EscalationStep):
            uid = f"deadlines-invalidate-{model.__name__}"
            post_save.connect(store.invalidate, sender=model, dispatch_uid=uid + "-save")
            post_delete.connect(store.invalidate, sender=model, dispatch_uid=uid + "-delete")
        jobs.register("deadlines.sweep", every_seconds=60)(sweep)
