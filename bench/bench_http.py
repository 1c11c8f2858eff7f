"""Requests per second over HTTP: Open311 reads and filing against a one-row Django view.

Run from the repository root against a PostgreSQL database that holds complaints (for
example the demo: ``aduan migrate && aduan demo --complaints 10000``):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/aduan .venv/bin/python bench/bench_http.py

It starts gunicorn (2 sync workers, persistent database connections) with
``bench/bench_http_settings.py`` (Aduan's settings plus the bench-only ``/bench/insert/``
view, which inserts one row into ``bench_http_row``), lifts the request limits for the
run, drives each request for ``BENCH_SECONDS`` with ``BENCH_CLIENTS`` threads over kept-alive
connections, and prints a Markdown table: requests per second, median and p99 latency,
and the CPU the gunicorn workers spent per request (from /proc, so the load generator's
own CPU is not counted). POST requests.json files real complaints (Open311, the bench's
API client); run it on a throw-away copy.
"""

from __future__ import annotations

import http.client
import os
import signal
import statistics
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import quote, urlencode

ROOT = Path(__file__).resolve().parent.parent
PORT = int(os.environ.get("BENCH_PORT", "8765"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "10"))
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "4"))
# "threads" (Python client threads) or "wrk" (Debian's wrk; bench_concurrent.py installs it).
DRIVER = os.environ.get("BENCH_DRIVER", "threads")
TICKS = os.sysconf("SC_CLK_TCK")


def setup_django():
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aduan.settings")
    import django

    django.setup()


def fixtures() -> dict:
    """What the requests need, read from the database: a window of 100 listed complaints,
    codes to read one by one, a category, a kelurahan and an API key."""
    from django.db import connection

    from aduan.channels.models import ApiClient
    from aduan.core.models import Category, Complaint, Kelurahan

    listed = Complaint.objects.listed().order_by("-received_at")
    times = list(listed.values_list("received_at", flat=True)[:100])
    if len(times) < 100:
        sys.exit("The database needs at least 100 listed complaints (aduan demo).")
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS bench_http_row "
            "(id bigserial PRIMARY KEY, body text NOT NULL, at timestamptz NOT NULL)"
        )
    client, _ = ApiClient.objects.get_or_create(name="bench_http")
    return {
        "window": f"start_date={quote(times[-1].isoformat())}&end_date={quote(times[0].isoformat())}",
        "codes": list(listed.values_list("code", flat=True)[:500]),
        "category": Category.objects.filter(is_active=True).values_list("code", flat=True)[0],
        "kelurahan": Kelurahan.objects.values_list("code", flat=True)[0],
        "api_key": client.api_key,
    }


def requests_to_run(data: dict) -> list[tuple[str, str, callable]]:
    codes = data["codes"]

    def filing() -> tuple[str, str, bytes]:
        body = urlencode(
            {
                "api_key": data["api_key"],
                "service_code": data["category"],
                "address_id": data["kelurahan"],
                "description": "Lampu penerangan jalan di gang "
                f"{uuid.uuid4().hex[:6]} mati sejak tiga hari, gelap dan rawan malam hari.",
                "first_name": "Budi",
                "phone": "081234567890",
            }
        ).encode()
        return "POST", "/open311/v2/requests.json", body

    def insert() -> tuple[str, str, bytes]:
        return "POST", "/bench/insert/", urlencode({"body": uuid.uuid4().hex}).encode()

    def detail(i=[0]) -> tuple[str, str, bytes]:  # noqa: B006 (a counter across calls)
        i[0] += 1
        return "GET", f"/open311/v2/requests/{codes[i[0] % len(codes)]}.json", b""

    return [
        ("GET services.json", lambda: ("GET", "/open311/v2/services.json", b"")),
        (
            "GET requests.json, 100 rows",
            lambda: ("GET", f"/open311/v2/requests.json?{data['window']}", b""),
        ),
        (
            "GET requests.json, default page (up to 1,000 rows)",
            lambda: ("GET", "/open311/v2/requests.json", b""),
        ),
        ("GET requests/{id}.json", detail),
        ("POST requests.json", filing),
        ("minimal Django view inserting one row", insert),
    ]


def start_gunicorn() -> subprocess.Popen:
    env = dict(os.environ)
    env.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")
    env["DJANGO_SETTINGS_MODULE"] = "bench_http_settings"
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "bench"), str(ROOT)])
    for bucket in ("FILING", "TRACKING"):
        env[f"ADUAN_RATE_{bucket}"] = "off"
    env.setdefault("DB_CONN_MAX_AGE", "600")
    process = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "--workers=2",
            "--worker-class=sync",
            f"--bind=127.0.0.1:{PORT}",
            "--log-level=warning",
            "aduan.wsgi:application",
        ],
        env=env,
        cwd=ROOT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=5)
            connection.request("GET", "/open311/v2/services.json")
            if connection.getresponse().status == 200:
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


def drive(make, seconds: float) -> tuple[int, list[float], int]:
    """Send ``make()``'s requests from ``CLIENTS`` threads for ``seconds``."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client():
        connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
        mine = []
        while time.monotonic() < stop:
            method, path, body = make()
            headers = {"Connection": "keep-alive"}
            if body:
                headers["Content-Type"] = "application/x-www-form-urlencoded"
            began = time.perf_counter()
            try:
                connection.request(method, path, body=body or None, headers=headers)
                response = connection.getresponse()
                response.read()
                ok = response.status < 300
            except (OSError, http.client.HTTPException):
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
                ok = False
            mine.append(time.perf_counter() - began)
            if not ok:
                with lock:
                    errors[0] += 1
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return len(latencies), latencies, errors[0]


# -- the wrk driver (BENCH_DRIVER=wrk): a load generator in C, so the client's own CPU does
# not eat into the two cores the server has (the Python threads above take most of one).

_WRK_REQUESTS = {
    "GET services.json": 'return wrk.format("GET", "/open311/v2/services.json")',
    "GET requests.json, 100 rows": 'return wrk.format("GET", "/open311/v2/requests.json?WINDOW")',
    "GET requests.json, default page (up to 1,000 rows)": (
        'return wrk.format("GET", "/open311/v2/requests.json")'
    ),
    "GET requests/{id}.json": (
        "i = i + 1\n"
        '  return wrk.format("GET", "/open311/v2/requests/" .. codes[i % #codes + 1] .. ".json")'
    ),
    "POST requests.json": (
        "i = i + 1\n"
        '  return wrk.format("POST", "/open311/v2/requests.json", form, FIXED .. '
        '"&description=Lampu+penerangan+jalan+di+gang+" .. prefix .. "-" .. i .. '
        '"+mati+sejak+tiga+hari%2C+gelap+dan+rawan+malam+hari.")'
    ),
    "minimal Django view inserting one row": (
        "i = i + 1\n"
        '  return wrk.format("POST", "/bench/insert/", form, "body=row-" .. prefix .. "-" .. i)'
    ),
}


def wrk_script(name: str, data: dict) -> str:
    fixed = (
        f"api_key={data['api_key']}&service_code={data['category']}"
        f"&address_id={data['kelurahan']}&first_name=Budi&phone=081234567890"
    )
    codes = ", ".join(f'"{c}"' for c in data["codes"])
    body = _WRK_REQUESTS[name].replace("WINDOW", data["window"]).replace("FIXED", f'"{fixed}"')
    return (
        f"codes = {{{codes}}}\n"
        "i = 0\n"
        'form = {["Content-Type"] = "application/x-www-form-urlencoded"}\n'
        'prefix = ""\n'
        "function init(args)\n"
        "  prefix = tostring(math.random(100000, 999999)) .. tostring(math.random(1000, 9999))\n"
        "end\n"
        f"request = function()\n  {body}\nend\n"
    )


def drive_wrk(name: str, data: dict, seconds: float) -> tuple[int, float, float, int]:
    """(requests, median ms, p99 ms, errors) from wrk with ``CLIENTS`` connections."""
    import tempfile

    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(wrk_script(name, data))
    try:
        out = subprocess.run(
            [
                "wrk",
                "-t2",
                f"-c{CLIENTS}",
                f"-d{int(seconds)}s",
                "--latency",
                "-s",
                f.name,
                f"http://127.0.0.1:{PORT}",
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        os.unlink(f.name)
    import re

    def pct(p):
        m = re.search(rf"^\s+{p}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        return float(m.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[m.group(2)]

    count = int(re.search(r"(\d+) requests in", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out
    )
    errors = (int(bad.group(1)) if bad else 0) + (
        sum(int(x) for x in sockets.groups()) if sockets else 0
    )
    return count, pct(50), pct(99), errors


def main():
    setup_django()
    data = fixtures()
    from aduan.core.models import Complaint

    total = Complaint.objects.count()
    process = start_gunicorn()
    rows = []
    try:
        for name, make in requests_to_run(data):
            drive(make, 2)  # warm both workers
            cpu = workers_cpu(process.pid)
            if DRIVER == "wrk":
                count, median, p99, errors = drive_wrk(name, data, SECONDS)
            else:
                count, latencies, errors = drive(make, SECONDS)
                latencies.sort()
                median = statistics.median(latencies) * 1000
                p99 = latencies[int(len(latencies) * 0.99) - 1] * 1000
            cpu = workers_cpu(process.pid) - cpu
            rows.append((name, count / SECONDS, median, p99, cpu / count * 1000, errors))
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
    client = f"wrk with {CLIENTS} connections" if DRIVER == "wrk" else f"{CLIENTS} client threads"
    print(f"{total:,} complaints, gunicorn 2 sync workers, {client}, {SECONDS:.0f} s per request\n")
    print("| request | req/s | median | p99 | worker CPU per request | errors |")
    print("| --- | --- | --- | --- | --- | --- |")
    floor = rows[-1][1]
    for name, rate, median, p99, cpu, errors in rows:
        print(
            f"| {name} | {rate:,.1f} ({rate / floor:.2f}x the one-row view) | {median:.1f} ms "
            f"| {p99:.1f} ms | {cpu:.2f} ms | {errors} |"
        )


if __name__ == "__main__":
    main()
