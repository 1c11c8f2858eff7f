"""Structured logs: ADUAN_LOG_FORMAT=json makes every line one JSON object."""

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

from django.test import RequestFactory
from django.urls import resolve

from aduan.core.logging import JsonFormatter

ROOT = Path(__file__).resolve().parents[3]


def _record(msg, *args, exc_info=None, **extra):
    record = logging.LogRecord("aduan.test", logging.WARNING, __file__, 1, msg, args, exc_info)
    for key, value in extra.items():
        setattr(record, key, value)
    return record


def test_a_line_is_one_json_object_with_the_fields():
    line = JsonFormatter().format(_record("outbox %s: %d sent", "sms", 3, complaint_code="X-1"))
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["message"] == "outbox sms: 3 sent"
    assert entry["level"] == "WARNING"
    assert entry["logger"] == "aduan.test"
    assert entry["complaint_code"] == "X-1"
    assert entry["time"].endswith("+00:00") and "T" in entry["time"]


def test_exceptions_and_unserialisable_extras():
    try:
        raise ValueError("kaput")
    except ValueError:
        exc_info = sys.exc_info()
    entry = json.loads(JsonFormatter().format(_record("failed", exc_info=exc_info, obj=object())))
    assert "ValueError: kaput" in entry["exception"]
    assert entry["obj"].startswith("<object object")


def test_a_request_is_reduced_to_method_and_route():
    request = RequestFactory().get("/k/rahasia-token-pelapor-123/")
    request.resolver_match = resolve("/healthz")
    entry = json.loads(JsonFormatter().format(_record("Not Found", request=request)))
    assert entry["request"] == {"method": "GET", "route": "healthz"}
    assert "rahasia-token" not in json.dumps(entry)


def test_the_setting_switches_the_console_handler_to_json(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "aduan.settings_test",
        "ADUAN_LOG_FORMAT": "json",
        "ADUAN_VAR_DIR": str(tmp_path),
    }
    code = (
        "import django, logging; django.setup(); "
        "logging.getLogger('aduan.probe').warning('halo %s', 'dunia')"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    assert {"logger": "aduan.probe", "message": "halo dunia"}.items() <= lines[-1].items()
