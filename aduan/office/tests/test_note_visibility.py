"""Internal by default: a staff note is public only where its form says so beside the field.

Each action is run through the complaint page with a marker in every text field; the
event row that carries the marker tells which kind of note it became, and
``disclosure.CITIZEN_NOTE_KINDS`` tells whether that kind is published. The field's
help text must say "the reporter and the public read this" exactly for those, and
"staff only" for every other one.
"""

import pytest
from django import forms
from django.utils import timezone

from aduan.core.disclosure import CITIZEN_NOTE_KINDS
from aduan.core.models import Priority, Status
from aduan.office import forms as office_forms
from aduan.office.actions import ACTIONS

from .conftest import login, post_action

pytestmark = pytest.mark.django_db

SAYS_PUBLIC = "dibaca pelapor dan publik"
SAYS_INTERNAL = "hanya terlihat oleh petugas"


def note_fields(form_class) -> list[str]:
    """Fields where staff write free text: every textarea."""
    return [
        name
        for name, field in form_class.base_fields.items()
        if isinstance(field, forms.CharField) and isinstance(field.widget, forms.Textarea)
    ]


def says(help_text) -> tuple[bool, bool]:
    text = str(help_text).lower()
    return SAYS_PUBLIC in text, SAYS_INTERNAL in text


def test_the_two_sentences_say_it_in_plain_words():
    assert says(office_forms.PUBLIC) == (True, False)
    assert says(office_forms.INTERNAL) == (False, True)


# How to reach each action: the status it needs, who runs it, its other fields.
def _setups(city, make_complaint):
    year = timezone.localdate().year + 1
    return {
        "disposisi": (Status.BARU, "mira", {"lead": city["dpupr"].pk}),
        "verifikasi": (Status.BARU, "mira", {}),
        "tolak": (Status.BARU, "mira", {"reason": city["spam"].pk}),
        "gabung": (Status.BARU, "mira", {"into": lambda: make_complaint().code}),
        "jawab": (Status.BARU, "mira", {}),
        "koreksi": (
            Status.BARU,
            "mira",
            {"kind": "pengaduan", "privacy": "publik", "priority": Priority.TINGGI},
        ),
        "terima": (Status.DIDISPOSISIKAN, "adi", {}),
        "kembalikan": (Status.DIDISPOSISIKAN, "adi", {}),
        "perkembangan": (Status.DIPROSES, "adi", {}),
        "minta-info": (Status.DIPROSES, "adi", {}),
        "catatan": (Status.DIPROSES, "adi", {}),
        "tunda-anggaran": (Status.DIPROSES, "adi", {"year": year}),
        "selesaikan": (Status.DIPROSES, "adi", {"outcome": "ditangani"}),
        "lokasi": (Status.DIPROSES, "adi", {"latitude": "-7.98", "longitude": "112.63"}),
    }


def test_every_action_with_text_is_covered(city, make_complaint):
    with_text = {name for name, a in ACTIONS.items() if note_fields(a.form)}
    assert with_text == set(_setups(city, make_complaint))


def test_help_text_says_public_exactly_when_the_note_is_published(
    complaint_in, make_complaint, city, mira, adi
):
    personas = {"mira": mira, "adi": adi}
    checked = 0
    for name, (status, who, extra) in _setups(city, make_complaint).items():
        action = ACTIONS[name]
        c = complaint_in(status)
        data = {key: value() if callable(value) else value for key, value in extra.items()}
        markers = {field: f"penanda {name} {field} {c.pk}" for field in note_fields(action.form)}
        r = post_action(login(personas[who]), c, name, **data, **markers)
        assert r.status_code == 302, (name, r.status_code)
        for field, marker in markers.items():
            kinds = set(c.events.filter(note__contains=marker).values_list("kind", flat=True))
            assert len(kinds) == 1, (name, field, kinds)
            (kind,) = kinds
            published = kind in CITIZEN_NOTE_KINDS
            help_text = action.form.base_fields[field].help_text
            assert says(help_text) == (published, not published), (name, field, kind, help_text)
            checked += 1
    assert checked == 15


def test_bulk_note_is_internal():
    # Bulk dispatch and reject write the same events as the single actions: internal notes.
    assert says(office_forms.BulkForm.base_fields["note"].help_text) == (False, True)


def test_the_sentence_is_shown_beside_the_field(complaint_in, mira, adi):
    html = login(mira).get(f"/kantor/aduan/{complaint_in(Status.BARU).code}/").content.decode()
    field = html.split('<label for="disposisi-note">')[1].split("</textarea>")[0]
    assert 'id="disposisi-note_helptext">' + str(office_forms.INTERNAL) in field
    assert 'aria-describedby="disposisi-note_helptext"' in field
    html = login(adi).get(f"/kantor/aduan/{complaint_in(Status.DIPROSES).code}/").content.decode()
    field = html.split('<label for="perkembangan-note">')[1].split("</textarea>")[0]
    assert str(office_forms.PUBLIC) in field
