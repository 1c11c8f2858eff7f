"""Request limits per client address on the public surfaces, counted in the database.

A rule of ``settings.ADUAN_RATE_LIMIT_RULES`` maps a request (method and path pattern) to a
bucket; ``settings.ADUAN_RATE_LIMITS`` gives each bucket its rate (``"10/h"``,
``"600/min"``, ``"30/15min"``; empty means no limit). Each bucket counts per client address
in fixed windows: one row per bucket, address and window, incremented by a single
``INSERT ... ON CONFLICT DO UPDATE SET hits = hits + n`` statement, so every web worker on
every machine that shares the database sees one count and no two increments are lost.
The cache framework is not used: its ``incr`` is a read and a write, and the per-process
cache is not shared between workers.

A fixed window lets a client spend a full window's allowance just before and just after a
boundary (twice the rate at worst); that is acceptable for a wall against floods, and keeps
the cost to one statement per limited request.
"""

from __future__ import annotations

import ipaddress
import logging
import math
import re
import time
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpRequest

log = logging.getLogger(__name__)

RATE_RE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*(s|sec|min|h|hour|d|day)\s*$")
UNIT_SECONDS = {"s": 1, "sec": 1, "min": 60, "h": 3600, "hour": 3600, "d": 86400, "day": 86400}
# What one request of a rule counts; a rule whose cost is 0 for a request does not limit it.
COSTS = ("one", "query", "ids")
REPLIES = ("html", "api", "open311", "plain")


@dataclass(frozen=True)
class Rate:
    limit: int
    seconds: int


@dataclass(frozen=True)
class Rule:
    bucket: str
    methods: frozenset[str]
    pattern: re.Pattern
    reply: str
    cost: str


@dataclass(frozen=True)
class Verdict:
    """A refused request: which rule refused it and how many seconds until it may retry."""

    rule: Rule
    retry_after: int


def parse_rate(text: str | None) -> Rate | None:
    """``"10/h"`` -> ``Rate(10, 3600)``; ``"30/15min"`` -> ``Rate(30, 900)``; empty -> None."""
    if text is None or not str(text).strip() or str(text).strip().lower() == "off":
        return None
    match = RATE_RE.match(str(text).lower())
    if not match:
        raise ValueError(f"Unreadable rate {text!r}: write it as '10/h', '600/min' or '30/15min'.")
    count, multiple, unit = match.groups()
    return Rate(int(count), int(multiple or 1) * UNIT_SECONDS[unit])


@lru_cache(maxsize=8)
def _compile(rules: tuple[tuple[str, str, str, str, str], ...]) -> tuple[Rule, ...]:
    compiled = []
    for bucket, methods, pattern, reply, cost in rules:
        if reply not in REPLIES or cost not in COSTS:
            raise ValueError(f"Rate limit rule for {pattern!r}: unknown reply or cost.")
        wanted = frozenset(m.strip().upper() for m in methods.split(",") if m.strip())
        compiled.append(Rule(bucket, wanted, re.compile(pattern), reply, cost))
    return tuple(compiled)


def rules() -> tuple[Rule, ...]:
    return _compile(tuple(tuple(rule) for rule in settings.ADUAN_RATE_LIMIT_RULES))


def rule_for(request: HttpRequest) -> Rule | None:
    """The first rule naming this request's method and path, if any."""
    for rule in rules():
        if (not rule.methods or request.method in rule.methods) and rule.pattern.search(
            request.path_info
        ):
            return rule
    return None


def cost_of(rule: Rule, request: HttpRequest) -> int:
    if rule.cost == "query":
        # A lookup form counts only when it is submitted, not when it is first shown.
        return 1 if any(v.strip() for v in request.GET.values()) else 0
    if rule.cost == "ids":
        # Open311 takes a comma-separated list of ids: each id is one lookup, or a list of
        # a thousand codes would be a thousand guesses for the price of one request.
        ids = ",".join(request.GET.getlist("service_request_id"))
        return sum(1 for part in ids.split(",") if part.strip())
    return 1


# -- the client's address -----------------------------------------------------------------------


def client_address(request: HttpRequest) -> str | None:
    """The client's IP address: REMOTE_ADDR, or with ``ADUAN_PROXY_COUNT`` proxies in front,
    the address the outermost of them saw (the N-th entry of X-Forwarded-For from the right;
    anything further left was written by the client and proves nothing)."""
    address = request.META.get("REMOTE_ADDR", "")
    hops = settings.ADUAN_PROXY_COUNT
    if hops > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        # Fewer entries than proxies: the request did not come through them all.
        if len(forwarded) >= hops:
            address = forwarded[-hops]
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return str(ip)


def client_key(request: HttpRequest) -> str | None:
    """The address a limit counts: IPv4 as it is, IPv6 by its /64 network (one subscriber
    usually holds a whole /64 and could otherwise rotate through it). Also the address
    django-axes records (``AXES_CLIENT_IP_CALLABLE``), so both walls agree on who is who."""
    address = client_address(request)
    if address is None:
        return None
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address):
        return str(ipaddress.IPv6Network((ip, 64), strict=False).network_address)
    return address


# -- counting ---------------------------------------------------------------------------------


def count(bucket: str, key: str, rate: Rate, cost: int, now: float) -> int:
    """Add ``cost`` to this window's counter of (bucket, key) and return its new value."""
    from aduan.core.models import RateLimitCounter

    start = int(now // rate.seconds) * rate.seconds
    table = connection.ops.quote_name(RateLimitCounter._meta.db_table)
    # One statement, atomic on SQLite and PostgreSQL alike: concurrent workers either
    # insert the row or add to it, and each reads back the count its own increment made.
    sql = (
        f"INSERT INTO {table} (bucket, address, window_start, window_end, hits) "  # noqa: S608
        "VALUES (%s, %s, %s, %s, %s) "
        "ON CONFLICT (bucket, address, window_start) "
        f"DO UPDATE SET hits = {table}.hits + excluded.hits "
        "RETURNING hits"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [bucket, key, start, start + rate.seconds, cost])
        hits = cursor.fetchone()[0]
    if hits == cost:
        # A new window's first request: the moment to sweep the windows that have ended
        # (an index on window_end keeps it cheap), so the table holds live windows only.
        RateLimitCounter.objects.filter(window_end__lte=int(now)).delete()
    return hits


def check(request: HttpRequest, now: float | None = None) -> Verdict | None:
    """Count this request against its rule's bucket; a Verdict when it is over the limit."""
    rule = rule_for(request)
    if rule is None:
        return None
    rate = parse_rate(settings.ADUAN_RATE_LIMITS.get(rule.bucket))
    if rate is None:
        return None
    cost = cost_of(rule, request)
    if cost <= 0:
        return None
    now = time.time() if now is None else now
    key = client_key(request) or "unknown"
    try:
        hits = count(rule.bucket, key, rate, cost, now)
    except DatabaseError:
        # A busy or failing database must not turn a citizen's complaint into an error
        # page of the limiter's making: the request goes on (and the view meets the same
        # database), and the log says the wall was down.
        log.warning("Rate limit not counted for %s: database error", rule.bucket, exc_info=True)
        return None
    if hits <= rate.limit:
        return None
    window_end = (int(now // rate.seconds) + 1) * rate.seconds
    return Verdict(rule, max(1, math.ceil(window_end - now)))
