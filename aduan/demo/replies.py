"""Reply templates and rejection reasons for the Kota Malang demo (Indonesian).

RESPONSE_TEMPLATES maps a category code to an agency answer. Placeholders:
{reporter} (already with its salutation, e.g. "Bapak/Ibu Sari"), {code} (the
tracking code), {kelurahan} (a name), {agency} (short name), {date} (a date in
Indonesian words, e.g. "Senin, 3 Maret 2025"). Every template writes the tracking
code as "nomor {code}", so a caller without a code can drop that phrase.

REJECTION_REASONS explain to the citizen why a complaint is not processed and, when
it belongs to someone else, where to take it: `referral` is then one line (at most
200 characters) naming the body and its public service channel, else None. Those
channels are public service lines, not personal data.
"""

RESPONSE_TEMPLATES = {
    "jalan_rusak": (
        "Yth. {reporter}, terima kasih atas laporan nomor {code}. {agency} telah "
        "menerima aduan kerusakan jalan di wilayah Kelurahan {kelurahan}. Tim "
        "pemeliharaan jalan dijadwalkan melakukan pengecekan dan penambalan sementara "
        "pada {date}. Apabila kerusakan meliputi ruas yang panjang, perbaikan "
        "permanen akan diusulkan dalam kegiatan pemeliharaan berkala. Mohon berhati-"
        "hati saat melintas dan terima kasih atas kepeduliannya."
    ),
    "drainase": (
        "Yth. {reporter}, aduan nomor {code} tentang saluran di Kelurahan {kelurahan} "
        "sudah kami terima. Satgas drainase {agency} akan melakukan pengerukan "
        "sedimen dan pembersihan sampah di saluran tersebut pada {date}. Kami juga "
        "mohon bantuan warga sekitar agar tidak membuang sampah ke saluran supaya "
        "aliran air tetap lancar."
    ),
    "banjir": (
        "Yth. {reporter}, terima kasih atas informasi genangan dalam aduan nomor "
        "{code}. {agency} telah mencatat titik genangan di Kelurahan {kelurahan} dan "
        "akan melakukan survei kapasitas saluran serta pembersihan inlet pada {date}. "
        "Hasil survei menjadi dasar usulan normalisasi saluran. Bila genangan "
        "membahayakan warga, silakan juga menghubungi BPBD Kota Malang."
    ),
    "pju": (
        "Yth. {reporter}, laporan nomor {code} tentang lampu PJU di Kelurahan "
        "{kelurahan} telah diteruskan ke tim piket PJU {agency}. Pengecekan dan "
        "penggantian lampu dijadwalkan pada {date} malam. Jika penyebabnya gangguan "
        "jaringan listrik, kami akan berkoordinasi dengan PLN. Terima kasih telah "
        "membantu menjaga Kota Malang tetap terang."
    ),
    "sampah": (
        "Yth. {reporter}, terima kasih atas aduan nomor {code}. Petugas pengangkutan "
        "{agency} telah dijadwalkan mengangkut tumpukan sampah di Kelurahan "
        "{kelurahan} pada {date}. Kami mengimbau warga membuang sampah ke TPS pada "
        "pukul 06.00-11.00 WIB agar sampah tidak menumpuk hingga keesokan hari."
    ),
    "pohon": (
        "Yth. {reporter}, aduan nomor {code} tentang pohon di Kelurahan {kelurahan} "
        "sudah kami tindak lanjuti. Tim pertamanan {agency} akan melakukan "
        "perantingan dan pemeriksaan kondisi batang pada {date}. Bila pohon dinilai "
        "keropos dan membahayakan, akan dilakukan penebangan dan penggantian bibit."
    ),
    "air_mati": (
        "Yth. {reporter}, mohon maaf atas ketidaknyamanannya. Berdasarkan "
        "aduan nomor {code}, gangguan aliran di Kelurahan {kelurahan} disebabkan "
        "perbaikan pipa distribusi. Petugas {agency} menargetkan aliran kembali "
        "normal pada {date}; selama perbaikan tersedia layanan tangki air gratis "
        "yang dapat diminta melalui kanal ini."
    ),
    "air_tagihan": (
        "Yth. {reporter}, terima kasih atas aduan nomor {code}. {agency} "
        "akan melakukan pengecekan meter air di alamat Anda di Kelurahan {kelurahan} "
        "pada {date}. Apabila terbukti terjadi kesalahan baca meter, selisih tagihan "
        "akan dikoreksi pada rekening bulan berikutnya."
    ),
    "parkir": (
        "Yth. {reporter}, aduan nomor {code} tentang parkir di Kelurahan {kelurahan} "
        "telah kami terima. Tim {agency} bersama Satpol PP akan melakukan penertiban "
        "dan pembinaan juru parkir pada {date}. Juru parkir resmi wajib memakai "
        "rompi, kartu tanda anggota, dan memberikan karcis sesuai tarif Perda."
    ),
    "adminduk": (
        "Yth. {reporter}, terima kasih atas aduan nomor {code}. Dokumen kependudukan "
        "Anda telah kami periksa dan dapat diambil di kantor {agency} atau melalui "
        "Kelurahan {kelurahan} mulai {date} dengan membawa bukti pengajuan. Mohon "
        "maaf atas keterlambatannya."
    ),
    "bansos": (
        "Yth. {reporter}, aduan nomor {code} telah kami verifikasi. Data keluarga "
        "Anda akan diusulkan dalam pemutakhiran data kesejahteraan sosial melalui "
        "Kelurahan {kelurahan}. Petugas {agency} akan melakukan kunjungan verifikasi "
        "pada {date}; mohon menyiapkan KK dan KTP-el."
    ),
    "pkl": (
        "Yth. {reporter}, terima kasih atas laporan nomor {code}. {agency} akan "
        "melakukan penertiban dan pembinaan PKL di wilayah Kelurahan {kelurahan} pada "
        "{date}, berkoordinasi dengan Diskopindag untuk relokasi ke lokasi yang "
        "diizinkan."
    ),
    "puskesmas": (
        "Yth. {reporter}, terima kasih atas masukan melalui aduan nomor {code}. "
        "{agency} telah meminta klarifikasi kepala puskesmas di wilayah Kelurahan "
        "{kelurahan} dan akan melakukan pembinaan petugas pada {date}. Masukan Anda "
        "menjadi bahan perbaikan alur antrean dan pelayanan."
    ),
}


def _reason(code, label, explanation, referral=None):
    return {
        "code": code,
        "label": label,
        "explanation_for_citizen": explanation,
        "referral": referral,
    }


REJECTION_REASONS = [
    _reason(
        "spam",
        "Spam atau bukan aduan",
        "Pesan Anda tidak berisi aduan, saran, atau pertanyaan tentang layanan "
        "Pemerintah Kota Malang, sehingga tidak kami proses.",
    ),
    _reason(
        "tidak_pantas",
        "Bahasa tidak pantas",
        "Aduan Anda memuat kata-kata kasar, ancaman, atau SARA. Silakan kirim ulang "
        "dengan bahasa yang santun agar dapat kami tindak lanjuti.",
    ),
    _reason(
        "tidak_lengkap",
        "Informasi kurang lengkap",
        "Aduan belum dapat diproses karena lokasi atau uraian masalah kurang jelas. "
        "Mohon kirim ulang dengan nama jalan, RT/RW, kelurahan, dan foto bila ada.",
    ),
    _reason(
        "duplikat",
        "Aduan ganda",
        "Masalah yang sama sudah dilaporkan dan sedang ditangani. Anda dapat "
        "mengikuti perkembangannya melalui nomor aduan yang kami kirimkan.",
    ),
    _reason(
        "bukan_kewenangan_provinsi",
        "Bukan kewenangan Pemkot: Pemprov Jawa Timur",
        "Hal yang Anda sampaikan (misalnya jalan provinsi atau SMA/SMK negeri) "
        "merupakan kewenangan Pemerintah Provinsi Jawa Timur.",
        "Pemerintah Provinsi Jawa Timur, melalui kanal pengaduan Pemprov Jatim",
    ),
    _reason(
        "bukan_kewenangan_pln",
        "Bukan kewenangan Pemkot: PLN",
        "Gangguan listrik rumah dan jaringan PLN ditangani oleh PT PLN (Persero), "
        "bukan oleh Pemerintah Kota Malang.",
        "PT PLN (Persero) UP3 Malang, melalui Call Center 123 atau aplikasi PLN Mobile",
    ),
    _reason(
        "bukan_kewenangan_polisi",
        "Bukan kewenangan Pemkot: kepolisian",
        "Dugaan tindak pidana seperti pencurian, penipuan, atau tawuran perlu "
        "dilaporkan ke kepolisian.",
        "Polresta Malang Kota, melalui layanan darurat 110 atau SPKT Polresta",
    ),
    _reason(
        "bukan_kewenangan_bpjs",
        "Bukan kewenangan Pemkot: BPJS Kesehatan",
        "Kepesertaan mandiri, iuran, dan klaim BPJS Kesehatan diurus oleh BPJS "
        "Kesehatan. Pemkot hanya menangani peserta yang iurannya dibayar daerah.",
        "BPJS Kesehatan Cabang Malang, melalui BPJS Kesehatan Care Center 165",
    ),
    _reason(
        "bukan_kewenangan_pusat",
        "Bukan kewenangan Pemkot: instansi pusat",
        "Hal yang Anda sampaikan merupakan kewenangan kementerian atau lembaga "
        "pusat. Silakan sampaikan melalui SP4N-LAPOR! agar diteruskan ke instansi "
        "yang berwenang.",
        "SP4N-LAPOR!, melalui lapor.go.id atau SMS 1708",
    ),
    _reason(
        "bukan_kewenangan_bpn",
        "Bukan kewenangan Pemkot: pertanahan",
        "Sengketa tanah, sertifikat, dan batas bidang tanah ditangani oleh Kantor "
        "Pertanahan (BPN).",
        "Kantor Pertanahan Kota Malang (BPN), melalui loket pelayanan Kantor Pertanahan",
    ),
]
