from .city import current_city, site_name


def site(request):
    """The deployment's city for every template: ``CITY`` (the record, see
    :mod:`aduan.core.city`) and ``SITE_NAME``, derived from it unless the setting
    overrides it."""
    return {"CITY": current_city(), "SITE_NAME": site_name()}
