"""Aduan settings: one file, read from the environment, embedded SQLite by default."""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
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
# Production (DEBUG off) refuses to start without its own key and host names: a key written
# in the source would let anyone forge sessions and password-reset links. scripts/run makes
# a random key once for the demo (var/secret_key) and passes it in the environment.
SECRET_KEY = env_str("SECRET_KEY").strip()
_HOSTS = env_str("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver" if DEBUG else "")
ALLOWED_HOSTS = [h.strip() for h in _HOSTS.split(",") if h.strip()]
if DEBUG and not SECRET_KEY:
    SECRET_KEY = "aduan-development-only-insecure-key"  # noqa: S105 (DEBUG only)
elif not DEBUG:
    if not SECRET_KEY:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. With DEBUG off Aduan needs the deployment's own secret key "
            "in the environment, for example the output of "
            "python3 -c 'import secrets; print(secrets.token_urlsafe(50))'. "
            "(scripts/run makes one for the demo in var/secret_key; DEBUG=1 uses a "
            "development key.)"
        )
    if len(SECRET_KEY) < 32 or "insecure" in SECRET_KEY:
        raise ImproperlyConfigured(
            "SECRET_KEY is too short or a known demo key: use at least 32 random characters."
        )
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured(
            "ALLOWED_HOSTS is not set. With DEBUG off Aduan needs the host names it serves, "
            "comma-separated, for example ALLOWED_HOSTS=aduan.malangkota.go.id."
        )
CSRF_TRUSTED_ORIGINS = [o for o in env_str("CSRF_TRUSTED_ORIGINS", "").split(",") if o]
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")
# A failed CSRF check gets the site's own page (core/errors.py), in the visitor's language.
CSRF_FAILURE_VIEW = "aduan.core.errors.csrf_failure"
# The city's own facts (its name, the service's name, map bounds, SMS number) are a
# row of core.City, kept in the admin; SITE_NAME only overrides the service's name.
SITE_NAME = env_str("SITE_NAME", "")

INSTALLED_APPS = [
    # Django's admin with the site that asks for the second factor (office.twofactor).
    "aduan.office.admin_app.AduanAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "ninja",
    # Login lockout per account-and-address and per address (core.lockout); unlock in admin.
    "axes",
    # The Content-Security-Policy header (CONTENT_SECURITY_POLICY below).
    "csp",
    # Staff second factor: authenticator apps (TOTP) and one-time recovery codes.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "aduan.core",
    "aduan.portal",
    "aduan.office",
    "aduan.deadlines",
    "aduan.triage",
    "aduan.channels",
    "aduan.reports",
    "aduan.privacy",
    "aduan.knowledge",
    # Maps and administrative boundaries (kelurahan from a pin).
    "aduan.geo",
    # The demo city and its loader (``aduan demo``); no other app imports it.
    "aduan.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Outermost after Django's own: every response, a 429 or an error page too, gets them.
    "aduan.core.middleware.CSPMiddleware",  # django-csp's, headers built once
    "aduan.core.middleware.SecurityHeadersMiddleware",
    # Keeps the request for the audit log's writers that are not handed it (core.audit).
    "aduan.core.audit.RequestContextMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Below whitenoise (static files come precompressed), above everything that writes the
    # body; only with ADUAN_COMPRESS_PAGES, and only pages without a personal secret.
    "aduan.portal.compression.PublicPageGZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # Before any view work, after the locale so its 429 speaks the visitor's language.
    "aduan.core.middleware.RateLimitMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # After auth, OTP, messages and htmx: the staff session's idle limit and second step.
    "aduan.office.twofactor.StaffSessionMiddleware",
    # Last, as django-axes asks: turns a locked-out login into core.lockout's 429 page.
    "axes.middleware.AxesMiddleware",
]

# Gzip the public pages in the application (portal.compression): for a server with no
# compressing proxy in front, as scripts/run's gunicorn. Production leaves it off, its
# proxy compresses (deploy/Caddyfile).
ADUAN_COMPRESS_PAGES = env_bool("ADUAN_COMPRESS_PAGES", False)

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
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Roles whose staff must pass a second factor (anyone who may enter /admin/ must too);
# the other staff roles are invited to enrol and, once enrolled, always asked.
# Inspectors read the audit log (addresses, who saw which contact): a password alone is
# not enough for them either.
_REQUIRED_2FA = env_str("ADUAN_2FA_REQUIRED_ROLES", "moderator,kepala_opd,admin_sistem,inspektorat")
ADUAN_2FA_REQUIRED_ROLES = [r.strip() for r in _REQUIRED_2FA.split(",") if r.strip()]
# A staff session ends after this many seconds without a request (a working day).
ADUAN_STAFF_IDLE_SECONDS = env_int("ADUAN_STAFF_IDLE_SECONDS", 8 * 60 * 60)
# The name authenticator apps show beside the account.
OTP_TOTP_ISSUER = env_str("ADUAN_TOTP_ISSUER", SITE_NAME or "Aduan")

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
# Leaflet and its marker clustering, installed from the npm registry (package.json, `npm ci`
# in scripts/run and scripts/test) and served as the site's own files: no CDN.
STATICFILES_DIRS += [
    ("vendor/leaflet", BASE_DIR / "node_modules" / "leaflet" / "dist"),
    ("vendor/markercluster", BASE_DIR / "node_modules" / "leaflet.markercluster" / "dist"),
]
# The maps' tile server (aduan.geo): OpenStreetMap's by default; a city may run its own or
# use a provider (its URL template, the attribution its licence asks for, its deepest zoom).
# The tile host is allowed for images by the Content-Security-Policy below.
ADUAN_MAP_TILES = {
    "url": env_str("ADUAN_MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png"),
    "attribution": env_str(
        "ADUAN_MAP_TILE_ATTRIBUTION",
        '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>',
    ),
    "max_zoom": env_int("ADUAN_MAP_TILE_MAX_ZOOM", 19),
}
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

# -- Security headers and cookies ----------------------------------------------------------
# ADUAN_TLS=1 when browsers reach the site over HTTPS (directly or through a TLS proxy):
# cookies become Secure and __Host- prefixed (no subdomain can set or read them), HSTS
# tells browsers to use HTTPS only, and plain-HTTP requests are redirected.
# SECURE_COOKIES=1 is this switch's older name.
ADUAN_TLS = env_bool("ADUAN_TLS", env_bool("SECURE_COOKIES", False))
# Reverse proxies in front of the app (0: clients connect to it directly). With N > 0 the
# client's address is the N-th X-Forwarded-For entry from the right and X-Forwarded-Proto
# tells HTTPS; with 0 both headers are ignored, since any client can send them.
ADUAN_PROXY_COUNT = env_int("ADUAN_PROXY_COUNT", 0)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = ADUAN_TLS
CSRF_COOKIE_SECURE = ADUAN_TLS
if ADUAN_TLS:
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    SECURE_HSTS_SECONDS = env_int("ADUAN_HSTS_SECONDS", 365 * 24 * 60 * 60)
    # Off unless asked: other services on the city's subdomains may still be plain HTTP.
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("ADUAN_HSTS_SUBDOMAINS", False)
    SECURE_SSL_REDIRECT = env_bool("ADUAN_SSL_REDIRECT", True)
    if ADUAN_PROXY_COUNT > 0:
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
# Links to other sites carry no path: private links (/k/...) and staff URLs stay here.
SECURE_REFERRER_POLICY = "same-origin"
# Browser features pages may use (core.middleware): only the filing form's "use my
# location" needs one; the photo field's camera capture is a file picker, not getUserMedia.
ADUAN_PERMISSIONS_POLICY = {
    "geolocation": ["self"],
    "camera": [],
    "microphone": [],
    "payment": [],
    "usb": [],
}
# Pages with personal data or a private link: Cache-Control no-store (core.middleware).
ADUAN_NO_STORE_PATHS = [
    r"^/kantor/",  # every staff page (and staff photos)
    r"^/admin/",
    r"^/k/",  # the reporter's private link and its actions
    r"^/aduan/terkirim/",  # the filed page shows the private link
    r"^/api/v1/complaints/?$",  # the filing answer carries the private token
    r"^/api/v1/complaints/[^/]+/(info|confirm|dispute|rating)$",
    r"^/api/v1/me/",
]


def _tile_origin(url: str) -> list[str]:
    """The scheme and host of a tile URL template (subdomain patterns become a wildcard)."""
    parts = urlsplit(url.replace("{s}", "*"))
    return [f"{parts.scheme}://{parts.netloc}"] if parts.scheme and parts.netloc else []


# Content-Security-Policy (django-csp 4): no inline script or style anywhere (templates
# load static files; a test scans every template), nothing from other origins, no framing.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        # The map tiles' origin (ADUAN_MAP_TILES): images only, never scripts.
        "img-src": ["'self'", *_tile_origin(ADUAN_MAP_TILES["url"])],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
        **({"upgrade-insecure-requests": True} if ADUAN_TLS else {}),
    }
}
# The only pages that need data: images: the API's Swagger UI (its icons) and the pages with
# a Leaflet map, which cancels a tile it drops by pointing it at a blank data: image built
# into its bundle (not configurable). Everywhere else images come from 'self' and the tiles.
ADUAN_CSP_DATA_IMAGE_PATHS = [
    r"^/api/v1/docs",
    r"^/aduan/baru/$",
    r"^/publik/peta/$",
    r"^/kantor/aduan/[^/]+/$",
]

# -- Login lockout (django-axes, core.lockout) ----------------------------------------------
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out login before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "aduan.core.lockout.LockoutHandler"
# Failures count per account from one address, and per address over all accounts: a
# flood of wrong passwords for one account from many addresses locks only those
# addresses, never the account's owner elsewhere; one address spraying many accounts
# meets the second, higher limit.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
# Five tries cover a person's typos and a forgotten caps lock; after that, guessing one
# password from one address runs at 5 per cool-down (480 a day), behind a second factor.
AXES_FAILURE_LIMIT = env_int("ADUAN_LOGIN_FAILURES_PER_ACCOUNT", 5)
# An office's staff share one NAT address: 20 failures in a cool-down from one address are
# no morning of typos but someone trying accounts.
ADUAN_LOGIN_ADDRESS_FAILURE_LIMIT = env_int("ADUAN_LOGIN_FAILURES_PER_ADDRESS", 20)
# A lock ends by itself this long after the last failure (never a permanent lock).
AXES_COOLOFF_TIME = timedelta(minutes=env_int("ADUAN_LOGIN_COOLOFF_MINUTES", 15))
# Tries during a lock are refused unchecked and do not restart it: the time the lockout
# page names holds.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# A successful login forgets that account's failures from that address (only those).
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "aduan.core.ratelimit.client_key"
AXES_LOCKOUT_CALLABLE = "aduan.core.lockout.lockout_response"
# Logins are recorded once, by the audit log (core.audit); axes keeps failures only.
AXES_DISABLE_ACCESS_LOG = True

# -- Request limits per client address (core.ratelimit, core.middleware) ---------------------
# "N/period" with s, min, h or d ("30/15min"); empty or "off" lifts a limit.
ADUAN_RATE_LIMITS = {
    # A citizen files a few complaints at most; a script files hundreds.
    "filing": env_str("ADUAN_RATE_FILING", "10/h"),
    # Codes are guessable: a person checks a few, a scraper walks them all.
    "tracking": env_str("ADUAN_RATE_TRACKING", "120/h"),
    # Every login costs a password hash; axes counts failures, this counts floods.
    "login": env_str("ADUAN_RATE_LOGIN", "60/15min"),
    # Six-digit codes: ten tries in a quarter hour leave a guess no chance.
    "second_factor": env_str("ADUAN_RATE_SECOND_FACTOR", "10/15min"),
    # Gateways post in bursts from one address.
    "webhook": env_str("ADUAN_RATE_WEBHOOK", "600/min"),
    # Each request sends an SMS or e-mail code (costs money, can harass the number's
    # owner) or tries one: a person needs a few.
    "data_subject": env_str("ADUAN_RATE_DATA_SUBJECT", "10/h"),
}
# Which requests count where: (bucket, methods ("" for any), path pattern, the 429's shape:
# html, api, open311 or plain, and what one request counts: one; query, only a submitted
# lookup form; ids, each id of Open311's service_request_id list). The first match wins.
ADUAN_RATE_LIMIT_RULES = [
    ("filing", "POST", r"^/aduan/baru/$", "html", "one"),
    ("filing", "POST", r"^/api/v1/complaints/?$", "api", "one"),
    ("filing", "POST", r"^/open311/v2/requests\.\w+$", "open311", "one"),
    ("tracking", "GET,HEAD", r"^/lacak/$", "html", "query"),
    ("tracking", "GET,HEAD", r"^/lacak/[^/]+/$", "html", "one"),
    ("tracking", "GET,HEAD", r"^/api/v1/complaints/[^/]+$", "api", "one"),
    ("tracking", "GET,HEAD", r"^/open311/v2/requests?/[^/]+\.\w+$", "open311", "one"),
    ("tracking", "GET,HEAD", r"^/open311/v2/tokens/[^/]+\.\w+$", "open311", "one"),
    ("tracking", "GET,HEAD", r"^/open311/v2/requests\.\w+$", "open311", "ids"),
    ("second_factor", "POST", r"^/kantor/(2fa|masuk/kode|akun/dua-langkah)/", "html", "one"),
    ("data_subject", "POST", r"^/data-saya/(kode|verifikasi)/$", "html", "one"),
    # A lost private link's code (sent and tried) and a follow's confirm mail (portal).
    ("data_subject", "POST", r"^/(lacak/pulihkan/(kode/)?|ikuti/)$", "html", "one"),
    ("login", "POST", r"^/kantor/masuk/", "html", "one"),
    ("login", "POST", r"^/admin/login/", "html", "one"),
    ("webhook", "", r"^/webhooks/", "plain", "one"),
]

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

# -- Personal data (aduan.privacy; UU No. 27/2022) -------------------------------------------
# How long personal data is kept; the hourly job ``privacy.retention`` and ``aduan retention``
# (``--dry-run`` reports) enforce it. Photos have no key: no original is ever stored, only a
# copy re-encoded without metadata at upload (lib/images.py), which stays with the complaint.
ADUAN_RETENTION = {
    # Reporter's name, phone, e-mail and chat handle, and the same wherever the complaint's
    # texts quote them: anonymised this long after closure (rejected and merged ones too).
    # Two years: the Ombudsman takes reports up to two years after the events, and the
    # yearly reports and audits of the previous year need the records until then.
    "reporter_contact_months_after_close": env_int("ADUAN_RETAIN_CONTACT_MONTHS", 24),
    # Raw inbound messages (payload, sender, text): long enough to look into a gateway
    # problem, far beyond any gateway's redelivery.
    "inbound_payload_days": env_int("ADUAN_RETAIN_INBOUND_DAYS", 90),
    # A WhatsApp/Telegram filing dialogue idle this long is dropped (with its draft).
    "conversation_days": env_int("ADUAN_RETAIN_CONVERSATION_DAYS", 30),
    # Sent or failed outbound messages (recipient and text): "was I told?" questions.
    "outbound_message_days": env_int("ADUAN_RETAIN_OUTBOUND_DAYS", 180),
    # Staff notifications, which quote complaint summaries.
    "notification_days": env_int("ADUAN_RETAIN_NOTIFICATION_DAYS", 365),
}
# The knowledge base's thresholds (aduan/knowledge/matching.py DEFAULTS): keys given
# here override the defaults, e.g. {"suggest_threshold": 0.5}; the defaults are
# conservative guesses, not tuned on data, to be set from the "terjawab" counters.
ADUAN_KNOWLEDGE: dict = {}
# Pixels of photos one request may make the server decode (lib/images.py); each photo
# is limited to 40 megapixels besides.
ADUAN_MAX_PIXELS_PER_REQUEST = env_int("ADUAN_MAX_PIXELS_PER_REQUEST", 64_000_000)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# -- Background jobs (aduan/core/tasks.py; `aduan worker`) ----------------------------------
# On PostgreSQL jobs run through procrastinate (its tables come from its own migrations); on
# SQLite, the embedded demo, `aduan worker` runs the same jobs in one process by itself.
ADUAN_JOB_RUNNER = (
    "procrastinate"
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
    else "builtin"
)
if ADUAN_JOB_RUNNER == "procrastinate":
    INSTALLED_APPS.append("procrastinate.contrib.django")
# Seconds between a worker's heartbeats, and without one after which its running jobs are
# taken over by another worker.
ADUAN_WORKER_HEARTBEAT = float(env_str("ADUAN_WORKER_HEARTBEAT", "2"))
ADUAN_WORKER_STALLED_AFTER = float(env_str("ADUAN_WORKER_STALLED_AFTER", "10"))
# Where a new complaint's follow-up runs: its triage (routing, spam, personal data,
# duplicates, mass events) and the reporter's acknowledgment (the message with the code).
# "worker": the worker's triage.new job (queue "triage") and the outbox job, within
# seconds of the filing; the citizen's request writes the complaint and nothing more.
# "request": triage in the web process right after the filing's commit, the
# acknowledgment in the filing's own transaction (about 40 ms more CPU per filing).
# Corrections and returns by staff are always triaged right after their commit.
ADUAN_AFTER_FILING = env_str("ADUAN_AFTER_FILING", "worker")
if ADUAN_AFTER_FILING not in ("worker", "request"):
    raise ImproperlyConfigured('ADUAN_AFTER_FILING must be "worker" or "request".')

# -- Deployment: probes, metrics, structured logs (core.health, core.metrics, core.logging) --
# Outermost: /healthz, /readyz and /metrics are answered before host checks, HTTPS
# redirects, sessions and request limits (probes come over plain HTTP from the proxy or
# the orchestrator); every other request is then counted and timed.
MIDDLEWARE.insert(0, "aduan.core.metrics.RequestMetricsMiddleware")
MIDDLEWARE.insert(0, "aduan.core.health.ProbeMiddleware")
ADUAN_METRICS_PATH = "/metrics"
# /metrics is internal: answered to these networks (comma-separated CIDRs; the client's
# address as ADUAN_PROXY_COUNT reads it) or to "Authorization: Bearer <ADUAN_METRICS_TOKEN>".
ADUAN_METRICS_ALLOWED_IPS = [
    n.strip()
    for n in env_str("ADUAN_METRICS_ALLOWED_IPS", "127.0.0.1/32,::1/128").split(",")
    if n.strip()
]
ADUAN_METRICS_TOKEN = env_str("ADUAN_METRICS_TOKEN").strip()
# A worker's own metrics port (0: none); never published beyond the Prometheus network.
ADUAN_WORKER_METRICS_PORT = env_int("ADUAN_WORKER_METRICS_PORT", 0)
ADUAN_WORKER_METRICS_ADDR = env_str("ADUAN_WORKER_METRICS_ADDR", "0.0.0.0")  # noqa: S104
# "json": one JSON object per log line (core.logging), for a log collector.
ADUAN_LOG_FORMAT = env_str("ADUAN_LOG_FORMAT", "plain").strip().lower()
if ADUAN_LOG_FORMAT == "json":
    LOGGING["formatters"]["json"] = {"()": "aduan.core.logging.JsonFormatter"}
    LOGGING["handlers"]["console"]["formatter"] = "json"

# -- Inbound e-mail (django-anymail) --
# Mail services push inbound mail to /webhooks/email/<service>/inbound/ (channels.mail_inbound).
# Each ANYMAIL_<NAME> environment variable becomes ANYMAIL["<NAME>"], for example
# ANYMAIL_WEBHOOK_SECRET ("user:password", the basic auth most services are checked by) and
# ANYMAIL_MAILGUN_WEBHOOK_SIGNING_KEY; empty ones are left out (an empty key signs nothing).
INSTALLED_APPS.append("anymail")
ANYMAIL = {
    name.removeprefix("ANYMAIL_"): {"true": True, "false": False}.get(value.lower(), value)
    for name, value in os.environ.items()
    if name.startswith("ANYMAIL_") and value.strip()
}
# Outbound mail carries its Message-ID, kept per complaint, and In-Reply-To/References.
ADUAN_SENDERS["email"] = env_str("ADUAN_EMAIL_SENDER", "aduan.channels.senders.EmailSender")
