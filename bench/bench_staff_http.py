"""p95 latency over HTTP of the staff lists and the public statistics at a million complaints.

Run bench/bench_stats.py first (it generates the complaints and their counts in its own
database), then, from the repository root:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/aduan .venv/bin/python bench/bench_staff_http.py

``BENCH_DB`` names the database that holds them (default: bench_stats.py's own); the
name in DATABASE_URL only says where the server is. Writes to it: three bench staff
accounts with an authenticator each, and their sessions.

It starts gunicorn as bench/bench_http.py does (2 sync workers, persistent database
connections, DEBUG off, Aduan's production settings), logs in a moderator, an agency
admin and a leader, and asks each page ``BENCH_REQUESTS`` times (default 200), one
request at a time after ``BENCH_WARMUP`` warm-up requests, each on a fresh connection
(gunicorn's sync workers close it after every response). Prints a Markdown table: p50,
p95, p99 and max latency, the gunicorn workers' CPU per request (from /proc), the
response size, and the SQL statements the page runs (counted in-process through the
same view with the same session, after a warm-up request).

Logging in: staff owe a second factor and the bench does not weaken it. Each bench
account gets what enrolment leaves (a confirmed authenticator and ten recovery codes),
and its session is written to the session store as the two login steps leave it:
Django's login keys (user, backend, session hash), the last-seen time, django-otp's
verified-device key and the second-factor stamp (``office.twofactor``). Every request
then goes through the real ``StaffSessionMiddleware``; a page that answered with a
redirect to the login or the second step would fail the run.
"""

from __future__ import annotations

import http.client
import math
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

PORT = int(os.environ.get("BENCH_PORT", "8767"))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "200"))
WARMUP = int(os.environ.get("BENCH_WARMUP", "20"))
SEARCH = os.environ.get("BENCH_SEARCH", "jalan rusak")
TICKS = os.sysconf("SC_CLK_TCK")


def environment() -> dict:
    """The production settings' environment, shared by this process and gunicorn (the
    session hash and the session data are signed with SECRET_KEY)."""
    import bench_stats

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL server (postgres://user@host:port/db).")
    name = os.environ.get("BENCH_DB", bench_stats.DB_NAME)
    key = os.environ.get("SECRET_KEY", "")
    while len(key) < 32 or "insecure" in key:
        key = secrets.token_urlsafe(48)
    env = {
        "DATABASE_URL": urlunparse(urlparse(url)._replace(path=f"/{name}")),
        "SECRET_KEY": key,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DEBUG": "0",
        "DB_CONN_MAX_AGE": "600",
        "ADUAN_VAR_DIR": os.environ.get("ADUAN_VAR_DIR") or tempfile.mkdtemp(prefix="aduan-"),
        "DJANGO_SETTINGS_MODULE": "aduan.settings",
    }
    os.environ.update(env)
    return env


def setup_django() -> None:
    """Django with the production settings, and the static files collected as
    scripts/run collects them (DEBUG off serves them through the manifest)."""
    import django
    from django.core.management import call_command

    django.setup()
    call_command("collectstatic", interactive=False, verbosity=0)


# -- accounts and sessions ----------------------------------------------------------------


def enrolled(username: str, role: str, agency=None):
    """A staff account with what enrolment leaves: a confirmed authenticator and
    recovery codes. Returns (user, the authenticator)."""
    from django.contrib.auth.hashers import make_password
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from aduan.core.models import User
    from aduan.office.twofactor import RECOVERY_CODE_COUNT

    user, _ = User.objects.update_or_create(
        username=username,
        defaults={
            "role": role,
            "agency": agency,
            "is_active": True,
            "password": make_password(secrets.token_urlsafe(16)),
        },
    )
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    if not StaticDevice.objects.filter(user=user, confirmed=True).exists():
        codes = StaticDevice.objects.create(user=user, name="recovery", confirmed=True)
        StaticToken.objects.bulk_create(
            StaticToken(device=codes, token=StaticToken.random_token())
            for _ in range(RECOVERY_CODE_COUNT)
        )
    return user, device


def verified_session(user, device) -> str:
    """A session as the password step (django.contrib.auth.login, the last-seen time)
    and the second step (django_otp.login, the device stamp) leave it; its key."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.utils.module_loading import import_string
    from django_otp import DEVICE_ID_SESSION_KEY

    from aduan.office import twofactor

    store = import_string(f"{settings.SESSION_ENGINE}.SessionStore")()
    store[SESSION_KEY] = user._meta.pk.value_to_string(user)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store[twofactor.LAST_SEEN_KEY] = int(time.time())
    store[DEVICE_ID_SESSION_KEY] = device.persistent_id
    store[twofactor.STAMP_KEY] = twofactor.device_stamp(twofactor.confirmed_devices(user))
    store.create()
    return store.session_key


def pages() -> tuple[list[tuple[str, str, str | None]], dict, dict]:
    """The pages measured as (label, path, who), ``who`` naming the session (None:
    anonymous); the sessions by name; and what to say about the data."""
    from urllib.parse import quote_plus

    from django.db.models import Count

    from aduan.core.models import AGENCY_STATUSES, OPEN_STATUSES, Agency, Complaint, Role
    from aduan.office.filters import involving, search

    moderator = enrolled("bench.http.moderator", Role.MODERATOR)
    leader = enrolled("bench.http.sekda", Role.PIMPINAN)
    # The agency with the most open complaints in its inbox: the heaviest inbox.
    top = (
        Complaint.objects.filter(status__in=AGENCY_STATUSES & OPEN_STATUSES)
        .exclude(lead_agency=None)
        .values("lead_agency")
        .annotate(n=Count("id"))
        .order_by("-n")
        .values_list("lead_agency", flat=True)
        .first()
    )
    agency = Agency.objects.get(pk=top)
    admin = enrolled("bench.http.admin", Role.ADMIN_OPD, agency=agency)
    sessions = {
        "moderator": verified_session(*moderator),
        "leader": verified_session(*leader),
        "agency admin": verified_session(*admin),
    }
    matches = Complaint.objects.filter(search(SEARCH)).order_by()[:100_001].count()
    inbox_open = (
        Complaint.objects.filter(involving(agency))
        .filter(status__in=AGENCY_STATUSES & OPEN_STATUSES)
        .count()
    )
    info = {
        "agency": f"{agency.code} ({inbox_open:,} open complaints in its inbox)",
        "search matches": f"{matches:,}" + ("+" if matches > 100_000 else ""),
        "queue": f"{Complaint.objects.filter(status__in=['baru', 'terverifikasi']).count():,}",
    }
    q = quote_plus(SEARCH)
    return (
        [
            ("moderator queue (/kantor/antrean/)", "/kantor/antrean/", "moderator"),
            (f"agency inbox (/kantor/opd/, {agency.code})", "/kantor/opd/", "agency admin"),
            ("overview, all complaints (/kantor/semua/)", "/kantor/semua/", "leader"),
            (f'staff search "{SEARCH}" (/kantor/semua/?q=)', f"/kantor/semua/?q={q}", "leader"),
            ("public statistics (/publik/statistik/)", "/publik/statistik/", None),
        ],
        sessions,
        info,
    )


def statements(path: str, session_key: str | None) -> tuple[int, int]:
    """(SQL statements, status) of one warm request through the same view, in-process."""
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    if session_key:
        client.cookies[settings.SESSION_COOKIE_NAME] = session_key
    client.get(path)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    return len(queries), response.status_code


# -- gunicorn and the requests ------------------------------------------------------------


def start_gunicorn(env: dict) -> subprocess.Popen:
    child = dict(os.environ) | env
    child["DJANGO_SETTINGS_MODULE"] = "bench_http_settings"
    child["PYTHONPATH"] = os.pathsep.join([str(ROOT / "bench"), str(ROOT)])
    process = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "--workers=2",
            "--worker-class=sync",
            f"--bind=127.0.0.1:{PORT}",
            "--log-level=warning",
            "--timeout=120",
            "aduan.wsgi:application",
        ],
        env=child,
        cwd=ROOT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            status, _, _ = get("/open311/v2/services.json", None)
            if status == 200:
                return process
        except OSError:
            time.sleep(0.5)
    process.kill()
    sys.exit("gunicorn did not answer within a minute")


def workers_cpu(master: int) -> float:
    """CPU seconds (user + system) of the gunicorn workers of ``master`` so far."""
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    total = 0
    for pid in children:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])
    return total / TICKS


COOKIE_NAME = "sessionid"


def get(path: str, session_key: str | None) -> tuple[int, int, float]:
    """(status, body bytes, seconds): one GET on a fresh connection, body read to the end."""
    headers = {"Host": "127.0.0.1", "Accept": "text/html", "Accept-Language": "id"}
    if session_key:
        headers["Cookie"] = f"{COOKIE_NAME}={session_key}"
    began = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=120)
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        body = response.read()
    finally:
        connection.close()
    return response.status, len(body), time.perf_counter() - began


def percentile(sorted_values: list[float], q: float) -> float:
    """Nearest-rank percentile."""
    return sorted_values[max(0, math.ceil(q * len(sorted_values)) - 1)]


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main():
    global COOKIE_NAME
    env = environment()
    setup_django()
    from django.conf import settings
    from django.db import connection

    from aduan.core.models import Complaint

    COOKIE_NAME = settings.SESSION_COOKIE_NAME
    total = Complaint.objects.count()
    to_measure, sessions, info = pages()
    counted = {}
    for label, path, who in to_measure:
        n, status = statements(path, sessions.get(who))
        if status != 200:
            sys.exit(f"{path} answered {status} in-process for {who}")
        counted[label] = n
    connection.close()

    process = start_gunicorn(env)
    rows, loads = [], [loadavg()]
    try:
        for label, path, who in to_measure:
            key = sessions.get(who)
            for _ in range(WARMUP):  # both workers: templates, caches, the database's buffers
                status, _size, _t = get(path, key)
                if status != 200:
                    sys.exit(f"{path} answered {status} over HTTP for {who}")
            cpu = workers_cpu(process.pid)
            times, size = [], 0
            for _ in range(REQUESTS):
                status, size, seconds = get(path, key)
                if status != 200:
                    sys.exit(f"{path} answered {status} over HTTP for {who}")
                times.append(seconds)
            cpu = workers_cpu(process.pid) - cpu
            times.sort()
            rows.append(
                (
                    label,
                    who or "anonymous",
                    *(percentile(times, q) * 1000 for q in (0.5, 0.95, 0.99, 1.0)),
                    cpu / REQUESTS * 1000,
                    size,
                    counted[label],
                )
            )
            loads.append(loadavg())
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)

    print(
        f"\n{total:,} complaints on PostgreSQL {connection.pg_version // 10000}; gunicorn 2 sync "
        f"workers, DEBUG off, persistent connections; {REQUESTS} sequential requests per page "
        f"after {WARMUP} warm-up requests\n"
    )
    for name, value in info.items():
        print(f"- {name}: {value}")
    print(f"- load average (1, 5, 15 min) before and after each page: {' | '.join(loads)}\n")
    print(
        "| page | session | p50 | p95 | p99 | max | worker CPU per request | bytes "
        "| SQL statements |"
    )
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for label, who, p50, p95, p99, top, cpu, size, n in rows:
        print(
            f"| {label} | {who} | {p50:.1f} ms | {p95:.1f} ms | {p99:.1f} ms | {top:.1f} ms "
            f"| {cpu:.1f} ms | {size:,} | {n} |"
        )


if __name__ == "__main__":
    main()
