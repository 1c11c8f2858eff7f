"""Tracking codes a citizen can read out over the phone.

``ADU-2611-0042``: a fixed prefix, the year and month of receipt, and a
sequence within the month. No letters that sound alike, and short enough
for an SMS reply.
"""

import re
import secrets

PREFIX = "ADU"
_CODE_RE = re.compile(r"^ADU-(\d{4})-(\d{4,6})$")


def format_code(year: int, month: int, seq: int) -> str:
    return f"{PREFIX}-{year % 100:02d}{month:02d}-{seq:04d}"


def period_of(year: int, month: int) -> str:
    return f"{year % 100:02d}{month:02d}"


def normalize_code(raw: str) -> str | None:
    """Canonical form of a code typed with any case, spaces or dashes, else None."""
    if not raw:
        return None
    compact = re.sub(r"[\s\-_.]", "", str(raw)).upper()
    match = re.fullmatch(r"ADU(\d{4})(\d{4,6})", compact)
    if not match:
        return None
    return f"{PREFIX}-{match.group(1)}-{match.group(2)}"


def is_code(value: str) -> bool:
    return bool(_CODE_RE.match(value or ""))


def new_token() -> str:
    """An unguessable token for follow-up without an account (~128 bits)."""
    return secrets.token_urlsafe(16)
