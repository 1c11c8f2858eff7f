"""Steps the second-factor tests share: the real login form, a known authenticator."""

from __future__ import annotations

import re
import time

from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import PASSWORD

LOGIN = "/kantor/masuk/"
VERIFY = "/kantor/masuk/kode/"
ENROL = "/kantor/akun/dua-langkah/daftar/"
REPLACE = "/kantor/akun/dua-langkah/ganti/"
NEW_CODES = "/kantor/akun/dua-langkah/kode-cadangan/"
USERS = "/kantor/akun/dua-langkah/pengguna/"
ACCOUNT = "/kantor/akun/"
PASSWORD_CHANGE = "/kantor/akun/sandi/"

# A fixed secret, so a test can compute the code an authenticator app would show.
KEY = "3132333435363738393031323334353637383930"


def device_for(user, key: str = KEY) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="phone", key=key, confirmed=True)


def code_now(device: TOTPDevice) -> str:
    """What the authenticator shows at this moment (frozen time moves it)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return f"{totp.token():06d}"


def wrong_code(device: TOTPDevice) -> str:
    return f"{(int(code_now(device)) + 1) % 1_000_000:06d}"


def password_login(client: Client, user, next_url: str = ""):
    data = {"username": user.username, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    return client.post(LOGIN, data)


def full_login(user, device: TOTPDevice) -> Client:
    """Both steps through the real forms; returns the logged-in client."""
    client = Client()
    password_login(client, user)
    response = client.post(VERIFY, {"code": code_now(device)})
    assert response.status_code == 302, response.content.decode()[:500]
    return client


def recovery_codes_on(page: str) -> list[str]:
    return re.findall(r'<code class="code">([a-z2-7]{4}-[a-z2-7]{4})</code>', page)


def reset_url(user) -> str:
    return reverse("office:second_factor_reset", args=[user.pk])
