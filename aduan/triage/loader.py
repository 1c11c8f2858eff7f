"""The active routing models, cached per process and reloaded when the active version changes.

Each lookup costs one indexed query (which version is active?) so a model activated by the
command line, the admin or another worker is used on the next complaint; the model bytes
are read and rebuilt only when that answer changes. A version whose bytes cannot be read is
remembered as broken (logged once) and triage carries on without it.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

from aduan.lib.routing import RoutingModel

from .models import RoutingModelVersion

log = logging.getLogger("aduan.triage")

_lock = threading.Lock()
# target -> ((version pk, created_at), model or None when broken). The creation time guards
# against a primary key handed out again after a rolled-back transaction.
_cache: dict[str, tuple[tuple, RoutingModel | None]] = {}


@dataclass(frozen=True)
class Loaded:
    version: RoutingModelVersion  # without its blob
    model: RoutingModel


def active(target: str) -> Loaded | None:
    """The active model for ``target`` ("agency" or "category"), or None."""
    version = (
        RoutingModelVersion.objects.defer("blob").filter(target=target, is_active=True).first()
    )
    if version is None:
        return None
    identity = (version.pk, version.created_at)
    cached = _cache.get(target)
    if cached is None or cached[0] != identity:
        with _lock:
            cached = _cache.get(target)
            if cached is None or cached[0] != identity:
                cached = (identity, _load(version.pk))
                _cache[target] = cached
    model = cached[1]
    return Loaded(version, model) if model is not None else None


def _load(pk: int) -> RoutingModel | None:
    blob = RoutingModelVersion.objects.filter(pk=pk).values_list("blob", flat=True).first()
    try:
        return RoutingModel.from_bytes(bytes(blob or b""))
    except Exception:
        log.exception("routing model version %s cannot be loaded; triage goes on without it", pk)
        return None


def clear() -> None:
    """Forget every cached model (tests; after deleting versions)."""
    with _lock:
        _cache.clear()
