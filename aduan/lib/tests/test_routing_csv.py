import pytest

from aduan.lib.routing import MissingColumnError, read_labelled_csv
from aduan.lib.routing.csvio import sniff_delimiter


def write(tmp_path, content, encoding="utf-8", name="data.csv"):
    path = tmp_path / name
    path.write_bytes(content.encode(encoding))
    return path


def test_semicolons_and_bom(tmp_path):
    # Excel in an Indonesian locale saves "CSV UTF-8" with a BOM and semicolons.
    path = write(
        tmp_path,
        "\ufeffid;Isi Aduan;OPD\r\n1;jalan rusak, berlubang;Dinas PUPR\r\n2;sampah; bau;DLH\r\n",
    )
    rows, skipped = read_labelled_csv(path, "Isi Aduan", "OPD")
    assert rows == [("jalan rusak, berlubang", "Dinas PUPR"), ("sampah", "bau")]
    assert skipped == 0


def test_quoted_fields_with_delimiters_and_newlines(tmp_path):
    path = write(tmp_path, 'teks;opd\n"sampah; bau\nsekali";DLH\n')
    rows, _ = read_labelled_csv(path, "teks", "opd")
    assert rows == [("sampah; bau\nsekali", "DLH")]


def test_tabs_and_latin1(tmp_path):
    path = write(tmp_path, "teks\topd\ncaf\u00e9 tutup\tSatpol PP\n", encoding="latin-1")
    rows, _ = read_labelled_csv(path, "teks", "opd")
    assert rows == [("café tutup", "Satpol PP")]


def test_cp1252_punctuation(tmp_path):
    path = write(tmp_path, "teks,opd\n\u201cair mati\u201d \u2013 lagi,PDAM\n", encoding="cp1252")
    rows, _ = read_labelled_csv(path, "teks", "opd")
    assert rows == [("\u201cair mati\u201d \u2013 lagi", "PDAM")]


def test_rows_without_text_or_label_are_skipped_and_counted(tmp_path):
    path = write(
        tmp_path,
        "teks,opd,kelurahan\n"
        "air mati,PDAM,Sukun\n"
        ",DLH,Klojen\n"
        "   ,DLH,Klojen\n"
        "jalan rusak,,Klojen\n"
        "jalan rusak\n"
        "\n"
        "lampu mati,Disperkim,\n",
    )
    rows, skipped = read_labelled_csv(path, "teks", "opd", extra_columns=["kelurahan"])
    assert rows == [
        ("air mati", "PDAM", {"kelurahan": "Sukun"}),
        ("lampu mati", "Disperkim", {}),
    ]
    # The blank line is not a row; the short row without a label is.
    assert skipped == 4


def test_column_names_match_case_insensitively(tmp_path):
    path = write(tmp_path, " Teks , OPD \nair mati,PDAM\n")
    rows, _ = read_labelled_csv(path, "teks", "opd")
    assert rows == [("air mati", "PDAM")]


def test_missing_column_names_it_and_lists_the_others(tmp_path):
    path = write(tmp_path, "isi;opd;tanggal\nair mati;PDAM;2024-01-02\n")
    with pytest.raises(MissingColumnError) as caught:
        read_labelled_csv(path, "teks", "opd")
    message = str(caught.value)
    assert "'teks'" in message
    assert "'isi', 'opd', 'tanggal'" in message
    assert caught.value.available == ["isi", "opd", "tanggal"]
    with pytest.raises(MissingColumnError, match="kategori"):
        read_labelled_csv(path, "isi", "opd", extra_columns=["kategori"])


def test_huge_fields_are_allowed(tmp_path):
    essay = "jalan rusak " * 50_000
    path = write(tmp_path, f'teks,opd\n"{essay}",Dinas PUPR\n')
    rows, _ = read_labelled_csv(path, "teks", "opd")
    assert rows[0][0] == essay.strip()


def test_empty_file_reports_no_columns(tmp_path):
    path = write(tmp_path, "")
    with pytest.raises(MissingColumnError, match=r"\(none\)"):
        read_labelled_csv(path, "teks", "opd")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a,b,c\n1;2;3;4;5", ","),
        ("a;b;c\n1,2", ";"),
        ("a\tb\n", "\t"),
        ('"x,y";b;c\n', ";"),
        ("single\n", ","),
    ],
)
def test_sniff_delimiter_reads_the_header(text, expected):
    assert sniff_delimiter(text) == expected
