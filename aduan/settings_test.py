"""Settings for the test suite: the real settings, with files in a throw-away folder."""

import os
import tempfile
from pathlib import Path

# The real settings run with DEBUG off and so refuse to load without a key and host names
# of their own (see settings.py); the suite brings its own before importing them.
os.environ.setdefault("SECRET_KEY", "aduan-test-suite-key-never-used-outside-tests-0123456789")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")

from .settings import *  # noqa: F403

ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]

_TMP = Path(tempfile.mkdtemp(prefix="aduan-test-"))
MEDIA_ROOT = _TMP / "media"
ADUAN_OUTBOX_FILE = _TMP / "outbox.log"
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Fast hashing: tests log in many personas.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SITE_URL = "http://testserver"
# WhiteNoise would otherwise scan a collected staticfiles/ folder for every test client.
WHITENOISE_AUTOREFRESH = True
# django-axes stays on for the whole suite, so every login through HTTP meets the lockout;
# only the test client's login(), which authenticates without a request, gets through.
AUTHENTICATION_BACKENDS = [
    "aduan.core.lockout.TestClientBackend" if b == "axes.backends.AxesStandaloneBackend" else b
    for b in AUTHENTICATION_BACKENDS  # noqa: F405
]
# Request limits are off for the suite: its tests file and look up many complaints from
# one address, some without a database, and some count a view's queries, which the
# limiter's one statement per request would join. Its own tests (core/tests/
# test_security_ratelimit.py) switch each limit on with small numbers.
ADUAN_RATE_LIMITS = dict.fromkeys(ADUAN_RATE_LIMITS, "")  # noqa: F405
