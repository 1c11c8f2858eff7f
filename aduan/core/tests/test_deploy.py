"""The deployment files, checked by reading them (no Docker engine runs the suite)."""

import os
import re
import runpy
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[3]
SECRET_WORDS = re.compile(r"SECRET|PASSWORD|TOKEN|DATABASE_URL", re.IGNORECASE)


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((ROOT / "compose.yaml").read_text())


def test_compose_has_the_services_and_each_a_healthcheck(compose):
    services = compose["services"]
    assert {"db", "migrate", "web1", "web2", "worker", "proxy"} <= services.keys()
    assert services["db"]["image"].startswith("postgres:15")
    assert services["web1"]["command"] == services["web2"]["command"]
    assert "gunicorn" in services["web1"]["command"]
    assert services["worker"]["command"][:2] == ["aduan", "worker"]
    assert services["migrate"]["command"] == ["aduan", "migrate", "--noinput"]
    for name in ("db", "web1", "web2", "proxy"):
        assert services[name]["healthcheck"]["test"], name
    assert "/readyz" in " ".join(services["web1"]["healthcheck"]["test"])
    # Web and workers start only after the migrations ran; the proxy after healthy webs.
    for name in ("web1", "web2", "worker"):
        depends = services[name]["depends_on"]
        assert depends["migrate"]["condition"] == "service_completed_successfully"
        assert depends["db"]["condition"] == "service_healthy"
    assert services["proxy"]["depends_on"]["web1"]["condition"] == "service_healthy"
    # Only the proxy is reachable from outside.
    published = [name for name, s in services.items() if s.get("ports")]
    assert published == ["proxy"]


def test_compose_holds_no_secret_in_plain_text(compose):
    for name, service in compose["services"].items():
        env = service.get("environment") or {}
        for key, value in env.items():
            if SECRET_WORDS.search(key):
                assert key.endswith("_FILE"), f"{name}: {key} should come from a secret file"
                assert str(value).startswith("/run/secrets/"), f"{name}: {key}"
    for secret in compose["secrets"].values():
        assert secret["file"].startswith("./deploy/secrets/")
    ignored = (ROOT / "deploy" / "secrets" / ".gitignore").read_text().split()
    assert "*" in ignored


def test_dockerfile_reads_right():
    text = (ROOT / "Dockerfile").read_text()
    lines = [line.strip() for line in text.splitlines()]
    assert "FROM python:3.11-slim-bookworm" in lines
    users = [line.split()[1] for line in lines if line.startswith("USER ")]
    assert users and users[-1] not in ("root", "0")
    assert "collectstatic --noinput" in text
    for package in (
        "libpango-1.0-0",
        "libpangoft2-1.0-0",
        "fonts-dejavu-core",
        "postgresql-client-15",
    ):
        assert package in text
    assert re.search(r"^HEALTHCHECK .*", text, re.MULTILINE)
    assert "/healthz" in text
    assert re.search(r'^CMD \["gunicorn"', text, re.MULTILINE)
    # No secret baked into the image's environment (the build-time key is inline, one RUN).
    env_block = re.findall(r"^ENV (?:.*\\\n)*.*$", text, re.MULTILINE)
    assert not any(SECRET_WORDS.search(block) for block in env_block)
    ignored = (ROOT / ".dockerignore").read_text().split()
    for path in (".git", ".venv", "var", "deploy/secrets", "node_modules"):
        assert path in ignored


def test_caddyfile_balances_both_replicas_and_hides_metrics():
    text = (ROOT / "deploy" / "Caddyfile").read_text()
    assert re.search(r"reverse_proxy web1:8000 web2:8000", text)
    assert "health_uri /readyz" in text
    assert re.search(r"@internal path /metrics", text) and "respond @internal 404" in text
    assert 'request>uri regexp "^/k/' in text  # private links kept out of the access log


@pytest.mark.skipif(shutil.which("caddy") is None, reason="caddy is not installed here")
def test_caddyfile_is_valid_for_caddy():
    result = subprocess.run(
        [
            "caddy",
            "validate",
            "--config",
            str(ROOT / "deploy" / "Caddyfile"),
            "--adapter",
            "caddyfile",
        ],
        env={**os.environ, "ADUAN_DOMAIN": "aduan.example.go.id"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr[-2000:]


def test_entrypoint_reads_secrets_from_files(tmp_path):
    key = tmp_path / "secret_key"
    key.write_text("k" * 50)
    token = tmp_path / "sms_token"
    token.write_text("sms-gateway-token")
    env = {
        "PATH": os.environ["PATH"],
        "SECRET_KEY_FILE": str(key),
        "DATABASE_URL": "sqlite://",
        "ADUAN_SMS_HTTP_TOKEN_FILE": str(token),
        "OTHER_FILE": str(token),  # not ours: left alone
    }
    result = subprocess.run(
        ["sh", str(ROOT / "deploy" / "entrypoint.sh"), "sh", "-c",
         'echo "$SECRET_KEY|$DATABASE_URL|${SECRET_KEY_FILE:-unset}|$ADUAN_SMS_HTTP_TOKEN|${OTHER:-}"'],
        env=env, capture_output=True, text=True, timeout=30,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"{'k' * 50}|sqlite://|unset|sms-gateway-token|"
    env["SECRET_KEY_FILE"] = str(tmp_path / "missing")
    result = subprocess.run(
        ["sh", str(ROOT / "deploy" / "entrypoint.sh"), "true"],
        env=env, capture_output=True, text=True, timeout=30,
    )  # fmt: skip
    assert result.returncode == 1 and "not readable" in result.stderr


def test_gunicorn_config_empties_the_metrics_folder(tmp_path, monkeypatch):
    folder = tmp_path / "metrics"
    folder.mkdir()
    (folder / "counter_4242.db").write_bytes(b"old run")
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(folder))
    monkeypatch.setenv("ADUAN_LOG_FORMAT", "json")
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    config = runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))
    assert config["workers"] == 3 and config["bind"] == "0.0.0.0:8000"
    assert (
        config["logconfig_dict"]["formatters"]["json"]["()"] == "aduan.core.logging.JsonFormatter"
    )
    config["on_starting"](None)
    assert folder.is_dir() and not any(folder.iterdir())
