"""Prometheus metrics: requests and latencies, the outbox's queue, background job durations.

Built on ``prometheus_client`` (the Prometheus project's own Python client) rather than
django-prometheus: the queue figures come from the database at scrape time, which neither
offers, and the request figures need one middleware, not a pair plus wrapped database
engines.

What is measured where:

- **Web processes** (``/metrics``): ``aduan_http_requests_total`` and
  ``aduan_http_request_duration_seconds`` by method, URL route (the pattern, never the
  path: a path carries codes and private tokens) and status; and, read from the database
  on every scrape, the outbox: messages due and unclaimed, claimed by a worker, waiting
  for a retry, failed, and the age of the oldest unsent one, per channel; on PostgreSQL
  also the job runner's queues (jobs waiting and running per queue).
- **Workers** (their own HTTP port, ``ADUAN_WORKER_METRICS_PORT``): the duration of each
  background job, its last run's duration and the time of its last success
  (``aduan_job_last_duration_seconds{job="deadlines.sweep"}`` is the sweep's), and its
  failures. A worker wraps each job in :func:`job_timer` and calls
  :func:`start_worker_server` once.

Under gunicorn with several processes set ``PROMETHEUS_MULTIPROC_DIR`` (the image does;
``deploy/gunicorn.conf.py`` empties it at start and forgets dead workers), so one scrape
sums every process. ``/metrics`` is internal: it answers only the addresses in
``ADUAN_METRICS_ALLOWED_IPS`` or a request with ``Authorization: Bearer
<ADUAN_METRICS_TOKEN>``; the proxy refuses it from outside as well.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import os
import time
from contextlib import contextmanager
from datetime import datetime

from django.conf import settings
from django.db.models import Count, Min, Q
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_safe
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
    start_http_server,
)
from prometheus_client.core import GaugeMetricFamily

from .ratelimit import client_address

log = logging.getLogger(__name__)

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
JOB_BUCKETS = (0.01, 0.05, 0.1, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0, 1800.0)
# Anything else a client sends as a method is one label, not a new series per invention.
KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
UNMATCHED_ROUTE = "<unmatched>"

REQUESTS = Counter(
    "aduan_http_requests",
    "HTTP requests answered, by method, URL route and status code.",
    ["method", "route", "status"],
)
LATENCY = Histogram(
    "aduan_http_request_duration_seconds",
    "Time from the request entering Django to the response leaving it.",
    ["method", "route"],
    buckets=LATENCY_BUCKETS,
)
JOB_DURATION = Histogram(
    "aduan_job_duration_seconds",
    "Duration of background job runs.",
    ["job"],
    buckets=JOB_BUCKETS,
)
JOB_LAST_DURATION = Gauge(
    "aduan_job_last_duration_seconds",
    "Duration of the last run of a background job (the deadline sweep is job deadlines.sweep).",
    ["job"],
    multiprocess_mode="mostrecent",
)
JOB_LAST_SUCCESS = Gauge(
    "aduan_job_last_success_timestamp_seconds",
    "Unix time at which a background job last finished without an error.",
    ["job"],
    multiprocess_mode="max",
)
JOB_FAILURES = Counter(
    "aduan_job_failures",
    "Background job runs that raised an error.",
    ["job"],
)


# -- requests ---------------------------------------------------------------------------------


def route_of(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return UNMATCHED_ROUTE
    return match.route or match.view_name or UNMATCHED_ROUTE


class RequestMetricsMiddleware:
    """Counts and times every request (the probes excepted: they are answered before it)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        start = time.perf_counter()
        status = "500"
        try:
            response = self.get_response(request)
            status = str(response.status_code)
            return response
        finally:
            method = request.method if request.method in KNOWN_METHODS else "other"
            route = route_of(request)
            REQUESTS.labels(method, route, status).inc()
            LATENCY.labels(method, route).observe(time.perf_counter() - start)


# -- background jobs --------------------------------------------------------------------------


@contextmanager
def job_timer(name: str):
    """Time one run of a background job: ``with job_timer(job.name): job.func()``."""
    start = time.perf_counter()
    try:
        yield
    except BaseException:
        JOB_FAILURES.labels(name).inc()
        raise
    else:
        JOB_LAST_SUCCESS.labels(name).set(time.time())
    finally:
        elapsed = time.perf_counter() - start
        JOB_DURATION.labels(name).observe(elapsed)
        JOB_LAST_DURATION.labels(name).set(elapsed)


def start_worker_server(port: int | None = None, addr: str | None = None):
    """Serve this worker's metrics on its own port, in a daemon thread; the server, or None
    when the port setting is 0.

    The port is internal: publish it to the Prometheus network only, never through the proxy.
    """
    port = settings.ADUAN_WORKER_METRICS_PORT if port is None else port
    if not port:
        return None
    addr = settings.ADUAN_WORKER_METRICS_ADDR if addr is None else addr
    server, _thread = start_http_server(port, addr=addr, registry=process_registry())
    log.info("worker metrics on %s:%s", addr, port)
    return server


# -- the outbox, read at scrape time ----------------------------------------------------------


class OutboxCollector:
    """The outbox's queue, per channel, from one aggregate query on every scrape."""

    def __init__(self, now: datetime | None = None):
        self.now = now

    def collect(self):
        from .models import OutboundMessage

        now = self.now or timezone.now()
        pending = Q(state=OutboundMessage.State.PENDING)
        claimed = Q(locked_until__gte=now)
        families = {
            "due": GaugeMetricFamily(
                "aduan_outbox_due",
                "Outbox messages due now and claimed by no worker.",
                labels=["channel"],
            ),
            "claimed": GaugeMetricFamily(
                "aduan_outbox_claimed",
                "Outbox messages claimed by a worker (being sent).",
                labels=["channel"],
            ),
            "waiting": GaugeMetricFamily(
                "aduan_outbox_retry_waiting",
                "Outbox messages waiting for their next attempt after a failure.",
                labels=["channel"],
            ),
            "failed": GaugeMetricFamily(
                "aduan_outbox_failed",
                "Outbox messages given up on (kept until the retention job removes them).",
                labels=["channel"],
            ),
            "oldest": GaugeMetricFamily(
                "aduan_outbox_oldest_unsent_age_seconds",
                "Age of the oldest message not yet sent (0 when none waits).",
                labels=["channel"],
            ),
        }
        up = GaugeMetricFamily(
            "aduan_metrics_database_up", "1 when the database answered this scrape's queries."
        )
        try:
            rows = (
                OutboundMessage.objects.filter(
                    Q(state=OutboundMessage.State.PENDING) | Q(state=OutboundMessage.State.FAILED)
                )
                .order_by()
                .values("channel")
                .annotate(
                    due=Count(
                        "id",
                        filter=pending
                        & Q(next_attempt_at__lte=now)
                        & (Q(locked_until__isnull=True) | Q(locked_until__lt=now)),
                    ),
                    claimed=Count("id", filter=pending & claimed),
                    waiting=Count("id", filter=pending & Q(next_attempt_at__gt=now)),
                    failed=Count("id", filter=Q(state=OutboundMessage.State.FAILED)),
                    oldest=Min("created_at", filter=pending),
                )
            )
            rows = list(rows)
        except Exception:
            log.exception("outbox metrics: the database did not answer")
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        for row in rows:
            channel = row["channel"]
            for key in ("due", "claimed", "waiting", "failed"):
                families[key].add_metric([channel], row[key])
            oldest = row["oldest"]
            age = max((now - oldest).total_seconds(), 0.0) if oldest else 0.0
            families["oldest"].add_metric([channel], age)
        yield up
        yield from families.values()


class JobQueueCollector:
    """Jobs waiting and running per queue, from procrastinate's table (PostgreSQL only)."""

    TABLE = "procrastinate_jobs"

    def collect(self):
        from django.db import connection

        if connection.vendor != "postgresql":
            return
        depth = GaugeMetricFamily(
            "aduan_job_queue_depth",
            "Background jobs by queue and state (todo: waiting, doing: running).",
            labels=["queue", "state"],
        )
        try:
            with connection.cursor() as cursor:
                if self.TABLE not in connection.introspection.table_names(cursor):
                    return
                cursor.execute(
                    f"SELECT queue_name, status::text, count(*) FROM {self.TABLE}"  # noqa: S608
                    " WHERE status IN ('todo', 'doing') GROUP BY 1, 2"
                )
                rows = cursor.fetchall()
        except Exception:
            log.exception("job queue metrics: the database did not answer")
            return
        for queue, state, n in rows:
            depth.add_metric([queue, state], n)
        yield depth


# -- exposition -------------------------------------------------------------------------------


class _Joined:
    """Several collectors as one, for a registry built per scrape."""

    def __init__(self, *sources):
        self.sources = sources

    def collect(self):
        for source in self.sources:
            yield from source.collect()


def process_registry():
    """This process's metrics, or every process's when ``PROMETHEUS_MULTIPROC_DIR`` is set."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return registry
    return REGISTRY


def render(*, with_database: bool = True, now: datetime | None = None) -> bytes:
    sources = [process_registry()]
    if with_database:
        sources += [OutboxCollector(now=now), JobQueueCollector()]
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_Joined(*sources))
    return generate_latest(registry)


def _networks() -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    return [ipaddress.ip_network(n, strict=False) for n in settings.ADUAN_METRICS_ALLOWED_IPS]


def may_scrape(request: HttpRequest) -> bool:
    token = settings.ADUAN_METRICS_TOKEN
    if token:
        sent = request.META.get("HTTP_AUTHORIZATION", "")
        if hmac.compare_digest(sent.encode(), f"Bearer {token}".encode()):
            return True
    address = client_address(request)
    if address is None:
        return False
    ip = ipaddress.ip_address(address)
    return any(ip in network for network in _networks() if ip.version == network.version)


@require_safe
def metrics_view(request: HttpRequest) -> HttpResponse:
    if not may_scrape(request):
        response = HttpResponse("forbidden\n", status=403, content_type="text/plain")
    else:
        response = HttpResponse(render(), content_type=CONTENT_TYPE_LATEST)
    add_never_cache_headers(response)
    return response
