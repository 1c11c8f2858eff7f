"""The demo's accounts that must pass a second step share a public demo authenticator,
and ``aduan demo --totp USER`` prints its current code."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django_otp.plugins.otp_totp.models import TOTPDevice

from aduan.core.models import User
from aduan.demo import loader

pytestmark = pytest.mark.second_factor


@pytest.fixture
def demo_city(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    loader.load_master_data()


def test_the_required_roles_get_the_demo_authenticator(demo_city):
    key = loader.demo_totp_key()
    for username in ("moderator1", "kepala.dpuprpkp", "admin"):
        assert TOTPDevice.objects.get(user__username=username, confirmed=True).key == key
    for username in ("admin.dpuprpkp", "sekda"):
        assert not TOTPDevice.objects.filter(user__username=username).exists()
    # Loading again adds nothing.
    loader.load_master_data()
    assert TOTPDevice.objects.filter(user__username="moderator1").count() == 1


def test_the_printed_code_and_password_log_a_moderator_in(demo_city, client):
    out = StringIO()
    call_command("demo", totp="moderator1", stdout=out)
    code = out.getvalue().strip()
    assert len(code) == 6 and code.isdigit()
    response = client.post(
        "/kantor/masuk/", {"username": "moderator1", "password": loader.DEMO_PASSWORD}
    )
    assert response["Location"].startswith("/kantor/masuk/kode/")
    assert client.post("/kantor/masuk/kode/", {"code": code}).status_code == 302
    assert client.get("/kantor/antrean/").status_code == 200


def test_the_command_reads_no_other_secret(demo_city):
    user = User.objects.get(username="moderator2")
    TOTPDevice.objects.filter(user=user).update(key="00" * 20)
    with pytest.raises(CommandError):
        call_command("demo", totp="moderator2", stdout=StringIO())
    with pytest.raises(CommandError):
        call_command("demo", totp="admin.dpuprpkp", stdout=StringIO())


def test_the_logins_say_how_to_get_a_code(demo_city):
    out = StringIO()
    call_command("demo", logins=True, stdout=out)
    text = out.getvalue()
    assert "moderator1 · Diskominfo  + kode verifikasi" in text
    assert "ADUA NDEM OMAL ANGK OTAP ENGA DUAN 2345" in text
    assert "aduan demo --totp <username>" in text


def test_a_demo_loaded_before_second_factors_gets_them(demo_city):
    TOTPDevice.objects.all().delete()
    call_command("demo", if_empty=True, stdout=StringIO())
    assert TOTPDevice.objects.filter(user__username="moderator1", confirmed=True).exists()
