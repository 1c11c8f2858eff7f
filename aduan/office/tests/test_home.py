"""/kantor/: each role lands on its own list; leaders read everything, change nothing."""

import pytest

from aduan.core.models import Role, Status, User
from conftest import PASSWORD

from .conftest import login

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "persona,target",
    [
        ("mira", "/kantor/antrean/"),
        ("adi", "/kantor/opd/"),
        ("kurnia", "/kantor/opd/"),
        ("sekar", "/kantor/semua/"),
        ("sari", "/kantor/semua/"),
    ],
)
def test_home_redirects_by_role(persona, target, request):
    user = request.getfixturevalue(persona)
    r = login(user).get("/kantor/")
    assert r.status_code == 302
    assert r["Location"] == target


def test_home_needs_login(client, city):
    r = client.get("/kantor/")
    assert r.status_code == 302
    assert r["Location"].startswith("/kantor/masuk/")


def test_user_without_role_is_forbidden(city):
    User.objects.create_user(username="warga", password=PASSWORD)
    client = login(User.objects.get(username="warga"))
    assert client.get("/kantor/").status_code == 403
    assert client.get("/kantor/notifikasi/").status_code == 403


def test_agency_role_without_agency_is_forbidden(city):
    lost = User.objects.create_user(username="lost", password=PASSWORD, role=Role.ADMIN_OPD)
    assert login(lost).get("/kantor/").status_code == 403


def test_overview_lists_everything_newest_first(complaint_in, sekar):
    older = complaint_in(Status.BARU)
    newer = complaint_in(Status.DITUTUP)
    html = login(sekar).get("/kantor/semua/").content.decode()
    assert html.index(newer.code) < html.index(older.code)
    assert "hanya untuk dibaca" in html


def test_overview_is_not_for_agencies(adi):
    assert login(adi).get("/kantor/semua/").status_code == 403


def test_nav_by_role(mira, adi, sekar):
    nav = login(mira).get("/kantor/antrean/").content.decode().split("</nav>")[0]
    assert "Antrean" in nav and "Templat" in nav and "Kotak masuk OPD" not in nav
    nav = login(adi).get("/kantor/opd/").content.decode().split("</nav>")[0]
    assert "Kotak masuk OPD" in nav and "Antrean" not in nav and "Semua aduan" not in nav
    nav = login(sekar).get("/kantor/semua/").content.decode().split("</nav>")[0]
    assert "Semua aduan" in nav and "Templat" not in nav and "Antrean" not in nav
