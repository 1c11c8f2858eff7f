"""Master data of Kota Malang for the demo: areas, agencies, staff personas.

Area codes are the Kemendagri codes (Kepmendagri on kode dan data wilayah, the
`35.73.xx.xxxx` form that BMKG and Dukcapil also use). Note that Kemendagri numbers
the kecamatan differently from BPS: 01 Blimbing, 02 Klojen, 03 Kedungkandang,
04 Sukun, 05 Lowokwaru. Coordinates are approximate centroids (about 1 km).

Agencies follow the structure in force since 2020 (Perda Kota Malang 5/2019, which
merged DPUPR with Disperkim into DPUPRPKP, Dinas Sosial with DP3AP2KB, and so on).
Street lights (PJU) therefore sit with DPUPRPKP, as they do in Malang today.
Every e-mail address is fictional and on the demo.aduan.id domain.

Categories, streets and landmarks, reply templates and rejection reasons live in
sibling modules and are re-exported here so that callers need a single import.
"""

from aduan.demo.categories import CATEGORIES
from aduan.demo.places import LANDMARKS, STREETS
from aduan.demo.replies import REJECTION_REASONS, RESPONSE_TEMPLATES

__all__ = [
    "AGENCIES",
    "CATEGORIES",
    "CITY",
    "CITY_BOUNDS",
    "KECAMATAN",
    "LANDMARKS",
    "REJECTION_REASONS",
    "RESPONSE_TEMPLATES",
    "STAFF",
    "STAFF_ROLES",
    "STREETS",
    "agency_by_code",
    "all_kelurahan",
    "category_by_code",
    "kecamatan_of",
    "kelurahan_by_code",
]

# A box a little wider than the city's outline; anything outside is not Kota Malang.
CITY_BOUNDS = {"lat_min": -8.06, "lat_max": -7.90, "lon_min": 112.56, "lon_max": 112.70}

# The deployment's own facts (core.City) for the demo. The SMS number and the contact
# address are fictional, like every address of the demo.
CITY = {
    "name": "Kota Malang",
    "short_name": "Malang",
    "government_name": "Pemerintah Kota Malang",
    "site_name": "Aduan Kota Malang",
    "timezone": "Asia/Jakarta",
    "sms_number": "0812-0000-0000",
    "email": "aduan@demo.aduan.id",
}

# (code, name, lat, lon, [(code, name, lat, lon), ...])
_AREAS = [
    (
        "35.73.01",
        "Blimbing",
        -7.946,
        112.650,
        [
            ("35.73.01.1001", "Balearjosari", -7.912, 112.654),
            ("35.73.01.1002", "Arjosari", -7.928, 112.660),
            ("35.73.01.1003", "Polowijen", -7.925, 112.645),
            ("35.73.01.1004", "Purwodadi", -7.934, 112.643),
            ("35.73.01.1005", "Blimbing", -7.942, 112.650),
            ("35.73.01.1006", "Pandanwangi", -7.943, 112.662),
            ("35.73.01.1007", "Purwantoro", -7.955, 112.651),
            ("35.73.01.1008", "Bunulrejo", -7.960, 112.648),
            ("35.73.01.1009", "Kesatrian", -7.965, 112.641),
            ("35.73.01.1010", "Polehan", -7.974, 112.644),
            ("35.73.01.1011", "Jodipan", -7.983, 112.639),
        ],
    ),
    (
        "35.73.02",
        "Klojen",
        -7.975,
        112.627,
        [
            ("35.73.02.1001", "Klojen", -7.974, 112.634),
            ("35.73.02.1002", "Rampal Celaket", -7.961, 112.635),
            ("35.73.02.1003", "Samaan", -7.960, 112.626),
            ("35.73.02.1004", "Kiduldalem", -7.985, 112.633),
            ("35.73.02.1005", "Sukoharjo", -7.990, 112.635),
            ("35.73.02.1006", "Kasin", -7.988, 112.624),
            ("35.73.02.1007", "Kauman", -7.980, 112.627),
            ("35.73.02.1008", "Oro-oro Dowo", -7.969, 112.627),
            ("35.73.02.1009", "Bareng", -7.979, 112.619),
            ("35.73.02.1010", "Gadingkasri", -7.974, 112.610),
            ("35.73.02.1011", "Penanggungan", -7.963, 112.617),
        ],
    ),
    (
        "35.73.03",
        "Kedungkandang",
        -8.002,
        112.657,
        [
            ("35.73.03.1001", "Kotalama", -7.993, 112.643),
            ("35.73.03.1002", "Mergosono", -7.997, 112.637),
            ("35.73.03.1003", "Bumiayu", -8.025, 112.640),
            ("35.73.03.1004", "Wonokoyo", -8.035, 112.664),
            ("35.73.03.1005", "Buring", -8.012, 112.655),
            ("35.73.03.1006", "Kedungkandang", -7.996, 112.657),
            ("35.73.03.1007", "Lesanpuro", -7.985, 112.667),
            ("35.73.03.1008", "Sawojajar", -7.975, 112.658),
            ("35.73.03.1009", "Madyopuro", -7.970, 112.672),
            ("35.73.03.1010", "Cemorokandang", -7.973, 112.683),
            ("35.73.03.1011", "Arjowinangun", -8.016, 112.646),
            ("35.73.03.1012", "Tlogowaru", -8.030, 112.651),
        ],
    ),
    (
        "35.73.04",
        "Sukun",
        -7.994,
        112.609,
        [
            ("35.73.04.1001", "Ciptomulyo", -7.998, 112.628),
            ("35.73.04.1002", "Gadang", -8.013, 112.628),
            ("35.73.04.1003", "Kebonsari", -8.017, 112.618),
            ("35.73.04.1004", "Bandungrejosari", -8.004, 112.614),
            ("35.73.04.1005", "Sukun", -7.994, 112.619),
            ("35.73.04.1006", "Tanjungrejo", -7.986, 112.612),
            ("35.73.04.1007", "Pisang Candi", -7.977, 112.601),
            ("35.73.04.1008", "Bandulan", -7.981, 112.593),
            ("35.73.04.1009", "Karangbesuki", -7.962, 112.594),
            ("35.73.04.1010", "Mulyorejo", -7.994, 112.594),
            ("35.73.04.1011", "Bakalankrajan", -8.008, 112.602),
        ],
    ),
    (
        "35.73.05",
        "Lowokwaru",
        -7.937,
        112.617,
        [
            ("35.73.05.1001", "Tunggulwulung", -7.919, 112.621),
            ("35.73.05.1002", "Merjosari", -7.944, 112.595),
            ("35.73.05.1003", "Tlogomas", -7.928, 112.601),
            ("35.73.05.1004", "Dinoyo", -7.940, 112.609),
            ("35.73.05.1005", "Sumbersari", -7.953, 112.611),
            ("35.73.05.1006", "Ketawanggede", -7.950, 112.619),
            ("35.73.05.1007", "Jatimulyo", -7.940, 112.621),
            ("35.73.05.1008", "Tunjungsekar", -7.927, 112.633),
            ("35.73.05.1009", "Mojolangu", -7.936, 112.630),
            ("35.73.05.1010", "Tulusrejo", -7.946, 112.632),
            ("35.73.05.1011", "Lowokwaru", -7.953, 112.636),
            ("35.73.05.1012", "Tasikmadu", -7.914, 112.632),
        ],
    ),
]

KECAMATAN = [
    {
        "code": code,
        "name": name,
        "lat": lat,
        "lon": lon,
        "kelurahan": [
            {"code": k_code, "name": k_name, "lat": k_lat, "lon": k_lon}
            for k_code, k_name, k_lat, k_lon in kelurahan
        ],
    }
    for code, name, lat, lon, kelurahan in _AREAS
]


def _agency(code, short_name, kind, name, description):
    return {
        "code": code,
        "name": name,
        "short_name": short_name,
        "kind": kind,
        "email": f"{code.replace('_', '.')}@demo.aduan.id",
        "description": description,
    }


AGENCIES = [
    _agency(
        "diskominfo",
        "Diskominfo",
        "dinas",
        "Dinas Komunikasi dan Informatika",
        "Pengelola kanal pengaduan, moderasi dan disposisi aduan, serta informasi publik.",
    ),
    _agency(
        "dpuprpkp",
        "DPUPRPKP",
        "dinas",
        "Dinas Pekerjaan Umum, Penataan Ruang, Perumahan dan Kawasan Permukiman",
        "Jalan, jembatan, drainase, penerangan jalan umum, bangunan gedung dan RTLH.",
    ),
    _agency(
        "dlh",
        "DLH",
        "dinas",
        "Dinas Lingkungan Hidup",
        "Pengangkutan sampah, TPS, taman dan RTH, pohon peneduh, serta pencemaran.",
    ),
    _agency(
        "dishub",
        "Dishub",
        "dinas",
        "Dinas Perhubungan",
        "Lalu lintas, rambu dan APILL, parkir tepi jalan umum, dan angkutan umum.",
    ),
    _agency(
        "dinkes",
        "Dinkes",
        "dinas",
        "Dinas Kesehatan",
        "Puskesmas, jaminan kesehatan daerah, pencegahan penyakit dan DBD.",
    ),
    # Legally a special unit under the Dinas Kesehatan (PP 72/2019), so "dinas".
    _agency(
        "rsud",
        "RSUD Kota Malang",
        "dinas",
        "Rumah Sakit Umum Daerah Kota Malang",
        "Pelayanan gawat darurat, rawat jalan dan rawat inap di rumah sakit milik Pemkot.",
    ),
    _agency(
        "disdikbud",
        "Disdikbud",
        "dinas",
        "Dinas Pendidikan dan Kebudayaan",
        "TK, SD dan SMP negeri, penerimaan murid baru, guru, serta cagar budaya.",
    ),
    _agency(
        "dispendukcapil",
        "Dispendukcapil",
        "dinas",
        "Dinas Kependudukan dan Pencatatan Sipil",
        "KTP-el, kartu keluarga, KIA, akta kelahiran dan kematian, pindah datang.",
    ),
    _agency(
        "dinsos",
        "Dinsos-P3AP2KB",
        "dinas",
        "Dinas Sosial, Pemberdayaan Perempuan, Perlindungan Anak, "
        "Pengendalian Penduduk dan Keluarga Berencana",
        "Bantuan sosial dan DTKS, PMKS, perlindungan perempuan dan anak, serta KB.",
    ),
    _agency(
        "satpolpp",
        "Satpol PP",
        "satuan",
        "Satuan Polisi Pamong Praja",
        "Penegakan perda, ketertiban umum, penertiban PKL, reklame dan bangunan liar.",
    ),
    _agency(
        "bpbd",
        "BPBD",
        "badan",
        "Badan Penanggulangan Bencana Daerah",
        "Kedaruratan bencana: banjir, tanah longsor, angin kencang, pohon tumbang.",
    ),
    _agency(
        "tugutirta",
        "Perumda Tugu Tirta",
        "bumd",
        "Perusahaan Umum Daerah Air Minum Tugu Tirta Kota Malang",
        "Layanan air minum: gangguan aliran, kualitas air, pipa bocor, meter dan tagihan.",
    ),
    _agency(
        "disnaker",
        "Disnaker-PMPTSP",
        "dinas",
        "Dinas Tenaga Kerja, Penanaman Modal dan Pelayanan Terpadu Satu Pintu",
        "Ketenagakerjaan, hubungan industrial, penanaman modal dan perizinan terpadu.",
    ),
    _agency(
        "diskopindag",
        "Diskopindag",
        "dinas",
        "Dinas Koperasi, Perindustrian dan Perdagangan",
        "Pasar rakyat, koperasi dan UMKM, industri, metrologi dan perlindungan konsumen.",
    ),
    _agency(
        "bapenda",
        "Bapenda",
        "badan",
        "Badan Pendapatan Daerah",
        "PBB-P2, BPHTB, pajak hotel, restoran, hiburan, reklame dan parkir.",
    ),
    _agency(
        "disporapar",
        "Disporapar",
        "dinas",
        "Dinas Kepemudaan, Olahraga dan Pariwisata",
        "Fasilitas olahraga milik Pemkot, kepemudaan, destinasi dan event wisata.",
    ),
    _agency(
        "dispangtan",
        "Dispangtan",
        "dinas",
        "Dinas Ketahanan Pangan dan Pertanian",
        "Ketahanan dan keamanan pangan, pertanian perkotaan, peternakan, kesehatan hewan.",
    ),
    _agency(
        "bkpsdm",
        "BKPSDM",
        "badan",
        "Badan Kepegawaian dan Pengembangan Sumber Daya Manusia",
        "Manajemen kepegawaian dan penegakan disiplin ASN Pemkot Malang.",
    ),
    # An inspectorate is its own kind of unit; "badan" is the nearest of our kinds.
    _agency(
        "inspektorat",
        "Inspektorat",
        "badan",
        "Inspektorat Daerah",
        "Pengawasan internal, dugaan pungutan liar dan penyalahgunaan wewenang aparatur.",
    ),
] + [
    _agency(
        "kec_" + name.lower(),
        "Kec. " + name,
        "kecamatan",
        "Kecamatan " + name,
        f"Pelayanan kecamatan dan kelurahan serta koordinasi wilayah se-Kecamatan {name}.",
    )
    for _code, name, _lat, _lon, _kel in _AREAS
]

STAFF_ROLES = ("moderator", "admin_opd", "kepala_opd", "pimpinan", "admin_sistem")

# Fictional people; none of them is, or is meant to be, a real official.
_PEOPLE = [
    "Rizky Aditya Pratama",
    "Dewi Anggun Wulandari",
    "Fajar Nugroho",
    "Siti Nurjanah Rahmawati",
    "Bambang Setyo Utomo",
    "Ratna Puspitasari",
    "Agus Hermawan",
    "Endah Kusumawardani",
    "Yusuf Hidayatullah",
    "Lilik Sulistyowati",
    "Hendra Wicaksono",
    "Nur Aini Fitriyah",
    "Joko Purnomo",
    "Anik Suryaningsih",
    "Teguh Santoso",
    "Maya Anggraeni",
    "Slamet Wibisono",
    "Indah Permatasari",
    "Dimas Arya Saputra",
    "Wahyuni Kartikasari",
    "Heru Prasetyo",
    "Tri Rahayu Ningsih",
    "Andik Firmansyah",
    "Kurnia Sari Dewi",
    "Eko Budi Santoso",
    "Rina Marlina",
    "Sugeng Widodo",
    "Fitri Handayani",
    "Arif Rahmanto",
    "Novi Dwi Astuti",
    "Bayu Kurniawan",
    "Sri Wahyuni Hartati",
    "Gunawan Saputro",
    "Yuliana Purwaningsih",
    "Imam Mahfudin",
    "Dyah Paramitha",
    "Rudi Harjanto",
    "Evi Nurjanah",
    "Wawan Setiawan",
    "Retno Palupi",
    "Taufik Nur Hasan",
    "Ani Rahmawati",
    "Yoga Aditama",
    "Sulastri Wijayanti",
    "Mochamad Faisal",
    "Puji Astutik",
    "Dwi Cahyono",
    "Listiyani Rohmah",
    "Hari Subagyo",
    "Farida Kusuma",
    "Ahmad Zainuri",
    "Rosa Amalia Putri",
    "Nanang Kosim",
    "Erna Setyawati",
    "Prasetyo Adi Nugroho",
    "Umi Kulsum",
]


# Heads whose title is not "Kepala <agency>".
_HEAD_TITLES = {
    "rsud": "Direktur RSUD Kota Malang",
    "tugutirta": "Direktur Utama Perumda Tugu Tirta",
    "bpbd": "Kepala Pelaksana BPBD",
    "inspektorat": "Inspektur Daerah",
}


def _build_staff():
    names = iter(_PEOPLE)
    staff = [
        {
            "username": f"moderator{i}",
            "full_name": next(names),
            "role": "moderator",
            "agency": "diskominfo",
            "title": "Moderator Pengaduan Diskominfo",
        }
        for i in (1, 2, 3)
    ]
    for agency in AGENCIES:
        head = _HEAD_TITLES.get(agency["code"], "Kepala " + agency["short_name"])
        if agency["kind"] == "kecamatan":
            head = "Camat " + agency["name"].removeprefix("Kecamatan ")
        staff.append(
            {
                "username": f"admin.{agency['code']}",
                "full_name": next(names),
                "role": "admin_opd",
                "agency": agency["code"],
                "title": "Admin Pengaduan " + agency["short_name"],
            }
        )
        staff.append(
            {
                "username": f"kepala.{agency['code']}",
                "full_name": next(names),
                "role": "kepala_opd",
                "agency": agency["code"],
                "title": head,
            }
        )
    for username, title in (
        ("walikota", "Wali Kota Malang"),
        ("wakilwalikota", "Wakil Wali Kota Malang"),
        ("sekda", "Sekretaris Daerah Kota Malang"),
    ):
        staff.append(
            {
                "username": username,
                "full_name": next(names),
                "role": "pimpinan",
                "agency": None,
                "title": title,
            }
        )
    staff.append(
        {
            "username": "admin",
            "full_name": next(names),
            "role": "admin_sistem",
            "agency": None,
            "title": "Administrator Sistem",
        }
    )
    return staff


STAFF = _build_staff()


def all_kelurahan():
    """Every kelurahan as a flat list; each dict also carries its `kecamatan` code."""
    return [{**kel, "kecamatan": kec["code"]} for kec in KECAMATAN for kel in kec["kelurahan"]]


_KELURAHAN = {kel["code"]: kel for kel in all_kelurahan()}
_KECAMATAN = {kec["code"]: kec for kec in KECAMATAN}
_AGENCIES = {agency["code"]: agency for agency in AGENCIES}
_CATEGORIES = {category["code"]: category for category in CATEGORIES}


def kelurahan_by_code(code):
    """The kelurahan dict (with its `kecamatan` code); KeyError if unknown."""
    return _KELURAHAN[code]


def kecamatan_of(kelurahan_code):
    """The kecamatan dict that contains the given kelurahan."""
    return _KECAMATAN[_KELURAHAN[kelurahan_code]["kecamatan"]]


def agency_by_code(code):
    return _AGENCIES[code]


def category_by_code(code):
    return _CATEGORIES[code]
