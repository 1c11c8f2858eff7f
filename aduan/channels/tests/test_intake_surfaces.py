"""One intake behind every way in: the same bad submission is refused the same way by the
portal form, the staff desk, the mobile API and Open311, each in its own format; a good one
files exactly one complaint on each.

A submission is written once in the intake's own field names; each surface below maps it
to its input (form fields, JSON, Open311 parameters) and reads its refusals back as
``(field, message)`` pairs. The expected message is the intake's own for that field and
code, named the surface's way (Open311 by its parameters).
"""

from __future__ import annotations

import re
import uuid
from html import unescape

import pytest

from aduan.channels.models import ApiClient
from aduan.channels.open311.views import LABELS, OTHER_SERVICE
from aduan.core import intake
from aduan.core.models import Channel, Complaint
from conftest import PASSWORD

from .conftest import post_json
from .test_whatsapp import location, send, text, wa_body

GOOD = {
    "text": "Lampu penerangan jalan di depan SD Kauman 2 mati sejak seminggu.",
    "kelurahan": "kauman",
    "address": "Jl. Kawi depan SD Negeri 2",
    "latitude": "-7.98",
    "longitude": "112.63",
    "privacy": "publik",
    "reporter_name": "Rina Wati",
    "reporter_phone": "0812 3456 7890",
    "reporter_email": "rina@contoh.id",
}
UNKNOWN = "unknown"

# name: (changes to GOOD, the refusal as (field, code)).
BAD = {
    "no text": ({"text": ""}, ("text", "required")),
    "short text": ({"text": "Jalan rusak"}, ("text", "too_short")),
    "bad phone": ({"reporter_phone": "12345"}, ("reporter_phone", "invalid_phone")),
    "bad e-mail": ({"reporter_email": "bukan-email"}, ("reporter_email", "invalid_email")),
    "unknown kelurahan": ({"kelurahan": UNKNOWN}, ("kelurahan", "not_found")),
    "half a location": ({"longitude": ""}, ("longitude", "incomplete_location")),
    "location outside Indonesia": ({"latitude": "40.5"}, ("latitude", "out_of_range")),
    "publik without contact": (
        {"reporter_phone": "", "reporter_email": ""},
        ("reporter_phone", "contact_required"),
    ),
}
# The figures a message states, as the intake passes them.
FIGURES = {
    "too_short": {"n": intake.MIN_LETTERS},
    "out_of_range": {"low": intake.LATITUDE_RANGE[0], "high": intake.LATITUDE_RANGE[1]},
}


def expected_message(field: str, code: str, labels=None) -> str:
    return intake.IntakeError(field, code, **FIGURES.get(code, {})).message_for(labels)


# -- the surfaces ---------------------------------------------------------------------------


class Surface:
    channel: str
    # The intake fields the surface takes at all.
    fields = frozenset(GOOD)
    # Whether a retry with the same key files nothing more.
    has_keys = False

    def __init__(self, client, city, request):
        self.client, self.city, self.request = client, city, request

    def kelurahan(self, value):
        return value

    def send(self, values, key=None):
        raise NotImplementedError

    def refusals(self, response) -> list[tuple[str, str]]:
        """Every refusal in the response, as (intake field, message)."""
        raise NotImplementedError

    def accepted(self, response) -> bool:
        raise NotImplementedError

    def assert_refused(self, response, field, code):
        # The one problem, on the same field, with the intake's message for that code.
        assert self.refusals(response) == [(field, expected_message(field, code))]


class Portal(Surface):
    channel = Channel.WEB
    has_keys = True
    URL = "/aduan/baru/"

    def kelurahan(self, value):
        return "999999" if value == UNKNOWN else str(self.city[value].pk)

    def send(self, values, key=None):
        data = {**values, "kind": "pengaduan", "category": ""}
        data["submission_key"] = key or uuid.uuid4().hex
        return self.client.post(self.URL, data)

    def refusals(self, response):
        assert response.status_code == 400
        html = response.content.decode()
        found = []
        for field, block in re.findall(r'<div id="id_(\w+)_error">(.*?)</div>', html, re.S):
            for message in re.findall(r'<p class="error">(.*?)</p>', block, re.S):
                found.append((field, unescape(message)))
                # The error summary links to that field.
                assert f'<a href="#id_{field}">' in html
        return found

    def accepted(self, response):
        return response.status_code == 302 and "/aduan/terkirim/" in response["Location"]


class Staff(Portal):
    """The moderator's desk for walk-in, phone and letter complaints (no map pin)."""

    channel = Channel.WALKIN
    fields = frozenset(GOOD) - {"latitude", "longitude"}
    has_keys = False
    URL = "/kantor/kanal/baru/"

    def send(self, values, key=None):
        assert self.client.login(username="mira", password=PASSWORD)
        data = {k: v for k, v in values.items() if k in self.fields}
        data.update(channel=self.channel, kind="pengaduan", category="", reference="")
        return self.client.post(self.URL, data)

    def accepted(self, response):
        return response.status_code == 302 and response["Location"] == self.URL


class Api(Surface):
    channel = Channel.APP
    has_keys = True
    URL = "/api/v1/complaints"

    def kelurahan(self, value):
        return "99.99" if value == UNKNOWN else self.city[value].code

    def send(self, values, key=None):
        headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
        return post_json(self.client, self.URL, values, **headers)

    def refusals(self, response):
        assert response.status_code == 400
        error = response.json()["error"]
        return [(error["field"], error["message"])]

    def accepted(self, response):
        return response.status_code == 201


class Open311(Surface):
    channel = Channel.OPEN311
    URL = "/open311/v2/requests.json"
    PARAMS = {
        "text": "description",
        "kelurahan": "address_id",
        "address": "address_string",
        "latitude": "lat",
        "longitude": "long",
        "privacy": "attribute[privasi]",
        "reporter_name": "first_name",
        "reporter_phone": "phone",
        "reporter_email": "email",
    }

    def kelurahan(self, value):
        return "99.99" if value == UNKNOWN else self.city[value].code

    def send(self, values, key=None):
        data = {self.PARAMS[k]: v for k, v in values.items()}
        data["api_key"] = ApiClient.objects.get_or_create(name="Mitra")[0].api_key
        data["service_code"] = OTHER_SERVICE
        return self.client.post(self.URL, data)

    def accepted(self, response):
        return response.status_code == 200 and "service_request_id" in response.json()[0]

    def assert_refused(self, response, field, code):
        assert response.status_code == 400
        # The spec's errors name no field: the message names the parameter instead.
        [problem] = response.json()
        assert problem == {"code": 400, "description": expected_message(field, code, LABELS)}
        assert re.search(rf"\b{re.escape(self.PARAMS[field])}\b", problem["description"])


SURFACES = {"portal": Portal, "staff": Staff, "api": Api, "open311": Open311}


@pytest.fixture
def surface_of(client, city, mira, request):
    def make(name) -> Surface:
        return SURFACES[name](client, city, request)

    return make


def values(surface: Surface, **changes) -> dict:
    merged = {**GOOD, **changes}
    merged["kelurahan"] = surface.kelurahan(merged["kelurahan"])
    return merged


# The desk's form has no map pin: there is no position to send wrong there.
BAD_CASES = [
    pytest.param(surface_name, changes, refusal, id=f"{surface_name}-{case}")
    for surface_name, surface in SURFACES.items()
    for case, (changes, refusal) in BAD.items()
    if set(changes) <= surface.fields
]


@pytest.mark.parametrize(("surface_name", "changes", "refusal"), BAD_CASES)
def test_a_bad_submission_is_refused_alike_everywhere(surface_of, surface_name, changes, refusal):
    surface = surface_of(surface_name)
    response = surface.send(values(surface, **changes))
    field, code = refusal
    rules = intake.rules_for(surface.channel)
    if code == "contact_required" and not rules.contact_required:
        # The desk hands the code over in person: its rules ask for no contact.
        assert surface.accepted(response)
        assert Complaint.objects.get().channel == surface.channel
        return
    surface.assert_refused(response, field, code)
    assert not Complaint.objects.exists()


@pytest.mark.parametrize("surface_name", SURFACES)
def test_a_good_submission_files_exactly_one_complaint(surface_of, surface_name, city):
    surface = surface_of(surface_name)
    key = uuid.uuid4().hex
    first = surface.send(values(surface), key=key)
    assert surface.accepted(first), first.content
    complaint = Complaint.objects.get()
    assert complaint.channel == surface.channel
    assert complaint.reporter_phone == "+6281234567890"
    assert complaint.kelurahan == city["kauman"]
    if surface.has_keys:
        # A retry (a double tap, a flaky network) with the same key files nothing more.
        again = surface.send(values(surface), key=key)
        assert surface.accepted(again)
        assert Complaint.objects.count() == 1


@pytest.mark.parametrize("surface_name", SURFACES)
def test_anonim_without_name_or_contact_is_filed(surface_of, surface_name):
    surface = surface_of(surface_name)
    response = surface.send(
        values(surface, privacy="anonim", reporter_name="", reporter_phone="", reporter_email="")
    )
    assert surface.accepted(response), response.content
    complaint = Complaint.objects.get()
    assert complaint.privacy == "anonim" and complaint.channel == surface.channel
    assert (complaint.reporter_name, complaint.reporter_phone) == ("", "")


def test_required_marks_on_the_forms_follow_the_channels_rules(client, city, mira):
    portal = client.get(Portal.URL).content.decode()
    assert re.search(r'<label for="id_kelurahan">Kelurahan <span class="req"', portal)
    assert client.login(username="mira", password=PASSWORD)
    desk = client.get(Staff.URL).content.decode()
    # The desk may not know the kelurahan yet (intake.STAFF_ENTRY).
    assert '<label for="id_kelurahan">Kelurahan</label>' in desk
    assert re.search(r'<label for="id_text">Isi aduan <span class="req"', desk)


# -- the message channels ---------------------------------------------------------------------


def test_a_chat_complaint_goes_through_the_intake_too(client, city, channel_settings):
    # Same intake, the message rules: the sender is the contact, no name is asked for; a
    # position outside Indonesia is left out (and the moderators told), not the complaint.
    for body in ("aduan", "kauman", "Lampu penerangan jalan mati sejak Senin, gelap sekali."):
        send(client, wa_body(text(body)))
    send(client, wa_body(location(52.3731, 4.8922)))
    send(client, wa_body(text("ya")))
    complaint = Complaint.objects.get()
    assert complaint.channel == Channel.WHATSAPP and complaint.kelurahan == city["kauman"]
    assert complaint.reporter_phone == "+6281234567890"
    assert complaint.latitude is None and complaint.longitude is None
    note = complaint.events.get(data__unparsed=True)
    assert "di luar wilayah Indonesia" in note.note and not note.is_public
