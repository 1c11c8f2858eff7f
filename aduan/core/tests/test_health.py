"""/healthz and /readyz: answered first, never limited or redirected, no personal data."""

import json

import pytest
from django.test import Client

from aduan.core import health


@pytest.fixture(autouse=True)
def _forget_migrations_seen():
    health._migrations_seen_applied = False
    yield
    health._migrations_seen_applied = False


def test_healthz_answers_without_touching_the_database():
    # No db fixture: any query would raise here.
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-store" in response["Cache-Control"]


def test_healthz_refuses_writes():
    assert Client().post("/healthz").status_code == 405


def test_probes_skip_host_check_https_redirect_and_limits(settings):
    settings.SECURE_SSL_REDIRECT = True
    # A limit on every path, one request an hour: the probes are not counted at all
    # (counting would need the database, which this test does not have).
    settings.ADUAN_RATE_LIMITS = {**settings.ADUAN_RATE_LIMITS, "tracking": "1/h"}
    settings.ADUAN_RATE_LIMIT_RULES = [("tracking", "", r"^/", "plain", "one")]
    client = Client(HTTP_HOST="10.0.0.7:8000")  # the orchestrator's idea of the host
    for _ in range(3):
        assert client.get("/healthz").status_code == 200


def test_readyz_ok_lists_checks_only(db):
    response = Client().get("/readyz")
    body = response.json()
    assert response.status_code == 200, body
    assert body == {
        "status": "ok",
        "checks": {"database": "ok", "migrations": "ok", "cache": "ok", "static": "ok"},
    }
    assert "no-store" in response["Cache-Control"]


def test_readyz_fails_with_503_and_no_detail_when_the_database_is_gone(db, monkeypatch):
    def broken():
        raise RuntimeError("could not connect to host db-secret.internal user aduan")

    monkeypatch.setitem(health.CHECKS, "database", broken)
    response = Client().get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "fail"
    assert body["checks"]["database"] == "fail"
    # Without a database the migrations cannot be known: reported as failing too.
    assert body["checks"]["migrations"] == "fail"
    assert "db-secret" not in response.content.decode()


def test_readyz_fails_while_migrations_are_pending(db, monkeypatch):
    from django.db.migrations.executor import MigrationExecutor

    monkeypatch.setattr(
        MigrationExecutor, "migration_plan", lambda self, targets: [("core", "9999_new")]
    )
    response = Client().get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"] == {
        "database": "ok",
        "migrations": "fail",
        "cache": "ok",
        "static": "ok",
    }


def test_readyz_fails_when_static_files_were_not_collected(db, settings, tmp_path):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    response = Client().get("/readyz")
    assert response.status_code == 503
    assert json.loads(response.content)["checks"]["static"] == "fail"


def test_readyz_names_no_complaint_or_person(db, city):
    from aduan.core.models import User

    User.objects.create_user(username="sari-admin", password="x" * 12, first_name="Sari")
    content = Client().get("/readyz").content.decode()
    assert "Sari" not in content and "sari-admin" not in content and "Klojen" not in content
