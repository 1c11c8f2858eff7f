"""The default sanction ladder and settings row, as plain data.

Model classes are passed in, so the data migration can install them with historical
models and tests with the current ones (a flushed test database loses migration data).
"""

from __future__ import annotations

from decimal import Decimal

# Pemkot Malang warns slow agencies, warns again, then puts them on the black-vest list.
LADDER = [
    {
        "order": 1,
        "code": "teguran-pertama",
        "name": "Teguran pertama",
        "periods": 1,
        "consequence": "Surat teguran dari Sekda; OPD menyusun rencana perbaikan.",
    },
    {
        "order": 2,
        "code": "teguran-kedua",
        "name": "Teguran kedua",
        "periods": 2,
        "consequence": "Teguran tertulis kedua; kepala OPD dipanggil dalam rapat evaluasi.",
    },
    {
        "order": 3,
        "code": "rompi-hitam",
        "name": "Daftar rompi hitam",
        "periods": 3,
        "consequence": "Kepala OPD mengenakan rompi hitam pada apel dan namanya diumumkan.",
    },
]
# Below 70% on time in a period counts as slow.
LADDER_MAX_SCORE = Decimal("0.700")


def install(sanction_model, settings_model) -> int:
    """Install the ladder (when there is none) and the settings row; returns levels added."""
    added = 0
    if not sanction_model.objects.exists():
        for level in LADDER:
            sanction_model.objects.create(max_score=LADDER_MAX_SCORE, **level)
            added += 1
    settings_model.objects.get_or_create(pk=1)
    return added
