"""A development set shaped like a real city's complaint archive (issue 13), generated.

It exists to tune the *method* of the routing model (how it selects and calibrates itself),
never its settings: the figures it gives are only as real as the shape it copies.

The shape: ~25 agencies, the largest taking 20-23% of complaints and the top three over half,
a long tail of agencies with a few dozen complaints a year; shares that drift between years
(one agency falls from 17% to 12%); ~6% of labels noisy (staff picked a neighbouring agency);
median 30 words, 10% over 95 words, a few over 1,000; informal Indonesian with abbreviations,
typos, street addresses, names and numbers; topics that overlap between agencies (a flooded
road is PUPR's drain or BPBD's disaster, a dead street lamp Dishub's or Perkim's).

    python -m aduan.lib.routing.devset --out /tmp/devset [--n 11000] [--seed 13]

writes ``train.csv`` (first year) and ``test.csv`` (the next half year), rows shuffled, with
columns ``isi``, ``opd``, ``kategori``, ``tanggal`` ("2022-12-20 15:21:00").
"""

import argparse
import csv
import datetime
import math
import os
import random

START = datetime.datetime(2022, 1, 1)
DAYS = 548  # a year and a half
# About 6% of labels end up noisy: 0.35 * 0.15 + 0.65 * 0.01.
AMBIGUOUS_NOISE = 0.15
RANDOM_NOISE = 0.01

# code -> (share in year 1, share in year 2, neighbours, {category: [phrases]}). Phrases use
# {jl} (a street), {kel} (a kelurahan), {nama}, {n} (a number). Shares are renormalised.
AGENCIES = {
    "DPUPR": (
        23.0,
        24.0,
        ("DLH", "BPBD", "DISPERKIM"),
        {
            "Jalan Rusak": [
                "jalan di {jl} rusak parah byk lubang",
                "aspal {jl} mengelupas",
                "jln berlubang dlm di depan gang {n}",
                "jalan ambles dkt jembatan {kel}",
                "tambalan jalan {jl} hancur lg pdhl baru diperbaiki",
                "jalan bergelombang di {jl}",
                "lubang jalan sdh memakan korban motor jatuh",
                "jalan rusak berat tdk pernah diaspal",
            ],
            "Drainase": [
                "saluran air / got di {jl} mampet",
                "drainase tersumbat kalau hujan air naik ke jalan",
                "gorong gorong ambrol di {kel}",
                "selokan meluap ke rumah warga krn salurannya sempit",
                "tutup saluran beton pecah dan bolong",
                "banjir tiap hujan krn drainase gak berfungsi",
            ],
            "Jembatan": [
                "jembatan penghubung {kel} retak",
                "pagar jembatan patah bahaya utk anak sekolah",
                "talud sungai longsor dekat {jl}",
                "plengsengan ambrol",
            ],
        },
    ),
    "DLH": (
        17.0,
        12.0,
        ("DPUPR", "DISPERKIM", "SATPOLPP"),
        {
            "Sampah": [
                "sampah menumpuk di {jl} sdh {n} hari gak diangkut",
                "tps {kel} penuh bau busuk",
                "truk sampah tdk lewat lagi",
                "warga buang sampah sembarangan di pinggir sungai",
                "sampah berserakan dimakan anjing liar",
                "kontainer sampah meluber ke jalan",
                "petugas kebersihan minta uang tambahan utk angkut sampah",
            ],
            "Pencemaran": [
                "limbah pabrik di {kel} bau menyengat",
                "asap pembakaran sampah bikin sesak napas",
                "air sungai hitam dan berbusa",
                "bau limbah peternakan ayam sampai ke rumah",
                "pohon tumbang di taman {jl} blm dipotong",
                "pohon besar rawan tumbang mohon dipangkas",
            ],
        },
    ),
    "DISHUB": (
        14.0,
        15.5,
        ("SATPOLPP", "DPUPR", "DISPERKIM"),
        {
            "Lalu Lintas": [
                "lampu lalu lintas di perempatan {jl} mati",
                "traffic light error nyala merah terus",
                "parkir liar di bahu jalan {jl} bikin macet",
                "jukir minta parkir {n} ribu gak ada karcis",
                "angkot ngetem sembarangan di {jl}",
                "rambu dilarang parkir tertutup pohon",
                "marka jalan sudah pudar",
                "macet parah tiap sore di {jl} mohon ada petugas",
                "truk besar lewat jalan kampung jam sibuk",
                "halte bus rusak atapnya bocor",
            ],
            "Penerangan Jalan": [
                "lampu jalan / pju di {jl} mati sdh {n} minggu",
                "lampu penerangan jalan redup gelap",
                "tiang lampu jalan miring mau roboh",
            ],
        },
    ),
    "PDAM": (
        6.5,
        7.0,
        ("DPUPR", "DLH"),
        {
            "Air Bersih": [
                "air pdam mati sdh {n} hari di {kel}",
                "air pdam keruh dan bau kaporit",
                "pipa pdam bocor di {jl} air terbuang",
                "tagihan air naik drastis pdhl pemakaian sama",
                "meteran air rusak tp tetap ditagih",
                "aliran air kecil cuma netes malam hari",
                "galian pipa pdam blm ditutup lagi jalan jadi rusak",
            ],
        },
    ),
    "DISDUKCAPIL": (
        6.0,
        6.5,
        ("DISKOMINFO", "KECAMATAN"),
        {
            "Kependudukan": [
                "ktp elektronik sy blm jadi sdh {n} bulan",
                "blanko ktp habis terus di kecamatan",
                "antrian kk di dukcapil panjang bgt",
                "akta kelahiran anak salah nama",
                "nik tdk terdaftar waktu daftar bpjs",
                "pindah domisili dipersulit",
                "aplikasi online dukcapil error gak bisa login",
                "kia anak blm dicetak",
            ],
        },
    ),
    "DINKES": (
        4.5,
        4.8,
        ("RSUD", "DINSOS", "DLH"),
        {
            "Kesehatan": [
                "puskesmas {kel} pelayanannya lama",
                "dokter puskesmas tdk ada di tempat",
                "banyak kasus demam berdarah di {kel} mohon fogging",
                "obat di puskesmas kosong",
                "petugas puskesmas judes ke pasien",
                "posyandu tdk ada vitamin utk balita",
                "jentik nyamuk banyak di genangan mohon pemeriksaan",
            ],
        },
    ),
    "DINSOS": (
        4.0,
        4.5,
        ("DINKES", "DISDUKCAPIL", "KECAMATAN"),
        {
            "Bantuan Sosial": [
                "bansos tdk tepat sasaran tetangga mampu dapat",
                "sy blm terima bantuan pkh",
                "bpnt bulan ini gak cair",
                "nama sy hilang dari dtks",
                "kartu kis pbi dinonaktifkan",
                "ada odgj berkeliaran di {jl}",
                "pengemis dan anak jalanan di perempatan {jl}",
            ],
        },
    ),
    "SATPOLPP": (
        3.8,
        3.6,
        ("DISHUB", "DLH", "DISPERINDAG"),
        {
            "Ketertiban": [
                "pkl jualan di trotoar {jl} pejalan kaki susah",
                "bangunan liar di bantaran sungai",
                "karaoke buka sampai subuh berisik",
                "balapan liar tiap malam minggu di {jl}",
                "reklame liar dipasang di pohon",
                "warung remang remang jual miras",
                "anak muda nongkrong mabuk bikin resah",
            ],
        },
    ),
    "DISDIK": (
        3.5,
        3.8,
        ("DISKOMINFO", "DINSOS"),
        {
            "Pendidikan": [
                "ppdb zonasi tdk adil anak sy gak diterima",
                "sekolah minta uang seragam {n} ribu",
                "guru honorer blm digaji {n} bulan",
                "atap kelas sd negeri {kel} bocor",
                "pungutan les tambahan di smp",
                "website ppdb down terus",
                "kip sekolah blm cair",
            ],
        },
    ),
    "DISPERKIM": (
        3.0,
        2.6,
        ("DPUPR", "DISHUB", "DLH"),
        {
            "Permukiman": [
                "bedah rumah tdk jelas kapan",
                "rumah tidak layak huni di {kel} blm dibantu",
                "pju taman gelap lampunya mati",
                "taman kota {jl} kotor dan rusak",
                "psu perumahan blm diserahkan developer",
                "makam umum penuh dan tdk terawat",
                "lampu jalan di perumahan mati sdh lama",
            ],
        },
    ),
    "BPBD": (
        2.6,
        2.4,
        ("DPUPR", "DAMKAR", "DINSOS"),
        {
            "Bencana": [
                "banjir setinggi lutut di {kel} mohon bantuan",
                "tanah longsor menimpa rumah warga",
                "pohon tumbang menutup jalan {jl} saat angin kencang",
                "rumah rusak diterjang puting beliung",
                "air sungai meluap warga mengungsi",
                "tanggul jebol air masuk pemukiman",
            ],
        },
    ),
    "DISPERINDAG": (
        2.4,
        2.6,
        ("SATPOLPP", "DLH"),
        {
            "Pasar": [
                "harga minyak goreng di pasar mahal",
                "timbangan pedagang pasar {kel} curang",
                "retribusi pasar naik tanpa sosialisasi",
                "atap pasar bocor kios becek",
                "gas elpiji 3 kg langka",
                "los pasar kosong dipakai gelandangan",
            ],
        },
    ),
    "RSUD": (
        2.2,
        2.3,
        ("DINKES", "DINSOS"),
        {
            "Rumah Sakit": [
                "pelayanan igd rsud lambat pasien terlantar",
                "antrian poli rsud dari subuh",
                "pasien bpjs ditolak rsud kamar penuh",
                "perawat rsud kurang ramah",
                "biaya rawat inap rsud tdk transparan",
                "parkir rsud mahal",
            ],
        },
    ),
    "DISKOMINFO": (
        2.0,
        2.0,
        ("DISDUKCAPIL", "DISDIK"),
        {
            "Layanan Digital": [
                "aplikasi lapor tdk bisa dibuka",
                "wifi gratis di taman {jl} mati",
                "website pemkot tdk update",
                "tower bts berdiri tanpa izin dkt rumah",
                "cctv kota di {jl} mati",
                "hoaks beredar di grup wa mohon klarifikasi",
            ],
        },
    ),
    "BAPENDA": (
        1.6,
        1.8,
        ("DPMPTSP", "KECAMATAN"),
        {
            "Pajak Daerah": [
                "pbb sy naik {n} persen tanpa pemberitahuan",
                "sppt pbb salah nama pemilik",
                "bayar pajak online gagal tp saldo terpotong",
                "denda pbb padahal sdh bayar",
                "pajak restoran dipungut tp tdk ada struk",
            ],
        },
    ),
    "DPMPTSP": (
        1.3,
        1.2,
        ("BAPENDA", "SATPOLPP"),
        {
            "Perizinan": [
                "izin pbg sdh {n} bulan blm terbit",
                "oss error tdk bisa ajukan nib",
                "bangunan tanpa imb berdiri di {jl}",
                "pungli saat urus izin usaha",
                "izin keramaian dipersulit",
            ],
        },
    ),
    "DAMKAR": (
        1.0,
        1.0,
        ("BPBD",),
        {
            "Kebakaran": [
                "hidran di {jl} tdk berfungsi",
                "mobil damkar datang telat rumah habis terbakar",
                "sarang tawon besar di pohon dkt rumah",
                "ular masuk rumah mohon evakuasi",
                "kebakaran lahan kosong asapnya tebal",
            ],
        },
    ),
    "KECAMATAN": (
        1.0,
        1.0,
        ("DISDUKCAPIL", "DINSOS", "BAPENDA"),
        {
            "Layanan Kecamatan": [
                "pelayanan di kantor kecamatan lambat",
                "surat pengantar dari kelurahan dipersulit",
                "lurah {kel} jarang di kantor",
                "pungutan surat domisili {n} ribu",
                "ketua rt minta uang utk surat keterangan",
            ],
        },
    ),
    "DISNAKER": (
        0.7,
        0.8,
        ("DINSOS", "DPMPTSP"),
        {
            "Ketenagakerjaan": [
                "gaji di bawah umk kota",
                "phk sepihak tanpa pesangon",
                "thr tdk dibayar perusahaan",
                "kartu kuning ak1 lama jadi",
                "bpjs ketenagakerjaan tdk didaftarkan perusahaan",
            ],
        },
    ),
    "DISPORA": (
        0.5,
        0.45,
        ("DISPERKIM", "DISPAR"),
        {
            "Olahraga": [
                "gor kota kotor toiletnya rusak",
                "lapangan {kel} dipakai parkir",
                "stadion tdk boleh dipakai latihan warga",
                "alat fitnes taman rusak",
            ],
        },
    ),
    "DISPAR": (
        0.45,
        0.5,
        ("DISPORA", "DISPERINDAG"),
        {
            "Pariwisata": [
                "tiket wisata alun alun mahal",
                "toilet objek wisata jorok",
                "festival budaya bikin macet tanpa pengaturan",
                "cagar budaya dibongkar",
            ],
        },
    ),
    "DP3AP2KB": (
        0.4,
        0.45,
        ("DINSOS", "DINKES"),
        {
            "Perlindungan Anak": [
                "kdrt di rumah tetangga {jl}",
                "anak tetangga ditelantarkan orang tuanya",
                "pelecehan anak di sekitar {kel}",
                "layanan kb gratis tdk ada di puskesmas",
            ],
        },
    ),
    "DISPERTAN": (
        0.35,
        0.3,
        ("DLH", "DISPERINDAG"),
        {
            "Pertanian": [
                "pupuk subsidi langka utk petani",
                "hama tikus serang sawah {kel}",
                "irigasi sawah kering",
                "sapi warga kena pmk mohon vaksin",
                "anjing liar gigit warga mohon tangkap",
            ],
        },
    ),
    "BKPSDM": (
        0.3,
        0.3,
        ("DISDIK", "KECAMATAN"),
        {
            "Kepegawaian": [
                "asn kelurahan bolos jam kerja",
                "pegawai main hp saat melayani",
                "hasil seleksi pppk tdk transparan",
                "tunjangan pegawai telat dibayar",
            ],
        },
    ),
    "INSPEKTORAT": (
        0.25,
        0.3,
        ("BKPSDM", "KECAMATAN"),
        {
            "Pengaduan Pungli": [
                "oknum pegawai minta uang pelicin",
                "dugaan korupsi dana kelurahan",
                "proyek fiktif di {kel}",
                "pungli di loket pelayanan",
            ],
        },
    ),
}

STREETS = [
    "Jl. Sudirman",
    "Jl. A. Yani",
    "Jl. Diponegoro",
    "Jl. Gajah Mada",
    "Jl. Pahlawan",
    "Jl. Merdeka",
    "Jl. Veteran",
    "Jl. Kartini",
    "Jl. Pemuda",
    "Jl. Imam Bonjol",
    "Jl. Hayam Wuruk",
    "Jl. Teuku Umar",
    "Jl. Cokroaminoto",
    "Jl. Slamet Riyadi",
    "Jl. Melati",
    "Jl. Mawar",
    "Jl. Kenanga",
    "Jl. Raya Timur",
    "Jl. Basuki Rahmat",
    "Jl. Panglima Sudirman",
    "jalan Soekarno Hatta",
    "jln. Dr. Sutomo",
    "Jl. WR Supratman",
    "Jl. Letjen Suprapto",
]
KELURAHAN = [
    "Sukamaju",
    "Karangrejo",
    "Sumbersari",
    "Tegalsari",
    "Kebonagung",
    "Mojosari",
    "Pandanwangi",
    "Bunulrejo",
    "Kauman",
    "Kidul Dalem",
    "Sukoharjo",
    "Purwantoro",
    "Lowokwaru",
    "Jatimulyo",
    "Tlogomas",
    "Dinoyo",
    "Ketawanggede",
    "Sawojajar",
    "Madyopuro",
    "Lesanpuro",
    "Cemorokandang",
]
NAMES = ["Budi", "Siti", "Agus", "Dewi", "Rahmat", "Sri", "Joko", "Ani", "Hendra", "Yuli", "Wawan"]

GREETINGS = [
    "selamat pagi pak",
    "selamat siang min",
    "assalamualaikum wr wb",
    "pagi min",
    "mohon maaf pak",
    "permisi admin",
    "halo lapor",
    "yth bapak ibu",
    "sore pak",
    "",
    "",
    "",
    "",
]
INTROS = [
    "sy warga {kel} mau lapor",
    "sy {nama} warga rt {n} rw {n}",
    "mau tanya sekaligus lapor",
    "numpang lapor min",
    "sy mewakili warga {jl}",
    "",
    "",
    "",
]
REQUESTS = [
    "mohon segera ditindaklanjuti",
    "tolong dong diperhatikan",
    "mohon bantuannya pak",
    "sdh lapor ke rt tp gak ada tindakan",
    "tlg jgn cuma janji",
    "kapan diperbaiki min",
    "warga sdh resah",
    "terima kasih",
    "mksh",
    "mohon dicek ke lokasi",
    "",
    "",
]
ADDRESSES = [
    "lokasi {jl} no {n} rt {n} rw {n} kel {kel}",
    "alamat {jl} gang {n} kel {kel}",
    "dekat masjid {kel}",
    "depan indomaret {jl}",
    "sebelah sd negeri {n} {kel}",
    "hp sy 08{phone}",
    "{jl} km {n}",
    "",
]
# Filler of long, narrative complaints: nothing in it says which agency should act.
NARRATIVE = [
    "kejadian ini sdh berulang kali",
    "dulu pernah dilaporkan lewat wa tp tdk ada balasan",
    "sy sbg warga merasa dirugikan",
    "tiap hari sy lewat situ jam {n} pagi",
    "anak sy hampir celaka kemarin",
    "sdh {n} kali sy datang ke kantor tp disuruh balik",
    "katanya nunggu anggaran tahun depan",
    "pak rt bilang sdh diteruskan ke kelurahan",
    "tolong pemerintah kota jgn tutup mata",
    "banyak warga yg mengeluh hal yg sama",
    "sy punya foto dan video kalau diperlukan",
    "sy bayar pajak tiap tahun tepat waktu",
    "kemarin malam hujan deras sampai subuh",
    "tetangga sy pak {nama} juga mengalami",
    "pdhl sdh viral di medsos",
    "kami minta kejelasan kapan ditangani",
]
ABBREVIATIONS = {
    "yang": "yg",
    "tidak": "tdk",
    "sudah": "sdh",
    "saya": "sy",
    "dengan": "dgn",
    "karena": "krn",
    "belum": "blm",
    "tolong": "tlg",
    "banget": "bgt",
    "gak": "ga",
    "jalan": "jln",
    "dekat": "dkt",
}
EXPANSIONS = {short: long for long, short in ABBREVIATIONS.items()}


def _shares(year_weight):
    """Agency shares at a moment ``year_weight`` (0 = year one, 1 = year two) of the drift."""
    raw = {
        code: (1 - year_weight) * first + year_weight * second
        for code, (first, second, _n, _t) in AGENCIES.items()
    }
    total = sum(raw.values())
    return {code: share / total for code, share in raw.items()}


def _fill(rng, template):
    text = template
    while "{" in text:
        text = (
            text.replace("{jl}", rng.choice(STREETS), 1)
            .replace("{kel}", rng.choice(KELURAHAN), 1)
            .replace("{nama}", rng.choice(NAMES), 1)
            .replace("{n}", str(rng.choice((1, 2, 3, 4, 5, 7, 10, 12, 15, 20, 50, 100))), 1)
            .replace("{phone}", str(rng.randrange(10**9, 10**10)), 1)
        )
    return text


def _typos(rng, text):
    words = text.split()
    for i, word in enumerate(words):
        roll = rng.random()
        if roll < 0.04 and len(word) > 4:
            j = rng.randrange(1, len(word) - 1)
            words[i] = word[:j] + word[j + 1 :]  # a dropped letter
        elif roll < 0.07 and len(word) > 3:
            j = rng.randrange(len(word) - 1)
            words[i] = word[:j] + word[j + 1] + word[j] + word[j + 2 :]  # swapped letters
        elif roll < 0.30:
            words[i] = ABBREVIATIONS.get(word) or EXPANSIONS.get(word) or word
    return " ".join(words)


def _length(rng):
    """Target words: lognormal (median 30, 10% over 95), plus a rare wall of text."""
    if rng.random() < 0.0008:
        return rng.randrange(1000, 1600)
    return max(4, round(math.exp(math.log(22) + 1.05 * rng.gauss(0, 1))))


def _complaint(rng, code):
    _first, _second, neighbours, topics = AGENCIES[code]
    category = rng.choice(sorted(topics))
    own = topics[category]
    target = _length(rng)
    parts = [_fill(rng, rng.choice(GREETINGS)), _fill(rng, rng.choice(INTROS))]
    parts.append(_fill(rng, rng.choice(own)))
    mentioned = None
    if rng.random() < 0.35:
        # A neighbour's topic in passing: real complaints mention more than one thing.
        mentioned = rng.choice(neighbours)
        other = AGENCIES[mentioned][3]
        parts.append(_fill(rng, rng.choice(other[rng.choice(sorted(other))])))
    parts.append(_fill(rng, rng.choice(ADDRESSES)))
    words = sum(len(p.split()) for p in parts)
    while words < target:
        roll = rng.random()
        pool = own if roll < 0.25 else NARRATIVE if roll < 0.9 else ADDRESSES
        sentence = _fill(rng, rng.choice(pool))
        parts.insert(rng.randrange(2, len(parts) + 1), sentence)
        words += len(sentence.split())
    parts.append(_fill(rng, rng.choice(REQUESTS)))
    text = ". ".join(p for p in parts if p)
    if rng.random() < 0.3:
        text = text.upper() if rng.random() < 0.2 else text.capitalize()
    return _typos(rng, text), category, mentioned


def generate(n=11_000, seed=13):
    """``n`` complaints over a year and a half, oldest first, as dicts with ``text``, ``label``
    (the agency staff chose, noisy), ``true_label``, ``category`` and ``date`` (datetime)."""
    rng = random.Random(seed)
    codes = list(AGENCIES)
    rows = []
    for i in range(n):
        seconds = int((i + rng.random()) / n * DAYS * 86400)
        date = START + datetime.timedelta(seconds=seconds)
        # Shares hold through most of a year, then drift over the turn of the year.
        shares = _shares(min(1.0, max(0.0, ((date - START).days - 320) / 90)))
        code = rng.choices(codes, weights=[shares[c] for c in codes])[0]
        text, category, mentioned = _complaint(rng, code)
        label = code
        # Staff err where the text gives them reason to: mostly on complaints that also
        # mention a neighbouring agency's topic (which they then pick), rarely at random.
        if mentioned is not None and rng.random() < AMBIGUOUS_NOISE:
            label = mentioned
        elif rng.random() < RANDOM_NOISE:
            label = rng.choice(codes)
        rows.append(
            {"text": text, "label": label, "true_label": code, "category": category, "date": date}
        )
    return rows


def split(rows, train_days=365, test_days=182):
    """Train on the first ``train_days``, test on the following ``test_days``."""
    cut = START + datetime.timedelta(days=train_days)
    end = cut + datetime.timedelta(days=test_days)
    return [r for r in rows if r["date"] < cut], [r for r in rows if cut <= r["date"] < end]


def write_csv(path, rows, seed=0):
    """Write rows in a shuffled order (as a city's export may be), with a ``tanggal`` column."""
    rows = list(rows)
    random.Random(seed).shuffle(rows)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["isi", "opd", "kategori", "tanggal"])
        for r in rows:
            writer.writerow(
                [r["text"], r["label"], r["category"], r["date"].strftime("%Y-%m-%d %H:%M:%S")]
            )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", required=True, help="directory for train.csv and test.csv")
    parser.add_argument("--n", type=int, default=11_000)
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    train, test = split(generate(args.n, args.seed))
    write_csv(os.path.join(args.out, "train.csv"), train, seed=1)
    write_csv(os.path.join(args.out, "test.csv"), test, seed=2)
    print(f"{len(train)} training and {len(test)} test complaints in {args.out}")


if __name__ == "__main__":
    main()
