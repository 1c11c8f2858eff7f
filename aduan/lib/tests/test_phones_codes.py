import pytest

from aduan.lib.codes import format_code, is_code, new_token, normalize_code
from aduan.lib.phones import display_phone, normalize_phone


@pytest.mark.parametrize(
    "raw",
    ["081234567890", "6281234567890", "+62 812-3456-7890", "0812.3456.7890", "+6281234567890"],
)
def test_indonesian_mobile_forms_are_one_subscriber(raw):
    assert normalize_phone(raw) == "+6281234567890"


def test_landline_with_area_code():
    assert normalize_phone("(0341) 551234") == "+62341551234"


@pytest.mark.parametrize("raw", ["", "abc", "0812", "12345678901234567890", None])
def test_invalid_numbers_raise(raw):
    with pytest.raises(ValueError):
        normalize_phone(raw)


def test_display_phone_national():
    assert display_phone("+6281234567890").startswith("0812")


def test_code_format_and_normalisation():
    assert format_code(2026, 11, 42) == "ADU-2611-0042"
    assert format_code(2027, 1, 12345) == "ADU-2701-12345"
    for raw in ["adu-2611-0042", "ADU 2611 0042", " adu26110042 ", "Adu_2611.0042"]:
        assert normalize_code(raw) == "ADU-2611-0042"
    assert normalize_code("ADU-26-11") is None
    assert normalize_code("") is None
    assert is_code("ADU-2611-0042") and not is_code("adu-2611-0042")


def test_tokens_are_unguessable_and_distinct():
    tokens = {new_token() for _ in range(200)}
    assert len(tokens) == 200 and all(len(t) >= 20 for t in tokens)
