"""The production settings refuse to start without their own secret key and host names.

Each case loads ``aduan.settings`` in a fresh interpreter, as gunicorn or ``aduan`` would,
with an environment made for it (the suite's own process has set a key).
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

import aduan

ROOT = Path(aduan.__file__).resolve().parent.parent
KEY = "k" * 20 + "-a-long-random-production-key-0123456789"
SHOW = (
    "import django; from django.conf import settings; django.setup(); "
    "print(settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME, "
    "settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE, "
    "getattr(settings, 'SECURE_HSTS_SECONDS', 0), settings.SECURE_SSL_REDIRECT, "
    "settings.SECURE_PROXY_SSL_HEADER, settings.ALLOWED_HOSTS)"
)


def start(tmp_path, **env):
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in ("SECRET_KEY", "ALLOWED_HOSTS", "DEBUG", "ADUAN_TLS", "SECURE_COOKIES")
        and not k.startswith("ADUAN_")
    }
    clean.update(
        DJANGO_SETTINGS_MODULE="aduan.settings",
        ADUAN_VAR_DIR=str(tmp_path),
        DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3",
        **env,
    )
    return subprocess.run(
        [sys.executable, "-c", SHOW],
        env=clean,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_without_a_secret_key_refuses_to_start(tmp_path):
    result = start(tmp_path, DEBUG="0", ALLOWED_HOSTS="aduan.example.go.id")
    assert result.returncode != 0
    assert "django.core.exceptions.ImproperlyConfigured: SECRET_KEY is not set" in result.stderr
    assert "var/secret_key" in result.stderr  # it says where the demo keeps one


def test_debug_off_is_the_default(tmp_path):
    result = start(tmp_path, ALLOWED_HOSTS="aduan.example.go.id")
    assert result.returncode != 0 and "SECRET_KEY is not set" in result.stderr


@pytest.mark.parametrize(
    "key", ["pendek", "aduan-demo-insecure-secret-key-change-me-in-production"]
)
def test_a_short_or_known_key_is_refused(tmp_path, key):
    result = start(tmp_path, DEBUG="0", SECRET_KEY=key, ALLOWED_HOSTS="aduan.example.go.id")
    assert result.returncode != 0 and "SECRET_KEY is too short or a known" in result.stderr


def test_production_without_allowed_hosts_refuses_to_start(tmp_path):
    result = start(tmp_path, DEBUG="0", SECRET_KEY=KEY)
    assert result.returncode != 0 and "ALLOWED_HOSTS is not set" in result.stderr


def test_production_with_both_starts_with_plain_cookies(tmp_path):
    result = start(tmp_path, SECRET_KEY=KEY, ALLOWED_HOSTS="aduan.example.go.id, localhost")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split(" ", 6)[:6] == [
        "sessionid",
        "csrftoken",
        "False",
        "False",
        "0",
        "False",
    ]
    assert "['aduan.example.go.id', 'localhost']" in result.stdout


def test_debug_runs_with_a_development_key(tmp_path):
    result = start(tmp_path, DEBUG="1")
    assert result.returncode == 0, result.stderr
    assert "'testserver'" in result.stdout


def test_tls_switch_makes_cookies_secure_and_host_prefixed(tmp_path):
    result = start(tmp_path, SECRET_KEY=KEY, ALLOWED_HOSTS="aduan.example.go.id", ADUAN_TLS="1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split(" ", 7)[:7] == [
        "__Host-sessionid",
        "__Host-csrftoken",
        "True",
        "True",
        "31536000",
        "True",
        "None",  # no proxy: X-Forwarded-Proto is not believed
    ]


def test_tls_behind_a_proxy_believes_its_forwarded_proto(tmp_path):
    result = start(
        tmp_path,
        SECRET_KEY=KEY,
        ALLOWED_HOSTS="aduan.example.go.id",
        ADUAN_TLS="1",
        ADUAN_PROXY_COUNT="1",
    )
    assert result.returncode == 0, result.stderr
    assert "('HTTP_X_FORWARDED_PROTO', 'https')" in result.stdout
