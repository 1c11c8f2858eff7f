"""GSM-7 normalisation and counting for outbound SMS."""

from __future__ import annotations

import pytest

from aduan.lib import gsm7


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("“Sudah” ‘beres’", "\"Sudah\" 'beres'"),
        ("Senin – Jumat — pagi", "Senin - Jumat - pagi"),
        ("tunggu…", "tunggu..."),
        ("Ā ā ō ū ç", "A a o u c"),
        ("é è à ü Ñ", "é è à ü Ñ"),  # in the alphabet: kept as they are
        ("terima kasih 🙏 pak 😀", "terima kasih pak "),
        ("jarak\u00a05\u202fkm", "jarak 5 km"),
        ("• satu › dua", "- satu > dua"),
        ("الحمد", "?????"),
        ("harga €5 [diskon]", "harga €5 [diskon]"),
    ],
)
def test_normalize_keeps_only_the_gsm7_alphabet(raw, expected):
    assert gsm7.normalize(raw) == expected
    assert gsm7.is_gsm7(gsm7.normalize(raw))


def test_septets_and_segments():
    assert gsm7.septets("abc") == 3
    assert gsm7.septets("a€[]") == 7  # the extension table takes two septets each
    assert gsm7.septets("😀") is None and gsm7.septets("ā") is None
    assert gsm7.segments("") == 1
    assert gsm7.segments("a" * 160) == 1
    assert gsm7.segments("a" * 161) == 2
    assert gsm7.segments("a" * 306) == 2
    assert gsm7.segments("a" * 307) == 3
    assert gsm7.segments("a" * gsm7.THREE_PARTS) == 3
    assert gsm7.segments("a" * (gsm7.THREE_PARTS + 1)) == 4
    # An escape pair is never split: 152 letters and a euro do not fit one part of 153.
    assert gsm7.segments("a" * 152 + "€" + "a" * 10) == 2
    assert gsm7.segments("a" * 152 + "€" + "a" * 153) == 3
    # One character outside the alphabet and the message is UCS-2: 70 a part, 67 after.
    assert gsm7.segments("…" + "a" * 69) == 1
    assert gsm7.segments("…" + "a" * 70) == 2
    assert gsm7.segments("…" + "a" * 458) == 7  # the "7 parts instead of 3"


def test_truncate_cuts_at_a_word_and_counts_septets():
    text = "Lampu jalan sudah diganti dengan yang baru oleh petugas"
    cut = gsm7.truncate(text, 30)
    assert cut == "Lampu jalan sudah diganti..." and gsm7.septets(cut) <= 30
    assert gsm7.truncate(text, 200) == text
    braces = gsm7.truncate("{" * 40, 21)
    assert gsm7.septets(braces) <= 21 and braces.endswith("...")
    assert gsm7.is_gsm7(gsm7.truncate("“kutipan” " * 20, 50))


def test_with_sms_carries_the_sms_wording():
    text = gsm7.WithSms("Aduan diterima. Pantau di https://x/k/t/", "Aduan diterima.")
    assert text == "Aduan diterima. Pantau di https://x/k/t/" and text.sms == "Aduan diterima."
    assert gsm7.WithSms("x").sms == ""
