"""Settings for the test suite: the real settings, with files in a throw-away folder."""

import tempfile
from pathlib import Path

from .settings import *  # noqa: F403

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
