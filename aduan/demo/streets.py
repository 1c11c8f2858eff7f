"""Main roads of Kota Malang and the names people use for them, for mass-event detection.

How this was made, plainly: written by hand from general knowledge of Malang (the
developer's memory, no survey and no official register consulted). The official names
are real roads; the aliases are the nicknames, old (pre-1972) spellings, abbreviations
and landmark names in common use ("Suhat" for Jl. Soekarno-Hatta, "Kayutangan" for Jl.
Basuki Rahmat, "Dinoyo" for Jl. MT Haryono). Kelurahan are listed only where the road's
course is well known, and even then not exhaustively; the list is incomplete and may
hold mistakes. A city keeps its own list in the admin (Triase > Jalan); this one only
seeds the demo.

Spellings that fold to the same name need no alias of their own (``triage.streets``
folds "oe", "dj", "tj" and prefixes such as "Jl."), but a few are listed anyway because
moderators search for them in the admin.
"""

from django.db import transaction

# (official name, [aliases], [kelurahan codes])
STREETS = [
    (
        "Jl. Soekarno-Hatta",
        ["Suhat", "Sukarno Hatta", "Soekarno Hatta", "Jl. Sukarno-Hatta", "Soehat"],
        ["35.73.05.1009", "35.73.05.1007", "35.73.05.1010", "35.73.05.1011"],
    ),
    ("Jl. Ijen", ["Ijen Boulevard", "Boulevard Ijen", "Jalan Besar Ijen"], ["35.73.02.1008"]),
    ("Jl. Letjen Sutoyo", ["Sutoyo", "Letjen Soetojo", "Letjend Sutoyo"], ["35.73.02.1002"]),
    (
        "Jl. Basuki Rahmat",
        ["Kayutangan", "Kajoetangan", "Kayu Tangan", "Basuki Rachmat"],
        ["35.73.02.1007"],
    ),
    ("Jl. Veteran", ["Veteran Malang"], ["35.73.05.1005", "35.73.02.1011"]),
    (
        "Jl. MT Haryono",
        ["Dinoyo", "MT Hariyono", "Mastrip Haryono", "M.T. Haryono"],
        ["35.73.05.1004", "35.73.05.1006"],
    ),
    ("Jl. Ahmad Yani", ["A. Yani", "A Yani", "Achmad Yani", "Ahmad Jani"], ["35.73.01.1005"]),
    ("Jl. Sudanco Supriadi", ["Supriadi", "Sudanco Supriyadi", "Soedanco Soepriadi"], []),
    ("Jl. Gatot Subroto", ["Gatsu", "Gatot Soebroto"], []),
    ("Jl. Kawi", ["Kawi Atas"], ["35.73.02.1009"]),
    ("Jl. Semeru", [], ["35.73.02.1007", "35.73.02.1008"]),
    (
        "Jl. Jaksa Agung Suprapto",
        ["JA Suprapto", "Jaksa Agung Soeprapto", "Djaksa Agung Soeprapto"],
        ["35.73.02.1003", "35.73.02.1002"],
    ),
    ("Jl. Kolonel Sugiono", ["Kol. Sugiono", "Kolonel Soegiono", "Kol Sugiono"], []),
    ("Jl. Raya Tlogomas", ["Tlogomas"], ["35.73.05.1003"]),
    ("Jl. Borobudur", [], ["35.73.01.1005", "35.73.05.1009"]),
    ("Jl. Panglima Sudirman", ["Sudirman", "Panglima Soedirman"], ["35.73.01.1009"]),
    ("Jl. Mayjen Panjaitan", ["Panjaitan", "Mayjend Panjaitan"], ["35.73.02.1011"]),
    ("Jl. Laksda Adi Sucipto", ["Adi Sucipto", "Adi Soetjipto"], []),
    ("Jl. Letjen S. Parman", ["S. Parman", "S Parman"], []),
    ("Jl. Bendungan Sutami", ["Sutami", "Bendungan Soetami"], ["35.73.05.1005"]),
    ("Jl. Raya Dieng", ["Dieng"], []),
    ("Jl. Mayjen Sungkono", ["Sungkono"], ["35.73.03.1005"]),
    ("Jl. Galunggung", [], ["35.73.02.1010"]),
    ("Jl. Merdeka Utara", ["Alun-alun Merdeka"], ["35.73.02.1007"]),
]


@transaction.atomic
def load_streets() -> int:
    """Create or update the demo's streets and aliases; return how many streets."""
    from aduan.core.models import Kelurahan
    from aduan.triage.models import Street, StreetAlias
    from aduan.triage.streets import clear_cache

    areas = {k.code: k for k in Kelurahan.objects.all()}
    for name, aliases, kelurahan in STREETS:
        street, _ = Street.objects.get_or_create(name=name)
        street.kelurahan.set([areas[code] for code in kelurahan if code in areas])
        for alias in aliases:
            StreetAlias.objects.get_or_create(street=street, name=alias)
    clear_cache()
    return len(STREETS)
