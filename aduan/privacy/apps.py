from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "aduan.privacy"
    label = "privacy"
    verbose_name = "Data pribadi"

    def ready(self):
        from django.core.signals import request_finished, request_started

        from aduan.core import jobs

        from . import retention, uploads

        # Hourly: each pass works through a bounded batch, so it never holds the worker.
        jobs.register("privacy.retention", every_seconds=3600)(retention.run_job)
        # Every request gets its own pixel budget for the photos it uploads.
        request_started.connect(uploads.open_budget, dispatch_uid="privacy.pixel_budget")
        request_finished.connect(uploads.close_budget, dispatch_uid="privacy.pixel_budget")
