from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "aduan.reports"
    label = "reports"
    verbose_name = "Laporan"

    def ready(self):
        from aduan.core import jobs

        from . import aggregation, closing

        # Public pages and dashboards read counts at most this old.
        jobs.register("reports.aggregate", every_seconds=30)(aggregation.run)
        jobs.register("reports.auto_close", every_seconds=300)(closing.auto_close)
