"""Periodic background jobs run by ``aduan worker``.

Apps register their jobs in ``AppConfig.ready``. Each job must itself be safe
to run on several workers at once (it claims what it works on).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class Job:
    name: str
    func: Callable[[], object]
    every_seconds: float


_JOBS: dict[str, Job] = {}


def register(name: str, every_seconds: float):
    def decorator(func):
        _JOBS[name] = Job(name, func, every_seconds)
        return func

    return decorator


def registered() -> list[Job]:
    return list(_JOBS.values())
