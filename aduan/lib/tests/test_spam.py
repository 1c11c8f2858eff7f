import pytest

from aduan.lib.spam import SPAM_AT, SUSPECT_AT, Assessment, assess

REAL_COMPLAINTS = [
    "Jalan di depan SD Negeri 3 Sumbersari berlubang besar sejak bulan lalu, sudah dua motor "
    "jatuh. Mohon segera diperbaiki.",
    "Lampu PJU di Jl. Kawi mati sudah dua minggu, malam hari sangat gelap dan rawan begal.",
    "Sampah di TPS pasar Blimbing tidak diangkut 4 hari, baunya sampai ke rumah warga.",
    "Di kampung kami marak judi togel di pos ronda, mohon ditertibkan oleh Satpol PP.",
    "Saya diteror pinjol ilegal, data saya disebar ke semua kontak, tolong bantu ditindak.",
    "Bagaimana syarat mengurus akta kelahiran anak? Apakah bisa online?",
    "Banyak anjing liar berkeliaran di taman kota, anak saya digigit kemarin sore.",
    "Warga membakar sampah setiap malam di lahan kosong, asapnya masuk rumah.",
    "Izin di kantor DPMPTSP lama sekali prosesnya, sudah sebulan belum keluar.",
    "Lokasi: https://maps.app.goo.gl/abc123 jalan berlubang di sini, mohon diperbaiki segera.",
    "Sudah saya kirim berkasnya ke budi.santoso@gmail.com, terima kasih atas tanggapannya.",
    "Terima kasih Dinas PU, saluran air di RT 05 sudah diperbaiki dengan cepat.",
    "Deposit sambungan baru PDAM sudah saya bayar tapi meteran belum dipasang sampai sekarang.",
    "Info lengkap ada di https://malangkota.go.id/pengumuman tapi jadwalnya tidak jelas.",
    "Air PDAM di perumahan kami keruh dan berbau sejak tiga hari ini, mohon dicek.",
    "Parkir liar di depan Alun-alun bikin macet tiap sore, juru parkir minta Rp 5.000.",
]


@pytest.mark.parametrize("text", REAL_COMPLAINTS)
def test_real_complaints_are_ok(text):
    result = assess(text)
    assert result.label == "ok", result.reasons
    assert result.spam_score < SUSPECT_AT
    assert not result.abusive
    assert not result.threat


SPAM = [
    "SLOT GACOR HARI INI MAXWIN!!! Deposit 10rb bonus new member 100% daftar sekarang di "
    "gacor777.xyz",
    "Pinjol cair 5 menit tanpa jaminan bunga rendah, hubungi wa.me/6281234567890",
    "Situs resmi togel terpercaya, minimal depo 10rb, link alternatif bit.ly/togel88",
    "Bonus cashback 50% untuk member baru, klik link https://hoki88.vip sekarang juga",
    "promo https://a.xyz https://b.xyz https://c.xyz",
    "tes",
    "p",
    "halo min",
    "Assalamualaikum",
    "Selamat pagi",
    "asdfghjkl",
    "qwerty qwerty",
    "wkwkwkwkwk",
    "aaaaaaaaaaaaaa",
    "   ...   ",
    "hmm",
    "",
]


@pytest.mark.parametrize("text", SPAM)
def test_spam_is_labelled_spam_with_a_reason(text):
    result = assess(text)
    assert result.label == "spam", result
    assert result.spam_score >= SPAM_AT
    assert result.reasons


def test_gambling_promotion_is_explained():
    result = assess("SLOT GACOR maxwin, deposit 10rb bonus new member di gacor777.xyz")
    assert result.label == "spam"
    assert "promo" in result.signals
    assert "promo_url" in result.signals
    promo_reason = next(r for r in result.reasons if r.startswith("Ciri iklan"))
    for word in ("gacor", "maxwin", "deposit", "bonus", "new member", "slot"):
        assert word in promo_reason


def test_stretched_promotion_words_still_count():
    assert "promo" in assess("slot gacooorrr maxwiiin").signals


def test_complaining_about_gambling_is_noted_but_not_scored():
    result = assess("Di kampung kami marak judi togel di pos ronda, mohon ditertibkan.")
    assert result.spam_score == 0
    assert result.signals == ("gambling_topic",)
    assert "judi" in result.reasons[0]


def test_one_advertising_word_alone_is_not_enough():
    result = assess("Bonus pegawai kelurahan dipotong tanpa penjelasan, mohon diperiksa.")
    assert result.label == "ok"
    assert result.spam_score == pytest.approx(0.3)


def test_a_single_ordinary_link_weighs_little():
    result = assess("Videonya ada di https://instagram.com/p/xyz, jalan ambles di depan pasar.")
    assert result.label == "ok"
    assert result.signals == ("urls",)


def test_social_media_evidence_links_weigh_little():
    result = assess(
        "Cek https://instagram.com/p/abc dan https://www.tiktok.com/@akun/video/123 buktinya, "
        "petugas parkir minta uang dua kali"
    )
    assert result.signals == ("urls",)
    assert result.label == "ok"


def test_shortened_links_are_flagged():
    result = assess("lihat bit.ly/abc123 dan s.id/xyz untuk foto jalan rusak di depan rumah saya")
    assert "shortener" in result.signals
    assert result.label == "suspect"


def test_same_message_again_from_the_same_sender_is_suspect():
    text = "Jalan rusak di depan rumah saya, mohon diperbaiki segera"
    result = assess(text, recent_texts_from_same_sender=[text.upper() + "!!"])
    assert result.label == "suspect"
    assert result.signals == ("repeat",)


def test_many_repeats_of_an_advertisement_are_spam():
    result = assess(
        "SLOT GACOR deposit",
        recent_texts_from_same_sender=["slot gacor deposit", "SLOT GACOR DEPOSIT", "lain"],
    )
    assert result.label == "spam"
    assert "repeat" in result.signals
    assert "2 kali" in " ".join(result.reasons)


def test_near_copies_count_as_repeats():
    text = "Lampu jalan di gang mawar mati sudah seminggu mohon diperbaiki"
    earlier = "Lampu jalan di gang mawar mati sudah seminggu mohon diperbaiki pak"
    assert assess(text, recent_texts_from_same_sender=[earlier]).signals == ("near_repeat",)
    unrelated = "Sampah menumpuk di pasar besar"
    assert assess(text, recent_texts_from_same_sender=[unrelated]).signals == ()


def test_short_messages_are_noted():
    result = assess("jalan rusak")
    assert result.signals == ("short",)
    assert result.label == "ok"


def test_shouting_is_a_mild_signal():
    result = assess("LAMPU JALAN DI RT 05 MATI SUDAH SEMINGGU TOLONG DIPERBAIKI")
    assert result.signals == ("caps",)
    assert result.label == "ok"


def test_agency_acronyms_are_not_keyboard_mash():
    assert assess("Pelayanan di BKPSDM dan DPMPTSP lambat sekali, antre dari pagi.").signals == ()


ABUSIVE_COMPLAINTS = [
    (
        "Pelayanan kelurahan goblok, sudah tiga kali saya datang disuruh balik terus. Bangsat "
        "semua petugasnya!",
        {"goblok", "bangsat"},
    ),
    ("anjiiing lampu jalan mati 2 minggu ga dibenerin", {"anjing"}),
    ("4njing, jalan berlubang dari tahun lalu nggak diaspal", {"anjing"}),
    ("Asu tenan, dalane rusak ra didandani", {"asu"}),
    ("Jancuk, banyu PDAM mati maneh", {"jancuk"}),
    ("ndasmu, sampah ra diangkut seminggu", {"ndasmu"}),
    ("petugas parkir tolol, minta uang dua kali", {"tolol"}),
    ("Dasar bajingan, pungli di kantor kecamatan terus terjadi", {"bajingan"}),
    ("Pejabate celeng kabeh, dalan rusak ora didandani", {"celeng"}),
    ("G0BL0KKK banget pelayanannya, antre 5 jam", {"goblok"}),
    ("kontol, petugasnya malah main hp waktu jam kerja", {"kontol"}),
    ("TOLOL TOLOL TOLOL TOLOL", {"tolol"}),
]


@pytest.mark.parametrize(("text", "words"), ABUSIVE_COMPLAINTS)
def test_abuse_is_flagged_but_never_spam(text, words):
    result = assess(text)
    assert result.abusive
    assert "abuse" in result.signals
    assert result.label in ("ok", "suspect")
    reason = next(r for r in result.reasons if r.startswith("Kata kasar"))
    for word in words:
        assert word in reason


def test_an_angry_real_complaint_with_swearing_stays_ok():
    result = assess(
        "Bangsat, sudah tiga bulan jalan di Jl. Mawar berlubang dan tidak ada perbaikan sama sekali."
    )
    assert result.abusive
    assert result.label == "ok"
    assert result.spam_score == 0


def test_abusive_advertising_is_still_spam():
    result = assess("anjing gacor!!! slot maxwin deposit bonus di gacor88.xyz")
    assert result.abusive
    assert result.label == "spam"


NOT_ABUSIVE = [
    "Banyak anjing liar berkeliaran di taman kota, anak saya digigit.",
    "Peternakan babi di belakang rumah baunya menyengat, kandangnya tidak dibersihkan.",
    "Monyet liar masuk ke rumah warga dan merusak atap.",
    "Masuk kantor kelurahan harus antre lama, kasusnya sudah dilaporkan.",
    "Asuransi BPJS saya tidak bisa dipakai di puskesmas.",
    "Pantai kotor, santai saja petugasnya.",
    "Cocok sekali pelayanannya, terima kasih.",
]


@pytest.mark.parametrize("text", NOT_ABUSIVE)
def test_ordinary_words_are_not_abuse(text):
    assert not assess(text).abusive


def test_mild_exclamations_are_noted_without_the_abuse_flag():
    result = assess("Anjir, antreannya panjang banget di Dispendukcapil hari ini.")
    assert not result.abusive
    assert "mild_profanity" in result.signals


THREATS = [
    "awas kau lurah, tak bacok nanti",
    "Kalau tidak diperbaiki minggu ini, saya bakar kantor kelurahan",
    "bunuh saja petugasnya",
    "akan saya habisi kalau masih pungli",
    "Tunggu pembalasan kami",
    "mampus kalian semua",
    "kubakar kantormu kalau tidak diurus",
    "tak pateni kowe",
]


@pytest.mark.parametrize("text", THREATS)
def test_threats_are_flagged_for_a_person_to_read(text):
    result = assess(text)
    assert result.threat
    assert result.label in ("suspect", "spam")
    assert any("ancaman" in r for r in result.reasons)


@pytest.mark.parametrize(
    "text",
    [
        "Warga membakar sampah setiap malam, asapnya masuk rumah.",
        "Ada yang bakar sampah di lahan kosong dekat sekolah.",
        "Awas jalan licin di tikungan, sudah banyak yang jatuh.",
        "Tetangga saya mati lampu sejak kemarin.",
        "sampahe tak bakar dewe soale ra tau diangkut",
        "Saya mau tembak SIM, apa bisa lewat calo?",
    ],
)
def test_ordinary_violent_sounding_words_are_not_threats(text):
    assert not assess(text).threat


def test_assessment_shape():
    result = assess("Jalan rusak parah di depan pasar, mohon diperbaiki segera ya pak.")
    assert isinstance(result, Assessment)
    assert result == Assessment(
        spam_score=0.0, abusive=False, reasons=[], label="ok", threat=False, signals=()
    )


def test_scores_combine_but_stay_below_one():
    flood = "SLOT GACOR MAXWIN DEPOSIT BONUS https://slot88.xyz https://gacor.top https://a.vip"
    result = assess(flood, recent_texts_from_same_sender=[flood, flood, flood])
    assert 0.95 < result.spam_score <= 1.0
    assert result.label == "spam"
