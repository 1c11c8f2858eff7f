"""A deterministic generator of realistic demo complaints for Kota Malang.

`generate_complaints(n, seed)` returns the same list for the same arguments on any
machine: every random choice comes from one `random.Random(seed)` and nothing
iterates over a set. Texts come from the templates in `texts.json`, filled with real
street, market and puskesmas names of the complaint's kecamatan, then dressed the
way each channel really looks (short lowercase SMS, formal e-mail, a clerk's note
for walk-ins and calls, abbreviations, Javanese, typos, angry add-ons).
"""

import functools
import json
import random
import re
import zlib
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from aduan.demo.malang import (
    CATEGORIES,
    CITY_BOUNDS,
    LANDMARKS,
    RESPONSE_TEMPLATES,
    STREETS,
    agency_by_code,
    all_kelurahan,
    category_by_code,
    kecamatan_of,
    kelurahan_by_code,
)
from aduan.demo.people import fake_email, fake_name, fake_phone

TZ = ZoneInfo("Asia/Jakarta")
DEFAULT_START = date(2025, 1, 1)
DEFAULT_END = date(2025, 6, 30)

KINDS = ("pengaduan", "aspirasi", "informasi", "apresiasi")
PRIVACIES = ("publik", "anonim", "rahasia")
CHANNELS = ("web", "app", "sms", "whatsapp", "telegram", "email", "walkin", "phone", "social")

# JSON rather than Python so that long Indonesian sentences stay one per line, and
# because package data ships *.json.
TEXTS_PATH = Path(__file__).with_name("texts.json")

_KIND_WEIGHTS = (78, 8, 9, 5)
_PRIVACY_WEIGHTS = (78, 14, 8)
_CHANNEL_WEIGHTS = (22, 25, 8, 18, 4, 5, 6, 5, 7)

# How often each category shows up, roughly as in Malang's public complaint feeds:
# roads, waste, water and street lights dominate.
CATEGORY_WEIGHTS = {
    "jalan_rusak": 12,
    "drainase": 7,
    "banjir": 5,
    "jembatan_trotoar": 2,
    "pju": 8,
    "bangunan": 2,
    "rtlh": 1.5,
    "sampah": 10,
    "sampah_liar": 3,
    "taman": 2,
    "pohon": 4,
    "pencemaran": 2,
    "air_mati": 8,
    "air_keruh": 3,
    "air_tagihan": 3,
    "lalu_lintas": 4,
    "parkir": 6,
    "angkutan_umum": 2,
    "puskesmas": 3,
    "jaminan_kesehatan": 3,
    "rsud": 2,
    "dbd": 2,
    "sekolah": 2,
    "ppdb": 2,
    "adminduk": 6,
    "bansos": 4,
    "pmks": 2,
    "perempuan_anak": 0.7,
    "pkl": 4,
    "ketertiban": 4,
    "bencana": 1.5,
    "pbb": 2,
    "pasar": 2,
    "ketenagakerjaan": 1.5,
    "perizinan": 1,
    "hewan": 1.5,
    "olahraga_wisata": 1,
    "pungli_asn": 1,
    "informasi_layanan": 1,
}

# Real puskesmas and markets, by kecamatan code.
PUSKESMAS = {
    "35.73.01": ["Puskesmas Cisadea", "Puskesmas Pandanwangi", "Puskesmas Kendalkerep"],
    "35.73.02": ["Puskesmas Arjuno", "Puskesmas Bareng", "Puskesmas Rampal Celaket"],
    "35.73.03": ["Puskesmas Kedungkandang", "Puskesmas Gribig", "Puskesmas Arjowinangun"],
    "35.73.04": ["Puskesmas Janti", "Puskesmas Ciptomulyo", "Puskesmas Mulyorejo"],
    "35.73.05": ["Puskesmas Dinoyo", "Puskesmas Kendalsari", "Puskesmas Mojolangu"],
}
MARKETS = {
    "35.73.01": ["Pasar Blimbing", "Pasar Bunul"],
    "35.73.02": ["Pasar Besar", "Pasar Oro-oro Dowo", "Pasar Klojen", "Pasar Kasin"],
    "35.73.03": ["Pasar Madyopuro", "Pasar Sawojajar", "Pasar Kebalen"],
    "35.73.04": ["Pasar Gadang", "Pasar Sukun", "Pasar Bandulan"],
    "35.73.05": ["Pasar Dinoyo", "Pasar Tawangmangu", "Pasar Merjosari"],
}

# Parks with a name people use; any kelurahan also has its own small park.
PARKS = {
    "35.73.01": ["Taman Kendedes"],
    "35.73.02": [
        "Taman Merbabu", "Taman Trunojoyo", "Taman Slamet", "Hutan Kota Malabar",
        "Alun-alun Tugu", "Taman Kunang-kunang",
    ],
    "35.73.03": [],
    "35.73.04": [],
    "35.73.05": ["Taman Singha Merjosari"],
}  # fmt: skip

_DURATIONS = [
    "2 hari", "3 hari", "seminggu", "2 minggu", "3 minggu", "sebulan",
    "sebulan lebih", "2 bulan", "3 bulan", "setengah tahun", "hampir setahun",
]  # fmt: skip
_WHEN = [
    "tadi pagi", "tadi malam", "kemarin", "kemarin sore", "semalam",
    "sejak Senin", "dua hari lalu", "sejak hari Jumat",
]  # fmt: skip

# Citizens shorten words freely in chat and SMS; (word, replacements).
_ABBREVIATIONS = [
    ("yang", ["yg"]),
    ("tidak", ["tdk", "gak", "ga", "nggak"]),
    ("sudah", ["sdh", "udah", "udh"]),
    ("belum", ["blm"]),
    ("dengan", ["dgn"]),
    ("untuk", ["utk"]),
    ("tolong", ["tlg"]),
    ("saya", ["sy", "aku"]),
    ("karena", ["krn", "soalnya"]),
    ("sampai", ["sampe"]),
    ("lagi", ["lg"]),
    ("banyak", ["byk"]),
    ("juga", ["jg"]),
    ("bagaimana", ["gimana", "gmn"]),
    ("kapan", ["kpn"]),
    ("mohon", ["mhn"]),
    ("sekali", ["bgt", "banget"]),
    ("malam", ["mlm"]),
    ("jalan", ["jln", "jl"]),
    ("kemarin", ["kmrn", "kemaren"]),
    ("sekarang", ["skrg"]),
    ("dari", ["dr"]),
    ("tapi", ["tp"]),
    ("terima kasih", ["makasih", "trims", "tks"]),
]
_ABBREVIATION_RES = [
    (re.compile(rf"\b{word}\b", re.IGNORECASE), options) for word, options in _ABBREVIATIONS
]

# A vague "it is still not fixed on my street" only makes sense for problems that
# sit at a place; nobody writes that about a KTP or a school fee.
_PLACE_CATEGORIES = (
    "jalan_rusak", "drainase", "banjir", "jembatan_trotoar", "pju", "sampah",
    "sampah_liar", "taman", "pohon", "pencemaran", "air_mati", "lalu_lintas",
    "parkir", "pkl", "ketertiban", "bangunan",
)  # fmt: skip

_OFFICE_HOURS = range(8, 15)
# Complaints arrive mostly in the morning and again after dinner, rarely at night.
_HOUR_WEIGHTS = (
    0.3, 0.2, 0.15, 0.1, 0.2, 0.6, 1.5, 3, 4.5, 5, 5, 4.5,
    4, 4.2, 4, 3.5, 3, 2.6, 2.4, 3, 3.2, 2.6, 1.6, 0.8,
)  # fmt: skip
_WEEKDAY_WEIGHTS = (1.0, 1.0, 1.0, 1.0, 0.9, 0.5, 0.4)


@functools.cache
def load_texts(path=TEXTS_PATH):
    """The templates as {section: [template, ...]}; see the file's "about" entry."""
    return json.loads(Path(path).read_text(encoding="utf-8"))["sections"]


def _pick(rng, items, weights):
    return rng.choices(items, weights=weights, k=1)[0]


def _categories_with(kind):
    texts = load_texts()
    return [c["code"] for c in CATEGORIES if texts.get(f"{kind} {c['code']}")]


def _choose_category(rng, kind):
    codes = [c["code"] for c in CATEGORIES] if kind == "pengaduan" else _categories_with(kind)
    return _pick(rng, codes, [CATEGORY_WEIGHTS[code] for code in codes])


def _school(rng, kelurahan_name):
    if rng.random() < 0.5:
        return f"SDN {kelurahan_name} {rng.randint(1, 4)}"
    return f"SMPN {rng.randint(1, 27)} Malang"


def _street_mention(rng, street):
    prefix = _pick(rng, ("Jl. ", "jl. ", "Jalan ", "jalan ", "jln "), (50, 12, 20, 10, 8))
    return prefix + street


def _slots(rng, kelurahan, kecamatan, street, rt, rw, category):
    return {
        "jl": _street_mention(rng, street),
        "kel": kelurahan["name"],
        "kec": kecamatan["name"],
        "lm": rng.choice(LANDMARKS[kecamatan["code"]]),
        "pasar": rng.choice(MARKETS[kecamatan["code"]]),
        "pkm": rng.choice(PUSKESMAS[kecamatan["code"]]),
        "taman": rng.choice([*PARKS[kecamatan["code"]], f"taman Kelurahan {kelurahan['name']}"]),
        "sekolah": _school(rng, kelurahan["name"]),
        "rt": f"{rt:02d}",
        "rw": f"{rw:02d}",
        "n": rng.randint(2, 9),
        "durasi": rng.choice(_DURATIONS),
        "hari": rng.choice(_WHEN),
        "opd": agency_by_code(category_by_code(category)["agency"])["short_name"],
    }


def _address(rng, street, rt, rw):
    number = rng.randint(1, 180)
    form = rng.random()
    if form < 0.55:
        return f"Jl. {street} No. {number}, RT {rt:02d}/RW {rw:02d}"
    if form < 0.75:
        alley = rng.choice(["I", "II", "III", "IV", "V", "VI"])
        return f"Jl. {street} Gg. {alley} No. {number}, RT {rt:02d}/RW {rw:02d}"
    if form < 0.9:
        return f"Jl. {street} No. {number}"
    return f"depan Jl. {street} No. {number}"


def _informalize(rng, text, rate):
    def shorten(match, options):
        return rng.choice(options) if rng.random() < rate else match[0]

    for pattern, options in _ABBREVIATION_RES:
        text = pattern.sub(functools.partial(shorten, options=options), text)
    return text


def _typo(rng, text):
    """Damage one longer word the way thumbs on a phone keyboard do."""
    words = text.split(" ")
    candidates = [i for i, w in enumerate(words) if len(w) >= 5 and w.isalpha()]
    if not candidates:
        return text
    i = rng.choice(candidates)
    w = words[i]
    j = rng.randrange(1, len(w) - 1)
    how = rng.random()
    if how < 0.4:
        w = w[:j] + w[j + 1] + w[j] + w[j + 2 :]
    elif how < 0.7:
        w = w[:j] + w[j + 1 :]
    else:
        w = w[:j] + w[j] + w[j:]
    words[i] = w
    return " ".join(words)


def _shout(rng, text):
    sentences = re.split(r"(?<=[.!?])\s+", text)
    i = rng.randrange(len(sentences))
    sentences[i] = sentences[i].upper().rstrip(".") + "!!"
    return " ".join(sentences)


def _as_sms(rng, text, kind):
    text = _informalize(rng, text, 0.85).lower().replace("\n", " ")
    if rng.random() < 0.5:
        text = text.rstrip(".!?")
    if kind == "pengaduan" and rng.random() < 0.15:
        text = "lapor " + text
    if len(text) > 160:
        text = text[:160].rsplit(" ", 1)[0]
    return text


_KIND_NOUNS = {
    "pengaduan": "aduan",
    "aspirasi": "usulan",
    "informasi": "pertanyaan",
    "apresiasi": "ucapan terima kasih",
}


def _as_email(rng, body, kind, name, kelurahan_name):
    sign = name or f"Warga {kelurahan_name}"
    noun = _KIND_NOUNS[kind]
    intro = rng.choice(
        [
            f"Saya warga Kelurahan {kelurahan_name} ingin menyampaikan {noun} berikut.",
            f"Melalui surel ini saya ingin menyampaikan {noun} kepada Pemkot Malang.",
            f"Perkenalkan, saya {sign}. Izinkan saya menyampaikan {noun} berikut.",
        ]
    )
    follow_up = " dan tindak lanjutnya" if kind == "pengaduan" else ""
    return (
        f"Dengan hormat,\n\n{intro}\n\n{body}\n\n"
        f"Demikian yang dapat saya sampaikan. Atas perhatian{follow_up} saya ucapkan "
        f"terima kasih.\n\nHormat saya,\n{sign}"
    )


def _join_opener(opener, body):
    # After "Permisi admin," the sentence goes on, so its first letter drops to
    # lowercase, unless the first word is an acronym such as PKL or KTP-el.
    first = body.split(" ", 1)[0]
    if opener.endswith(",") and not first[:2].isupper():
        body = body[0].lower() + body[1:]
    return f"{opener} {body}"


def _as_clerk_note(rng, body, channel):
    where = "melalui telepon" if channel == "phone" else "langsung ke loket pengaduan"
    note = f'Pelapor menyampaikan {where}: "{body}"'
    if rng.random() < 0.4:
        note += rng.choice(
            [
                " Pelapor meminta agar segera ditindaklanjuti.",
                " Pelapor bersedia dihubungi untuk informasi tambahan.",
                " Pelapor menunjukkan foto lokasi dari ponselnya.",
            ]
        )
    return note


def _compose(rng, body, kind, channel, name, kelurahan_name):
    texts = load_texts()
    if channel == "email":
        return _as_email(rng, body, kind, name, kelurahan_name)
    if channel in ("walkin", "phone"):
        return _as_clerk_note(rng, body, channel)
    angry = kind == "pengaduan" and rng.random() < 0.18
    if angry:
        extra = rng.sample(texts["escalation"], k=rng.choice([1, 1, 2]))
        body = " ".join([body, *extra])
        if rng.random() < 0.4:
            body = _shout(rng, body)
    if channel == "sms":
        return _as_sms(rng, body, kind)
    casual = channel in ("whatsapp", "telegram", "social") or rng.random() < 0.3
    if casual:
        body = _informalize(rng, body, 0.45)
    complaint = kind == "pengaduan"
    openers = texts["opener"] + (texts["opener pengaduan"] if complaint else [])
    closers = texts["closer"] + (texts["closer pengaduan"] if complaint else [])
    if not angry and rng.random() < 0.45:
        body = _join_opener(rng.choice(openers), body)
    if rng.random() < (0.25 if angry else 0.45):
        body = f"{body} {rng.choice(closers)}"
    if channel == "social" and rng.random() < 0.5:
        body += rng.choice([" #MalangKota", " tolong di-notice min 🙏", " @admin mohon dibaca"])
    if rng.random() < (0.3 if casual else 0.1):
        body = _typo(rng, body)
    return body


def _privacy(rng, category):
    if category == "perempuan_anak":
        return _pick(rng, PRIVACIES, (5, 25, 70))
    if category == "pungli_asn":
        return _pick(rng, PRIVACIES, (35, 45, 20))
    return _pick(rng, PRIVACIES, _PRIVACY_WEIGHTS)


def _reporter(rng, channel, privacy):
    no_name = {"social": 0.5, "sms": 0.4, "phone": 0.2, "walkin": 0.0}.get(channel, 0.1)
    if privacy == "anonim":
        no_name = max(no_name, 0.5)
    name = None if rng.random() < no_name else fake_name(rng)
    has_phone = {
        "sms": 1.0, "whatsapp": 1.0, "phone": 1.0, "walkin": 0.8, "telegram": 0.5,
        "app": 0.7, "web": 0.7, "email": 0.2, "social": 0.1,
    }[channel]  # fmt: skip
    has_email = {"email": 1.0, "web": 0.4, "app": 0.3}.get(channel, 0.05)
    phone = fake_phone(rng) if rng.random() < has_phone else None
    email = fake_email(rng, name) if rng.random() < has_email else None
    return name, phone, email


def _position(rng, channel, kelurahan):
    share = {"app": 0.9, "web": 0.5, "whatsapp": 0.3, "telegram": 0.3, "social": 0.1}
    if rng.random() >= share.get(channel, 0.0):
        return None, None
    lat = rng.gauss(kelurahan["lat"], 0.0035)
    lon = rng.gauss(kelurahan["lon"], 0.0035)
    lat = min(max(lat, CITY_BOUNDS["lat_min"]), CITY_BOUNDS["lat_max"])
    lon = min(max(lon, CITY_BOUNDS["lon_min"]), CITY_BOUNDS["lon_max"])
    return round(lat, 6), round(lon, 6)


def _received_at(rng, days, channel):
    if channel in ("walkin", "phone"):
        # Counters and the call centre are staffed on working hours only.
        office_days = [d for d in days if d.weekday() < 5] or days
        day = rng.choice(office_days)
        hour = rng.choice(_OFFICE_HOURS)
    else:
        day = _pick(rng, days, [_WEEKDAY_WEIGHTS[d.weekday()] for d in days])
        hour = _pick(rng, range(24), _HOUR_WEIGHTS)
    minute, second = rng.randrange(60), rng.randrange(60)
    return datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=TZ)


def _one(rng, days, kelurahan_list):
    texts = load_texts()
    kind = _pick(rng, KINDS, _KIND_WEIGHTS)
    category = _choose_category(rng, kind)
    kelurahan = rng.choice(kelurahan_list)
    kecamatan = kecamatan_of(kelurahan["code"])
    street = rng.choice(STREETS[kecamatan["code"]])
    rt, rw = rng.randint(1, 12), rng.randint(1, 9)
    slots = _slots(rng, kelurahan, kecamatan, street, rt, rw, category)
    if kind == "pengaduan" and category in _PLACE_CATEGORIES and rng.random() < 0.1:
        template = rng.choice(texts["vague"])
    else:
        template = rng.choice(texts[f"{kind} {category}"])
    channel = _pick(rng, CHANNELS, _CHANNEL_WEIGHTS)
    privacy = _privacy(rng, category)
    name, phone, email = _reporter(rng, channel, privacy)
    body = template.format_map(slots)
    text = _compose(rng, body, kind, channel, name, kelurahan["name"])
    has_address = kind == "pengaduan" or rng.random() < 0.3
    lat, lon = _position(rng, channel, kelurahan)
    return {
        "text": text,
        "category": category,
        "kelurahan": kelurahan["code"],
        "address": _address(rng, street, rt, rw) if has_address else None,
        "kind": kind,
        "privacy": privacy,
        "channel": channel,
        "reporter_name": name,
        "reporter_phone": phone,
        "reporter_email": email,
        "received_at": _received_at(rng, days, channel),
        "lat": lat,
        "lon": lon,
    }


def generate_complaints(n, seed=0, start=DEFAULT_START, end=DEFAULT_END):
    """Return `n` demo complaints as dicts, sorted by `received_at`.

    Same (n, seed, start, end) gives the same list. Keys: text, category (code),
    kelurahan (code), address (str or None), kind, privacy, channel, reporter_name,
    reporter_phone, reporter_email (each str or None), received_at (aware datetime
    in Asia/Jakarta whose local date lies in [start, end]), lat/lon (floats near the
    kelurahan centroid, or both None).
    """
    if end < start:
        raise ValueError("end is before start")
    rng = random.Random(seed)
    days = [start + timedelta(days=i) for i in range((end - start).days + 1)]
    kelurahan_list = all_kelurahan()
    complaints = [_one(rng, days, kelurahan_list) for _ in range(n)]
    complaints.sort(key=lambda c: c["received_at"])
    return complaints


_DAY_NAMES = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
_MONTH_NAMES = (
    "Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli",
    "Agustus", "September", "Oktober", "November", "Desember",
)  # fmt: skip


def format_date_id(day):
    """A date in Indonesian words, e.g. "Senin, 3 Maret 2025"."""
    return f"{_DAY_NAMES[day.weekday()]}, {day.day} {_MONTH_NAMES[day.month - 1]} {day.year}"


def _working_days_after(day, count):
    while count:
        day += timedelta(days=1)
        if day.weekday() < 5:
            count -= 1
    return day


_GENERIC_ANSWERS = {
    "pengaduan": [
        "Yth. {reporter}, terima kasih atas aduan nomor {code}. {agency} telah menerima "
        "laporan Anda dan petugas akan melakukan pengecekan lapangan di wilayah "
        "Kelurahan {kelurahan} pada {date}. Perkembangan penanganan akan kami "
        "sampaikan melalui kanal ini.",
        "Yth. {reporter}, aduan nomor {code} sudah kami koordinasikan dengan bidang "
        "terkait di {agency}. Tindak lanjut di Kelurahan {kelurahan} dijadwalkan pada "
        "{date}. Mohon maaf atas ketidaknyamanan yang terjadi.",
        "Yth. {reporter}, menindaklanjuti aduan nomor {code}, tim {agency} telah "
        "melakukan peninjauan awal di Kelurahan {kelurahan}. Penanganan lanjutan akan "
        "dilaksanakan pada {date} bersama kelurahan setempat. Terima kasih atas "
        "laporannya.",
    ],
    "aspirasi": [
        "Yth. {reporter}, terima kasih atas usulan nomor {code}. {agency} mencatat "
        "usulan untuk wilayah Kelurahan {kelurahan} dan akan membahasnya dalam "
        "penyusunan rencana kerja serta Musrenbang berikutnya.",
        "Yth. {reporter}, usulan nomor {code} untuk Kelurahan {kelurahan} telah kami "
        "terima. {agency} akan mengkaji kelayakan teknis dan anggarannya; kajian awal "
        "dijadwalkan pada {date} dan hasilnya kami sampaikan melalui kanal ini.",
    ],
    "informasi": [
        "Yth. {reporter}, terima kasih atas pertanyaan nomor {code}. Persyaratan dan "
        "jadwal layanan {agency} tersedia di papan informasi kantor dan laman resmi "
        "{agency}. Petugas kami juga akan menghubungi Anda pada {date} untuk "
        "menjelaskan langkah yang perlu dilakukan di Kelurahan {kelurahan}.",
        "Yth. {reporter}, menjawab pertanyaan nomor {code}: layanan {agency} dibuka "
        "Senin sampai Jumat pada jam kerja, dan sebagian layanan dapat diajukan "
        "secara daring atau melalui kantor Kelurahan {kelurahan}. Bila masih ada yang "
        "kurang jelas, silakan membalas pesan ini.",
    ],
    "apresiasi": [
        "Yth. {reporter}, terima kasih atas apresiasi nomor {code}. Masukan ini menjadi "
        "semangat bagi seluruh petugas {agency}. Jangan ragu melapor kembali bila "
        "menemukan masalah di Kelurahan {kelurahan}.",
        "Yth. {reporter}, kami senang layanan {agency} bermanfaat bagi warga Kelurahan "
        "{kelurahan}. Apresiasi nomor {code} kami teruskan kepada petugas lapangan.",
    ],
}


def answer_for(complaint, agency_short_name):
    """A plausible agency answer (Indonesian) to a complaint from `generate_complaints`.

    Uses RESPONSE_TEMPLATES for complaints of those categories, otherwise a generic
    answer for the complaint's kind. Reads the optional key `code` (tracking code);
    without it the answer leaves the number out. The reporter's name is used only
    for public complaints, because answers are shown on the public timeline.
    Deterministic: the same complaint always gets the same answer.
    """
    kind = complaint.get("kind", "pengaduan")
    salt = zlib.crc32(complaint["text"].encode("utf-8"))
    template = RESPONSE_TEMPLATES.get(complaint["category"]) if kind == "pengaduan" else None
    if template is None:
        options = _GENERIC_ANSWERS[kind]
        template = options[salt % len(options)]
    name = complaint.get("reporter_name")
    public = complaint.get("privacy", "publik") == "publik"
    reporter = f"Bapak/Ibu {name}" if name and public else "Bapak/Ibu"
    code = complaint.get("code")
    if not code:
        template = template.replace(" nomor {code}", "")
    received = complaint["received_at"]
    when = _working_days_after(received.date(), 1 + salt % 3)
    return template.format(
        reporter=reporter,
        code=code or "",
        kelurahan=kelurahan_by_code(complaint["kelurahan"])["name"],
        agency=agency_short_name,
        date=format_date_id(when),
    )


# What became of a resolved demo complaint. Malang's agencies refer what is not the
# city's to the body that owns it (the power network to PLN, land to BPN, provincial
# roads and senior high schools to the province), and some complaints cannot be acted
# on; the shares below give the statistics each outcome to count.
REFERRALS = {
    "pju": ["PLN UP3 Malang"],
    "jalan_rusak": [
        "Dinas PU Bina Marga Provinsi Jawa Timur",
        "BBPJN Jawa Timur–Bali (jalan nasional)",
    ],
    "bangunan": ["Kantor Pertanahan (BPN) Kota Malang"],
    "pbb": ["Kantor Pertanahan (BPN) Kota Malang"],
    "jaminan_kesehatan": ["BPJS Kesehatan Cabang Malang"],
    "sekolah": ["Cabang Dinas Pendidikan Provinsi Jawa Timur Wilayah Kota Malang"],
    "ketenagakerjaan": ["Disnakertrans Provinsi Jawa Timur"],
    "lalu_lintas": ["Satlantas Polresta Malang Kota"],
    "banjir": ["BBWS Brantas"],
}
CANNOT_ACT_REASONS = [
    "Lokasi berada di lahan milik pribadi, sehingga perbaikannya menjadi tanggung jawab "
    "pemilik lahan.",
    "Prasarana perumahan belum diserahterimakan pengembang kepada Pemerintah Kota, "
    "sehingga belum dapat dibiayai APBD.",
    "Lokasi tidak dapat ditemukan dari keterangan yang ada dan pelapor tidak dapat "
    "dihubungi untuk konfirmasi.",
    "Permintaan bertentangan dengan ketentuan tata ruang (Perda RTRW Kota Malang).",
]


def _reporter_words(complaint):
    name = complaint.get("reporter_name")
    public = complaint.get("privacy", "publik") == "publik"
    return f"Bapak/Ibu {name}" if name and public else "Bapak/Ibu"


def outcome_for(complaint, roll, agency_short_name):
    """``(outcome, outcome_note, answer)`` for a resolved demo complaint.

    ``roll`` is a number in [0, 1) from the loader's random stream, so the shares hold
    over the corpus: about 1 in 8 complaints of a category another body owns is referred
    there, about 1 in 20 complaints cannot be acted on, and an explanation answers the
    questions, the praise and part of the suggestions. The rest are fixed.
    """
    kind = complaint.get("kind", "pengaduan")
    salt = zlib.crc32(complaint["text"].encode("utf-8"))
    reporter = _reporter_words(complaint)
    if kind in ("informasi", "apresiasi") or (kind == "aspirasi" and roll < 0.6):
        return "dijawab", "", answer_for(complaint, agency_short_name)
    bodies = REFERRALS.get(complaint.get("category"), [])
    if bodies and roll < 0.3:
        body = bodies[salt % len(bodies)]
        return (
            "dirujuk",
            body,
            f"Yth. {reporter}, setelah kami periksa, hal yang Anda laporkan merupakan "
            f"kewenangan {body}, bukan {agency_short_name}. Aduan Anda sudah kami teruskan "
            f"kepada {body}; Anda juga dapat menghubungi mereka secara langsung. "
            "Terima kasih atas laporannya.",
        )
    if roll > 0.94:
        reason = CANNOT_ACT_REASONS[salt % len(CANNOT_ACT_REASONS)]
        return (
            "tidak_dapat",
            reason,
            f"Yth. {reporter}, mohon maaf, aduan Anda belum dapat kami tindak lanjuti. "
            f"{reason} Bila ada keterangan baru, silakan sampaikan kembali.",
        )
    if kind == "pengaduan" and roll > 0.88:
        return "dijawab", "", answer_for(complaint, agency_short_name)
    return "ditangani", "", answer_for(complaint, agency_short_name)


def planned_answer(complaint, year, agency_short_name):
    """The answer of a complaint resolved as planned in budget year ``year``."""
    return (
        f"Yth. {_reporter_words(complaint)}, perbaikan yang Anda laporkan sudah masuk "
        f"rencana kegiatan {agency_short_name} dalam APBD {year}. Pelaksanaannya akan "
        "kami kabarkan melalui kanal ini."
    )
