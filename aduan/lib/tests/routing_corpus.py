"""A deterministic generator of informal Indonesian complaints for routing tests and benchmarks.

It is not meant to look like a real city's data set so much as to be hard in the same ways:
imbalanced agencies, a rare agency, topics that sit between two agencies (a road dug up for a
water pipe, a flood caused by rubbish), label noise from moderators, typos, abbreviations,
Javanese, boilerplate that says nothing about the agency, seasons (floods in the rainy months,
school admissions in June), and phrasings that only appear in the later months so a date split
rewards generalisation.
"""

import dataclasses
import datetime
import random

START = datetime.date(2023, 1, 1)
DAYS = 730
# Phrasings marked "late" only occur from this date on.
LATE_FROM = datetime.date(2024, 7, 1)


@dataclasses.dataclass(frozen=True)
class SyntheticComplaint:
    text: str
    agency: str
    category: str
    kelurahan: str
    channel: str
    date: datetime.date

    @property
    def extra(self):
        return {"category": self.category, "kelurahan": self.kelurahan, "channel": self.channel}


# agency -> (share of complaints, {category: [core phrasings]}). A phrasing prefixed with "late:"
# is only used from LATE_FROM on. {jalan} and {tempat} are filled in per complaint.
AGENCIES = {
    "Dinas PUPR": (
        0.22,
        {
            "Jalan Rusak": [
                "jalan di {jalan} rusak parah banyak lubang",
                "aspal {jalan} mengelupas dan berlubang besar",
                "jalan berlubang dalam di {jalan}, sudah ada pengendara motor jatuh",
                "{jalan} ambles dan retak, bahaya kalau malam",
                "tambalan jalan di {jalan} sudah hancur lagi padahal baru diperbaiki",
                "dalan rusak pol neng {jalan}, ban motor pecah",
                "late:jalan {jalan} bergelombang setelah proyek betonisasi, mobil sering terantuk",
                "late:paving di {jalan} lepas lepas dan amblas",
            ],
            "Trotoar dan Jembatan": [
                "trotoar di {jalan} rusak dan keramiknya pecah",
                "jembatan kecil dekat {tempat} retak dan pagar pengamannya hilang",
                "pembatas jembatan di {jalan} patah, anak anak bisa jatuh",
                "late:trotoar baru di {jalan} sudah retak retak padahal baru selesai",
            ],
        },
    ),
    "DLH": (
        0.17,
        {
            "Sampah": [
                "sampah di tps {tempat} menumpuk dan tidak diangkut sudah seminggu",
                "truk sampah tidak lewat lagi, sampah warga menumpuk di pinggir {jalan}",
                "tumpukan sampah liar di {jalan} bau busuk sekali dan banyak lalat",
                "ada yang membakar sampah tiap sore di dekat {tempat}, asapnya masuk rumah",
                "bak sampah di {tempat} penuh meluber sampai ke jalan",
                "late:petugas gerobak sampah minta iuran tambahan tapi sampah tetap tidak diambil",
            ],
            "Pencemaran": [
                "limbah pabrik dibuang ke sungai dekat {tempat}, airnya hitam dan bau",
                "bau menyengat dari peternakan ayam di {jalan}",
                "asap pabrik di {jalan} bikin sesak napas warga",
            ],
            "Pohon dan Taman": [
                "pohon besar di {jalan} miring hampir tumbang, mohon dipangkas",
                "dahan pohon patah menimpa kabel di {jalan}",
                "taman di {tempat} tidak terawat, rumput tinggi",
            ],
        },
    ),
    "Dinas SDA": (
        0.12,
        {
            "Banjir dan Drainase": [
                "selokan di {jalan} mampet, kalau hujan air meluap ke rumah warga",
                "banjir setinggi lutut di {jalan} tiap hujan deras",
                "saluran drainase di {tempat} tersumbat lumpur dan sampah",
                "gorong gorong di {jalan} ambrol sehingga air menggenang",
                "got depan rumah tidak mengalir, airnya hitam dan jadi sarang nyamuk",
                "genangan air di {jalan} tidak surut surut setelah hujan",
                "late:pompa air di underpass {jalan} tidak jalan, genangan sampai sepinggang",
            ],
            "Sungai": [
                "tanggul sungai dekat {tempat} jebol, air masuk permukiman",
                "sungai dangkal penuh sedimen, mohon dinormalisasi",
            ],
        },
    ),
    "Dishub": (
        0.10,
        {
            "Parkir": [
                "parkir liar di {jalan} bikin macet",
                "jukir di {tempat} minta tarif parkir lima ribu padahal resminya dua ribu",
                "tukang parkir tidak memberi karcis di {tempat}",
                "late:parkir di {tempat} sudah pakai qris tapi jukir tetap minta tunai",
            ],
            "Lalu Lintas": [
                "lampu lalu lintas di perempatan {jalan} mati, kendaraan saling serobot",
                "lampu merah di simpang {jalan} rusak nyala kuning terus",
                "bangjo di {jalan} mati, macet parah",
                "rambu lalu lintas di {jalan} roboh",
                "angkot ngetem sembarangan di {jalan} bikin macet",
                "truk besar lewat {jalan} padahal ada larangan",
            ],
        },
    ),
    "Disperkim": (
        0.09,
        {
            "Penerangan Jalan": [
                "lampu pju di {jalan} mati sudah seminggu, gelap dan rawan begal",
                "lampu jalan di {jalan} padam semua",
                "penerangan jalan umum di {tempat} mati, mohon diganti",
                "tiang lampu jalan di {jalan} miring hampir roboh",
                "lampu penerangan di gang rumah saya kedip kedip lalu mati",
                "late:lampu jalan tenaga surya di {jalan} tidak menyala lagi",
            ],
            "Perumahan": [
                "fasum perumahan {tempat} belum diserahkan ke pemkot, jalan tidak terawat",
                "rumah tidak layak huni di {tempat} belum dapat bantuan bedah rumah",
            ],
        },
    ),
    "Perumda Air Minum": (
        0.08,
        {
            "Air Mati": [
                "air pdam mati sudah tiga hari di {tempat}",
                "air tidak mengalir sejak kemarin di {tempat}, tolong segera",
                "air pdam keruh dan berbau kaporit",
                "aliran air kecil sekali kalau pagi di {tempat}",
                "late:air mati bergilir tanpa pemberitahuan di {tempat}",
            ],
            "Pipa dan Tagihan": [
                "pipa pdam bocor di {jalan}, air terbuang sia sia",
                "tagihan air bulan ini naik drastis padahal pemakaian biasa",
                "meteran air rusak tapi tetap ditagih",
                "galian pipa pdam di {jalan} tidak ditutup kembali",
            ],
        },
    ),
    "Satpol PP": (
        0.07,
        {
            "Ketertiban": [
                "pkl berjualan di trotoar {jalan}, pejalan kaki terpaksa lewat jalan",
                "pedagang kaki lima memakan badan jalan di {tempat}",
                "bangunan liar di bantaran sungai dekat {tempat}",
                "reklame liar dipasang di pohon sepanjang {jalan}",
                "banyak pengemis dan anak punk di perempatan {jalan}",
                "tempat karaoke di {jalan} buka sampai pagi dan jual miras",
                "late:lapak pedagang takjil memenuhi trotoar {jalan} sampai malam",
            ],
        },
    ),
    "Dispendukcapil": (
        0.06,
        {
            "KTP dan KK": [
                "ktp elektronik saya belum jadi padahal sudah rekam sejak bulan lalu",
                "blanko ektp habis terus di kecamatan",
                "nama di kartu keluarga salah ketik, mohon dibetulkan",
                "sudah urus pindah domisili tapi kk belum terbit",
                "nik saya tidak terdaftar saat daftar bpjs, katanya data dukcapil",
                "late:aktivasi ikd identitas kependudukan digital gagal terus",
            ],
            "Akta": [
                "akta kelahiran anak saya belum jadi sudah sebulan",
                "antrean akta kematian di dispendukcapil panjang sekali",
            ],
        },
    ),
    "Dinkes": (
        0.05,
        {
            "Pelayanan Kesehatan": [
                "pelayanan puskesmas {tempat} lama sekali, antre dari pagi",
                "petugas puskesmas judes kepada pasien lansia",
                "obat di puskesmas kosong, disuruh beli sendiri",
                "pasien bpjs ditolak di puskesmas {tempat}",
                "late:jadwal imunisasi di posyandu {tempat} tidak jelas",
            ],
            "Penyakit": [
                "banyak warga kena demam berdarah di {tempat}, mohon fogging",
                "ada kasus diare massal di {tempat} setelah makan hajatan",
            ],
        },
    ),
    "Disdik": (
        0.035,
        {
            "Sekolah": [
                "sistem zonasi ppdb tidak adil, anak saya tidak diterima di sd dekat rumah",
                "sekolah minta uang gedung padahal sekolah negeri",
                "guru di sdn {tempat} sering tidak masuk kelas",
                "atap ruang kelas sdn {tempat} bocor dan hampir roboh",
                "pungutan seragam di smpn {tempat} mahal sekali",
                "late:website ppdb error terus saat pendaftaran jalur afirmasi",
            ],
        },
    ),
    "Damkar": (
        0.005,
        {
            "Kebakaran": [
                "ada sarang tawon besar di atap rumah {tempat}, mohon dievakuasi",
                "hidran di {jalan} bocor dan tidak pernah dicek",
            ],
        },
    ),
}

# Complaints that name another agency's object, routed by what the moderator judged the cause.
CROSSOVERS = [
    (
        "Perumda Air Minum",
        "Pipa dan Tagihan",
        "jalan {jalan} rusak berlubang bekas galian pipa pdam",
    ),
    ("DLH", "Sampah", "selokan di {jalan} penuh sampah, baunya busuk"),
    ("Dinas SDA", "Banjir dan Drainase", "banjir di {jalan} karena saluran tertutup sampah"),
    ("Satpol PP", "Ketertiban", "jalan {jalan} macet karena pkl berjualan di bahu jalan"),
    ("Dishub", "Lalu Lintas", "lampu lalu lintas dan lampu jalan di {jalan} mati dua duanya"),
    ("Dinas PUPR", "Jalan Rusak", "jalan rusak di {jalan} tergenang air kalau hujan"),
    ("Disdik", "Sekolah", "toilet sekolah sdn {tempat} kotor dan airnya mati"),
]

# Follow-ups and vague complaints that name no topic: in real histories they are routed to
# whichever agency handled the first report, so the text alone cannot tell.
VAGUE = [
    "laporan saya minggu lalu belum ada tanggapan sama sekali",
    "sudah lapor tiga kali tidak ada respon, mohon ditindaklanjuti",
    "kapan diperbaiki pak? warga sudah menunggu lama",
    "mohon dicek ke lokasi, kondisinya makin parah",
    "petugas sudah datang tapi belum ada perbaikan",
    "tolong jangan hanya difoto lalu ditinggal",
]

KELURAHAN = [
    "Sukun",
    "Bandungrejosari",
    "Klojen",
    "Oro-oro Dowo",
    "Lowokwaru",
    "Tlogomas",
    "Dinoyo",
    "Sawojajar",
    "Kedungkandang",
    "Blimbing",
    "Purwantoro",
    "Polehan",
    "Jodipan",
    "Kotalama",
    "Merjosari",
    "Tunggulwulung",
    "Bareng",
    "Kauman",
    "Gadingkasri",
    "Mulyorejo",
]
STREETS = [
    "Jl. Merdeka",
    "Jl. Soekarno Hatta",
    "jln veteran",
    "jl.ijen",
    "Jalan Kawi",
    "jl galunggung",
    "Jl. Letjen Sutoyo",
    "jln. sulfat",
    "Jl Danau Toba",
    "jl. raya tlogomas",
    "jalan mayjen panjaitan",
    "Jl. Kolonel Sugiono",
    "jl gadang",
    "Jl. S. Supriadi",
    "jln terusan dieng",
    "jl. bunga kenanga",
]
PLACES = [
    "pasar besar",
    "perumahan griya asri",
    "dekat masjid",
    "depan sd",
    "kampung warna warni",
    "belakang kantor kelurahan",
    "gang 3",
    "dekat stasiun",
    "samping alun alun",
    "dekat kampus",
]
CHANNELS = ["web", "android", "sms", "whatsapp", "twitter", "instagram"]
CHANNEL_SHARE = [0.3, 0.25, 0.1, 0.2, 0.1, 0.05]

GREETINGS = [
    "",
    "",
    "selamat pagi min",
    "assalamualaikum",
    "permisi pak",
    "min tolong",
    "lapor min",
    "yth bapak walikota",
    "sugeng enjing",
    "halo admin",
]
LOCATION_INTROS = [
    "",
    "",
    "saya warga rt 03/rw 05 kel. {kel}",
    "di daerah {kel}",
    "lokasi: {tempat}, kel {kel}",
    "alamat rt.2 rw.7 {kel}",
    "warga {kel} mau lapor",
]
DURATIONS = [
    "",
    "",
    "sudah 2 minggu",
    "dari kemarin",
    "sejak bulan lalu",
    "udah lama banget",
    "sudah dilaporkan ke rt tapi tidak ada tindakan",
]
PLEAS = [
    "",
    "mohon segera ditindaklanjuti",
    "tolong diperbaiki",
    "mohon perhatiannya",
    "tolong segera ditangani",
    "pripun niki pak",
    "kapan ditangani??",
    "kami sudah capek lapor",
]
CLOSINGS = [
    "",
    "",
    "terima kasih",
    "matur nuwun",
    "makasih min",
    "hub saya di {hp}",
    "wa {hp}",
    "foto ada di https://bit.ly/{code}",
]
EMOJI = ["", "", "", " 🙏", " 😡😡", " 😭", " 👍", "!!!", "??"]

# Indonesian word -> informal spellings seen in the wild (the reverse of the normaliser's map,
# plus some it does not know, so tests also cover words the model must learn by itself).
INFORMAL = {
    "yang": ["yg"],
    "tidak": ["tdk", "gak", "ga", "gk", "nggak", "ndak"],
    "sudah": ["sdh", "udh", "udah"],
    "belum": ["blm"],
    "karena": ["krn", "karna"],
    "dengan": ["dgn"],
    "untuk": ["utk"],
    "tapi": ["tp"],
    "banget": ["bgt"],
    "saya": ["sy", "aku"],
    "jalan": ["jln", "jl", "dalan"],
    "tolong": ["tlg", "tolongg", "tolonggg"],
    "mohon": ["mhn"],
    "sekali": ["bgt", "sekaliii"],
    "rusak": ["rusakk", "rusaaak"],
    "sampah": ["sampahh", "smpah"],
    "lampu": ["lampuu"],
    "air": ["aer", "banyu"],
    "padahal": ["pdhl"],
    "banyak": ["bnyk", "byk"],
    "sekarang": ["skrg"],
}


def _typo(word, rng):
    if len(word) < 5 or not word.isalpha():
        return word
    i = rng.randrange(1, len(word) - 1)
    kind = rng.random()
    if kind < 0.4:
        return word[:i] + word[i + 1 :]
    if kind < 0.7:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    return word[:i] + word[i] + word[i:]


def _roughen(text, rng, informality):
    """Apply the citizen's spelling: abbreviations, typos and elongation, word by word."""
    words = []
    for word in text.split():
        r = rng.random()
        if word in INFORMAL and r < informality:
            word = rng.choice(INFORMAL[word])
        elif r < informality * 0.12:
            word = _typo(word, rng)
        words.append(word)
    return " ".join(words)


def _phone(rng):
    digits = "".join(str(rng.randrange(10)) for _ in range(8))
    return (
        rng.choice(["08", "+62 8", "628"])
        + "1"
        + rng.choice(["2", "3", "5"])
        + "-"
        + digits[:4]
        + "-"
        + digits[4:]
    )


def _pick_agency(rng, day):
    weights = []
    for name, (share, _) in AGENCIES.items():
        # Rainy season (November to March) doubles floods; school admissions peak in June-July.
        if name == "Dinas SDA" and day.month in (11, 12, 1, 2, 3):
            share *= 2
        if name == "Disdik" and day.month in (6, 7):
            share *= 3
        weights.append(share)
    return rng.choices(list(AGENCIES), weights)[0]


def generate(n, seed=0, label_noise=0.04, vague=0.05):
    """Return ``n`` complaints in date order; the same arguments always give the same list.

    ``label_noise`` is the share of complaints whose agency is replaced at random; ``vague`` the
    share that names no topic at all.
    """
    rng = random.Random(seed)
    days = sorted(rng.randrange(DAYS) for _ in range(n))
    out = []
    for offset in days:
        day = START + datetime.timedelta(days=offset)
        draw = rng.random()
        if draw < 0.06:
            agency, category, core = rng.choice(CROSSOVERS)
        elif draw < 0.06 + vague:
            agency = _pick_agency(rng, day)
            category = rng.choice(list(AGENCIES[agency][1]))
            core = rng.choice(VAGUE)
        else:
            agency = _pick_agency(rng, day)
            categories = AGENCIES[agency][1]
            category = rng.choice(list(categories))
            phrasings = [
                p for p in categories[category] if day >= LATE_FROM or not p.startswith("late:")
            ]
            core = rng.choice(phrasings).removeprefix("late:")
        kelurahan = rng.choice(KELURAHAN)
        fill = {
            "jalan": rng.choice(STREETS),
            "tempat": rng.choice(PLACES),
            "kel": kelurahan,
            "hp": _phone(rng),
            "code": "".join(rng.choice("abcdefghjkmnpqrstuvwxyz23456789") for _ in range(6)),
        }
        parts = [
            rng.choice(GREETINGS),
            rng.choice(LOCATION_INTROS),
            core,
            rng.choice(DURATIONS),
            rng.choice(PLEAS),
        ]
        if rng.random() < 0.3 and core not in VAGUE:
            # A second, milder complaint about the same agency makes texts longer and less clean.
            other = [
                p
                for p in AGENCIES[agency][1][category]
                if day >= LATE_FROM or not p.startswith("late:")
            ]
            parts.append("selain itu " + rng.choice(other).removeprefix("late:"))
        parts.append(rng.choice(CLOSINGS))
        text = ". ".join(p.format(**fill) for p in parts if p)
        text = _roughen(text, rng, informality=rng.choice([0.0, 0.3, 0.6, 0.9]))
        style = rng.random()
        if style < 0.1:
            text = text.upper()
        elif style < 0.4:
            text = text.capitalize()
        text += rng.choice(EMOJI)
        if rng.random() < label_noise:
            # Moderators misroute too; the history the model learns from carries those mistakes.
            agency = rng.choice([a for a in AGENCIES if a != agency])
            category = rng.choice(list(AGENCIES[agency][1]))
        channel = rng.choices(CHANNELS, CHANNEL_SHARE)[0]
        out.append(SyntheticComplaint(text, agency, category, kelurahan, channel, day))
    return out


def split_by_date(complaints, cutoff):
    """Older than ``cutoff`` to train, the rest to test, as the real evaluation does."""
    return [c for c in complaints if c.date < cutoff], [c for c in complaints if c.date >= cutoff]
