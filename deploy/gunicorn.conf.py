"""gunicorn settings for the container image (``gunicorn -c deploy/gunicorn.conf.py``).

Everything can be changed from the environment: ``BIND``, ``WEB_CONCURRENCY`` (processes),
``WEB_THREADS``, ``WEB_TIMEOUT``, ``WEB_CONTROL_SOCKET``. Access logs are off by default: the
proxy logs requests with the reporter's private links filtered out (deploy/Caddyfile), and a
second log of the same requests would hold them in full.
"""

import os
import shutil
from pathlib import Path

bind = os.environ.get("BIND", "0.0.0.0:8000")
# Sync workers with a few threads: the views are short and database-bound (issue 17's
# figures were measured with 2 processes per 2 cores).
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("WEB_THREADS", "4"))
timeout = int(os.environ.get("WEB_TIMEOUT", "60"))
graceful_timeout = 30
# Recycle a process now and then: the routing model and caches grow a process slowly.
max_requests = int(os.environ.get("WEB_MAX_REQUESTS", "5000"))
max_requests_jitter = 500
accesslog = os.environ.get("WEB_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("WEB_LOG_LEVEL", "info")
# /tmp may be a slow overlay in a container; heartbeats go to shared memory.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108
# gunicorn's control socket (for gunicornc) defaults to $HOME/.gunicorn/, and the image's
# user has no writable home (/app belongs to root): off, unless WEB_CONTROL_SOCKET names a
# path the process may write, for example /tmp/gunicorn.ctl.
if os.environ.get("WEB_CONTROL_SOCKET"):
    control_socket = os.environ["WEB_CONTROL_SOCKET"]
else:
    control_socket_disable = True

if os.environ.get("ADUAN_LOG_FORMAT", "").lower() == "json":
    # gunicorn's own lines (start, worker timeouts) as JSON too, like the application's.
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "aduan.core.logging.JsonFormatter"}},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "stream": "ext://sys.stderr",
            }
        },
        "loggers": {
            "gunicorn.error": {"handlers": ["console"], "level": "INFO", "propagate": False},
            "gunicorn.access": {"handlers": ["console"], "level": "INFO", "propagate": False},
        },
    }


def on_starting(server):
    # prometheus_client's multi-process mode: one file per process in this folder. Files of
    # a previous run would add its counts to this one's.
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        shutil.rmtree(directory, ignore_errors=True)
        Path(directory).mkdir(parents=True, exist_ok=True)


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
