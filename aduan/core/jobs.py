"""Periodic background jobs, run by ``aduan worker``.

Apps register their jobs in ``AppConfig.ready``::

    jobs.register("reports.aggregate", every_seconds=30, queue="reports")(aggregation.run)

Each job names the queue it runs on, so a slow one never holds back another queue's work:
citizens' messages go out on ``outbox`` whatever ``reports`` or ``training`` are doing. How
the jobs are run (procrastinate on PostgreSQL, a small built-in runner on SQLite) is
``aduan.core.tasks``; a job is a plain function either way. Each job must itself be safe to
run again after a crash (it claims what it works on, or is idempotent): a worker that dies
mid-job has that job run again by another worker.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

# Citizens' messages; new complaints' triage; everyday short jobs; report rebuilds; model
# training. Workers may serve any subset (``aduan worker --queues outbox``).
OUTBOX, TRIAGE, DEFAULT, REPORTS, TRAINING = "outbox", "triage", "default", "reports", "training"
QUEUES = (OUTBOX, TRIAGE, DEFAULT, REPORTS, TRAINING)


@dataclass
class Job:
    name: str
    func: Callable[[], object]
    every_seconds: float
    queue: str = DEFAULT


_JOBS: dict[str, Job] = {}


def register(name: str, every_seconds: float, queue: str = DEFAULT):
    if queue not in QUEUES:
        raise ValueError(f"job {name}: unknown queue {queue!r} (one of {', '.join(QUEUES)})")

    def decorator(func):
        _JOBS[name] = Job(name, func, every_seconds, queue)
        return func

    return decorator


def registered(queues: list[str] | tuple[str, ...] | None = None) -> list[Job]:
    return [job for job in _JOBS.values() if queues is None or job.queue in queues]
