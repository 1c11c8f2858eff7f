"""This app's entries in the city-wide audit log (``aduan.core.audit``).

Entries say what was done and to which request, never the citizen's contact.
"""

from __future__ import annotations

from aduan.core import audit


def record(*, description: str, actor=None, retention: bool = False, **extra) -> None:
    action = audit.Action.RETENTION if retention else audit.Action.DATA_REQUEST
    audit.record(action, actor=actor, description=description, **extra)
