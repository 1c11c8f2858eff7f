"""Time the calendar calls the deadline sweep makes for every open complaint.

Run from the repository root: ``.venv/bin/python bench/bench_workcalendar.py``.
"""

import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

CALLS = 100_000


def timed(call, pairs):
    began = time.perf_counter()
    for first, second in pairs:
        call(first, second)
    return time.perf_counter() - began


def main() -> None:
    # Run as a plain script, so the repository root is not on the path by default.
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from aduan.lib.workcalendar import WorkCalendar

    wib = ZoneInfo("Asia/Jakarta")
    rng = random.Random(2026)
    start = datetime(2026, 1, 1, tzinfo=wib)
    moments = [start + timedelta(seconds=rng.randrange(365 * 86400)) for _ in range(CALLS)]
    later = [m + timedelta(seconds=rng.randrange(30 * 86400)) for m in moments]
    days = [rng.choice((1, 3, 5, 7)) for _ in range(CALLS)]
    # Django hands back UTC datetimes, which the calendar first converts to WIB.
    moments_utc = [m.astimezone(UTC) for m in moments]
    later_utc = [m.astimezone(UTC) for m in later]

    began = time.perf_counter()
    calendar = WorkCalendar()
    calendar.add_working_days(start, 1)  # builds the 2026 and 2027 tables
    calendar.add_working_days(datetime(2027, 1, 1, tzinfo=wib), 1)
    setup = time.perf_counter() - began

    rows = [
        ("add_working_days", calendar.add_working_days, zip(moments, days)),
        (
            "working_seconds_between",
            calendar.working_seconds_between,
            zip(moments, later),
        ),
        ("add_working_days, UTC in", calendar.add_working_days, zip(moments_utc, days)),
        (
            "working_seconds_between, UTC in",
            calendar.working_seconds_between,
            zip(moments_utc, later_utc),
        ),
    ]
    print(f"python {sys.version.split()[0]}, {CALLS:,} calls each, random 2026 datetimes")
    print(f"calendar setup (import holidays data, 2026 and 2027 tables): {setup * 1000:.1f} ms")
    for name, call, pairs in rows:
        spent = timed(call, pairs)
        print(f"{name:<32} {spent:6.3f} s  {spent / CALLS * 1e6:5.2f} us/call")


if __name__ == "__main__":
    main()
