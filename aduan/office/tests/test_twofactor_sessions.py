"""Staff sessions: the idle limit, the end of other sessions on a password change,
and the password rules of /kantor/akun/sandi/."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from aduan.core.models import AuditEntry, Role, User

from .twofactor_steps import LOGIN, PASSWORD_CHANGE, code_now, device_for, password_login

pytestmark = pytest.mark.second_factor

NEW_PASSWORD = "kunci-baru-Kauman-2026"


def test_a_staff_session_ends_after_the_idle_limit(settings, adi):
    settings.ADUAN_STAFF_IDLE_SECONDS = 3600
    client = Client()
    with time_machine.travel(timezone.now(), tick=False) as clock:
        password_login(client, adi)
        # Working on: every request within the limit keeps the session.
        for _ in range(4):
            clock.shift(timedelta(minutes=50))
            assert client.get("/kantor/opd/").status_code == 200
        clock.shift(timedelta(seconds=3601))
        response = client.get("/kantor/opd/")
        assert response.status_code == 302
        assert response["Location"] == LOGIN + "?next=%2Fkantor%2Fopd%2F"
        page = client.get(response["Location"]).content.decode()
        assert "Sesi Anda berakhir karena lama tidak aktif" in page
        assert client.get("/kantor/opd/")["Location"].startswith(LOGIN)


def test_the_default_idle_limit_is_a_working_day(settings, mira):
    assert settings.ADUAN_STAFF_IDLE_SECONDS == 8 * 3600
    device = device_for(mira)
    client = Client()
    with time_machine.travel(timezone.now(), tick=False) as clock:
        password_login(client, mira)
        client.post("/kantor/masuk/kode/", {"code": code_now(device)})
        clock.shift(timedelta(hours=7, minutes=59))
        assert client.get("/kantor/semua/").status_code == 200
        clock.shift(timedelta(hours=8, seconds=1))
        assert client.get("/kantor/semua/")["Location"].startswith(LOGIN)


def test_a_half_logged_in_session_times_out_too(settings, mira):
    settings.ADUAN_STAFF_IDLE_SECONDS = 600
    device_for(mira)
    client = Client()
    with time_machine.travel(timezone.now(), tick=False) as clock:
        password_login(client, mira)
        clock.shift(timedelta(seconds=601))
        response = client.get("/kantor/masuk/kode/")
        assert response["Location"].startswith(LOGIN)


def test_the_idle_limit_leaves_citizens_alone(settings, client, db):
    settings.ADUAN_STAFF_IDLE_SECONDS = 60
    User.objects.create_user(username="warga", password="rahasia-uji-123")
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client.post(LOGIN, {"username": "warga", "password": "rahasia-uji-123"})
        clock.shift(timedelta(hours=2))
        client.get("/")
        assert "_auth_user_id" in client.session


def test_a_password_change_ends_the_other_sessions_only(adi):
    here, elsewhere = Client(), Client()
    password_login(here, adi)
    password_login(elsewhere, adi)
    assert elsewhere.get("/kantor/opd/").status_code == 200
    response = here.post(
        PASSWORD_CHANGE,
        {
            "old_password": "rahasia-uji-123",
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    assert here.get("/kantor/opd/").status_code == 200
    assert elsewhere.get("/kantor/opd/")["Location"].startswith(LOGIN)
    adi.refresh_from_db()
    assert adi.check_password(NEW_PASSWORD)
    assert AuditEntry.objects.filter(action=AuditEntry.Action.PASSWORD_CHANGED, actor=adi).exists()


def test_a_password_change_needs_the_old_password(adi):
    client = Client()
    password_login(client, adi)
    response = client.post(
        PASSWORD_CHANGE,
        {"old_password": "salah", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 200
    assert "error" in response.content.decode()
    adi.refresh_from_db()
    assert not adi.check_password(NEW_PASSWORD)


@pytest.fixture
def moderator1(city):
    return User.objects.create_user(
        username="moderator1", password="rahasia-uji-123", role=Role.ADMIN_OPD, agency=city["dlh"]
    )


@pytest.mark.parametrize(
    ("password", "complaint"),
    [
        ("moderator1", "terlalu mirip"),  # the issue's own example: like the username
        ("moderator1", "setidaknya 12 karakter"),
        ("moderator1!!", "terlalu mirip"),  # long enough, still the username
        ("kT9#vbq2", "setidaknya 12 karakter"),
        ("password1234", "terlalu umum"),
        ("398174650128", "seluruhnya terdiri dari angka"),
    ],
)
def test_weak_passwords_are_refused(moderator1, password, complaint):
    client = Client()
    password_login(client, moderator1)
    response = client.post(
        PASSWORD_CHANGE,
        {"old_password": "rahasia-uji-123", "new_password1": password, "new_password2": password},
    )
    assert response.status_code == 200
    assert complaint in response.content.decode()
    moderator1.refresh_from_db()
    assert moderator1.check_password("rahasia-uji-123")


def test_a_good_password_is_accepted(moderator1):
    client = Client()
    password_login(client, moderator1)
    response = client.post(
        PASSWORD_CHANGE,
        {
            "old_password": "rahasia-uji-123",
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302


def test_the_password_page_needs_a_verified_session(mira):
    device_for(mira)
    client = Client()
    password_login(client, mira)
    assert client.get(PASSWORD_CHANGE)["Location"].startswith("/kantor/masuk/kode/")
