"""Time triage per complaint and duplicate search over 10,000 open complaints; measure how
well the duplicate similarity separates reports of one problem from others.

Run from the repository root (not a test; a few minutes):

    .venv/bin/python bench/bench_triage.py                 # timings on SQLite + quality
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/aduan .venv/bin/python bench/bench_triage.py
    .venv/bin/python bench/bench_triage.py --quality-only  # no database
    .venv/bin/python bench/bench_triage.py --timings-only
    .venv/bin/python bench/bench_triage.py --mass-only     # mass-event clustering cost

Timings use a throw-away database (a temporary SQLite file, or ``aduan_bench_triage`` on the
PostgreSQL server) with 10,000 open complaints of the last 14 days, filled with
``bulk_create`` plus their duplicate-index rows; the complaints timed are then filed through
``lifecycle.create_complaint``, so the figures include the hook as a citizen meets it.
Prints Markdown for docs/benchmarks.md.

``--mass-only`` measures location-first clustering (``triage.mass.consider``) per new
complaint with ``BENCH_ARCHIVE`` (100,000) complaints of the last ``BENCH_ARCHIVE_DAYS``
(90) days on the demo city's kelurahan and main roads, their place-index rows in place.
"""

import collections
import math
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

OPEN = int(os.environ.get("BENCH_OPEN", "10000"))
TIMED = int(os.environ.get("BENCH_TIMED", "200"))
QUALITY_ISSUES = int(os.environ.get("BENCH_ISSUES", "2000"))
ARCHIVE = int(os.environ.get("BENCH_ARCHIVE", "100000"))
ARCHIVE_DAYS = int(os.environ.get("BENCH_ARCHIVE_DAYS", "90"))


def pct(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def ms(values):
    return (
        f"{statistics.median(values) * 1000:.1f} ms median, {pct(values, 0.95) * 1000:.1f} ms p95"
    )


# -- quality (no database) ---------------------------------------------------------------------


def quality():
    from aduan.lib.routing import normalize_text
    from aduan.triage.tests.dup_corpus import generate
    from aduan.triage.textmatch import (
        MIN_DOCUMENTS,
        STOP_WORDS,
        cosine,
        haversine_m,
        idf_weight,
        keys_of,
    )

    reports = generate(QUALITY_ISSUES, seed=11)
    hours = [r.hours for r in reports]
    issue = [r.issue for r in reports]
    window = 14 * 24
    # Pools: every earlier report within 14 days, as find() sees them.
    pools = []
    start = 0
    for j in range(len(reports)):
        while hours[j] - hours[start] > window:
            start += 1
        pools.append(range(start, j))

    def chargrams(text):
        grams = []
        for word in normalize_text(text).split():
            if word.startswith("_") or word in STOP_WORDS:
                continue
            padded = f" {word} "
            for n in range(3, 6):
                grams.extend(padded[i : i + n] for i in range(len(padded) - n + 1))
        return grams

    word_keys = [keys_of(r.text) for r in reports]
    gram_lists = [chargrams(r.text) for r in reports]
    gram_sets = [set(g) for g in gram_lists]

    def make_weighted(feature_sets, power):
        # Comparison measures get corpus-wide IDF, computed once (a slight advantage over
        # the production measure, whose IDF comes from each search's own window).
        df = collections.Counter()
        for features in feature_sets:
            df.update(features)
        n = max(len(feature_sets), MIN_DOCUMENTS)
        vectors = [
            {f: (math.log((1 + n) / (1 + df[f])) + 1.0) ** power for f in features}
            for features in feature_sets
        ]

        def weigh(j, pool):
            return [(i, cosine(vectors[j], vectors[i])) for i in pool]

        return weigh

    def production(j, pool):
        df = collections.Counter()
        for i in pool:
            df.update(word_keys[i])
        df.update(word_keys[j])
        n = len(pool) + 1
        mine = {k: idf_weight(df[k], n) for k in word_keys[j]}
        return [(i, cosine(mine, {k: idf_weight(df[k], n) for k in word_keys[i]})) for i in pool]

    def jaccard(j, pool):
        a = gram_sets[j]
        return [(i, len(a & gram_sets[i]) / max(1, len(a | gram_sets[i]))) for i in pool]

    measures = {
        "words, IDF² (production)": production,
        "words, IDF": make_weighted([set(k) for k in word_keys], 1),
        "char 3-5-grams, IDF": make_weighted(gram_sets, 1),
        "char 4-gram Jaccard (MinHash's measure)": jaccard,
    }
    thresholds = (0.3, 0.4, 0.5, 0.6, 0.7)
    rows = []
    for name, measure in measures.items():
        began = time.perf_counter()
        found = {(t, g): 0 for t in thresholds for g in (0, 1)}
        false = {(t, g): 0 for t in thresholds for g in (0, 1)}
        truth = 0
        for j in range(len(reports)):
            pool = pools[j]
            truth += sum(1 for i in pool if issue[i] == issue[j])
            for i, value in measure(j, pool):
                far = False
                a, b = reports[i], reports[j]
                if a.latitude is not None and b.latitude is not None:
                    far = haversine_m(a.latitude, a.longitude, b.latitude, b.longitude) > 500
                for t in thresholds:
                    if value < t:
                        continue
                    for geo in (0, 1):
                        if geo and far:
                            continue
                        if issue[i] == issue[j]:
                            found[t, geo] += 1
                        else:
                            false[t, geo] += 1
        for geo in (0, 1):
            for t in thresholds:
                rows.append(
                    (
                        name,
                        "yes" if geo else "no",
                        t,
                        found[t, geo] / truth,
                        false[t, geo] / len(reports),
                    )
                )
        print(f"  {name}: {time.perf_counter() - began:.0f} s", file=sys.stderr)
    print(
        f"\n{len(reports)} reports of {QUALITY_ISSUES} problems over 60 days "
        f"({sum(1 for p in pools)} searches; true pairs within 14 days: {truth})\n"
    )
    print("| similarity | 500 m rule | threshold | recall | false matches per complaint |")
    print("| --- | --- | --- | --- | --- |")
    for name, geo, t, recall, false_rate in rows:
        print(f"| {name} | {geo} | {t} | {recall:.3f} | {false_rate:.3f} |")
    mass_event_table(generate, keys_of, idf_weight, cosine, haversine_m)


def mass_event_table(generate, keys_of, idf_weight, cosine, haversine_m):
    """Replay mass-event grouping over the background corpus plus eight floods (10 to 20
    reworded reports of one problem within 72 hours) and count what each rule gathers."""
    background = generate(QUALITY_ISSUES, seed=11)
    floods = generate(8, seed=21, repeated=1.0, min_reports=10, max_reports=20, first_issue=10**6)
    reports = sorted(background + floods, key=lambda r: r.hours)
    flood_sizes = collections.Counter(r.issue for r in reports if r.issue >= 10**6)
    keys = [keys_of(r.text) for r in reports]
    scored, start = [], 0
    for j, r in enumerate(reports):
        while r.hours - reports[start].hours > 14 * 24:
            start += 1
        df = collections.Counter()
        for i in range(start, j):
            df.update(keys[i])
        df.update(keys[j])
        n = j - start + 1
        mine = {k: idf_weight(df[k], n) for k in keys[j]}
        row = []
        for i in range(start, j):
            a = reports[i]
            if r.hours - a.hours > 72:
                continue
            value = cosine(mine, {k: idf_weight(df[k], n) for k in keys[i]})
            far = (
                a.latitude is not None
                and r.latitude is not None
                and haversine_m(a.latitude, a.longitude, r.latitude, r.longitude) > 500
            )
            if value >= 0.5 and not far:
                row.append((i, value))
        scored.append(row)

    def replay(threshold, steps, size=5):
        links = collections.defaultdict(set)
        member, events = {}, 0
        for j in range(len(reports)):
            direct = {i for i, value in scored[j] if value >= threshold}
            for i in direct:
                links[i].add(j)
                links[j].add(i)
            if not direct:
                continue
            group = {j} | direct
            if steps == 2:
                for i in direct:
                    group |= {k for k in links[i] if reports[j].hours - reports[k].hours <= 72}
            known = [member[k] for k in group if k in member]
            if known:
                event = min(known)
            elif len(group) >= size:
                events += 1
                event = events
            else:
                continue
            for k in group:
                member.setdefault(k, event)
        issues = collections.defaultdict(list)
        for k, event in member.items():
            issues[event].append(reports[k].issue)
        top = {e: collections.Counter(v).most_common(1)[0] for e, v in issues.items()}
        false = sum(1 for issue, _ in top.values() if issue < 10**6)
        strays = sum(len(issues[e]) - top[e][1] for e in issues)
        shares = []
        for issue, count in flood_sizes.items():
            per_event = collections.Counter(
                member[k] for k, r in enumerate(reports) if r.issue == issue and k in member
            )
            shares.append(max(per_event.values(), default=0) / count)
        return events, false, strays, statistics.mean(shares)

    sizes = ", ".join(str(n) for n in sorted(flood_sizes.values()))
    print(
        f"\nMass events: {len(background)} background reports plus {len(flood_sizes)} floods "
        f"({sizes} reports); 5 look-alikes within 72 h and 500 m start an event\n"
    )
    print(
        "| links counted | similarity | events | false events | strays gathered "
        "| share of each flood in its event |"
    )
    print("| --- | --- | --- | --- | --- | --- |")
    for steps, threshold in ((1, 0.5), (1, 0.6), (1, 0.7), (2, 0.5), (2, 0.6)):
        events, false, strays, share = replay(threshold, steps)
        label = "direct (production)" if steps == 1 else "direct + their look-alikes"
        print(f"| {label} | {threshold} | {events} | {false} | {strays} | {share:.2f} |")


# -- timings (database) --------------------------------------------------------------------------


def setup_django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aduan.settings_test")
    import django
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):
        path = Path(tempfile.mkdtemp(prefix="aduan-bench-")) / "bench.sqlite3"
        database["TEST"] = {"NAME": str(path)}
    else:
        database["TEST"] = {"NAME": "aduan_bench_triage"}
    django.setup()
    from django.db import connection

    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    return connection, old_name


def timings():
    connection, old_name = setup_django()
    try:
        _timings(connection)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def _timings(connection):
    from django.db import reset_queries
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from aduan.core import lifecycle
    from aduan.core.models import Agency, Category, Channel, Complaint, Kecamatan, Kelurahan
    from aduan.lib.tests import routing_corpus as rc
    from aduan.triage import duplicates, suggest
    from aduan.triage.models import DuplicateKey, Target, TriageSettings
    from aduan.triage.tests.dup_corpus import generate
    from aduan.triage.textmatch import keys_of
    from aduan.triage.training import Dataset, fit_version

    kecamatan = Kecamatan.objects.create(code="35.73.01", name="Blimbing")
    kelurahan = [
        Kelurahan.objects.create(code=f"35.73.01.10{i:02d}", name=name, kecamatan=kecamatan)
        for i, name in enumerate(rc.KELURAHAN)
    ]
    agencies, categories = {}, {}
    for i, (name, (_, cats)) in enumerate(rc.AGENCIES.items()):
        agencies[name] = Agency.objects.create(code=f"opd{i}", name=name, short_name=name[:40])
        for j, category in enumerate(cats):
            categories[category] = Category.objects.create(
                code=f"cat{i}-{j}", name=category, agency=agencies[name]
            )

    # The routing models: 5,000 synthetic complaints, evaluated and stored like a retraining.
    history = rc.generate(5000, seed=5)
    agency_data = Dataset(
        texts=[c.text for c in history],
        labels=[agencies[c.agency].code for c in history],
        extras=[{"channel": c.channel, "category": c.category} for c in history],
    )
    category_data = Dataset(
        texts=[c.text for c in history],
        labels=[categories[c.category].code for c in history],
        extras=[{"channel": c.channel} for c in history],
    )
    began = time.perf_counter()
    fit_version(Target.AGENCY, agency_data, source="bench", precision_target=0.97)
    fit_version(Target.CATEGORY, category_data, source="bench", precision_target=0.97)
    train_seconds = time.perf_counter() - began

    # 10,000 open complaints of the last 14 days, with their index rows.
    now = timezone.now()
    reports = generate(OPEN // 1, seed=3, days=14)[:OPEN]
    rng = random.Random(1)
    rows = []
    for n, r in enumerate(reports):
        received = now - timedelta(days=14) + timedelta(hours=r.hours)
        rows.append(
            Complaint(
                code=f"B-{n:06d}",
                channel=Channel.WEB,
                text=r.text,
                kelurahan=rng.choice(kelurahan),
                latitude=round(r.latitude, 6) if r.latitude is not None else None,
                longitude=round(r.longitude, 6) if r.longitude is not None else None,
                received_at=min(received, now - timedelta(minutes=5)),
            )
        )
    Complaint.objects.bulk_create(rows, batch_size=2000)
    keys = []
    for c in Complaint.objects.only("pk", "text", "received_at").iterator(chunk_size=2000):
        keys.extend(
            DuplicateKey(complaint=c, key=k, received_at=c.received_at) for k in keys_of(c.text)
        )
    DuplicateKey.objects.bulk_create(keys, batch_size=5000)
    open_count = Complaint.objects.count()

    # New complaints: every other one re-reports a problem already in the queue.
    fresh = generate(TIMED, seed=99, days=1)[:TIMED]
    existing = list(Complaint.objects.order_by("?")[: TIMED // 2])
    cases = []
    for i, r in enumerate(fresh):
        if i % 2:
            source = existing[i // 2]
            cases.append(
                (source.text + " tolong segera", source.latitude, source.longitude, source)
            )
        else:
            cases.append((r.text, r.latitude, r.longitude, None))

    settings = TriageSettings.load()
    filing, dup_search, predict_only, queries = [], [], [], []
    rereports_found = new_with_match = 0
    for text, lat, lon, source in cases:
        began = time.perf_counter()
        complaint, _ = lifecycle.create_complaint(
            text=text, channel=Channel.WEB, latitude=lat, longitude=lon, kelurahan=kelurahan[0]
        )
        filing.append(time.perf_counter() - began)
        # Cold: none of the word counts cached (the filing above warmed them up).
        duplicates.clear_cache()
        began = time.perf_counter()
        with CaptureQueriesContext(connection) as captured:
            found = duplicates.find(complaint, settings)
        dup_search.append(time.perf_counter() - began)
        queries.append(len(captured))
        if source is not None:
            rereports_found += any(m.complaint_id == source.pk for m in found)
        else:
            new_with_match += bool(found)
        began = time.perf_counter()
        suggest.compute(complaint, full=False, settings=settings)
        predict_only.append(time.perf_counter() - began)
        reset_queries()

    vendor = connection.vendor
    print(f"\n### {vendor}: {open_count:,} open complaints in the 14-day window\n")
    print("| measure | figure |")
    print("| --- | --- |")
    print(
        f"| train agency + category versions (5,000 complaints, 5-fold CV each) | {train_seconds:.1f} s |"
    )
    print(f"| file a complaint through the lifecycle, triage hook included | {ms(filing)} |")
    print(
        f"| duplicate search alone, word counts not cached (`duplicates.find`) | {ms(dup_search)}, {statistics.median(queries):.0f} queries |"
    )
    print(
        f"| suggestion without duplicate search (2 models, explain, spam, personal data) | {ms(predict_only)} |"
    )
    print(
        f"| re-reports (an open complaint's text plus a few words) found | "
        f"{rereports_found} of {TIMED // 2} |"
    )
    print(
        f"| new problems shown some look-alike anyway (same kind, same corpus) | "
        f"{new_with_match} of {TIMED - TIMED // 2} |"
    )


# -- mass events (database) ----------------------------------------------------------------------

_TOPIC_PHRASES = [
    "banjir setinggi lutut",
    "tergenang air sejak sore",
    "selokan meluap ke jalan",
    "jalan berlubang besar",
    "aspal rusak parah",
    "sampah menumpuk di TPS",
    "lampu PJU mati",
    "pohon tumbang menutup jalan",
    "air PDAM mati dua hari",
    "parkir liar bikin macet",
]


def mass_timings():
    connection, old_name = setup_django()
    try:
        _mass_timings(connection)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def _mass_timings(connection):
    from django.db import reset_queries
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from aduan.core.models import Channel, Complaint, Kecamatan, Kelurahan
    from aduan.demo import malang
    from aduan.demo.streets import STREETS, load_streets
    from aduan.triage import mass, streets
    from aduan.triage.models import MassEvent, PlaceKey, TriageSettings

    for kec in malang.KECAMATAN:
        kecamatan = Kecamatan.objects.create(code=kec["code"], name=kec["name"])
        for kel in kec["kelurahan"]:
            Kelurahan.objects.create(
                code=kel["code"],
                name=kel["name"],
                kecamatan=kecamatan,
                latitude=kel["lat"],
                longitude=kel["lon"],
            )
    load_streets()
    areas = list(Kelurahan.objects.all())
    names = [name for name, aliases, _ in STREETS] + [
        a for _, aliases, _ in STREETS for a in aliases
    ]
    rng = random.Random(11)
    now = timezone.now()

    def text_and_place():
        phrase = rng.choice(_TOPIC_PHRASES)
        area = rng.choice(areas)
        if rng.random() < 0.6:
            text = f"{phrase} di {rng.choice(names)} no {rng.randint(1, 200)}, tolong"
        else:
            text = f"{phrase} dekat rumah, mohon dicek"
        pin = None
        if rng.random() < 0.3:
            pin = (
                round(float(area.latitude) + rng.uniform(-0.005, 0.005), 6),
                round(float(area.longitude) + rng.uniform(-0.005, 0.005), 6),
            )
        return text, area, pin

    rows = []
    for n in range(ARCHIVE):
        text, area, pin = text_and_place()
        rows.append(
            Complaint(
                code=f"M-{n:07d}",
                channel=Channel.WEB,
                status="ditutup",
                text=text,
                kelurahan=area if rng.random() < 0.7 else None,
                kecamatan_id=area.kecamatan_id,
                latitude=pin[0] if pin else None,
                longitude=pin[1] if pin else None,
                received_at=now - timedelta(seconds=rng.uniform(600, ARCHIVE_DAYS * 86400)),
            )
        )
    Complaint.objects.bulk_create(rows, batch_size=5000)
    gazetteer = streets.gazetteer()
    keys = []
    for c in Complaint.objects.only(
        "pk",
        "text",
        "address",
        "kelurahan_id",
        "kecamatan_id",
        "latitude",
        "longitude",
        "received_at",
    ).iterator(chunk_size=5000):
        found = gazetteer.find(c.text)
        keys.extend(
            PlaceKey(complaint=c, key=k, received_at=c.received_at)
            for k in mass.place_keys(c, found)
        )
    PlaceKey.objects.bulk_create(keys, batch_size=10000)

    settings = TriageSettings.load()
    timed, queries, sizes = [], [], []
    for n in range(TIMED):
        text, area, pin = text_and_place()
        complaint = Complaint.objects.create(
            code=f"N-{n:05d}",
            channel=Channel.WEB,
            text=text,
            kelurahan=area,
            kecamatan_id=area.kecamatan_id,
            latitude=pin[0] if pin else None,
            longitude=pin[1] if pin else None,
            received_at=now,
        )
        began = time.perf_counter()
        with CaptureQueriesContext(connection) as captured:
            event = mass.consider(complaint, [], settings)
        timed.append(time.perf_counter() - began)
        queries.append(len(captured))
        sizes.append(mass.members(event).count() if event else 0)
        reset_queries()
    window = PlaceKey.objects.filter(
        received_at__gte=now - timedelta(hours=settings.mass_event_window_hours)
    ).count()
    print(f"\n### {connection.vendor}: mass events over {ARCHIVE:,} complaints\n")
    print("| measure | figure |")
    print("| --- | --- |")
    print(f"| place-index rows in the archive | {len(keys):,} ({window:,} in the window) |")
    print(
        f"| clustering one new complaint (`mass.consider`: index, search, join) | "
        f"{ms(timed)}, {statistics.median(queries):.0f} queries |"
    )
    print(
        f"| new complaints put in a cluster (random texts, same demo roads) | "
        f"{sum(1 for s in sizes if s)} of {TIMED} |"
    )
    print(
        f"| clusters at the end, open as cases | {MassEvent.objects.count()}, "
        f"{MassEvent.objects.exclude(state='forming').count()} |"
    )


if __name__ == "__main__":
    if "--mass-only" in sys.argv:
        mass_timings()
        sys.exit(0)
    if "--timings-only" not in sys.argv:
        print("quality of the duplicate similarity (no database)...", file=sys.stderr)
        quality()
    if "--quality-only" not in sys.argv:
        timings()
