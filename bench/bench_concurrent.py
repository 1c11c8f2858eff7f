"""Many citizens filing at once: Open311 POST under 200 concurrent connections.

Run from the repository root against a throw-away PostgreSQL database that holds the demo
(``aduan migrate && aduan demo --complaints 10000``); it files real complaints:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/aduan_bench .venv/bin/python bench/bench_concurrent.py

It starts gunicorn as ``bench_http.py`` does (2 sync workers, persistent database
connections, the bench-only one-row view), then drives it with ``wrk`` (Debian's package
``wrk``; this script installs it when missing, as the project's scripts install their
Debian packages): ``BENCH_CONNECTIONS`` connections (200) for ``BENCH_SECONDS`` (20 s),
each request a new complaint with its own text. It prints filings per second, latency
percentiles, errors, the workers' CPU per request, and checks what reached the database:
every answered filing is one stored complaint (none lost, none doubled). The same load
on the one-row view is the floor.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_http

CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "200"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "20"))

LUA = r"""
local counter = 0
local prefix = ""

function setup(thread)
  thread:set("prefix", tostring(math.random(100000, 999999)) .. "-" .. tostring(thread))
end

function init(args)
  prefix = prefix .. tostring(math.random(100000, 999999))
end

request = function()
  counter = counter + 1
  local body = BODY_FIXED .. "&description=Lampu+penerangan+jalan+di+gang+" .. prefix ..
    "-" .. counter .. "+mati+sejak+tiga+hari%2C+gelap+dan+rawan+malam+hari."
  return wrk.format("POST", PATH, {["Content-Type"] = "application/x-www-form-urlencoded"}, body)
end
"""

LUA_FLOOR = r"""
local counter = 0
request = function()
  counter = counter + 1
  return wrk.format("POST", "/bench/insert/",
    {["Content-Type"] = "application/x-www-form-urlencoded"}, "body=row-" .. counter)
end
"""


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=True)
    return shutil.which("wrk") or sys.exit("wrk could not be installed")


def run_wrk(wrk: str, script: str) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(script)
    try:
        out = subprocess.run(
            [
                wrk,
                "-t2",
                f"-c{CONNECTIONS}",
                f"-d{SECONDS}s",
                "--timeout",
                "30s",
                "--latency",
                "-s",
                f.name,
                f"http://127.0.0.1:{bench_http.PORT}",
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        os.unlink(f.name)
    return parse(out)


def _ms(value: str, unit: str) -> float:
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def parse(out: str) -> dict:
    result = {"raw": out}
    for pct in ("50", "90", "99"):
        m = re.search(rf"^\s+{pct}%\s+([\d.]+)(us|ms|s|m)\s*$", out, re.M)
        result[f"p{pct}"] = _ms(*m.groups()) if m else float("nan")
    m = re.search(r"(\d+) requests in ([\d.]+)(s|m)", out)
    result["requests"] = int(m.group(1))
    m = re.search(r"Requests/sec:\s+([\d.]+)", out)
    result["rate"] = float(m.group(1))
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    result["non2xx"] = int(m.group(1)) if m else 0
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    result["socket_errors"] = sum(int(x) for x in m.groups()) if m else 0
    return result


def main():
    wrk = ensure_wrk()
    bench_http.setup_django()
    data = bench_http.fixtures()
    from django.db import connection

    from aduan.core.models import Complaint

    fixed = (
        f"api_key={data['api_key']}&service_code={data['category']}"
        f"&address_id={data['kelurahan']}&first_name=Budi&phone=081234567890"
    )
    script = LUA.replace("BODY_FIXED", f'"{fixed}"').replace("PATH", '"/open311/v2/requests.json"')
    process = bench_http.start_gunicorn()
    rows = []
    try:
        for name, lua, counted in [
            ("POST requests.json (a new complaint each)", script, True),
            ("minimal Django view inserting one row", LUA_FLOOR, False),
        ]:
            before = Complaint.objects.count()
            cpu = bench_http.workers_cpu(process.pid)
            result = run_wrk(wrk, lua)
            time.sleep(1)  # requests still in flight when wrk stopped finish
            cpu = bench_http.workers_cpu(process.pid) - cpu
            stored = Complaint.objects.count() - before if counted else None
            rows.append((name, result, cpu / max(result["requests"], 1) * 1000, stored))
        connection.close()
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
    print(
        f"gunicorn 2 sync workers, wrk with {CONNECTIONS} connections for {SECONDS} s "
        f"(2 threads), {Complaint.objects.count():,} complaints after the run\n"
    )
    print("| request | req/s | p50 | p90 | p99 | errors | worker CPU per request | stored |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for name, r, cpu, stored in rows:
        errors = r["non2xx"] + r["socket_errors"]
        kept = "" if stored is None else f"{stored:,} for {r['requests']:,} answered"
        print(
            f"| {name} | {r['rate']:,.1f} | {r['p50']:.0f} ms | {r['p90']:.0f} ms "
            f"| {r['p99']:.0f} ms | {errors} | {cpu:.2f} ms | {kept} |"
        )
    if os.environ.get("BENCH_VERBOSE"):
        for name, r, _cpu, _stored in rows:
            print(f"\n{name}\n{r['raw']}")


if __name__ == "__main__":
    main()
