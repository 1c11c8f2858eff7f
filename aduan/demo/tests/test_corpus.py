import functools
import random
import re
import string
from datetime import date, timedelta

import phonenumbers
import pytest

from aduan.demo import corpus
from aduan.demo.corpus import (
    CHANNELS,
    KINDS,
    PRIVACIES,
    answer_for,
    generate_complaints,
    load_texts,
)
from aduan.demo.malang import (
    CATEGORIES,
    CITY_BOUNDS,
    STREETS,
    agency_by_code,
    category_by_code,
    kelurahan_by_code,
)


@functools.cache
def _sample():
    return tuple(generate_complaints(500, seed=0))


def _lead_short_name(complaint):
    return agency_by_code(category_by_code(complaint["category"])["agency"])["short_name"]


def test_same_seed_same_output_and_other_seed_differs():
    first = generate_complaints(200, seed=7)
    assert first == generate_complaints(200, seed=7)
    other = generate_complaints(200, seed=8)
    assert [c["text"] for c in first] != [c["text"] for c in other]


def test_the_global_random_state_is_left_alone():
    random.seed(123)
    expected = random.random()
    random.seed(123)
    generate_complaints(50, seed=1)
    assert random.random() == expected


def test_every_kind_privacy_and_channel_appears_and_the_usual_ones_dominate():
    sample = _sample()
    assert {c["kind"] for c in sample} == set(KINDS)
    assert {c["privacy"] for c in sample} == set(PRIVACIES)
    assert {c["channel"] for c in sample} == set(CHANNELS)
    assert sum(c["kind"] == "pengaduan" for c in sample) > 0.6 * len(sample)
    assert sum(c["privacy"] == "publik" for c in sample) > 0.6 * len(sample)


def test_received_at_stays_in_range_in_jakarta_time_and_in_order():
    start, end = date(2024, 3, 1), date(2024, 3, 31)
    complaints = generate_complaints(400, seed=3, start=start, end=end)
    for c in complaints:
        at = c["received_at"]
        assert at.utcoffset() == timedelta(hours=7)
        assert str(at.tzinfo) == "Asia/Jakarta"
        assert start <= at.date() <= end
    times = [c["received_at"] for c in complaints]
    assert times == sorted(times)


def test_more_complaints_on_weekdays_and_in_daytime():
    start, end = date(2024, 1, 1), date(2024, 3, 31)
    complaints = generate_complaints(1500, seed=4, start=start, end=end)
    days = [start + timedelta(days=i) for i in range((end - start).days + 1)]
    weekdays = sum(d.weekday() < 5 for d in days)
    on_weekdays = sum(c["received_at"].weekday() < 5 for c in complaints)
    per_weekday = on_weekdays / weekdays
    per_weekend_day = (len(complaints) - on_weekdays) / (len(days) - weekdays)
    assert per_weekday > 1.4 * per_weekend_day
    daytime = sum(6 <= c["received_at"].hour < 22 for c in complaints)
    assert daytime > 0.85 * len(complaints)


def test_walk_ins_and_calls_arrive_in_office_hours():
    counter = [c for c in generate_complaints(800, seed=5) if c["channel"] in ("walkin", "phone")]
    assert counter
    for c in counter:
        assert c["received_at"].weekday() < 5
        assert 8 <= c["received_at"].hour < 15


def test_a_single_day_range_works():
    day = date(2025, 2, 14)
    complaints = generate_complaints(30, seed=1, start=day, end=day)
    assert {c["received_at"].date() for c in complaints} == {day}


def test_bad_range_and_zero():
    with pytest.raises(ValueError):
        generate_complaints(5, start=date(2025, 2, 2), end=date(2025, 2, 1))
    assert generate_complaints(0) == []


def test_texts_are_filled_and_varied():
    texts = [c["text"] for c in _sample()]
    assert all(t.strip() for t in texts)
    assert len(set(texts)) >= 300
    assert not any("{" in t or "}" in t for t in texts)
    lengths = sorted(len(t) for t in texts)
    assert lengths[0] < 60 and lengths[-1] > 300


def test_texts_mostly_but_not_always_name_their_category():
    complaints = [c for c in generate_complaints(1500, seed=0) if c["kind"] == "pengaduan"]

    def names_it(c):
        text = c["text"].lower()
        keywords = category_by_code(c["category"])["keywords"]
        return any(re.search(rf"\b{re.escape(k)}\b", text) for k in keywords)

    share = sum(map(names_it, complaints)) / len(complaints)
    assert 0.65 < share < 0.97


def test_informal_and_local_styles_show_up():
    text = " ".join(c["text"] for c in generate_complaints(1000, seed=2)).lower()
    for marker in (" yg ", " gak ", " sdh ", "tulung", "pak", "matur nuwun", "!!"):
        assert marker in text, marker


def test_fields_are_consistent_with_the_master_data():
    category_codes = {c["code"] for c in CATEGORIES}
    for c in _sample():
        assert c["category"] in category_codes
        kelurahan = kelurahan_by_code(c["kelurahan"])
        if c["address"] is not None:
            streets = STREETS[kelurahan["kecamatan"]]
            assert any(f"Jl. {s} " in c["address"] for s in streets), c["address"]
        if c["kind"] == "pengaduan":
            assert c["address"]
        assert (c["lat"] is None) == (c["lon"] is None)
        if c["lat"] is not None:
            assert CITY_BOUNDS["lat_min"] <= c["lat"] <= CITY_BOUNDS["lat_max"]
            assert CITY_BOUNDS["lon_min"] <= c["lon"] <= CITY_BOUNDS["lon_max"]
            assert abs(c["lat"] - kelurahan["lat"]) < 0.03
            assert abs(c["lon"] - kelurahan["lon"]) < 0.03


def test_reporter_contacts_look_real_but_are_fictional():
    sample = _sample()
    phones = [c["reporter_phone"] for c in sample if c["reporter_phone"]]
    emails = [c["reporter_email"] for c in sample if c["reporter_email"]]
    assert phones and emails
    for phone in phones:
        assert re.fullmatch(r"08\d{9,10}", phone)
        assert phonenumbers.is_valid_number(phonenumbers.parse(phone, "ID")), phone
    assert all(re.fullmatch(r"[a-z0-9.]+@example\.com", e) for e in emails)
    assert any(c["reporter_name"] is None for c in sample)
    for c in sample:
        if c["channel"] in ("sms", "whatsapp", "phone"):
            assert c["reporter_phone"]
        if c["channel"] == "email":
            assert c["reporter_email"] and c["text"].startswith("Dengan hormat")


def test_every_category_has_templates_and_shows_up():
    texts = load_texts()
    category_codes = {c["code"] for c in CATEGORIES}
    for code in category_codes:
        assert len(texts[f"pengaduan {code}"]) >= 3, code
    for section in texts:
        kind, _, code = section.partition(" ")
        if kind in KINDS and code:
            assert code in category_codes, section
    big = generate_complaints(3000, seed=0)
    assert {c["category"] for c in big} == category_codes


def test_every_template_fills_from_the_slots():
    rng = random.Random(0)
    kelurahan = kelurahan_by_code("35.73.03.1008")
    kecamatan = {"code": "35.73.03", "name": "Kedungkandang"}
    slots = corpus._slots(rng, kelurahan, kecamatan, "Danau Toba", 3, 5, "sampah")
    for section, templates in load_texts().items():
        for template in templates:
            fields = {f for _, f, _, _ in string.Formatter().parse(template) if f}
            assert fields <= set(slots), (section, template)


def test_answers_are_complete_and_respect_privacy():
    for c in _sample()[:150]:
        short = _lead_short_name(c)
        answer = answer_for(c, short)
        assert answer == answer_for(c, short)
        assert "{" not in answer and "nomor ," not in answer and "nomor ." not in answer
        assert short in answer
        assert kelurahan_by_code(c["kelurahan"])["name"] in answer
        name = c["reporter_name"]
        if name and c["privacy"] == "publik":
            assert name in answer
        elif name:
            assert name not in answer


def test_answer_carries_the_tracking_code_when_given():
    complaint = next(c for c in _sample() if c["category"] == "jalan_rusak")
    with_code = answer_for({**complaint, "code": "ADU-2025-00042"}, "DPUPRPKP")
    assert "nomor ADU-2025-00042" in with_code
    assert "ADU-" not in answer_for(complaint, "DPUPRPKP")


def test_answer_date_is_a_working_day_after_receipt():
    months = "|".join(corpus._MONTH_NAMES)
    complaints = [c for c in _sample() if c["kind"] == "pengaduan"][:60]
    for c in complaints:
        answer = answer_for(c, "DLH")
        match = re.search(rf"(Senin|Selasa|Rabu|Kamis|Jumat), (\d+) ({months}) (\d{{4}})", answer)
        assert match, answer
        month = corpus._MONTH_NAMES.index(match[3]) + 1
        when = date(int(match[4]), month, int(match[2]))
        received = c["received_at"].date()
        assert received < when <= received + timedelta(days=7)
