from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo city: data modules and the ``aduan demo`` command that loads them.

    Installed so that its management command exists; it has no models, and no other
    app imports it.
    """

    name = "aduan.demo"
    label = "demo"
    verbose_name = "Kota demo"
