"""Aduan settings: one file, read from the environment, embedded SQLite by default."""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


VAR_DIR = Path(env_str("ADUAN_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY", "aduan-demo-insecure-secret-key-change-me-in-production")
ALLOWED_HOSTS = [
    h for h in env_str("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h
]
CSRF_TRUSTED_ORIGINS = [o for o in env_str("CSRF_TRUSTED_ORIGINS", "").split(",") if o]
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")
# The city's own facts (its name, the service's name, map bounds, SMS number) are a
# row of core.City, kept in the admin; SITE_NAME only overrides the service's name.
SITE_NAME = env_str("SITE_NAME", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "ninja",
    "aduan.core",
    "aduan.portal",
    "aduan.office",
    "aduan.deadlines",
    "aduan.triage",
    "aduan.channels",
    "aduan.reports",
    # The demo city and its loader (``aduan demo``); no other app imports it.
    "aduan.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "aduan.urls"
WSGI_APPLICATION = "aduan.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "aduan" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "aduan.core.context_processors.site",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'aduan.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # WAL lets the worker write while gunicorn reads; IMMEDIATE avoids
    # "database is locked" upgrades inside transactions.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.User"
LOGIN_URL = "office:login"
LOGIN_REDIRECT_URL = "office:home"
LOGOUT_REDIRECT_URL = "portal:home"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "aduan" / "locale"]
# core.City.timezone must name the same zone (its admin form refuses another one).
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "aduan" / "static"]
# Uploads are never served as a folder (no MEDIA_URL route, no proxy alias): photos
# go out only through the views of aduan/portal/media.py, which apply core.disclosure.
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not env_bool("ADUAN_PLAIN_STATIC", False)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 45 * 1024 * 1024

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = VAR_DIR / "mail"
# Without a display name here, e-mail goes out under the service's name (core.city).
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "noreply@localhost")

# Outbox senders per channel: a dotted path to a class with ``send(message)``.
# The demo writes SMS and chat messages to a file; production sets, for example,
# ADUAN_SMS_SENDER=aduan.channels.senders.GammuOutboxSender (or HttpSmsSender),
# ADUAN_WHATSAPP_SENDER=aduan.channels.senders.WhatsAppSender,
# ADUAN_TELEGRAM_SENDER=aduan.channels.senders.TelegramSender.
ADUAN_SENDERS = {
    "sms": env_str("ADUAN_SMS_SENDER", "aduan.core.senders.FileSender"),
    "email": env_str("ADUAN_EMAIL_SENDER", "aduan.core.senders.DjangoEmailSender"),
    "whatsapp": env_str("ADUAN_WHATSAPP_SENDER", "aduan.core.senders.FileSender"),
    "telegram": env_str("ADUAN_TELEGRAM_SENDER", "aduan.core.senders.FileSender"),
}
ADUAN_OUTBOX_FILE = VAR_DIR / "outbox.log"
ADUAN_OUTBOX_MAX_ATTEMPTS = env_int("ADUAN_OUTBOX_MAX_ATTEMPTS", 8)
ADUAN_MAX_PHOTOS = 5
ADUAN_MAX_PHOTO_BYTES = env_int("ADUAN_MAX_PHOTO_BYTES", 8 * 1024 * 1024)
# Working days after an answer without a dispute before the complaint closes itself.
ADUAN_AUTO_CLOSE_DAYS = env_int("ADUAN_AUTO_CLOSE_DAYS", 5)
# Who picks the agency when the dispatch deadline nears for a complaint without a
# category (the deadline sweep's holiday coverage): the routing model of the triage
# app, which sits above deadlines and so is named here rather than imported there.
# Empty: such complaints wait for the moderators on duty.
ADUAN_AGENCY_PREDICTOR = env_str("ADUAN_AGENCY_PREDICTOR", "aduan.triage.suggest.predict_agency")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
