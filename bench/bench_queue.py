"""Time the staff lists over the report benchmark's 1,000,000 complaints (PostgreSQL).

Run bench/bench_stats.py first (it generates the data in its own database), then:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/aduan .venv/bin/python bench/bench_queue.py

Times, through the real views (query + template), the moderator queue, the
overview's first page, a page deep in the overview reached by keyset cursor, and,
for comparison, the same deep page fetched with OFFSET. Prints a Markdown table.
"""

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_stats import page_time, setup_django


def main():
    setup_django()
    from django.test import Client

    from aduan.core.models import Complaint, Role, User
    from aduan.office.filters import NEWEST_FIRST
    from aduan.office.paging import paginate

    total = Complaint.objects.count()
    if total < 10_000:
        sys.exit("Run bench/bench_stats.py first: its database holds the complaints.")
    moderator, _ = User.objects.get_or_create(
        username="bench.moderator", defaults={"role": Role.MODERATOR}
    )
    leader, _ = User.objects.get_or_create(username="bench.sekda", defaults={"role": Role.PIMPINAN})
    mod_client, lead_client = Client(), Client()
    mod_client.force_login(moderator)
    lead_client.force_login(leader)

    rows = [("moderator queue, first page", page_time(mod_client, "/kantor/antrean/"))]
    rows.append(("overview (all complaints), first page", page_time(lead_client, "/kantor/semua/")))

    # Walk the keyset to a page 90% of the way down, as a cursor link would.
    qs = Complaint.objects.all()
    deep = int(total * 0.9)
    target = qs.order_by("-received_at", "-id").values_list("received_at", "id")[deep]
    page = paginate(qs, NEWEST_FIRST, size=50)
    # Build the cursor for the target row the same way the page does.
    from aduan.office.paging import _encode  # the page's own cursor format

    cursor = _encode(list(target))
    rows.append(
        (
            f"overview, keyset page at row {deep:,}",
            page_time(lead_client, f"/kantor/semua/?setelah={cursor}"),
        )
    )
    times = []
    for _ in range(5):
        began = time.perf_counter()
        list(qs.order_by("-received_at", "-id")[deep : deep + 50])
        times.append(time.perf_counter() - began)
    rows.append((f"same rows with OFFSET {deep:,} (query only)", statistics.median(times)))
    assert page.rows

    print(f"\n{total:,} complaints, PostgreSQL, median of 5 warm requests\n")
    print("| list | time |\n| --- | --- |")
    for name, seconds in rows:
        print(f"| {name} | {seconds * 1000:.1f} ms |")


if __name__ == "__main__":
    main()
