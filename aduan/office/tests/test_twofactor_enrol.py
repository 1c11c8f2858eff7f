"""/kantor/akun/dua-langkah/: enrolment, a new device, new recovery codes, and the
system admin's reset of someone else's second factor."""

import re
from base64 import b32encode
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from aduan.core.models import AuditEntry

from .twofactor_steps import (
    ACCOUNT,
    ENROL,
    LOGIN,
    NEW_CODES,
    REPLACE,
    USERS,
    VERIFY,
    code_now,
    device_for,
    full_login,
    password_login,
    recovery_codes_on,
    reset_url,
    wrong_code,
)

pytestmark = pytest.mark.second_factor


def later(seconds=31):
    """The next authenticator code: each one is accepted once per device."""
    return time_machine.travel(timezone.now() + timedelta(seconds=seconds), tick=False)


# --- Enrolment ---------------------------------------------------------------------------


def test_the_enrolment_page_draws_the_qr_code_itself(client, mira):
    password_login(client, mira)
    response = client.get(ENROL)
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    assert "no-store" in response["Cache-Control"]
    page = response.content.decode()
    assert '<svg width="' in page and 'class="office-qr"' in page
    pending = TOTPDevice.objects.get(user=mira, confirmed=False)
    key = b32encode(pending.bin_key).decode()
    secret = " ".join(key[i : i + 4] for i in range(0, len(key), 4))
    assert secret in page
    # No inline script, no inline style (the site's CSP forbids both), no outside address;
    # the only scripts are the site's own files (the language switch's keep-input.js).
    assert not re.findall(r'<script(?![^>]*\bsrc="/static/)', page) and "style=" not in page
    assert "http://" not in page.split("<main", 1)[1].split("</main>")[0]
    # A reload shows the same secret: what was scanned stays valid.
    assert secret in client.get(ENROL).content.decode()
    assert TOTPDevice.objects.filter(user=mira).count() == 1


def test_enrolment_needs_a_valid_first_code(client, mira):
    password_login(client, mira)
    client.get(ENROL)
    pending = TOTPDevice.objects.get(user=mira, confirmed=False)
    response = client.post(ENROL, {"code": wrong_code(pending)})
    assert response.status_code == 400
    assert "Kode tidak cocok" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=mira, confirmed=True).exists()
    assert client.get("/kantor/")["Location"].startswith(ENROL)

    with later(2):
        response = client.post(ENROL, {"code": code_now(pending)})
    assert response.status_code == 200
    codes = recovery_codes_on(response.content.decode())
    assert len(codes) == 10 == len(set(codes))
    assert "no-store" in response["Cache-Control"]
    pending.refresh_from_db()
    assert pending.confirmed
    assert StaticToken.objects.filter(device__user=mira).count() == 10
    # The session that enrolled is verified and everything opens.
    assert client.get("/kantor/semua/").status_code == 200
    assert AuditEntry.objects.filter(action=AuditEntry.Action.MFA_ENROLLED, actor=mira).exists()
    # The codes are shown once: the enrolment page now leads to replacing the device.
    assert client.get(ENROL)["Location"] == REPLACE


def test_the_recovery_codes_from_enrolment_log_in(client, kurnia):
    password_login(client, kurnia)
    client.get(ENROL)
    pending = TOTPDevice.objects.get(user=kurnia)
    codes = recovery_codes_on(client.post(ENROL, {"code": code_now(pending)}).content.decode())
    other = Client()
    password_login(other, kurnia)
    assert other.post(VERIFY, {"code": codes[3]}).status_code == 302
    assert other.get("/kantor/opd/").status_code == 200


def test_an_optional_role_may_enrol_from_the_prompt(client, adi):
    password_login(client, adi)
    page = client.get(ENROL).content.decode()
    assert "Peran Anda mewajibkan" not in page
    pending = TOTPDevice.objects.get(user=adi)
    assert client.post(ENROL, {"code": code_now(pending)}).status_code == 200
    assert "Aktifkan verifikasi dua langkah" not in client.get("/kantor/opd/").content.decode()


def test_enrolment_ends_the_users_other_sessions(adi):
    elsewhere = Client()
    password_login(elsewhere, adi)
    assert elsewhere.get("/kantor/opd/").status_code == 200
    here = Client()
    password_login(here, adi)
    here.get(ENROL)
    here.post(ENROL, {"code": code_now(TOTPDevice.objects.get(user=adi))})
    response = elsewhere.get("/kantor/opd/")
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
    assert here.get("/kantor/opd/").status_code == 200


def test_enrolment_needs_a_login(client, db):
    assert client.get(ENROL)["Location"].startswith(LOGIN)


def test_enrolment_is_for_staff_only(client, db):
    from aduan.core.models import User

    User.objects.create_user(username="warga", password="rahasia-uji-123")
    client.post(LOGIN, {"username": "warga", "password": "rahasia-uji-123"})
    assert client.get(ENROL).status_code == 403


# --- A new device ------------------------------------------------------------------------


def test_replacing_the_device_needs_a_current_code_and_the_new_one(mira):
    old = device_for(mira)
    client = full_login(mira, old)
    other_session = full_login_later(mira, old)
    assert client.get(REPLACE).status_code == 200
    pending = TOTPDevice.objects.get(user=mira, confirmed=False)

    with later(62):
        response = client.post(
            REPLACE, {"current_code": wrong_code(old), "code": code_now(pending)}
        )
    assert response.status_code == 400
    assert TOTPDevice.objects.get(pk=old.pk).confirmed

    with later(95):
        response = client.post(REPLACE, {"current_code": code_now(old), "code": code_now(pending)})
    assert response.status_code == 200
    assert len(recovery_codes_on(response.content.decode())) == 10
    assert not TOTPDevice.objects.filter(pk=old.pk).exists()
    assert list(TOTPDevice.objects.filter(user=mira).values_list("pk", flat=True)) == [pending.pk]
    # This session goes on; the other one has ended.
    assert client.get("/kantor/semua/").status_code == 200
    assert other_session.get("/kantor/semua/")["Location"].startswith(LOGIN)


def full_login_later(user, device):
    with later(31):
        return full_login(user, device)


def test_replacing_with_a_recovery_code_when_the_phone_is_lost(mira):
    old = device_for(mira)
    codes = StaticDevice.objects.create(user=mira, name="recovery", confirmed=True)
    StaticToken.objects.create(device=codes, token="lost2345")
    StaticToken.objects.create(device=codes, token="lost6723")
    client = Client()
    password_login(client, mira)
    client.post(VERIFY, {"code": "lost-2345"})
    client.get(REPLACE)
    pending = TOTPDevice.objects.get(user=mira, confirmed=False)
    response = client.post(REPLACE, {"current_code": "lost-6723", "code": code_now(pending)})
    assert response.status_code == 200
    assert not TOTPDevice.objects.filter(pk=old.pk).exists()
    # The old codes went with the old device.
    assert not StaticToken.objects.filter(token="lost6723").exists()


def test_replacing_needs_a_verified_session(client, mira):
    device_for(mira)
    password_login(client, mira)
    assert client.get(REPLACE)["Location"].startswith(VERIFY)
    assert client.post(REPLACE, {"current_code": "x", "code": "y"})["Location"] == VERIFY


def test_without_a_device_replacing_is_enrolling(client, adi):
    password_login(client, adi)
    assert client.get(REPLACE)["Location"] == ENROL


# --- New recovery codes ------------------------------------------------------------------


def test_new_recovery_codes_need_an_authenticator_code_and_void_the_old(mira):
    device = device_for(mira)
    old_codes = StaticDevice.objects.create(user=mira, name="recovery", confirmed=True)
    StaticToken.objects.create(device=old_codes, token="oldc2345")
    client = full_login(mira, device)
    other_session = full_login_later(mira, device)
    assert client.get(NEW_CODES).status_code == 200

    with later(62):
        assert client.post(NEW_CODES, {"code": wrong_code(device)}).status_code == 400
        # A recovery code cannot make new recovery codes.
        assert client.post(NEW_CODES, {"code": "oldc-2345"}).status_code == 400
    assert StaticToken.objects.filter(token="oldc2345").exists()

    with later(95):
        response = client.post(NEW_CODES, {"code": code_now(device)})
    assert response.status_code == 200
    new = recovery_codes_on(response.content.decode())
    assert len(new) == 10
    assert not StaticToken.objects.filter(token="oldc2345").exists()
    assert StaticToken.objects.filter(device__user=mira).count() == 10
    assert client.get("/kantor/semua/").status_code == 200
    assert other_session.get("/kantor/semua/")["Location"].startswith(LOGIN)

    fresh = Client()
    password_login(fresh, mira)
    assert fresh.post(VERIFY, {"code": "oldc-2345"}).status_code == 400
    with later(3):  # past the wait a wrong code costs
        assert fresh.post(VERIFY, {"code": new[0]}).status_code == 302


def test_the_account_page_tells_the_state(mira, adi):
    device = device_for(mira)
    page = full_login(mira, device).get(ACCOUNT).content.decode()
    assert "Ganti perangkat autentikator" in page
    assert "Tersisa 0 kode cadangan" in page
    assert "Verifikasi dua langkah pengguna" not in page
    client = Client()
    password_login(client, adi)
    page = client.get(ACCOUNT).content.decode()
    assert "Belum aktif" in page


# --- The system admin's reset ------------------------------------------------------------


@pytest.fixture
def sari_in(sari):
    return full_login(sari, device_for(sari))


def test_the_system_admin_sees_who_has_a_second_factor(sari_in, mira, adi):
    device_for(mira, key="00" * 20)
    page = sari_in.get(USERS).content.decode()
    assert "mira" in page and "adi" in page
    assert reset_url(mira) in page
    assert reset_url(adi) not in page  # nothing to reset
    assert "Verifikasi dua langkah pengguna" in sari_in.get(ACCOUNT).content.decode()


def test_a_reset_removes_the_devices_ends_the_sessions_and_is_recorded(sari_in, mira):
    device = device_for(mira, key="00" * 20)
    StaticToken.objects.create(
        device=StaticDevice.objects.create(user=mira, name="recovery"), token="gone2345"
    )
    mira_client = full_login(mira, device)
    assert mira_client.get("/kantor/").status_code == 302

    response = sari_in.post(reset_url(mira))
    assert response.status_code == 302 and response["Location"] == USERS
    assert not TOTPDevice.objects.filter(user=mira).exists()
    assert not StaticDevice.objects.filter(user=mira).exists()
    assert not StaticToken.objects.filter(token="gone2345").exists()
    entry = AuditEntry.objects.get(action=AuditEntry.Action.MFA_RESET)
    assert entry.actor.username == "sari"
    assert entry.extra["user"] == "mira"

    # Mira's session is over; at her next login she enrols again.
    assert mira_client.get("/kantor/semua/")["Location"].startswith(LOGIN)
    again = Client()
    assert password_login(again, mira)["Location"].startswith(ENROL)

    # Twice: nothing left to remove, nothing breaks.
    response = sari_in.post(reset_url(mira), follow=True)
    assert "belum memakai verifikasi dua langkah" in response.content.decode()


def test_only_the_system_admin_resets(mira, kurnia, adi):
    target = device_for(adi)
    for user in (mira, kurnia):
        client = full_login(user, device_for(user, key="11" * 20))
        assert client.get(USERS).status_code == 403
        assert client.post(reset_url(adi)).status_code == 403
    assert TOTPDevice.objects.filter(pk=target.pk).exists()


def test_a_reset_is_a_post_and_never_ones_own(sari_in, sari, mira):
    device_for(mira, key="00" * 20)
    assert sari_in.get(reset_url(mira)).status_code == 405
    assert sari_in.post(reset_url(sari)).status_code == 403
    assert TOTPDevice.objects.filter(user=sari).exists()


def test_a_reset_of_an_unknown_account_is_not_found(sari_in, db):
    assert sari_in.post("/kantor/akun/dua-langkah/pengguna/999999/atur-ulang/").status_code == 404


# --- The admin site ----------------------------------------------------------------------


def test_the_admin_keeps_second_factor_secrets_out_of_reach(sari_in):
    assert sari_in.get("/admin/").status_code == 200
    assert sari_in.get("/admin/otp_totp/totpdevice/").status_code == 404
    assert sari_in.get("/admin/otp_static/staticdevice/").status_code == 404


def test_an_admin_account_without_a_role_is_asked_too(client, db):
    from aduan.core.models import User

    User.objects.create_superuser(username="root", password="rahasia-uji-123")
    response = client.post(LOGIN, {"username": "root", "password": "rahasia-uji-123"})
    assert response["Location"].startswith(ENROL)
    assert client.get("/admin/")["Location"].startswith(ENROL)
    assert client.get(ENROL).status_code == 200
