"""Every role × every action × own / supporting / other agency, through HTTP.

Expected outcomes: ``ok`` (the action ran: redirect, one more event), ``403``
(the role or agency may not), ``404`` (not the user's complaint to see),
``409`` (the role may, but the complaint's status does not allow it).
Nothing but ``ok`` may write an event.
"""

import pytest
from django.utils import timezone

from aduan.core import lifecycle
from aduan.core.models import Agency, Role, User
from conftest import PASSWORD

from .conftest import login, post_action

pytestmark = pytest.mark.django_db

MODERATOR_ACTIONS = ("disposisi", "verifikasi", "tolak", "gabung", "jawab", "koreksi")
LEAD_ONLY = ("terima", "perkembangan", "kembalikan", "tunda-anggaran", "selesaikan")
ALL_ACTIONS = (*MODERATOR_ACTIONS, *LEAD_ONLY, "minta-info", "catatan", "tugaskan")


def payload(action, user, city, other):
    year = timezone.localdate().year + 1
    return {
        "disposisi": {"lead": city["dpupr"].pk, "supporting": [city["dlh"].pk]},
        "verifikasi": {},
        "tolak": {"reason": city["spam"].pk},
        "gabung": {"into": other.code},
        "jawab": {"answer": "Jawaban."},
        "koreksi": {"kind": "aspirasi", "privacy": "publik", "priority": "normal"},
        "terima": {},
        "perkembangan": {"note": "Perkembangan."},
        "kembalikan": {"reason": "Bukan wewenang."},
        "tunda-anggaran": {"year": year, "plan": "APBD."},
        "selesaikan": {"answer": "Selesai.", "outcome": "ditangani"},
        "minta-info": {"question": "Di mana?"},
        "catatan": {"note": "Catatan."},
        "tugaskan": {"officer": user.pk},
    }[action]


# Stage "new": in the moderators' queue, not dispatched to anyone yet.
NEW = {
    "mira": dict.fromkeys((*MODERATOR_ACTIONS, "minta-info", "catatan"), "ok")
    | dict.fromkeys((*LEAD_ONLY, "tugaskan"), "403"),
    "adi": dict.fromkeys(ALL_ACTIONS, "404"),
    "kurnia": dict.fromkeys(ALL_ACTIONS, "404"),
    "dewi": dict.fromkeys(ALL_ACTIONS, "404"),
    "puji": dict.fromkeys(ALL_ACTIONS, "404"),
    "sekar": dict.fromkeys(ALL_ACTIONS, "403"),
    "sari": dict.fromkeys(ALL_ACTIONS, "403"),
}

_AGENCY_DOES = (
    dict.fromkeys((*LEAD_ONLY, "minta-info", "catatan", "tugaskan"), "ok")
    | {
        "terima": "409"  # already acknowledged
    }
    | dict.fromkeys(MODERATOR_ACTIONS, "403")
)

# Stage "in progress": DPUPR leads, DLH supports, PDAM is not involved.
IN_PROGRESS = {
    "mira": dict.fromkeys(("disposisi", "verifikasi", "tolak", "jawab"), "409")
    | dict.fromkeys(("gabung", "koreksi", "minta-info", "catatan"), "ok")
    | dict.fromkeys((*LEAD_ONLY, "tugaskan"), "403"),
    "adi": _AGENCY_DOES,
    "kurnia": _AGENCY_DOES,
    "dewi": dict.fromkeys(("catatan", "tugaskan"), "ok")
    | dict.fromkeys((*LEAD_ONLY, "minta-info", *MODERATOR_ACTIONS), "403"),
    "puji": dict.fromkeys(ALL_ACTIONS, "404"),
    "sekar": dict.fromkeys(ALL_ACTIONS, "403"),
    "sari": dict.fromkeys(ALL_ACTIONS, "403"),
}


@pytest.fixture
def people(mira, adi, kurnia, dewi, sekar, sari, city):
    pdam = Agency.objects.get(code="pdam")
    puji = User.objects.create_user(
        username="puji", password=PASSWORD, role=Role.ADMIN_OPD, agency=pdam
    )
    return {u.username: u for u in (mira, adi, kurnia, dewi, puji, sekar, sari)}


def _run(stage, expected, persona, people, make_complaint, city, mira):
    user = people[persona]
    client = login(user)
    other = make_complaint()
    outcomes = {}
    for action in ALL_ACTIONS:
        c = make_complaint()
        if stage == "in_progress":
            lifecycle.dispatch(c, mira, lead=city["dpupr"], supporting=[city["dlh"]])
            lifecycle.acknowledge(c, people["adi"])
        before = c.events.count()
        r = post_action(client, c, action, **payload(action, user, city, other))
        outcome = "ok" if r.status_code == 302 else str(r.status_code)
        outcomes[action] = outcome
        written = c.events.count() - before
        assert (written > 0) == (outcome == "ok"), (persona, action, r.status_code)
    assert outcomes == expected[persona]


@pytest.mark.parametrize("persona", list(NEW))
def test_new_complaint(persona, people, make_complaint, city, mira):
    _run("new", NEW, persona, people, make_complaint, city, mira)


@pytest.mark.parametrize("persona", list(IN_PROGRESS))
def test_complaint_in_progress(persona, people, make_complaint, city, mira):
    _run("in_progress", IN_PROGRESS, persona, people, make_complaint, city, mira)
