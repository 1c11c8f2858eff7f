import math
import time

import numpy as np
import pytest

from aduan.lib.routing.features import CharGrams, Counts, extra_tokens, word_ngrams
from aduan.lib.routing.text import ABBREVIATIONS, normalize_text


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # case, elongation, abbreviations, punctuation and emoji
        ("TOLONGGGG jln rusak bgt!!! 😡😡", "tolong jalan rusak banget"),
        (
            "yg tdk sdh blm krn dgn utk tp sy",
            "yang tidak sudah belum karena dengan untuk tapi saya",
        ),
        ("gak gk ga nggak", "tidak tidak tidak tidak"),
        # Javanese
        ("dalane rusak, mboten nggih", "dalane rusak tidak ya"),
        ("banyu mati", "air mati"),
        # addresses: "Jl." glued to the name, house numbers, RT/RW in several spellings
        ("Jl.Merdeka No.12", "jalan merdeka nomor _angka_"),
        ("RT 03/RW 05 kel. Sukun", "rt rw kelurahan sukun"),
        ("rt.3 rw.5", "rt rw"),
        ("rt03/05", "rt rw"),
        ("RT/RW 3/5", "rt rw"),
        # contact details and links become placeholders
        ("hub 0812-3456-7890", "hubungi _telp_"),
        ("wa +62 812 3456 7890", "wa _telp_"),
        ("kantor (0341) 551234", "kantor _telp_"),
        ("NIK 3573012345678901", "nik _nik_"),
        ("foto https://bit.ly/abc?x=1 ya", "foto _url_ ya"),
        ("lihat sambat.malangkota.go.id", "lihat _url_"),
        ("email a.b@mail.co.id", "email _email_"),
        # numbers, a date stays one placeholder, reduplication with 2, glued units
        ("Rp 50.000", "rupiah _angka_"),
        ("tgl 12/03/2024", "tanggal _angka_"),
        ("anak2 sekolah", "anak anak sekolah"),
        ("mati 3hari", "mati _angka_ hari"),
        # accents, stray underscores, repairs of the elongation collapse
        ("café", "cafe"),
        ("__halo__ dunia_baru", "halo dunia baru"),
        ("maaaaf", "maaf"),
        ("", ""),
        (None, ""),
        ("  \n\t ", ""),
    ],
)
def test_normalize_text(raw, expected):
    assert normalize_text(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "Tolongggg jln rusak bgt di Jl.Merdeka No.12 RT 03/RW 05, hub 0812-3456-7890 🙏",
        "_angka_ _telp_ rt rw",
        "NIK 3573012345678901 https://x.id email a@b.com anak2 50rb",
    ],
)
def test_normalize_text_is_idempotent(raw):
    once = normalize_text(raw)
    assert normalize_text(once) == once


def test_no_abbreviation_expands_into_another_abbreviation():
    # Otherwise normalising twice would change the text.
    expanded = {word for value in ABBREVIATIONS.values() for word in value.split()}
    assert not expanded & set(ABBREVIATIONS)


def test_word_ngrams():
    assert word_ngrams("air pdam mati") == ["air", "pdam", "mati", "air pdam", "pdam mati"]
    assert word_ngrams("") == []


def test_char_grams_stay_inside_words_and_keep_placeholders_whole():
    grams = CharGrams(2, 3)("ab _telp_")
    assert grams == [" a", "ab", "b ", " ab", "ab ", "_telp_"]


def _params():
    from aduan.lib.routing.model import DEFAULT_PARAMS

    return DEFAULT_PARAMS


def test_counts_fit_rows_is_sublinear_tfidf_of_those_rows_only():
    docs = ["a a b", "b", "c c c"]
    counts = Counts("word", {**_params(), "word_max_n": 1}, docs)
    # Fitted on the first two documents: "c" (only in the third) is not a feature at all.
    block, transform = counts.fit_rows(np.array([0, 1]))
    assert block.terms == ["a", "b"]
    # "a": tf 1 + ln 2, idf ln(3/2) + 1; "b": tf 1, idf 1; the row is then L2-normalised.
    a = (1 + math.log(2)) * (math.log(3 / 2) + 1)
    row = transform(np.array([0])).toarray().ravel()
    assert row[0] == pytest.approx(a / math.hypot(a, 1), rel=1e-6)
    assert row[1] == pytest.approx(1 / math.hypot(a, 1), rel=1e-6)
    # The rebuilt scikit-learn vectorizer weighs a text exactly as the fit weighed its counts.
    assert np.allclose(block.transform(["a a b"]).toarray(), row)
    assert block.transform(["c nope"]).nnz == 0


def test_counts_min_df_and_max_features():
    docs = ["x y", "x z", "x y", "w"]
    counts = Counts("word", {**_params(), "word_max_n": 1}, docs)
    block, _ = counts.fit_rows(slice(None), min_df=2)
    assert block.terms == ["x", "y"]
    block, _ = counts.fit_rows(slice(None), max_features=1)
    assert block.terms == ["x"]


def test_extra_tokens():
    assert extra_tokens({"kelurahan": "Oro-oro Dowo", "channel": "", "category": None}) == [
        "kelurahan=oro oro dowo"
    ]
    assert extra_tokens(None) == []


@pytest.mark.parametrize("raw", ["08-12-" * 20_000, "a-" * 60_000, "x@" + "a-" * 50_000])
def test_long_adversarial_text_is_normalised_in_linear_time(raw):
    # An unbounded "[a-z0-9-]+\." in the URL pattern once took 18 s on the first of these.
    started = time.perf_counter()
    normalize_text(raw)
    assert time.perf_counter() - started < 1.0


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # The URL, NIK and phone patterns run only on texts that have what they need (a
        # scheme, "www." or a known domain; 16 digits; 7 digits): these still reach them.
        ("lapor di lapor.go.id ya", "lapor di _url_ ya"),
        ("cek WWW.Malangkota.go.id", "cek _url_"),
        ("https://x.y/z?a=1 rusak", "_url_ rusak"),
        ("hub 0812 3456 7890", "hubungi _telp_"),
        ("nik 3573012345678901 hilang", "nik _nik_ hilang"),
        ("telp (0341) 551234", "telp _telp_"),
        ("jln no12 3hari anak2", "jalan nomor _angka_ hari anak anak"),
        ("nomor 123456 saja", "nomor _angka_ saja"),
    ],
)
def test_patterns_skipped_only_where_they_cannot_match(raw, expected):
    assert normalize_text(raw) == expected
