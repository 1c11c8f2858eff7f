"""Fictional reporters: names, Indonesian mobile numbers and example.com e-mails.

Names are common East Javanese given names and family names combined at random;
phone numbers use real operator prefixes with random subscriber digits, so they look
right to validators but belong to nobody on purpose.
"""

import re

_MALE = [
    "Agus", "Budi", "Slamet", "Eko", "Joko", "Hadi", "Wahyu", "Bambang", "Rudi",
    "Andi", "Dedi", "Fajar", "Rizal", "Hendra", "Yudi", "Imam", "Arif", "Dimas",
    "Bagus", "Sugeng", "Teguh", "Ilham", "Rizky", "Gilang", "Anton", "Yoyok",
    "Didik", "Samsul", "Mochammad", "Achmad", "Firman", "Toni", "Adi", "Yusuf",
]  # fmt: skip
_FEMALE = [
    "Siti", "Sri", "Dewi", "Rina", "Wulan", "Ani", "Yuni", "Endang", "Lilik",
    "Ratna", "Nurul", "Fitri", "Indah", "Putri", "Ayu", "Dian", "Mega", "Tutik",
    "Sulastri", "Nanik", "Ika", "Novi", "Rahma", "Anisa", "Eka", "Yuli", "Sari",
    "Kartika", "Dwi", "Umi",
]  # fmt: skip
_FAMILY = [
    "Santoso", "Wijaya", "Prasetyo", "Hidayat", "Setiawan", "Purnomo", "Susanto",
    "Wibowo", "Saputra", "Kurniawan", "Hartono", "Utomo", "Rahayu", "Lestari",
    "Handayani", "Wulandari", "Pratama", "Nugroho", "Firmansyah", "Maulana",
    "Kusuma", "Sulistyo", "Rohman", "Hakim", "Ramadhan", "Fauzi", "Yulianto",
    "Suprapto", "Harjono", "Ningsih",
]  # fmt: skip

# Telkomsel, Indosat, XL, Axis, Tri and Smartfren prefixes.
_MOBILE_PREFIXES = [
    "0811", "0812", "0813", "0821", "0822", "0823", "0851", "0852", "0853",
    "0814", "0815", "0816", "0855", "0856", "0857", "0858", "0817", "0818",
    "0819", "0859", "0877", "0878", "0831", "0832", "0833", "0838", "0895",
    "0896", "0897", "0898", "0899", "0881", "0882", "0883", "0887", "0888",
]  # fmt: skip


def fake_name(rng):
    """A fictional Indonesian name; a quarter are single names, as is common in Java."""
    names = _MALE if rng.random() < 0.5 else _FEMALE
    given = rng.choice(names)
    roll = rng.random()
    if roll < 0.25:
        return given
    if roll < 0.4:
        return f"{given} {rng.choice(names)} {rng.choice(_FAMILY)}"
    return f"{given} {rng.choice(_FAMILY)}"


def fake_phone(rng):
    """An Indonesian mobile number in local form, e.g. 081234567890 (11-12 digits)."""
    digits = rng.choice((7, 8))
    return rng.choice(_MOBILE_PREFIXES) + "".join(str(rng.randrange(10)) for _ in range(digits))


def fake_email(rng, name=None):
    """An @example.com address derived from the name when there is one."""
    if name:
        parts = re.sub(r"[^a-z ]", "", name.lower()).split()
        local = rng.choice([".".join(parts), "".join(parts), parts[0]])
    else:
        local = rng.choice(["warga", "pelapor", "arek.malang", "wargamalang"])
    if rng.random() < 0.6:
        local += str(rng.randint(1, 99))
    return f"{local}@example.com"
