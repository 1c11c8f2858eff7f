"""The default sanction ladder, rewards, letter templates and settings row, as plain data.

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


# Rewards for the responsive: a letter of appreciation for one strong period, a reward
# from the mayor for two in a row. Ordered after the rungs (``order`` is shared).
REWARDS = [
    {
        "order": 101,
        "code": "apresiasi",
        "name": "Apresiasi",
        "periods": 1,
        "consequence": "Surat apresiasi dari Sekda; diumumkan pada rapat evaluasi.",
    },
    {
        "order": 102,
        "code": "penghargaan",
        "name": "Penghargaan",
        "periods": 2,
        "consequence": "Piagam penghargaan Wali Kota pada apel bulanan.",
    },
]
# At or above 90% on time counts as responsive.
REWARD_MIN_SCORE = Decimal("0.900")

LETTERS = {
    "sanksi": {
        "title": "Surat {langkah} kepada {opd}",
        "body": (
            "Kepada Yth. Kepala {opd}\n\n"
            "Berdasarkan evaluasi penanganan aduan masyarakat periode {periode}, "
            "skor ketepatan waktu {opd_singkat} adalah {skor}.\n\n"
            "Alasan: {alasan}\n\n"
            "Dengan ini {opd} diberikan {langkah}. {tindak_lanjut}\n\n"
            "Kepala OPD diminta menerima surat ini melalui {kota} dan menyusun rencana "
            "perbaikan beserta tenggatnya.\n\n"
            "{tanggal}\nSekretaris Daerah"
        ),
    },
    "penghargaan": {
        "title": "Surat {langkah} kepada {opd}",
        "body": (
            "Kepada Yth. Kepala {opd}\n\n"
            "Berdasarkan evaluasi penanganan aduan masyarakat periode {periode}, "
            "skor ketepatan waktu {opd_singkat} adalah {skor}.\n\n"
            "{alasan}\n\n"
            "Atas kinerja tersebut Pemerintah Kota memberikan {langkah}. {tindak_lanjut}\n\n"
            "{tanggal}\nSekretaris Daerah"
        ),
    },
}


def install_records(level_model, letter_model) -> int:
    """Mark the rungs as needing a plan, add the rewards (when there are none) and the
    letter templates; returns rows added. ``level_model`` must see every row (in a
    migration, the historical model's plain manager)."""
    added = 0
    manager = level_model._default_manager
    manager.filter(kind="sanksi").update(requires_plan=True)
    if not manager.filter(kind="penghargaan").exists():
        taken = set(manager.values_list("order", flat=True))
        for reward in REWARDS:
            if reward["order"] in taken:
                continue
            manager.create(
                kind="penghargaan",
                max_score=Decimal("1.000"),
                min_score=REWARD_MIN_SCORE,
                **reward,
            )
            added += 1
    for kind, letter in LETTERS.items():
        _obj, created = letter_model.objects.get_or_create(kind=kind, defaults=letter)
        added += created
    return added


def install(sanction_model, settings_model) -> int:
    """Install the ladder (when there is none) and the settings row; returns levels added."""
    added = 0
    if not sanction_model.objects.exists():
        for level in LADDER:
            sanction_model.objects.create(max_score=LADDER_MAX_SCORE, **level)
            added += 1
    settings_model.objects.get_or_create(pk=1)
    return added
