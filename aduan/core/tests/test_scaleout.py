"""Scale-out, proven: two web processes and two workers on one PostgreSQL database.

Complaints are filed through both web processes while one worker is killed (SIGKILL) in the
middle of sending; afterwards every complaint is stored once and every message was delivered
once. The fake SMS gateway below behaves like the real ones (aduan.core.senders): it accepts
a message and drops a copy that comes again with the same idempotency key, and it records
every attempt, so the test can tell a copy offered again from a copy delivered twice.
"""

import fcntl
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, connections

from aduan.core import senders
from aduan.core.models import Complaint, Kecamatan, Kelurahan, OutboundMessage

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="several processes on one database: PostgreSQL only (SQLite runs one worker)",
    ),
]

FILINGS = 30


class GatewaySender:
    """A slow SMS gateway that keeps one delivery per idempotency key (a JSON-lines file)."""

    def send(self, message):
        time.sleep(0.15)  # the gateway's round trip: a kill lands mid-send now and then
        key = senders.message_key(message)
        path = Path(os.environ["ADUAN_TEST_GATEWAY"])
        with open(path, "a+", encoding="utf-8") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            fh.seek(0)
            seen = {json.loads(line)["key"] for line in fh if '"delivered"' in line}
            outcome = "duplicate" if key in seen else "delivered"
            fh.write(json.dumps({"key": key, "pid": os.getpid(), "outcome": outcome}) + "\n")
        return f"gw:{key}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, timeout: float = 40) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=15)  # noqa: S310 (a local test server)
            return
        except urllib.error.HTTPError:
            return  # it answers
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"{url} did not come up")


def post(url: str, body: dict, key: str) -> tuple[int, dict]:
    req = urllib.request.Request(  # noqa: S310 (a local test server)
        url,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "Idempotency-Key": key},
        method="POST",
    )
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:  # noqa: S310
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")


@pytest.fixture
def scale_db(transactional_db):
    """A database of its own for the processes: a copy of the test database."""
    kec = Kecamatan.objects.create(code="35.73.02", name="Klojen")
    Kelurahan.objects.create(code="35.73.02.1001", name="Kauman", kecamatan=kec)
    source = settings.DATABASES["default"]["NAME"]
    name = f"{source}_scale_{os.getpid()}"
    connections.close_all()
    with connection._nodb_cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cur.execute(f'CREATE DATABASE "{name}" TEMPLATE "{source}"')
    db = settings.DATABASES["default"]
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"
    if db.get("PASSWORD"):
        url = url.replace("@", f":{db['PASSWORD']}@", 1)
    yield name, url
    with connection._nodb_cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_two_webs_two_workers_a_killed_worker_loses_and_doubles_nothing(scale_db, tmp_path):
    name, url = scale_db
    test_db_name = settings.DATABASES["default"]["NAME"]
    gateway = tmp_path / "gateway.jsonl"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "aduan.settings",
        "DATABASE_URL": url,
        "SECRET_KEY": "scale-out-test-key-0123456789-abcdefghijklmnop",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "ADUAN_VAR_DIR": str(tmp_path / "var"),
        "ADUAN_RATE_FILING": "off",
        "ADUAN_SMS_SENDER": f"{__name__}.GatewaySender",
        "ADUAN_TEST_GATEWAY": str(gateway),
        "SITE_URL": "http://aduan.test",
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(Path(settings.BASE_DIR)),
    }
    bin_dir = Path(sys.executable).parent
    ports = [free_port(), free_port()]
    procs: list[subprocess.Popen] = []

    def start(args, log):
        p = subprocess.Popen(
            args,
            env=env,
            cwd=settings.BASE_DIR,
            stdout=open(tmp_path / log, "wb"),  # noqa: SIM115 (closed with the process)
            stderr=subprocess.STDOUT,
        )
        procs.append(p)
        return p

    try:
        for n, port in enumerate(ports):
            start(
                [
                    str(bin_dir / "gunicorn"),
                    "aduan.wsgi:application",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--workers",
                    "1",
                    "--threads",
                    "4",
                ],
                f"web{n}.log",
            )
        workers = [start([str(bin_dir / "aduan"), "worker"], f"worker{n}.log") for n in range(2)]
        for port in ports:
            wait_http(f"http://127.0.0.1:{port}/api/v1/areas")

        def file(i: int):
            port = ports[i % 2]
            body = {
                "text": f"Lampu jalan nomor {i} di gang {i * 7} padam sejak minggu lalu",
                "kelurahan": "35.73.02.1001",
                "reporter_name": f"Warga {i}",
                "reporter_phone": f"08123{i:06d}",
            }
            return post(f"http://127.0.0.1:{port}/api/v1/complaints", body, f"scale-{i}")

        killed = False
        with ThreadPoolExecutor(max_workers=6) as pool:
            futures = [pool.submit(file, i) for i in range(FILINGS)]
            # Kill a worker once it has sent something and while filings go on.
            deadline = time.monotonic() + 30
            while not killed and time.monotonic() < deadline:
                if gateway.exists():
                    pids = {json.loads(line)["pid"] for line in gateway.read_text().splitlines()}
                    victim = next((w for w in workers if w.pid in pids), None)
                    if victim is not None:
                        victim.send_signal(signal.SIGKILL)
                        killed = True
                time.sleep(0.05)
            answers = [f.result() for f in futures]
        assert killed, "no worker sent anything in time"
        assert [status for status, _ in answers] == [201] * FILINGS, answers
        codes = [body["code"] for _, body in answers]
        assert len(set(codes)) == FILINGS

        # The same filing retried through the other web process is the same complaint.
        status, again = post(
            f"http://127.0.0.1:{ports[1]}/api/v1/complaints",
            {
                "text": "Lampu jalan nomor 0 di gang 0 padam sejak minggu lalu",
                "kelurahan": "35.73.02.1001",
                "reporter_name": "Warga 0",
                "reporter_phone": "08123000000",
            },
            "scale-0",
        )
        assert status == 201 and again["code"] == codes[0]

        # The surviving worker sends the rest, the killed one's claims included.
        db = connections["default"]
        db.settings_dict["NAME"] = name
        db.close()
        deadline = time.monotonic() + 40
        while time.monotonic() < deadline:
            pending = OutboundMessage.objects.filter(state=OutboundMessage.State.PENDING).count()
            if not pending:
                break
            time.sleep(0.5)
        assert Complaint.objects.count() == FILINGS
        assert sorted(Complaint.objects.values_list("code", flat=True)) == sorted(codes)
        messages = list(OutboundMessage.objects.values_list("pk", "state", "channel"))
        assert messages and {state for _, state, _ in messages} == {"sent"}, messages
        assert {channel for _, _, channel in messages} == {"sms"}

        records = [json.loads(line) for line in gateway.read_text().splitlines()]
        delivered = [r["key"] for r in records if r["outcome"] == "delivered"]
        assert sorted(delivered) == sorted(f"outbox-{pk}@aduan.test" for pk, _, _ in messages)
        # At most the killed worker's one unfinished send was offered again (same key).
        assert len(records) - len(delivered) <= 1
    finally:
        for p in procs:
            if p.poll() is None:
                p.terminate()
        for p in procs:
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()
        connections["default"].settings_dict["NAME"] = test_db_name
        connections.close_all()
