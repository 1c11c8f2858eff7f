from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "aduan.portal"
    label = "portal"
    verbose_name = "Portal warga"

    def ready(self):
        from aduan.core import jobs

        from . import cleanup, stash

        # Photos kept for a corrected submission that never came.
        jobs.register("portal.purge_stash", every_seconds=3600)(
            lambda: stash.purge_older_than(24 * 3600)
        )
        # Spent recovery codes and follows whose confirm link was never opened.
        jobs.register("portal.purge_spent", every_seconds=3600)(cleanup.purge_spent)
