"""POST /kantor/masuk/ and /kantor/masuk/kode/: the password, then the second step.

A stolen password alone opens nothing for the roles that require a second factor:
no back-office page, no report, no deadline board, no channel desk, no admin.
"""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken

from aduan.core.models import AuditEntry

from .twofactor_steps import (
    ENROL,
    LOGIN,
    VERIFY,
    code_now,
    device_for,
    full_login,
    password_login,
    wrong_code,
)

pytestmark = pytest.mark.second_factor

# One page of every app that serves staff, and the admin.
STAFF_PAGES = [
    "/kantor/",
    "/kantor/semua/",
    "/kantor/notifikasi/",
    "/kantor/laporan/",
    "/kantor/laporan/skor/",
    "/kantor/tenggat/peringatan/",
    "/kantor/triase/tinjau/",
    "/kantor/kanal/baru/",
    "/kantor/akun/",
    "/kantor/akun/sandi/",
    "/kantor/akun/dua-langkah/ganti/",
    "/kantor/akun/dua-langkah/pengguna/",
    "/admin/",
    "/admin/core/user/",
]
REQUIRED = ["mira", "kurnia", "sari"]
OPTIONAL = ["adi", "dewi", "sekar"]


def persona(request, name):
    return request.getfixturevalue(name)


@pytest.mark.parametrize("name", REQUIRED)
def test_a_required_role_without_a_device_is_sent_to_enrol_and_reaches_nothing_else(
    client, request, name
):
    user = persona(request, name)
    response = password_login(client, user)
    assert response.status_code == 302
    assert response["Location"].startswith(ENROL)
    for url in STAFF_PAGES:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(ENROL), url
    # The enrolment page and logout stay open.
    assert client.get(ENROL).status_code == 200
    assert client.post("/kantor/keluar/").status_code == 302
    assert client.get("/kantor/").status_code == 302
    assert client.get("/kantor/")["Location"].startswith(LOGIN)


@pytest.mark.parametrize("name", REQUIRED)
def test_a_required_role_with_a_device_must_give_its_code(client, request, name):
    user = persona(request, name)
    device = device_for(user)
    response = password_login(client, user)
    assert response["Location"].startswith(VERIFY)
    for url in STAFF_PAGES:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(VERIFY), url
    # Nor can the enrolment page replace the device without the code.
    assert client.get(ENROL)["Location"].startswith(VERIFY)

    response = client.post(VERIFY, {"code": code_now(device)})
    assert response.status_code == 302
    assert client.get("/kantor/akun/").status_code == 200
    assert client.get("/kantor/tenggat/peringatan/").status_code == 200
    home = client.get("/kantor/")
    assert home.status_code == 302 and not home["Location"].startswith(VERIFY)


def test_the_system_admin_reaches_the_admin_only_after_the_code(client, sari):
    device = device_for(sari)
    password_login(client, sari)
    assert client.get("/admin/")["Location"].startswith(VERIFY)
    client.post(VERIFY, {"code": code_now(device)})
    response = client.get("/admin/")
    assert response.status_code == 200
    assert client.get("/admin/core/user/").status_code == 200


@pytest.mark.parametrize("name", OPTIONAL)
def test_an_optional_role_without_a_device_works_and_is_invited(client, request, name):
    user = persona(request, name)
    response = password_login(client, user)
    assert response.status_code == 302
    assert not response["Location"].startswith((ENROL, VERIFY))
    page = client.get(response["Location"], follow=True)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Aktifkan verifikasi dua langkah" in text
    assert "Lindungi akun Anda dengan verifikasi dua langkah" in text
    assert client.get("/kantor/tenggat/peringatan/").status_code == 200
    assert client.get("/kantor/akun/").status_code == 200
    # The admin is not theirs, with or without a second factor.
    assert client.get("/admin/").status_code == 302


def test_an_optional_role_that_enrolled_is_always_asked(client, adi):
    device = device_for(adi)
    response = password_login(client, adi)
    assert response["Location"].startswith(VERIFY)
    assert client.get("/kantor/opd/")["Location"].startswith(VERIFY)
    client.post(VERIFY, {"code": code_now(device)})
    page = client.get("/kantor/opd/")
    assert page.status_code == 200
    assert "Aktifkan verifikasi dua langkah" not in page.content.decode()


def test_the_prompt_disappears_once_enrolled(client, adi):
    client.force_login(adi)
    assert "Aktifkan verifikasi dua langkah" in client.get("/kantor/opd/").content.decode()


def test_a_wrong_code_is_refused_and_recorded(client, mira):
    device = device_for(mira)
    password_login(client, mira)
    response = client.post(VERIFY, {"code": wrong_code(device)})
    assert response.status_code == 400
    assert "Kode salah atau sudah pernah dipakai." in response.content.decode()
    assert client.get("/kantor/")["Location"].startswith(VERIFY)
    entry = AuditEntry.objects.get(action=AuditEntry.Action.MFA_FAILED)
    assert entry.actor == mira


@pytest.mark.parametrize("junk", ["", "12345", "1234567", "abcdef", "' or 1=1 --"])
def test_malformed_codes_are_refused(client, mira, junk):
    device_for(mira)
    password_login(client, mira)
    assert client.post(VERIFY, {"code": junk}).status_code == 400
    assert client.get("/kantor/")["Location"].startswith(VERIFY)


def test_after_a_wrong_code_the_next_try_waits(client, mira):
    device = device_for(mira)
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        password_login(client, mira)
        client.post(VERIFY, {"code": wrong_code(device)})
        # Even the right code is not checked during the wait (django-otp's throttle).
        response = client.post(VERIFY, {"code": code_now(device)})
        assert response.status_code == 400
        assert "Coba lagi setelah pukul" in response.content.decode()
        clock.shift(timedelta(seconds=2))
        response = client.post(VERIFY, {"code": code_now(device)})
        assert response.status_code == 302


def test_a_code_works_once(mira):
    device = device_for(mira)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        code = code_now(device)
        first, second = Client(), Client()
        password_login(first, mira)
        assert first.post(VERIFY, {"code": code}).status_code == 302
        password_login(second, mira)
        assert second.post(VERIFY, {"code": code}).status_code == 400


def test_the_right_code_leads_to_next_and_a_foreign_next_is_ignored(client, mira):
    device = device_for(mira)
    response = password_login(client, mira, next_url="/kantor/semua/")
    assert response["Location"] == VERIFY + "?next=%2Fkantor%2Fsemua%2F"
    response = client.post(VERIFY, {"code": code_now(device), "next": "/kantor/semua/"})
    assert response["Location"] == "/kantor/semua/"

    other = Client()
    password_login(other, mira)
    with time_machine.travel(timezone.now() + timedelta(seconds=31), tick=False):
        response = other.post(
            VERIFY, {"code": code_now(device), "next": "https://elsewhere.example/"}
        )
    assert response["Location"] == "/kantor/"


def test_the_session_gets_a_new_key_when_verified(client, mira):
    device = device_for(mira)
    password_login(client, mira)
    before = client.cookies["sessionid"].value
    client.post(VERIFY, {"code": code_now(device)})
    assert client.cookies["sessionid"].value != before


def test_a_recovery_code_works_once(mira):
    device_for(mira)
    from django_otp.plugins.otp_static.models import StaticDevice

    codes = StaticDevice.objects.create(user=mira, name="recovery", confirmed=True)
    StaticToken.objects.create(device=codes, token="abcd2345")
    StaticToken.objects.create(device=codes, token="wxyz6723")

    first = Client()
    password_login(first, mira)
    # Typed as printed (with its dash), in capitals: still the same code.
    response = first.post(VERIFY, {"code": "ABCD-2345"})
    assert response.status_code == 302
    page = first.get("/kantor/semua/")
    assert page.status_code == 200
    assert "tersisa 1" in page.content.decode()
    assert AuditEntry.objects.filter(action=AuditEntry.Action.RECOVERY_CODE_USED).count() == 1

    second = Client()
    password_login(second, mira)
    assert second.post(VERIFY, {"code": "abcd-2345"}).status_code == 400
    assert second.get("/kantor/")["Location"].startswith(VERIFY)
    assert list(StaticToken.objects.values_list("token", flat=True)) == ["wxyz6723"]


def test_the_verify_page_needs_a_password_first(client, mira):
    device_for(mira)
    response = client.get(VERIFY)
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
    assert client.post(VERIFY, {"code": "123456"})["Location"].startswith(LOGIN)


def test_a_verified_session_stays_verified(mira):
    device = device_for(mira)
    client = full_login(mira, device)
    for _ in range(3):
        assert client.get("/kantor/semua/").status_code == 200
    # The verify page sends a verified session on.
    assert client.get(VERIFY).status_code == 302


def test_htmx_requests_are_sent_on_with_a_client_redirect(client, mira):
    device_for(mira)
    password_login(client, mira)
    response = client.get("/kantor/semua/", headers={"HX-Request": "true"})
    assert response["HX-Redirect"].startswith(VERIFY)


def test_a_post_to_an_action_is_refused_before_the_second_step(client, mira, complaint_in):
    from aduan.core.models import Status

    complaint = complaint_in(Status.BARU)
    device_for(mira)
    password_login(client, mira)
    response = client.post(
        f"/kantor/aduan/{complaint.code}/verifikasi/", {"version": complaint.version}
    )
    assert response.status_code == 302
    assert response["Location"] == VERIFY
    complaint.refresh_from_db()
    assert complaint.status == Status.BARU


def test_an_account_without_a_role_is_not_asked(client, db):
    from aduan.core.models import User

    User.objects.create_user(username="warga", password="rahasia-uji-123")
    response = client.post(LOGIN, {"username": "warga", "password": "rahasia-uji-123"})
    assert response.status_code == 302
    assert not response["Location"].startswith((VERIFY, ENROL))


def test_the_login_page_says_a_code_may_follow(client, db):
    page = client.get(LOGIN).content.decode()
    assert "aplikasi autentikator" in page


def test_the_admins_own_login_page_is_the_back_offices(client, db):
    response = client.get("/admin/login/?next=/admin/core/user/")
    assert response.status_code == 302
    assert response["Location"] == LOGIN + "?next=%2Fadmin%2Fcore%2Fuser%2F"
