"""Phone number normalisation (framework-free).

Indonesian subscribers write the same number as ``0812...``, ``62812...`` or
``+62812...``; everything stored or compared uses E.164 so they are one person.
"""

import phonenumbers


def normalize_phone(raw: str, region: str = "ID") -> str:
    """Return ``raw`` in E.164 (``+6281234567890``) or raise ``ValueError``.

    A bare ``62...`` without the plus is common in gateway payloads (WhatsApp
    ``wa_id``, Gammu ``SenderNumber``), so it is read as international.
    """
    if raw is None:
        raise ValueError("nomor telepon kosong")
    text = str(raw).strip()
    digits = "".join(ch for ch in text if ch.isdigit())
    if not digits:
        raise ValueError("nomor telepon kosong")
    if not text.startswith("+") and digits.startswith("62") and len(digits) >= 10:
        text = "+" + digits
    try:
        parsed = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as exc:
        raise ValueError("nomor telepon tidak dikenali") from exc
    if not phonenumbers.is_valid_number(parsed):
        raise ValueError("nomor telepon tidak valid")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def display_phone(e164: str) -> str:
    """National format for staff screens (``0812-3456-7890``)."""
    try:
        parsed = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)
