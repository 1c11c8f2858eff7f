"""Probes for orchestrators and load balancers: ``/healthz`` (liveness), ``/readyz`` (readiness).

- ``/healthz`` answers as long as the process serves requests; it touches no database, so
  a database outage never gets healthy web processes restarted in a loop.
- ``/readyz`` answers 200 only when this process can do real work: the database answers,
  every migration on disk is applied (a replica started from a newer image than the
  database's schema stays out of the pool until ``aduan migrate`` ran), the cache works and
  the static files' manifest is readable. Otherwise 503, so the proxy sends no traffic.

Both say only ``ok`` or ``fail`` per check: never an error text (it could name a host, a
user or a table), never a complaint or a person. They are served by
:class:`ProbeMiddleware`, first in the chain, before host validation, the HTTPS redirect,
sessions and request limits: a probe comes from the proxy or the orchestrator over plain
HTTP with whatever Host header it has, and must never be rate-limited or redirected.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_safe

log = logging.getLogger(__name__)

# A static file every page loads: present in the manifest when collectstatic ran.
STATIC_PROBE = "aduan/site.css"

# Once every migration was seen applied, this process does not look again: migrations only
# move forward while it runs, and the migration graph costs tens of milliseconds to load.
_migrations_seen_applied = False


def _probe_response(payload: dict, status: int) -> HttpResponse:
    response = JsonResponse(payload, status=status)
    add_never_cache_headers(response)
    return response


@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness: the process is up and answers. No database, no cache."""
    return _probe_response({"status": "ok"}, 200)


def check_database(alias: str = DEFAULT_DB_ALIAS) -> bool:
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone()[0] == 1


def check_migrations(alias: str = DEFAULT_DB_ALIAS) -> bool:
    global _migrations_seen_applied
    if _migrations_seen_applied:
        return True
    executor = MigrationExecutor(connections[alias])
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if not pending:
        _migrations_seen_applied = True
    return not pending


def check_cache() -> bool:
    key = "aduan:readyz"
    cache.set(key, "1", 30)
    return cache.get(key) == "1"


def check_static() -> bool:
    from django.contrib.staticfiles.storage import staticfiles_storage

    # With the manifest storage this raises when collectstatic did not run (or the
    # manifest lost the file); with the plain storage it only builds a URL.
    return bool(staticfiles_storage.url(STATIC_PROBE))


CHECKS = {
    "database": check_database,
    "migrations": check_migrations,
    "cache": check_cache,
    "static": check_static,
}


def readiness() -> dict[str, bool]:
    results: dict[str, bool] = {}
    for name, check in CHECKS.items():
        if name == "migrations" and not results.get("database"):
            results[name] = False  # cannot tell without the database
            continue
        try:
            results[name] = bool(check())
        except Exception:
            # The detail goes to the log only: it may name hosts, users or tables.
            log.exception("readiness check %s failed", name)
            results[name] = False
    return results


@require_safe
def readyz(request: HttpRequest) -> HttpResponse:
    """Readiness: database, migrations, cache and static files; 503 when any fails."""
    results = readiness()
    ready = all(results.values())
    payload = {
        "status": "ok" if ready else "fail",
        "checks": {name: "ok" if ok else "fail" for name, ok in results.items()},
    }
    return _probe_response(payload, 200 if ready else 503)


class ProbeMiddleware:
    """Answers the probe paths before any other middleware runs (see the module's doc)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.views = {
            "/healthz": healthz,
            "/readyz": readyz,
        }
        metrics_path = getattr(settings, "ADUAN_METRICS_PATH", "/metrics")
        if metrics_path:
            from .metrics import metrics_view

            self.views[metrics_path] = metrics_view

    def __call__(self, request: HttpRequest) -> HttpResponse:
        view = self.views.get(request.path_info.rstrip("/") or "/")
        if view is not None:
            return view(request)
        return self.get_response(request)
