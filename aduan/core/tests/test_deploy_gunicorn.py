"""The image's gunicorn settings, run for real: probes, and one metrics view of two processes."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

ROOT = Path(__file__).resolve().parents[3]
BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (loopback)
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


@pytest.mark.slow
def test_gunicorn_with_the_deploy_config(tmp_path):
    port = _free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "aduan.settings",
        "SECRET_KEY": "gunicorn-smoke-test-key-0123456789abcdef",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'aduan.sqlite3'}",  # never the suite's own
        "ADUAN_VAR_DIR": str(tmp_path),
        "ADUAN_PLAIN_STATIC": "1",
        "ADUAN_LOG_FORMAT": "json",
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics"),
        "BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "2",
        "WEB_THREADS": "1",
    }
    subprocess.run(
        [str(BIN / "aduan"), "migrate", "-v", "0"], env=env, cwd=ROOT, check=True, timeout=120
    )
    log = (tmp_path / "gunicorn.log").open("w+")
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "-c", str(ROOT / "deploy" / "gunicorn.conf.py"), "aduan.wsgi"],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 40
        while True:
            try:
                if _get(f"{base}/healthz")[0] == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, "gunicorn did not answer /healthz"
            time.sleep(0.3)
        status, body = _get(f"{base}/readyz")
        assert status == 200, body
        assert json.loads(body)["status"] == "ok"

        for _ in range(20):
            assert _get(f"{base}/nope/")[0] == 404
        status, body = _get(f"{base}/metrics")
        assert status == 200
        total = 0.0
        for family in text_string_to_metric_families(body.decode()):
            for sample in family.samples:
                if (
                    sample.name == "aduan_http_requests_total"
                    and sample.labels.get("status") == "404"
                ):
                    total += sample.value
        # Both processes answered some of them; one scrape sees all twenty.
        assert total == 20
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    log.seek(0)
    # gunicorn's own lines and the application's are JSON (Python's warnings, printed by
    # the interpreter before logging takes them, are the exception).
    lines = [
        line
        for line in log.read().splitlines()
        if line.strip() and "Warning:" not in line and not line.startswith("  ")
    ]
    entries = [json.loads(line) for line in lines]
    assert any(e["logger"] == "gunicorn.error" for e in entries)
