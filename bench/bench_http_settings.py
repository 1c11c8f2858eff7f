"""Settings of bench/bench_http.py only: Aduan's settings, plus the one-row view's URLs.

Never used in production: only the bench's gunicorn names this module.
"""

from aduan.settings import *  # noqa: F403

ROOT_URLCONF = "bench_http_urls"
