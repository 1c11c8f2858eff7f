"""/metrics: request counts and latencies, the outbox's queue, job timings; internal only."""

from datetime import UTC as utc
from datetime import datetime, timedelta

import pytest
from django.test import Client
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families

from aduan.core import metrics
from aduan.core.models import OutboundMessage

NOW = datetime(2026, 11, 3, 2, 0, tzinfo=utc)


def samples(text: str) -> dict[tuple[str, tuple], float]:
    found = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            found[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return found


def count(method, route, status):
    value = REGISTRY.get_sample_value(
        "aduan_http_requests_total", {"method": method, "route": route, "status": status}
    )
    return value or 0.0


def test_requests_are_counted_and_timed_by_route_not_path(db):
    client = Client()
    route = "k/<str:token>/"
    before = count("GET", route, "404")
    assert client.get("/k/token-rahasia-pelapor-0123456789/").status_code == 404
    assert count("GET", route, "404") == before + 1
    body = client.get("/metrics").content.decode()
    assert "token-rahasia-pelapor" not in body
    assert (
        'aduan_http_request_duration_seconds_bucket{le="0.005",method="GET",route="k/<str:token>/"}'
        in body
    )


def test_unknown_paths_and_methods_share_one_series(db):
    client = Client()
    before = count("other", metrics.UNMATCHED_ROUTE, "404")
    client.generic("BREW", "/teko/kopi/1/")
    client.generic("BREW", "/teko/kopi/2/")
    assert count("other", metrics.UNMATCHED_ROUTE, "404") == before + 2


def test_probes_are_not_counted(db):
    client = Client()
    before = count("GET", "healthz", "200")
    client.get("/healthz")
    assert count("GET", "healthz", "200") == before


def test_outbox_queue_per_channel(db):
    def message(channel, **fields):
        return OutboundMessage.objects.create(
            channel=channel, recipient="+628123", body="x", **fields
        )

    message("sms", created_at=NOW - timedelta(minutes=10), next_attempt_at=NOW)  # due
    message(
        "sms",
        created_at=NOW - timedelta(minutes=3),
        next_attempt_at=NOW - timedelta(minutes=1),
        locked_until=NOW + timedelta(seconds=20),
    )  # claimed
    message(  # an expired claim (a crashed worker's): due again
        "sms",
        created_at=NOW - timedelta(minutes=2),
        next_attempt_at=NOW - timedelta(minutes=1),
        locked_until=NOW - timedelta(seconds=1),
    )
    message(
        "email", created_at=NOW - timedelta(hours=1), next_attempt_at=NOW + timedelta(minutes=2)
    )  # waiting for a retry
    message("email", state=OutboundMessage.State.FAILED, created_at=NOW - timedelta(days=1))
    message("email", state=OutboundMessage.State.SENT, created_at=NOW - timedelta(days=2))

    found = samples(metrics.render(now=NOW).decode())
    assert found[("aduan_metrics_database_up", ())] == 1
    sms, email = (("channel", "sms"),), (("channel", "email"),)
    assert found[("aduan_outbox_due", sms)] == 2
    assert found[("aduan_outbox_claimed", sms)] == 1
    assert found[("aduan_outbox_retry_waiting", sms)] == 0
    assert found[("aduan_outbox_oldest_unsent_age_seconds", sms)] == 600
    assert found[("aduan_outbox_due", email)] == 0
    assert found[("aduan_outbox_retry_waiting", email)] == 1
    assert found[("aduan_outbox_failed", email)] == 1
    # The failed and the sent message are not "unsent and waiting".
    assert found[("aduan_outbox_oldest_unsent_age_seconds", email)] == 3600


def test_a_database_failure_is_a_metric_not_an_error(db, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("connection refused")

    monkeypatch.setattr(OutboundMessage.objects, "filter", broken)
    found = samples(metrics.render(now=NOW).decode())
    assert found[("aduan_metrics_database_up", ())] == 0


def test_job_timer_records_duration_success_and_failure():
    with metrics.job_timer("test.ok"):
        pass
    assert REGISTRY.get_sample_value("aduan_job_last_duration_seconds", {"job": "test.ok"}) >= 0
    assert REGISTRY.get_sample_value("aduan_job_last_success_timestamp_seconds", {"job": "test.ok"})
    assert REGISTRY.get_sample_value("aduan_job_duration_seconds_count", {"job": "test.ok"}) == 1

    with pytest.raises(ZeroDivisionError), metrics.job_timer("test.boom"):
        1 / 0  # noqa: B018
    assert REGISTRY.get_sample_value("aduan_job_failures_total", {"job": "test.boom"}) == 1
    assert (
        REGISTRY.get_sample_value("aduan_job_last_success_timestamp_seconds", {"job": "test.boom"})
        is None
    )


def test_worker_metrics_server_is_off_unless_a_port_is_set(settings):
    settings.ADUAN_WORKER_METRICS_PORT = 0
    assert metrics.start_worker_server() is None


def test_worker_metrics_server_serves_job_timings():
    import socket
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with metrics.job_timer("test.served"):
        pass
    server = metrics.start_worker_server(port=port, addr="127.0.0.1")
    try:
        url = f"http://127.0.0.1:{port}/metrics"
        with urllib.request.urlopen(url, timeout=5) as response:
            body = response.read().decode()
    finally:
        server.shutdown()
        server.server_close()
    assert 'aduan_job_last_duration_seconds{job="test.served"}' in body


def test_metrics_only_for_allowed_addresses_or_the_token(db, settings):
    settings.ADUAN_METRICS_TOKEN = "t0ken-for-prometheus"
    inside = Client(REMOTE_ADDR="127.0.0.1")
    outside = Client(REMOTE_ADDR="203.0.113.9")
    assert inside.get("/metrics").status_code == 200
    assert inside.get("/metrics")["Content-Type"].startswith("text/plain; version=")
    assert outside.get("/metrics").status_code == 403
    assert outside.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 403
    ok = outside.get("/metrics", HTTP_AUTHORIZATION="Bearer t0ken-for-prometheus")
    assert ok.status_code == 200 and b"aduan_outbox" in ok.content
    settings.ADUAN_METRICS_TOKEN = ""
    assert outside.get("/metrics", HTTP_AUTHORIZATION="Bearer ").status_code == 403


def test_a_client_through_the_proxy_is_not_the_proxy(db, settings):
    # The proxy itself is at 127.0.0.1; the client it forwards is outside.
    settings.ADUAN_PROXY_COUNT = 1
    client = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert client.get("/metrics").status_code == 403
    settings.ADUAN_METRICS_ALLOWED_IPS = ["203.0.113.0/24"]
    assert client.get("/metrics").status_code == 200


@pytest.mark.django_db(transaction=True)
def test_job_queue_depth_on_postgresql():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("procrastinate's queue is PostgreSQL only")
    with connection.cursor() as cursor:
        if "procrastinate_jobs" not in connection.introspection.table_names(cursor):
            pytest.skip("the procrastinate job runner is not installed")
        cursor.execute(
            "INSERT INTO procrastinate_jobs (queue_name, task_name, args, status)"
            " VALUES ('outbox', 't', '{}', 'todo'), ('outbox', 't', '{}', 'todo'),"
            " ('reports', 't', '{}', 'doing'), ('reports', 't', '{}', 'succeeded')"
            " RETURNING id"
        )
        ids = [row[0] for row in cursor.fetchall()]
    try:
        found = samples(metrics.render(now=NOW).decode())
    finally:
        # procrastinate's table is not Django's to flush between tests.
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM procrastinate_jobs WHERE id = ANY(%s)", [ids])
    depth = "aduan_job_queue_depth"
    assert found[(depth, (("queue", "outbox"), ("state", "todo")))] >= 2
    assert found[(depth, (("queue", "reports"), ("state", "doing")))] >= 1
    assert (depth, (("queue", "reports"), ("state", "succeeded"))) not in found


def test_the_worker_times_every_job_it_runs():
    from aduan.core import jobs, tasks

    job = jobs.Job("test.via_runner", lambda: "", every_seconds=60, queue=jobs.DEFAULT)
    tasks.run_job(job)
    assert (
        REGISTRY.get_sample_value("aduan_job_duration_seconds_count", {"job": "test.via_runner"})
        == 1
    )
