from django.apps import AppConfig


class ChannelsConfig(AppConfig):
    name = "aduan.channels"
    label = "channels"
    verbose_name = "API dan kanal"
