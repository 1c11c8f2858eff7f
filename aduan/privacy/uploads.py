"""One pixel budget per request for the photos it uploads (see ``aduan.lib.images``).

Connected to Django's request signals in ``PrivacyConfig.ready``: every photo any view
cleans during the request takes from the same budget, so a request cannot make the
server decode more than ``ADUAN_MAX_PIXELS_PER_REQUEST`` pixels however many files it
carries. Outside a request (the worker, commands) no total is imposed; each photo is
still bounded on its own.
"""

from __future__ import annotations

from django.conf import settings

from aduan.lib import images


def open_budget(sender=None, **kwargs) -> None:
    # A fresh budget replaces whatever the thread's previous request left.
    images.open_budget(settings.ADUAN_MAX_PIXELS_PER_REQUEST)


def close_budget(sender=None, **kwargs) -> None:
    images.close_budget()
