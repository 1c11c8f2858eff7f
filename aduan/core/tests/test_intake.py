"""The one intake of a new complaint: the rules, per channel, and their messages."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest

from aduan.core import intake
from aduan.core.intake import IntakeErrors, Submission, check
from aduan.core.models import Category, Channel, Complaint, Kind, Privacy
from aduan.lib.images import CleanImage
from conftest import image_bytes

pytestmark = pytest.mark.django_db

TEXT = "Lampu penerangan jalan di depan SD Kauman 2 mati sejak seminggu."


def good(city, **changes) -> Submission:
    values = {
        "text": TEXT,
        "kelurahan": city["kauman"].code,
        "category": city["roads"].code,
        "address": "  Jl. Kawi depan SD  ",
        "latitude": "-7.98",
        "longitude": 112.63,
        "reporter_name": " Rina Wati ",
        "reporter_phone": "0812 3456 7890",
        "reporter_email": " rina@contoh.id ",
    }
    values.update(changes)
    return Submission(**values)


def problems(submission, channel=Channel.WEB) -> list[tuple[str, str]]:
    with pytest.raises(IntakeErrors) as caught:
        check(submission, channel=channel)
    return [(e.field, e.code) for e in caught.value]


class Upload(io.BytesIO):
    """An uploaded file as a surface hands it in: ``read()`` and a ``name``."""

    def __init__(self, data: bytes, name: str):
        super().__init__(data)
        self.name = name


# -- what comes back ---------------------------------------------------------------------


def test_good_submission_comes_back_clean(city):
    checked = check(good(city), channel=Channel.WEB)
    assert checked.channel == Channel.WEB
    assert checked.text == TEXT
    assert (checked.kind, checked.privacy) == (Kind.PENGADUAN, Privacy.PUBLIK)
    assert checked.kelurahan == city["kauman"] and checked.category == city["roads"]
    assert checked.address == "Jl. Kawi depan SD"
    assert checked.latitude == Decimal("-7.980000") and checked.longitude == Decimal("112.63")
    assert str(checked.latitude) == "-7.980000"
    assert checked.reporter_name == "Rina Wati"
    assert checked.reporter_phone == "+6281234567890"
    assert checked.reporter_email == "rina@contoh.id"
    assert checked.photos == []


def test_forms_refer_to_rows_by_primary_key(city):
    checked = check(
        good(city, kelurahan=str(city["oro"].pk), category=city["waste"].pk, lookup="pk"),
        channel=Channel.WEB,
    )
    assert checked.kelurahan == city["oro"] and checked.category == city["waste"]
    for ref in ("abc", "9" * 30, "٣", city["oro"].code):  # a code is not a primary key
        submission = good(city, kelurahan=ref, category=None, lookup="pk")
        assert problems(submission) == [("kelurahan", "not_found")], ref


def test_a_kelurahan_a_channel_already_matched_is_taken_as_it_is(city):
    checked = check(good(city, kelurahan=city["gadang"]), channel=Channel.SMS)
    assert checked.kelurahan == city["gadang"]


# -- the rules table ------------------------------------------------------------------------

RULES_TABLE = [
    # (channel, changes, expected problems); strings stand for the city's rows by name.
    (Channel.WEB, {"text": None}, [("text", "required")]),
    (Channel.WEB, {"text": "   "}, [("text", "required")]),
    (Channel.WEB, {"text": "Jalan rusak"}, [("text", "too_short")]),
    # Letters and digits count, not punctuation or spaces.
    (Channel.WEB, {"text": "Jalan ! ! ! ! ! ! ! ! rusak"}, [("text", "too_short")]),
    (Channel.WEB, {"text": "x" * 5001}, [("text", "too_long")]),
    (Channel.WEB, {"text": 42}, [("text", "invalid_type")]),
    (Channel.WEB, {"text": "ab\x00" * 10}, [("text", "invalid_characters")]),
    (Channel.WEB, {"text": "Jalan rusak di depan pasar \ud800"}, [("text", "invalid_characters")]),
    (Channel.WEB, {"kind": "gosip"}, [("kind", "invalid_choice")]),
    (Channel.WEB, {"privacy": ["anonim"]}, [("privacy", "invalid_choice")]),
    (Channel.WEB, {"kelurahan": ""}, [("kelurahan", "required")]),
    (Channel.APP, {"kelurahan": None}, [("kelurahan", "required")]),
    (Channel.WEB, {"kelurahan": "99.99"}, [("kelurahan", "not_found")]),
    (Channel.WEB, {"kelurahan": 3573}, [("kelurahan", "invalid_type")]),
    (Channel.WEB, {"category": "nope"}, [("category", "not_found")]),
    (Channel.WEB, {"category": "inactive"}, [("category", "not_found")]),
    (Channel.WEB, {"address": "x" * 301}, [("address", "too_long")]),
    (Channel.WEB, {"latitude": "abc"}, [("latitude", "invalid_number")]),
    (Channel.WEB, {"latitude": True}, [("latitude", "invalid_number")]),
    (Channel.WEB, {"latitude": "NaN"}, [("latitude", "invalid_number")]),
    (Channel.WEB, {"latitude": 40}, [("latitude", "out_of_range")]),
    (Channel.WEB, {"longitude": "150"}, [("longitude", "out_of_range")]),
    (Channel.WEB, {"longitude": ""}, [("longitude", "incomplete_location")]),
    (Channel.WEB, {"latitude": None}, [("latitude", "incomplete_location")]),
    (Channel.WEB, {"reporter_name": ""}, [("reporter_name", "required")]),
    (Channel.WEB, {"reporter_name": "x" * 121}, [("reporter_name", "too_long")]),
    (Channel.WEB, {"reporter_phone": "12345"}, [("reporter_phone", "invalid_phone")]),
    (Channel.WEB, {"reporter_email": "siti@"}, [("reporter_email", "invalid_email")]),
    # A contact mistyped is its own problem; "give a contact" is not said as well.
    (
        Channel.WEB,
        {"reporter_phone": "0000", "reporter_email": ""},
        [("reporter_phone", "invalid_phone")],
    ),
    (
        Channel.WEB,
        {"reporter_phone": "", "reporter_email": ""},
        [("reporter_phone", "contact_required")],
    ),
    (
        Channel.APP,
        {"reporter_phone": None, "reporter_email": None},
        [("reporter_phone", "contact_required")],
    ),
    (
        Channel.OPEN311,
        {"reporter_phone": "", "reporter_email": ""},
        [("reporter_phone", "contact_required")],
    ),
    # rahasia hides the reporter from the public, not from us: name and contact still needed.
    (
        Channel.WEB,
        {"privacy": "rahasia", "reporter_name": "", "reporter_phone": "", "reporter_email": ""},
        [("reporter_name", "required"), ("reporter_phone", "contact_required")],
    ),
    # Open311 asks for some place, not for our kelurahan codes.
    (Channel.OPEN311, {"kelurahan": None}, []),
    (
        Channel.OPEN311,
        {"kelurahan": None, "latitude": None, "longitude": None, "address": ""},
        [("address", "location_required")],
    ),
    (Channel.OPEN311, {"kelurahan": None, "latitude": None, "longitude": None}, []),
    (Channel.OPEN311, {"kelurahan": "99.99"}, [("kelurahan", "not_found")]),
    # The desk: no contact needed (the code is handed over there), kelurahan may be unknown;
    # a phone typed is still checked, and a name still asked for.
    (Channel.WALKIN, {"reporter_phone": "", "reporter_email": "", "kelurahan": ""}, []),
    (Channel.PHONE, {"reporter_phone": "12345"}, [("reporter_phone", "invalid_phone")]),
    (Channel.LETTER, {"reporter_name": ""}, [("reporter_name", "required")]),
    (Channel.LETTER, {"text": "Jalan rusak"}, [("text", "too_short")]),
    # Messages: the handler judged the text; the sender is the contact, stored as given.
    (
        Channel.SMS,
        {"text": "Rusak", "reporter_name": "", "reporter_phone": "+6281234567890"},
        [],
    ),
    (Channel.EMAIL, {"reporter_phone": "", "reporter_email": "warga@contoh.id"}, []),
    (Channel.WHATSAPP, {"latitude": "52.37"}, [("latitude", "out_of_range")]),
    (Channel.SMS, {"text": "?!"}, [("text", "too_short")]),
    (Channel.SOCIAL, {"reporter_phone": "", "reporter_email": "", "reporter_name": ""}, []),
    # Every problem is told, in the order of the fields.
    (
        Channel.WEB,
        {"text": "", "kind": "x", "kelurahan": "", "latitude": "9", "reporter_email": "a@"},
        [
            ("text", "required"),
            ("kind", "invalid_choice"),
            ("kelurahan", "required"),
            ("latitude", "out_of_range"),
            ("reporter_email", "invalid_email"),
        ],
    ),
]


@pytest.mark.parametrize(("channel", "changes", "expected"), RULES_TABLE)
def test_rules_table(city, channel, changes, expected):
    if changes.get("category") == "inactive":
        Category.objects.filter(pk=city["water"].pk).update(is_active=False)
        changes = {**changes, "category": city["water"].code}
    submission = good(city, **changes)
    if expected:
        assert problems(submission, channel) == expected
    else:
        assert check(submission, channel=channel).channel == channel


@pytest.mark.parametrize("channel", [Channel.WEB, Channel.APP, Channel.OPEN311])
def test_anonim_needs_neither_name_nor_contact(city, channel):
    checked = check(
        good(city, privacy="anonim", reporter_name="", reporter_phone="", reporter_email=""),
        channel=channel,
    )
    assert (checked.privacy, checked.reporter_name, checked.reporter_phone) == ("anonim", "", "")


def test_anonim_reporter_who_gives_a_contact_still_has_it_checked(city):
    assert problems(good(city, privacy="anonim", reporter_phone="123")) == [
        ("reporter_phone", "invalid_phone")
    ]


def test_the_sender_address_is_kept_as_the_gateway_gave_it(city):
    checked = check(
        good(
            city,
            reporter_name="",
            reporter_phone="",
            reporter_email="",
            reporter_handle="987654321",
            kelurahan=None,
        ),
        channel=Channel.TELEGRAM,
    )
    assert checked.reporter_handle == "987654321" and checked.kelurahan is None
    sms = check(good(city, reporter_phone="+6281234567890"), channel=Channel.SMS)
    assert sms.reporter_phone == "+6281234567890"


def test_empty_choice_takes_the_default(city):
    checked = check(good(city, kind="", privacy=None), channel=Channel.APP)
    assert (checked.kind, checked.privacy) == ("pengaduan", "publik")


def test_every_channel_has_a_row_of_rules():
    assert set(intake.RULES) == set(Channel.values)
    with pytest.raises(ValueError):
        intake.rules_for("fax")


def test_required_marks_follow_the_rules():
    assert intake.CITIZEN.always_required == {"text", "kelurahan"}
    assert intake.STAFF_ENTRY.always_required == {"text"}
    assert intake.OPEN311.always_required == {"text"}


# -- messages ------------------------------------------------------------------------------


def messages(submission, channel=Channel.WEB, labels=None) -> dict[str, str]:
    with pytest.raises(IntakeErrors) as caught:
        check(submission, channel=channel)
    return {e.field: e.message_for(labels) for e in caught.value}


def test_messages_are_indonesian_and_name_the_field(city):
    bad = good(
        city,
        text="pendek",
        kelurahan="",
        latitude="-7.9",
        longitude=None,
        reporter_name="",
        reporter_phone="12",
    )
    assert messages(bad) == {
        "text": "Isi aduan terlalu pendek: tulis minimal 15 huruf.",
        "kelurahan": "Pilih kelurahan lokasi masalah.",
        "longitude": "Isi lintang dan bujur sekaligus, atau kosongkan keduanya.",
        "reporter_name": "Nama wajib diisi, kecuali Anda memilih aduan anonim.",
        "reporter_phone": "Nomor HP tidak valid. Contoh yang benar: 0812 3456 7890.",
    }
    assert messages(good(city, reporter_phone="", reporter_email="")) == {
        "reporter_phone": "Isi nomor HP atau e-mail agar kami dapat mengabari Anda, "
        "kecuali Anda memilih aduan anonim."
    }
    assert messages(good(city, latitude="40", reporter_email="x@")) == {
        "latitude": "Lintang harus di antara -11 dan 6 (wilayah Indonesia).",
        "reporter_email": "Alamat e-mail tidak valid, contoh: nama@contoh.id.",
    }


def test_a_surface_names_fields_its_own_way(city):
    labels = {"text": "parameter description", "coordinates": "lat dan long"}
    assert messages(good(city, text=""), labels=labels) == {
        "text": "Parameter description wajib diisi."
    }
    assert messages(good(city, longitude=None), labels=labels) == {
        "longitude": "Isi lat dan long sekaligus, atau kosongkan keduanya."
    }


def test_a_sentence_stating_the_shared_figure_is_used_only_with_it(city):
    with pytest.raises(IntakeErrors) as caught:
        check(good(city, text="?!"), channel=Channel.SMS)
    assert caught.value.errors[0].message == "Isi aduan terlalu pendek: tulis minimal 1 huruf."


def test_an_error_unpacks_as_field_code_message(city):
    with pytest.raises(IntakeErrors) as caught:
        check(good(city, text=""), channel=Channel.WEB)
    [(field, code, message)] = list(caught.value)
    assert (field, code, message) == ("text", "required", "Isi aduan wajib diisi.")
    assert caught.value.fields() == {"text"}


# -- photos --------------------------------------------------------------------------------


def test_photos_are_cleaned_and_bad_ones_named(city):
    checked = check(good(city, photos=[Upload(image_bytes(exif_gps=True), "a.jpg")]), channel="web")
    [photo] = checked.photos
    assert isinstance(photo, CleanImage) and (photo.width, photo.height) == (64, 48)
    with pytest.raises(IntakeErrors) as caught:
        check(
            good(city, photos=[Upload(image_bytes(), "baik.jpg"), Upload(b"%PDF-1", "x.jpg")]),
            channel=Channel.WEB,
        )
    [error] = caught.value.errors
    assert (error.field, error.code) == ("photos", "photo_not_image")
    # The file name is kept as sent, not capitalised.
    assert error.message == "x.jpg: Berkas bukan foto. Kirim foto berformat JPG, PNG atau WebP."
    # The good one is handed back for the corrected submission.
    assert len(caught.value.photos) == 1


def test_photos_kept_from_an_earlier_attempt_count_and_come_first(city):
    kept = check(good(city, photos=[Upload(image_bytes(size=(80, 60)), "a.jpg")]), channel="web")
    earlier = kept.photos[0]
    checked = check(
        good(city, photos=[earlier, Upload(image_bytes(), "b.jpg")]), channel=Channel.WEB
    )
    assert checked.photos[0] is earlier and len(checked.photos) == 2
    too_many = [earlier] * 5 + [Upload(image_bytes(), "c.jpg")]
    with pytest.raises(IntakeErrors) as caught:
        check(good(city, photos=too_many), channel=Channel.WEB)
    assert [(e.code, e.message) for e in caught.value] == [
        ("too_many_photos", "Paling banyak 5 foto per aduan.")
    ]
    assert caught.value.photos == []


def test_photos_added_later_use_the_same_checks(city):
    assert len(intake.clean_photos([Upload(image_bytes(), "a.jpg")])) == 1
    with pytest.raises(IntakeErrors) as caught:
        intake.clean_photos([Upload(image_bytes(), "a.jpg")] * 2, limit=1)
    assert [e.message for e in caught.value] == ["Paling banyak 1 foto."]


# -- filing --------------------------------------------------------------------------------


def test_file_creates_the_complaint_once_per_key(city, mira):
    checked = check(good(city), channel=Channel.WALKIN)
    complaint, created = intake.file(
        checked, channel=Channel.WALKIN, actor=mira, submission_key="desk:1"
    )
    assert created and complaint.channel == Channel.WALKIN
    assert complaint.reporter_phone == "+6281234567890" and complaint.kecamatan == city["klojen"]
    assert complaint.events.get().actor == mira
    again, created = intake.file(checked, channel=Channel.WALKIN, submission_key="desk:1")
    assert (again, created) == (complaint, False)
    assert Complaint.objects.count() == 1


def test_a_submission_is_filed_for_the_channel_it_was_checked_for(city):
    checked = check(good(city, reporter_phone="", reporter_email=""), channel=Channel.WALKIN)
    with pytest.raises(ValueError):
        intake.file(checked, channel=Channel.WEB)
    assert not Complaint.objects.exists()


def test_check_writes_nothing(city, django_assert_max_num_queries):
    # Two reads (kelurahan, category); filing is a separate step.
    with django_assert_max_num_queries(2):
        check(good(city), channel=Channel.WEB)
    assert not Complaint.objects.exists()
