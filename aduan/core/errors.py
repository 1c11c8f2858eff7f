"""The site's own failure pages where Django needs a view rather than a template.

404, 403 and 500 are the templates of the same names in ``aduan/templates`` (Django's
default handlers render them). A failed CSRF check is rendered here, with the request,
so the page has the site's header, language and links like every other page.
"""

from django.shortcuts import render


def csrf_failure(request, reason: str = ""):
    return render(request, "403_csrf.html", status=403)
