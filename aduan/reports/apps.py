from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "aduan.reports"
    label = "reports"
    verbose_name = "Laporan"

    def ready(self):
        from aduan.core import jobs

        from . import aggregation, bimonthly, closing

        # Public pages and dashboards read counts at most this old.
        jobs.register("reports.aggregate", every_seconds=30, queue=jobs.REPORTS)(aggregation.run)
        jobs.register("reports.auto_close", every_seconds=300)(closing.auto_close)
        # Cheap when there is nothing to do: one indexed look-up of the stored report.
        jobs.register("reports.close_period", every_seconds=3600, queue=jobs.REPORTS)(bimonthly.run)
