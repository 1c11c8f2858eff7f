"""Written-out e-mail addresses, full-width digits and self-introduced names."""

import itertools

import pytest

from aduan.lib import privacy
from aduan.lib.privacy import PiiSpan, detect_pii, mask_pii, names_introduced

MASKED = [
    # e-mail addresses written out to dodge scrapers
    ("email sy budi at gmail dot com ya pak", "email sy [email] ya pak"),
    ("bls ke budi.santoso at yahoo dot co dot id aja", "bls ke [email] aja"),
    ("kontak: budi (at) gmail (dot) com", "kontak: [email]"),
    ("email budi [at] gmail [dot] com mksh", "email [email] mksh"),
    ("email budi {at} gmail {dot} com", "email [email]"),
    ("budi at gmail(dot)com", "[email]"),
    ("emailnya budi @ gmail . com", "emailnya [email]"),
    ("email budi@gmail .com", "email [email]"),
    ("email budi @gmail.com", "email [email]"),
    ("EMAIL SAYA BUDI AT GMAIL DOT COM", "EMAIL SAYA [email]"),
    ("Email Saya Budi At Gmail Dot Com", "Email Saya [email]"),
    ("email: siti_aminah99 at gmail dot com", "email: [email]"),
    ("email dosennya budi at ub.ac.id", "email dosennya [email]"),
    ("hubungi humas at malangkota dot go dot id", "hubungi [email]"),
    ("bls ke budi at gmail dot com.", "bls ke [email]."),
    ("kirim ke budi＠gmail．com ya", "kirim ke [email] ya"),
    ("kirim ke budi＠gmail.com ya", "kirim ke [email] ya"),
    # phone numbers in full-width digits, or with "+ 62"
    ("hp sy ０８１２３４５６７８９０ ya", "hp sy [telepon] ya"),
    ("wa ０８１２-３４５６-７８９０", "wa [telepon]"),
    ("no hp ０８４０ １２３４ ５６７８", "no hp [telepon]"),  # only the shape rule knows 0840
    ("＋６２ ８１２ ３４５６ ７８９０", "[telepon]"),
    ("hub + 62 812 3456 7890 ya pak", "hub [telepon] ya pak"),
    ("hub + 62 840 1234 5678", "hub [telepon]"),
    ("wa 0812\u00a03456\u00a07890", "wa [telepon]"),
    # NIK in full-width digits, with and without a cue
    ("nik sy ３５７３０１４５０６９００００２", "nik sy [NIK]"),
    ("no ３５７３０１４５０６９００００２ itu punya saya", "no [NIK] itu punya saya"),
    ("KTP ３５７３ ０１４５ ０６９０ ０００２ thn 2024", "KTP [NIK] thn 2024"),
    # characters that NFKC expands or that are full-width letters
    ("nama saya Ariﬁn warga RT 3", "nama saya [nama] warga RT 3"),
    ("saya Budi… mohon dibantu", "saya [nama]… mohon dibantu"),
    ("Ｓａｙａ Ｂｕｄｉ warga Dinoyo", "Ｓａｙａ [nama] warga Dinoyo"),
]

UNCHANGED = [
    "rapat at kantor kelurahan jam 9",
    "kami rapat at kantor.besok ketemu lagi",
    "ketemu @ pasar besar . besok pagi",
    "kumpul @ alun-alun. Info lebih lanjut di RT",
    "follow ig @pemkot.malang ya min",
    "cek di website malangkota.go.id",
    "lihat at malangkota.go.id",
    "Rapat AT kantor DOT",
    "antre ２ jam, biaya Rp １５０.０００ tgl １７-０８-２０２４",
    "RT ０３ RW ０５ Kel. Dinoyo",
    "saya sakit dari kemarin, pulang dari kantor jam 5",
]


@pytest.mark.parametrize(("text", "expected"), MASKED)
def test_masks_variants(text, expected):
    assert mask_pii(text) == expected


@pytest.mark.parametrize("text", UNCHANGED)
def test_leaves_look_alikes_alone(text):
    assert detect_pii(text) == []
    assert mask_pii(text) == text


@pytest.mark.parametrize("text", [t for t, _ in MASKED] + UNCHANGED)
def test_masking_masked_text_changes_nothing(text):
    once = mask_pii(text)
    assert mask_pii(once) == once


@pytest.mark.parametrize("text", [t for t, _ in MASKED])
def test_spans_point_into_the_original_text(text):
    spans = detect_pii(text)
    assert spans
    for span in spans:
        assert text[span.start : span.end] == span.text
    for before, after in itertools.pairwise(spans):
        assert before.end < after.start


def test_full_width_spans_keep_the_characters_as_written():
    assert detect_pii("hp ０８１２３４５６７８９０ ya") == [
        PiiSpan(3, 15, "phone", "０８１２３４５６７８９０")
    ]
    assert detect_pii("kirim ke budi＠gmail．com ya") == [
        PiiSpan(9, 23, "email", "budi＠gmail．com")
    ]


def test_a_character_that_expands_is_masked_whole():
    # "ﬁ" is one character that NFKC turns into two.
    assert detect_pii("nama saya Ariﬁn") == [PiiSpan(10, 15, "name", "Ariﬁn")]


def test_full_width_known_names_match_either_way():
    assert mask_pii("hub Ｂｕｄｉ", known_names=["Budi"]) == "hub [nama]"
    assert mask_pii("hub Budi", known_names=["Ｂｕｄｉ"]) == "hub [nama]"


INTRODUCED = [
    ("saya Budi Santoso warga Dinoyo, lampu mati", ["Budi Santoso"]),
    ("nama saya Siti Aminah, tinggal di jl mawar no 12", ["Siti Aminah"]),
    ("namaku rina, warga sumbersari", ["rina"]),
    ("Pelapor: Agus Salim\nKeluhan: jalan rusak", ["Agus Salim"]),
    ("Nama: Dewi Lestari\nAlamat: Jl. Mawar 5", ["Dewi Lestari"]),
    ("nama lengkap sy M. Yusuf", ["M. Yusuf"]),
    ("saya budi dari RT 3 mau lapor", ["budi"]),
    ("sy joko warga rt 5, air mati", ["joko"]),
    ("Selamat pagi bapak ibu saya Joko warga RT 3", ["Joko"]),
    ("SAYA BUDI SANTOSO WARGA RT 03 MOHON DIBANTU", ["BUDI SANTOSO"]),
    ("nama saya Ｂｕｄｉ, hp 0812-3456-7890", ["Ｂｕｄｉ"]),
    ("saya Budi warga Dinoyo. Nama saya Budi, saya budi warga RT 3", ["Budi"]),
    # other people's names
    ("pak Joko tidak pernah datang", []),
    ("bu siti tolong lampu jalan mati", []),
    ("ibu saya Siti Aminah sakit", []),
    ("tetangga sy Joko buang sampah sembarangan", []),
    ("anak saya bernama Rina", []),
    ("Transfer a.n. Ahmad bin Abdullah", []),
    ("atas nama Rina Marlina dari Kel. Bareng", []),
    ("laporan dari Joko Susilo tentang banjir", []),
    # no name at all
    ("saya sakit dari kemarin", []),
    ("saya sangat kecewa dengan pelayanan PDAM", []),
    ("Saya Mohon Agar Jalan Di Depan Rumah Saya Segera Diperbaiki", []),
    ("nama jalan ini jelek", []),
    ("saya [nama] warga RT 3", []),
]


@pytest.mark.parametrize(("text", "names"), INTRODUCED)
def test_names_introduced(text, names):
    assert names_introduced(text) == names


SELF_NAMED = [
    (
        "saya Budi Santoso warga Dinoyo. lampu mati 3 hari. tolong hubungi Budi",
        "saya [nama] warga Dinoyo. lampu mati 3 hari. tolong hubungi [nama]",
    ),
    (
        "nama saya Siti Aminah, sdh lapor 3x. Siti cuma minta air ngalir lg",
        "nama saya [nama], sdh lapor 3x. [nama] cuma minta air ngalir lg",
    ),
    (
        "Pelapor: Agus Salim\nkalau petugas datang cari rumah salim yg pagar hijau",
        "Pelapor: [nama]\nkalau petugas datang cari rumah [nama] yg pagar hijau",
    ),
    (
        "sy budi dari RT 3. kl ada petugas dtg, cari budi aja",
        "sy [nama] dari RT 3. kl ada petugas dtg, cari [nama] aja",
    ),
    (
        "nama saya Ｂｕｄｉ, kl sdh beres kabari Budi ya",
        "nama saya [nama], kl sdh beres kabari [nama] ya",
    ),
]


@pytest.mark.parametrize(("text", "expected"), SELF_NAMED)
def test_self_introduced_names_are_masked_wherever_they_recur(text, expected):
    once = mask_pii(text, known_names=names_introduced(text))
    assert once == expected
    assert mask_pii(once, known_names=names_introduced(once)) == once
    assert mask_pii(once, known_names=names_introduced(text)) == once


def test_known_names_may_be_any_iterable_and_their_pattern_is_reused():
    privacy._known_names_pattern.cache_clear()
    text = "Budi bilang santoso sudah lapor"
    expected = "[nama] bilang [nama] sudah lapor"
    assert mask_pii(text, known_names=(n for n in ["Budi Santoso"])) == expected
    assert mask_pii(text, known_names=["Budi Santoso"]) == expected
    info = privacy._known_names_pattern.cache_info()
    assert (info.hits, info.misses) == (1, 1)
