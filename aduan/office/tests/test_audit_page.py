"""GET /kantor/audit/: the city-wide audit log, and what writes to it through HTTP.

Logins (and failed ones, with the username tried), logouts, a reporter's contact shown,
staff actions on complaints and downloads each leave one entry; the page filters by
person, agency, complaint, action and date, pages newest first, and exports CSV that no
spreadsheet runs as formulas. Only system admins and the inspectorate may read it.
"""

import csv
import io
from datetime import datetime, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from aduan.core import audit
from aduan.core.models import AuditEntry, Privacy, Role, Status, User
from conftest import PASSWORD

from .conftest import login, post_action

pytestmark = pytest.mark.django_db

A = AuditEntry.Action
PAGE = "/kantor/audit/"


@pytest.fixture
def indra(city):
    """Indra of the Inspektorat: reads the log and the reports, acts on nothing."""
    return User.objects.create_user(
        "indra", password=PASSWORD, role=Role.INSPEKTORAT, first_name="Indra"
    )


def entries(**filters):
    return list(AuditEntry.objects.filter(**filters).order_by("id"))


# -- what is recorded ----------------------------------------------------------------------


def test_a_login_is_recorded_with_address_and_browser(adi):
    client = Client(REMOTE_ADDR="198.51.100.7", HTTP_USER_AGENT="Firefox/128 uji")
    response = client.post("/kantor/masuk/", {"username": "adi", "password": PASSWORD})
    assert response.status_code == 302
    [entry] = entries(action=A.LOGIN)
    assert (entry.actor, entry.actor_label, entry.agency) == (adi, "adi", adi.agency)
    assert (entry.ip_address, entry.user_agent) == ("198.51.100.7", "Firefox/128 uji")


@pytest.mark.parametrize("username", ["adi", "tidak-ada"])
def test_a_failed_login_is_recorded_with_the_username_tried_and_never_the_password(adi, username):
    client = Client(REMOTE_ADDR="198.51.100.8")
    response = client.post("/kantor/masuk/", {"username": username, "password": "salah-123456"})
    assert response.status_code == 200
    [entry] = entries(action=A.LOGIN_FAILED)
    assert entry.actor is None
    assert entry.actor_label == username
    assert entry.extra == {"username": username}
    assert entry.ip_address == "198.51.100.8"
    assert "salah-123456" not in str(entry.extra) + entry.description
    assert not entries(action=A.LOGIN)


def test_a_logout_is_recorded(adi):
    client = login(adi)
    assert client.post("/kantor/keluar/").status_code == 302
    [entry] = entries(action=A.LOGOUT)
    assert entry.actor == adi


def test_a_contact_shown_is_recorded_once_with_its_complaint(complaint_in, mira):
    complaint = complaint_in(Status.TERVERIFIKASI, privacy=Privacy.ANONIM)
    client = login(mira)
    before = AuditEntry.objects.filter(complaint=complaint).count()
    response = client.post(
        f"/kantor/aduan/{complaint.code}/kontak/", HTTP_USER_AGENT="Chromium uji"
    )
    assert response.status_code == 200
    assert "+6281234567890" in response.content.decode()
    [entry] = entries(complaint=complaint, id__gt=0)[before:]
    assert entry.action == A.CONTACT_VIEWED
    assert (entry.actor, entry.complaint_code) == (mira, complaint.code)
    # The address comes from the request being served (core.audit's middleware).
    assert (entry.ip_address, entry.user_agent) == ("127.0.0.1", "Chromium uji")
    # No reporter data in the log itself.
    assert "6281234567890" not in str(entry.extra) + entry.description


def test_a_contact_refused_leaves_no_entry(complaint_in, adi):
    complaint = complaint_in(Status.DIPROSES, privacy=Privacy.ANONIM)
    assert login(adi).post(f"/kantor/aduan/{complaint.code}/kontak/").status_code == 403
    assert not entries(action=A.CONTACT_VIEWED)


def test_a_staff_action_through_the_office_is_recorded(complaint_in, mira):
    complaint = complaint_in(Status.BARU)
    response = post_action(login(mira), complaint, "verifikasi")
    assert response.status_code == 302
    [entry] = entries(action=A.STAFF_ACTION, complaint=complaint)
    assert entry.actor == mira
    assert entry.extra["kind"] == "verified"
    assert (entry.extra["from"], entry.extra["to"]) == (Status.BARU, Status.TERVERIFIKASI)
    assert entry.ip_address == "127.0.0.1"


def test_an_entry_is_written_in_the_citys_language_whatever_the_actor_reads(complaint_in, mira):
    complaint = complaint_in(Status.BARU)
    client = login(mira)
    client.cookies["django_language"] = "en"
    page = client.get(f"/kantor/aduan/{complaint.code}/").content.decode()
    assert 'lang="en"' in page
    post_action(client, complaint, "verifikasi")
    [entry] = entries(action=A.STAFF_ACTION, complaint=complaint)
    assert entry.description == "Diverifikasi"


@pytest.mark.parametrize("fmt", ["pdf", "xlsx"])
def test_an_evaluation_download_is_recorded(sekar, fmt):
    response = login(sekar).get(f"/kantor/laporan/evaluasi/unduh.{fmt}", {"periode": "2026-09"})
    assert response.status_code == 200
    [entry] = entries(action=A.EXPORT)
    assert entry.actor == sekar
    assert entry.extra == {"period": "2026-09"}
    assert fmt.upper() in entry.description


def test_a_refused_download_is_not_recorded(adi):
    assert login(adi).get("/kantor/laporan/evaluasi/unduh.pdf").status_code == 403
    assert not entries(action=A.EXPORT)


# -- who may read the log ------------------------------------------------------------------


@pytest.mark.parametrize("name", ["sari", "indra"])
def test_system_admins_and_the_inspectorate_read_the_log(request, name):
    user = request.getfixturevalue(name)
    client = login(user)
    response = client.get(PAGE)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert 'href="/kantor/audit/"' in client.get("/kantor/semua/").content.decode()


@pytest.mark.parametrize("name", ["mira", "adi", "kurnia", "sekar"])
def test_other_roles_are_refused_and_see_no_link(request, name):
    client = login(request.getfixturevalue(name))
    assert client.get(PAGE).status_code == 403
    assert client.get(PAGE, {"unduh": "csv"}).status_code == 403
    home = client.get("/kantor/", follow=True).content.decode()
    assert 'href="/kantor/audit/"' not in home
    assert not entries(action=A.EXPORT)


def test_anonymous_visitors_are_sent_to_the_login(db):
    response = Client().get(PAGE)
    assert response.status_code == 302
    assert "/kantor/masuk/" in response["Location"]


def test_the_page_answers_get_only(sari):
    assert login(sari).post(PAGE).status_code == 405


def test_the_inspectorate_acts_on_nothing(complaint_in, indra):
    complaint = complaint_in(Status.BARU)
    client = login(indra)
    assert client.get(f"/kantor/aduan/{complaint.code}/").status_code == 200
    assert post_action(client, complaint, "verifikasi").status_code == 403
    assert client.post(f"/kantor/aduan/{complaint.code}/kontak/").status_code == 403
    complaint.refresh_from_db()
    assert complaint.status == Status.BARU


# -- the list ------------------------------------------------------------------------------


def _at(days_ago: int, hour: int = 10) -> datetime:
    day = timezone.localdate() - timedelta(days=days_ago)
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))


@pytest.fixture
def log(city, adi, dewi, mira, complaint_in):
    complaint = complaint_in(Status.BARU)
    made = {
        "adi_old": AuditEntry.objects.create(
            action=A.LOGIN,
            actor=adi,
            actor_label="adi",
            agency=city["dpupr"],
            created_at=_at(10),
        ),
        "dewi_export": AuditEntry.objects.create(
            action=A.EXPORT,
            actor=dewi,
            actor_label="dewi",
            agency=city["dlh"],
            description="Ekspor uji",
            created_at=_at(3),
        ),
        "mira_contact": AuditEntry.objects.create(
            action=A.CONTACT_VIEWED,
            actor=mira,
            actor_label="mira",
            complaint=complaint,
            complaint_code=complaint.code,
            created_at=_at(1),
        ),
        "failed": AuditEntry.objects.create(
            action=A.LOGIN_FAILED,
            actor_label="adi",
            extra={"username": "adi"},
            created_at=_at(0, hour=0),
        ),
    }
    made["complaint"] = complaint
    return made


def _ids(response) -> set[int]:
    return {e.pk for e in response.context["rows"]}


def test_the_log_is_newest_first(sari, log):
    rows = login(sari).get(PAGE).context["rows"]
    times = [e.created_at for e in rows]
    assert times == sorted(times, reverse=True)
    assert {log["adi_old"].pk, log["failed"].pk} <= {e.pk for e in rows}


def test_filter_by_person_finds_their_acts_and_the_logins_tried_in_their_name(sari, log):
    ids = _ids(login(sari).get(PAGE, {"orang": " adi ", "sampai": timezone.localdate()}))
    assert ids == {log["adi_old"].pk, log["failed"].pk}


def test_filter_by_agency(sari, log, city):
    ids = _ids(login(sari).get(PAGE, {"opd": city["dlh"].pk}))
    assert ids == {log["dewi_export"].pk}


def test_filter_by_complaint_code_as_typed(sari, log):
    code = log["complaint"].code
    ids = _ids(login(sari).get(PAGE, {"aduan": code.lower()}))
    assert ids == {log["mira_contact"].pk}


def test_filter_by_action(sari, log):
    ids = _ids(login(sari).get(PAGE, {"tindakan": A.CONTACT_VIEWED}))
    assert ids == {log["mira_contact"].pk}


def test_filter_by_date_range_counts_whole_days(sari, log):
    start = timezone.localdate() - timedelta(days=3)
    end = timezone.localdate() - timedelta(days=1)
    ids = _ids(login(sari).get(PAGE, {"dari": start, "sampai": end}))
    assert ids == {log["dewi_export"].pk, log["mira_contact"].pk}


def test_a_bad_filter_value_is_ignored_not_an_error(sari, log):
    response = login(sari).get(PAGE, {"dari": "kemarin", "tindakan": "hapus", "opd": "x"})
    assert response.status_code == 200
    assert {log["adi_old"].pk, log["failed"].pk} <= _ids(response)


def test_the_list_pages_by_keyset_without_gaps_or_repeats(sari):
    for _ in range(60):
        AuditEntry.objects.create(action=A.EXPORT, actor_label="bot", created_at=_at(2, 9))
    client = login(sari)
    first = client.get(PAGE, {"orang": "bot"})
    assert len(first.context["rows"]) == 50
    cursor = first.context["page"].next_cursor
    assert cursor and f"setelah={cursor}" in first.content.decode()
    second = client.get(PAGE, {"orang": "bot", "setelah": cursor})
    assert len(second.context["rows"]) == 10
    assert not second.context["page"].next_cursor
    seen = _ids(first) | _ids(second)
    assert seen == set(AuditEntry.objects.filter(actor_label="bot").values_list("id", flat=True))


# -- the CSV export ------------------------------------------------------------------------


def _csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body)))


def test_the_export_is_formula_safe_filtered_and_itself_recorded(sari):
    client = Client(HTTP_USER_AGENT='=HYPERLINK("http://contoh.invalid","klik")')
    client.post("/kantor/masuk/", {"username": "=cmd|' /C calc'!A0", "password": "x"})
    client.post("/kantor/masuk/", {"username": "+tambah", "password": "x"})
    AuditEntry.objects.create(action=A.EXPORT, actor_label="@riwayat", description="-1+1")
    response = login(sari).get(PAGE, {"unduh": "csv", "tindakan": A.LOGIN_FAILED})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = _csv(response)
    assert rows[0][:5] == ["time", "username", "role", "agency", "action"]
    assert {row[1] for row in rows[1:]} == {"'=cmd|' /C calc'!A0", "'+tambah"}
    for row in rows[1:]:
        assert row[4] == A.LOGIN_FAILED
        assert row[8].startswith("'=HYPERLINK")
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))
    [export] = entries(action=A.EXPORT, actor=sari)
    assert export.extra == {"filters": {"tindakan": A.LOGIN_FAILED}}
    assert "CSV" in export.description


def test_the_export_of_everything_escapes_every_kind_of_cell(sari):
    AuditEntry.objects.create(action=A.EXPORT, actor_label="@riwayat", description="-1+1")
    rows = _csv(login(sari).get(PAGE, {"unduh": "csv"}))
    [row] = [r for r in rows if r[1] == "'@riwayat"]
    assert row[6] == "'-1+1"


def test_the_export_link_keeps_the_filters(sari, log):
    html = login(sari).get(PAGE, {"orang": "adi"}).content.decode()
    assert "orang=adi&amp;unduh=csv" in html


def test_the_record_api_names_the_request_user_by_default(rf, adi):
    request = rf.get("/")
    request.user = adi
    entry = audit.record(A.EXPORT, request=request)
    assert entry.actor == adi
