"""Login lockout through HTTP: per account-and-address, per address, cool-down, admin unlock.

The production backends are used here (the suite's settings swap axes' backend for one
that lets the test client's request-less ``login()`` through).
"""

from datetime import timedelta

import pytest
import time_machine
from axes.models import AccessAttempt
from django.utils import timezone

from aduan.core.models import AuditEntry
from conftest import PASSWORD

LOGIN = "/kantor/masuk/"
ATTACKER = "10.0.0.66"
HOME = "10.0.0.7"


@pytest.fixture(autouse=True)
def production_backends(settings):
    settings.AUTHENTICATION_BACKENDS = [
        "axes.backends.AxesStandaloneBackend",
        "django.contrib.auth.backends.ModelBackend",
    ]
    settings.AXES_FAILURE_LIMIT = 5
    settings.ADUAN_LOGIN_ADDRESS_FAILURE_LIMIT = 20
    settings.AXES_COOLOFF_TIME = timedelta(minutes=15)


def attempt(client, username, password, address):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def logged_in_as(client, user) -> bool:
    return client.session.get("_auth_user_id") == str(user.pk)


def test_five_wrong_passwords_lock_the_account_from_that_address(client, adi):
    for _ in range(4):
        response = attempt(client, "adi", "salah-salah-salah", ATTACKER)
        assert response.status_code == 200  # the form again, with its error
    response = attempt(client, "adi", "salah-salah-salah", ATTACKER)
    assert response.status_code == 429
    assert int(response["Retry-After"]) == 15 * 60
    page = response.content.decode()
    assert "Terlalu banyak kata sandi yang salah untuk akun ini" in page
    assert "15 menit" in page and "pukul" in page
    assert "admin sistem" in page
    # Even the right password is refused from there, unchecked.
    response = attempt(client, "adi", PASSWORD, ATTACKER)
    assert response.status_code == 429
    assert not logged_in_as(client, adi)


def test_the_owner_still_logs_in_from_elsewhere_during_a_flood(client, adi):
    # Wrong passwords for adi from twenty addresses: each of them is locked out ...
    for i in range(20):
        for _ in range(5):
            response = attempt(client, "adi", "tebakan-penyerang", f"10.9.{i}.1")
        assert response.status_code == 429
    # ... and adi, from his own address, logs in at once.
    response = attempt(client, "adi", PASSWORD, HOME)
    assert response.status_code == 302
    assert logged_in_as(client, adi)


def test_the_cool_down_ends_the_lock_by_itself(client, adi):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for _ in range(5):
            attempt(client, "adi", "salah-salah-salah", ATTACKER)
    with time_machine.travel(start + timedelta(minutes=10), tick=False):
        response = attempt(client, "adi", PASSWORD, ATTACKER)
        assert response.status_code == 429
        # The tries during the lock did not restart it: five minutes are left.
        assert int(response["Retry-After"]) == 5 * 60
        assert "5 menit" in response.content.decode()
    with time_machine.travel(start + timedelta(minutes=15, seconds=1), tick=False):
        response = attempt(client, "adi", PASSWORD, ATTACKER)
        assert response.status_code == 302
        assert logged_in_as(client, adi)


def test_a_success_forgets_that_accounts_failures_only(client, adi, dewi):
    for _ in range(4):
        attempt(client, "adi", "salah-salah-salah", HOME)
    for _ in range(3):
        attempt(client, "dewi", "salah-salah-salah", HOME)
    assert attempt(client, "adi", PASSWORD, HOME).status_code == 302
    assert not AccessAttempt.objects.filter(username="adi").exists()
    # Dewi's failures from that address still count towards the address's limit.
    assert AccessAttempt.objects.get(username="dewi").failures_since_start == 3


def test_one_address_trying_many_accounts_meets_the_address_limit(client, city, adi):
    # Four guesses at each of five accounts: no account reaches five, the address does.
    for name in ("budi", "citra", "dodi", "eka", "fajar"):
        for _ in range(4):
            response = attempt(client, name, "Rahasia123!", ATTACKER)
    assert response.status_code == 429
    assert "dari alamat jaringan Anda" in response.content.decode()
    # Every account is refused from that address now, even with the right password ...
    response = attempt(client, "adi", PASSWORD, ATTACKER)
    assert response.status_code == 429
    assert not logged_in_as(client, adi)
    # ... and nobody elsewhere is affected.
    assert attempt(client, "adi", PASSWORD, HOME).status_code == 302


def test_a_system_admin_unlocks_early_in_the_admin(client, adi, sari):
    for _ in range(5):
        attempt(client, "adi", "salah-salah-salah", ATTACKER)
    assert attempt(client, "adi", PASSWORD, ATTACKER).status_code == 429
    row = AccessAttempt.objects.get(username="adi")

    admin = type(client)()
    admin.force_login(sari)
    listing = admin.get("/admin/axes/accessattempt/")
    assert listing.status_code == 200 and "adi" in listing.content.decode()
    response = admin.post(f"/admin/axes/accessattempt/{row.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not AccessAttempt.objects.exists()
    # The lock and the unlock are both on the audit log, with who was locked out.
    locked = AuditEntry.objects.filter(action=AuditEntry.Action.LOCKED_OUT).first()
    assert locked.actor_label == "adi" and locked.actor_id is None
    assert str(locked.ip_address) == ATTACKER
    unlocked = AuditEntry.objects.get(action=AuditEntry.Action.UNLOCKED)
    assert unlocked.actor_id == sari.pk and unlocked.description == "adi"

    response = attempt(client, "adi", PASSWORD, ATTACKER)
    assert response.status_code == 302
    assert logged_in_as(client, adi)


def test_agency_staff_cannot_unlock(client, adi, dewi):
    for _ in range(5):
        attempt(client, "adi", "salah-salah-salah", ATTACKER)
    row = AccessAttempt.objects.get(username="adi")
    client.force_login(dewi)
    response = client.post(f"/admin/axes/accessattempt/{row.pk}/delete/", {"post": "yes"})
    assert response.status_code in (302, 403)
    assert response.status_code == 403 or "/admin/login/" in response["Location"]
    assert AccessAttempt.objects.filter(pk=row.pk).exists()


def test_the_suites_backend_lets_login_through_but_not_a_locked_form(client, settings, adi):
    settings.AUTHENTICATION_BACKENDS = [
        "aduan.core.lockout.TestClientBackend",
        "django.contrib.auth.backends.ModelBackend",
    ]
    assert client.login(username="adi", password=PASSWORD)
    client.logout()
    for _ in range(5):
        attempt(client, "adi", "salah-salah-salah", ATTACKER)
    assert attempt(client, "adi", PASSWORD, ATTACKER).status_code == 429
    assert not logged_in_as(client, adi)
