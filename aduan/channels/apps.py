from django.apps import AppConfig


class ChannelsConfig(AppConfig):
    name = "aduan.channels"
    label = "channels"
    verbose_name = "API dan kanal"

    def ready(self):
        from aduan.core import jobs

        from .jobs import poll_email, poll_gammu, poll_gammu_receipts

        jobs.register("channels.gammu_poll", every_seconds=30)(poll_gammu)
        jobs.register("channels.gammu_receipts", every_seconds=60)(poll_gammu_receipts)
        jobs.register("channels.email_poll", every_seconds=60)(poll_email)
