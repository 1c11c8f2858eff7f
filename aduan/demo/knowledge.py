"""The demo city's knowledge-base articles: the service questions citizens ask most.

Written for the demo in plain Indonesian, shaped like real service information; a city
writes its own (the hours, fees and rules here are illustrative, not Kota Malang's).
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from aduan.core.models import Agency
from aduan.knowledge.models import Article, Topic

ARTICLES = [
    {
        "agency": "dispendukcapil",
        "topic": Topic.HOURS,
        "title": "Jam layanan kantor Dispendukcapil",
        "questions": [
            "Jam berapa kantor Dukcapil buka?",
            "Apakah Dukcapil buka hari Sabtu?",
            "Jam buka dan tutup pelayanan Dispendukcapil",
            "Kapan bisa datang ke Dukcapil untuk urus KTP?",
            "Dukcapil istirahat jam berapa?",
        ],
        "answer": (
            "Kantor Dispendukcapil melayani warga pada hari kerja:\n"
            "Senin sampai Kamis pukul 08.00–15.00 WIB (istirahat 12.00–13.00).\n"
            "Jumat pukul 08.00–14.00 WIB (istirahat 11.30–13.00).\n"
            "Sabtu, Minggu dan hari libur nasional kantor tutup.\n\n"
            "Nomor antrean dibagikan sampai satu jam sebelum layanan tutup. Untuk "
            "menghindari antre, ambil nomor antrean daring lebih dulu, dan bawa berkas "
            "asli beserta fotokopinya."
        ),
    },
    {
        "agency": "dispendukcapil",
        "topic": Topic.REQUIREMENTS,
        "title": "Syarat membuat atau mengganti KTP elektronik",
        "questions": [
            "Apa syarat membuat KTP elektronik?",
            "KTP saya hilang, bagaimana cara menggantinya?",
            "Syarat ganti KTP rusak",
            "Umur berapa boleh rekam KTP?",
        ],
        "answer": (
            "KTP elektronik baru (usia 17 tahun atau sudah/pernah menikah): bawa "
            "fotokopi Kartu Keluarga, lalu lakukan perekaman foto, sidik jari dan iris "
            "mata di kantor Dispendukcapil atau kecamatan.\n\n"
            "KTP hilang: bawa surat keterangan kehilangan dari kepolisian dan fotokopi "
            "Kartu Keluarga.\n"
            "KTP rusak: bawa KTP yang rusak dan fotokopi Kartu Keluarga.\n\n"
            "Semua layanan KTP elektronik tidak dipungut biaya."
        ),
    },
    {
        "agency": "dispendukcapil",
        "topic": Topic.REQUIREMENTS,
        "title": "Syarat membuat atau mengubah Kartu Keluarga",
        "questions": [
            "Apa saja syarat membuat KK baru setelah menikah?",
            "Bagaimana cara menambah anggota keluarga di KK?",
            "Syarat pisah KK",
            "Cara ubah data di Kartu Keluarga",
        ],
        "answer": (
            "KK baru setelah menikah: buku nikah atau akta perkawinan, KK lama kedua "
            "pihak, dan surat pengantar RT/RW.\n"
            "Menambah anggota (kelahiran): akta kelahiran atau surat keterangan lahir "
            "dan KK asli.\n"
            "Pindah atau pisah KK: KK asli dan surat pengantar RT/RW; untuk pindah "
            "dari luar kota, juga surat keterangan pindah dari daerah asal.\n\n"
            "Layanan Kartu Keluarga tidak dipungut biaya. Berkas dapat diajukan di "
            "kantor Dispendukcapil, kecamatan, atau secara daring."
        ),
    },
    {
        "agency": "bapenda",
        "topic": Topic.FEES,
        "title": "Cara membayar dan mengecek Pajak Bumi dan Bangunan (PBB)",
        "questions": [
            "Bagaimana cara bayar PBB?",
            "Di mana saya bisa cek tagihan PBB rumah saya?",
            "Kapan batas akhir pembayaran PBB?",
            "SPPT PBB saya belum datang",
        ],
        "answer": (
            "PBB dibayar dengan nomor objek pajak (NOP) yang tertera di SPPT. Tagihan "
            "dapat dicek di situs Bapenda atau di loket Bapenda dengan menyebut NOP.\n\n"
            "Pembayaran bisa lewat bank yang ditunjuk, kantor pos, minimarket, dan "
            "aplikasi pembayaran daring. Batas akhir pembayaran tercantum di SPPT; "
            "lewat dari tanggal itu dikenakan denda.\n\n"
            "SPPT belum diterima? Minta salinannya di loket Bapenda dengan membawa "
            "fotokopi KTP dan bukti pembayaran tahun lalu."
        ),
    },
    {
        "agency": "dinkes",
        "topic": Topic.PROCEDURE,
        "title": "Rujukan BPJS Kesehatan dari puskesmas ke rumah sakit",
        "questions": [
            "Bagaimana cara minta rujukan BPJS ke rumah sakit?",
            "Apakah bisa langsung ke rumah sakit pakai BPJS tanpa rujukan?",
            "Surat rujukan BPJS berlaku berapa lama?",
        ],
        "answer": (
            "Peserta BPJS Kesehatan berobat lebih dulu ke fasilitas kesehatan tingkat "
            "pertama yang terdaftar di kartunya (puskesmas, klinik atau dokter "
            "keluarga). Bila perlu penanganan lanjutan, dokter di sana memberi rujukan "
            "ke rumah sakit.\n\n"
            "Keadaan gawat darurat dapat langsung ke IGD rumah sakit tanpa rujukan.\n"
            "Rujukan umumnya berlaku 90 hari; untuk kontrol berikutnya mintalah surat "
            "kontrol dari rumah sakit."
        ),
    },
    {
        "agency": "tugutirta",
        "topic": Topic.PROCEDURE,
        "title": "Pemasangan sambungan baru air PDAM",
        "questions": [
            "Bagaimana cara pasang air PDAM baru?",
            "Syarat sambungan baru PDAM",
            "Berapa biaya pasang baru PDAM?",
        ],
        "answer": (
            "Daftar di kantor pelayanan Perumda Tugu Tirta atau secara daring dengan "
            "fotokopi KTP, fotokopi bukti kepemilikan atau sewa bangunan, dan denah "
            "lokasi.\n\n"
            "Petugas akan mensurvei lokasi, lalu memberi rincian biaya pemasangan "
            "sesuai jarak pipa dan golongan pelanggan. Setelah biaya dibayar, "
            "pemasangan dijadwalkan."
        ),
    },
]


def load_articles() -> int:
    """Create or refresh the demo's articles (by agency and title)."""
    agencies = {a.code: a for a in Agency.objects.filter(code__in={a["agency"] for a in ARTICLES})}
    review_by = timezone.localdate() + timedelta(days=180)
    count = 0
    for item in ARTICLES:
        agency = agencies.get(item["agency"])
        if agency is None:
            continue
        Article.objects.update_or_create(
            agency=agency,
            title=item["title"],
            defaults={
                "topic": item["topic"],
                "questions": "\n".join(item["questions"]),
                "answer": item["answer"],
                "review_by": review_by,
                "is_published": True,
            },
        )
        count += 1
    return count
