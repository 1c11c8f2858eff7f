import itertools

import pytest

from aduan.lib.privacy import (
    KINDS,
    PiiSpan,
    detect_pii,
    is_plausible_nik,
    mask_pii,
    redact,
)

# A plausible NIK: Kota Malang (35 73 01), a woman born 05-06-1990 (day + 40 = 45), serial 0002.
NIK_WOMAN = "3573014506900002"

MASKED = [
    # names after cue words
    (
        "saya Budi Santoso warga RT 03 RW 05 Kel. Sumbersari, hub 0812-3456-7890",
        "saya [nama] warga RT 03 RW 05 Kel. Sumbersari, hub [telepon]",
    ),
    ("nama sy siti aminah, tinggal di jl mawar no 12", "nama sy [nama], tinggal di jl mawar no 12"),
    ("Nama: Dewi Lestari\nAlamat: Jl. Mawar 5", "Nama: [nama]\nAlamat: Jl. Mawar 5"),
    ("Pengirim: Agus Salim", "Pengirim: [nama]"),
    ("Transfer a.n. Ahmad bin Abdullah, Rp 50.000", "Transfer a.n. [nama], Rp 50.000"),
    ("atas nama Rina Marlina dari Kel. Bareng", "atas nama [nama] dari Kel. Bareng"),
    (
        "Pak Budi dan Bu Siti sudah lapor ke pak lurah",
        "Pak [nama] dan Bu [nama] sudah lapor ke pak lurah",
    ),
    ("bu siti tolong lampu jalan mati", "bu [nama] tolong lampu jalan mati"),
    ("pak budi santoso datang kemarin", "pak [nama] datang kemarin"),
    ("pak H. Rahmat tidak hadir", "pak H. [nama] tidak hadir"),
    ("Bu Siti Aminah Rahayu Putri datang", "Bu [nama] datang"),
    ("nama sy M. Yusuf", "nama sy [nama]"),
    ("SAYA BUDI SANTOSO WARGA RT 03 MOHON DIBANTU", "SAYA [nama] WARGA RT 03 MOHON DIBANTU"),
    ("laporan dari Joko Susilo tentang banjir", "laporan dari [nama] tentang banjir"),
    (
        "Saya Ahmad Fauzi (085712345678) warga Kel. Sawojajar",
        "Saya [nama] ([telepon]) warga Kel. Sawojajar",
    ),
    ("kata pak Joko warga sebelah, air mati", "kata pak [nama] warga sebelah, air mati"),
    ("Saya Joko, warga Dinoyo.", "Saya [nama], warga Dinoyo."),
    ("Mas Bayu yang jaga parkir minta 5 ribu", "Mas [nama] yang jaga parkir minta 5 ribu"),
    (
        "Nama: Dewi Lestari\nPekerjaan: Guru\nKeluhan: Jalan Rusak Di Depan Rumah",
        "Nama: [nama]\nPekerjaan: Guru\nKeluhan: Jalan Rusak Di Depan Rumah",
    ),
    # phone numbers
    ("hub 0812-3456-7890 ya", "hub [telepon] ya"),
    ("WA +62 812 3456 7890 atau 6281234567890", "WA [telepon] atau [telepon]"),
    ("hp:081234567890, wa 0856.1234.5678", "hp:[telepon], wa [telepon]"),
    ("+62-812-3456-7890.", "[telepon]."),
    ("telp kantor (0341) 551234 atau 0341-551234", "telp kantor [telepon] atau [telepon]"),
    ("Hubungi 021 5551234 tiap hari kerja", "Hubungi [telepon] tiap hari kerja"),
    # NIK
    (f"NIK saya {NIK_WOMAN} mohon dicek", "NIK saya [NIK] mohon dicek"),
    ("ktp 3573 0145 0690 0002 tahun 2024", "ktp [NIK] tahun 2024"),
    ("no 35.73.01.450690.0002 itu punya saya", "no [NIK] itu punya saya"),
    (f"{NIK_WOMAN} 081234567890", "[NIK] [telepon]"),
    ("NIK: 1234 5678 9012 3456", "NIK: [NIK]"),
    ("nik 357301450690000 (kurang satu digit)", "nik [NIK] (kurang satu digit)"),
    ("KK 3573012345670001", "KK [NIK]"),
    # e-mail
    ("email budi.santoso@gmail.com ya", "email [email] ya"),
    ("kirim ke humas@malangkota.go.id.", "kirim ke [email]."),
    ("budi[at]yahoo[dot]co.id atau budi (at) gmail (dot) com", "[email] atau [email]"),
    # plates
    ("Motor N 1234 AB ditabrak mobil L1234XYZ", "Motor [plat] ditabrak mobil [plat]"),
    ("yang lewat B 1 RI", "yang lewat [plat]"),
    ("nopol n 5678 xy kabur", "nopol [plat] kabur"),
    ("Plat nomor mobilnya b 1234 xyz warna hitam", "Plat nomor mobilnya [plat] warna hitam"),
    ("Truk AG 8123 UR parkir di trotoar", "Truk [plat] parkir di trotoar"),
    ("nomor polisi DK 1", "nomor polisi [plat]"),
]

UNCHANGED = [
    "Jalan di depan SD Negeri 3 berlubang, mohon segera diperbaiki.",
    "saya sangat kecewa dengan pelayanan PDAM",
    "Saya Mohon Agar Jalan Di Depan Rumah Saya Segera Diperbaiki",
    "Pak RT tidak pernah datang, bapak wali kota tolong perhatikan",
    "Terima kasih Pak Wali Kota dan Bu Camat",
    "Ibu saya sakit, bapak saya juga",
    "saya sangat kecewa, pak",
    "Mohon bapak/ibu segera menindaklanjuti",
    "saya dari Malang mau lapor",
    "nama jalan ini jelek",
    "atas nama kemanusiaan, atas nama warga RT 5",
    "saya sdh lapor ke pak rt tapi tdk ada tanggapan",
    "Selamat pagi Bu, saya mau tanya",
    "Rp 50.000 dipungut tahun 2024 di RT 03 no 12, blok D 5 RT 03",
    "Jam buka 08.00-16.00 WIB, antre 2 jam, biaya Rp 150.000, tanggal 17-08-2024",
    "Kejadian 12/05/2024 pukul 14.30 di Jl. Soekarno Hatta No. 123 RT 003/RW 005",
    "ID pelanggan PDAM 512345678901 tagihan naik",
    "Perda No 5 Tahun 2020 Pasal 28 H tentang kebersihan",
    "Gedung B lantai 2 ruang A 12",
    "HP 4 GB RAM, TV 32 inch, AC 1 PK",
    "Covid 19, Tol KM 12, Jalur A 1",
    "lulusan S1 UB dan D3 TI, program KB 2 anak, P3K, G30S, B2B",
    "n 1234 ab tanpa kata kunci tidak dianggap plat",
    "Selamat siang Bapak/Ibu, saya mau melaporkan jalan rusak di Jl. Raya Tlogomas.",
    "Saya warga Perumahan Griya Shanta Blok L 12, air PDAM tidak mengalir 3 hari.",
    "Mohon Pak Camat Klojen meninjau pasar.",
    "Saya Ingin Bertanya Tentang Pembuatan KTP Elektronik.",
    "pak satpol pp tidak menindak PKL di trotoar jalan Ijen",
    "mbak petugas puskesmas judes sekali",
    "Saya selaku ketua RT 05 mewakili warga",
    "Pembangunan gedung B 12 lantai mengganggu warga",
    "Hubungi call center 112 atau 110, kode pos 65145",
    # 16 digits that cannot be a NIK (province 99) and carry no cue.
    "nomor resi 9912345678901234 belum sampai",
]


@pytest.mark.parametrize(("text", "expected"), MASKED)
def test_masks_personal_data(text, expected):
    assert mask_pii(text) == expected


@pytest.mark.parametrize("text", UNCHANGED)
def test_leaves_ordinary_text_alone(text):
    assert detect_pii(text) == []
    assert mask_pii(text) == text


@pytest.mark.parametrize("text", [t for t, _ in MASKED] + UNCHANGED)
def test_masking_masked_text_changes_nothing(text):
    once = mask_pii(text)
    assert mask_pii(once) == once


@pytest.mark.parametrize("text", [t for t, _ in MASKED])
def test_spans_are_sorted_disjoint_and_point_into_the_text(text):
    spans = detect_pii(text)
    assert spans
    for span in spans:
        assert text[span.start : span.end] == span.text
        assert span.kind in KINDS
    for before, after in itertools.pairwise(spans):
        assert before.end < after.start


def test_each_kind_is_reported():
    text = (
        f"Saya Budi Santoso, NIK {NIK_WOMAN}, hp 0812-3456-7890, "
        "email budi@example.com, motor N 1234 AB hilang."
    )
    spans = detect_pii(text)
    assert [(s.kind, s.text) for s in spans] == [
        ("name", "Budi Santoso"),
        ("nik", NIK_WOMAN),
        ("phone", "0812-3456-7890"),
        ("email", "budi@example.com"),
        ("plate", "N 1234 AB"),
    ]


def test_masking_keeps_everything_else_byte_for_byte():
    text = "Selamat pagi,\n\tsaya Budi Santoso   warga RT 03 (hub 0812-3456-7890)!\nTerima kasih 🙏"
    assert mask_pii(text) == (
        "Selamat pagi,\n\tsaya [nama]   warga RT 03 (hub [telepon])!\nTerima kasih 🙏"
    )


def test_kinds_limits_what_is_masked():
    text = "saya Budi Santoso warga RT 03, hub 0812-3456-7890, motor N 1234 AB"
    assert mask_pii(text, kinds={"phone"}) == (
        "saya Budi Santoso warga RT 03, hub [telepon], motor N 1234 AB"
    )
    assert mask_pii(text, kinds=["name", "plate"]) == (
        "saya [nama] warga RT 03, hub 0812-3456-7890, motor [plat]"
    )
    assert mask_pii(text, kinds=()) == text


def test_unknown_kind_is_an_error():
    with pytest.raises(ValueError, match="address"):
        mask_pii("apa saja", kinds={"address"})


def test_known_names_match_whole_words_and_their_parts():
    text = "Budi bilang ke BUDIMAN bahwa santoso sudah lapor; Budi  Santoso juga."
    assert mask_pii(text, known_names=["Budi Santoso"]) == (
        "[nama] bilang ke BUDIMAN bahwa [nama] sudah lapor; [nama] juga."
    )


def test_known_names_skip_short_parts_and_particles():
    text = "Al bilang Ahmad bin Abdullah di rumah bin"
    assert mask_pii(text, known_names=["Al Ahmad bin Abdullah"]) == (
        "Al bilang [nama] di rumah bin"
    )


def test_known_names_without_letters_are_ignored():
    assert mask_pii("halo 123", known_names=["", "123"]) == "halo 123"


def test_overlapping_spans_merge_into_one_placeholder():
    # The cue finds "Siti Aminah", the known name finds "Aminah Rahayu": one name, one placeholder.
    text = "nama saya Siti Aminah Rahayu warga Klojen"
    spans = detect_pii(text, known_names=["Aminah Rahayu"])
    assert [(s.kind, s.text) for s in spans] == [("name", "Siti Aminah Rahayu")]
    assert mask_pii(text, known_names=["Aminah Rahayu"]) == "nama saya [nama] warga Klojen"


def test_the_more_sensitive_kind_names_a_merged_span():
    text = "kontak budi08123456789@gmail.com"
    assert [s.kind for s in detect_pii(text)] == ["email"]


@pytest.mark.parametrize(
    ("digits", "plausible"),
    [
        (NIK_WOMAN, True),
        ("3573010506900002", True),  # the same date for a man
        ("3573017206900002", False),  # day 72 - 40 = 32
        ("3573014513900002", False),  # month 13
        ("9973014506900002", False),  # no province 99
        ("3500014506900002", False),  # regency 00
        ("3573004506900002", False),  # district 00
        ("3573014506900000", False),  # serial 0000
        ("357301450690000", False),  # 15 digits
        ("35730145069000a2", False),
    ],
)
def test_nik_plausibility(digits, plausible):
    assert is_plausible_nik(digits) is plausible


def test_implausible_sixteen_digits_are_masked_only_after_a_cue():
    assert mask_pii("resi 9912345678901234") == "resi 9912345678901234"
    assert mask_pii("NIK 9912345678901234") == "NIK [NIK]"


def test_phone_numbers_are_not_taken_from_a_nik():
    assert [s.kind for s in detect_pii(f"nik {NIK_WOMAN}")] == ["nik"]


def test_redact_replaces_strings_wherever_they_occur_ignoring_case():
    text = "Rumah di Jl. Mawar 12 dekat jl. mawar 12 depan masjid"
    assert (
        redact(text, ["Jl. Mawar 12", "  "])
        == "Rumah di [disamarkan] dekat [disamarkan] depan masjid"
    )


def test_redact_accepts_spans_and_offsets_and_merges_overlaps():
    text = "saya Budi Santoso, anak Pak Harto"
    span = detect_pii(text)[0]
    assert span == PiiSpan(5, 17, "name", "Budi Santoso")
    assert redact(text, [span, (10, 23), "Harto"]) == "saya [disamarkan] Pak [disamarkan]"


def test_redact_rejects_offsets_outside_the_text():
    with pytest.raises(ValueError):
        redact("pendek", [(2, 40)])


def test_redacting_twice_changes_nothing():
    once = redact("ada tiang miring di Gang Kenari", ["Gang Kenari"])
    assert once == "ada tiang miring di [disamarkan]"
    assert redact(once, ["Gang Kenari"]) == once
    assert mask_pii(once) == once


def test_placeholders_are_never_masked_again_even_by_known_names():
    text = "saya Nama Plat, hub 0812-3456-7890"
    once = mask_pii(text, known_names=["Nama Plat"])
    assert once == "saya [nama], hub [telepon]"
    assert mask_pii(once, known_names=["Nama Plat", "telepon"]) == once
