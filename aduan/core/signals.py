"""Signals the core defines so that peer apps can talk without importing each other.

``staff_notice`` carries an in-app notice for staff that is not about one complaint
(an evaluation ready for the leaders, a sanction letter waiting for an agency head).
The reports send it; the back office, which owns the notification rows, receives it
(``office.apps``). Arguments: ``users`` (an iterable of users), ``text`` (one line,
already in the site's language) and ``link`` (a path on this site, or "").
"""

from django.dispatch import Signal

staff_notice = Signal()
