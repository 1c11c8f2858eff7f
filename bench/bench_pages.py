"""The citizen's budgets on a cheap phone and a slow network (issue 14, part 7).

Run from the repository root (needs requirements-dev.txt, `npm ci` and Debian's chromium):

    .venv/bin/python bench/bench_pages.py > bench_pages.md

It loads the demo city into a throw-away SQLite database (``BENCH_VAR``, a new temporary
folder by default), collects the static files, starts gunicorn with the production
settings (DEBUG off, whitenoise's compressed static files) on ``BENCH_PORT`` and drives
Debian's chromium through Playwright on a 390 px phone with the issue's throttled profile,
set through the devtools protocol: 400 kbit/s down and up, 400 ms round trip
(``Network.emulateNetworkConditions``), CPU slowed 4x (``Emulation.setCPUThrottlingRate``).
It prints Markdown:

1. Bytes transferred by every citizen page, cold cache, counted as the devtools count them
   (``encodedDataLength``: headers and compressed bodies), without photos and map tiles,
   against the 100 KB budget. Twice: as gunicorn alone serves them (``scripts/run``: the
   static files compressed by whitenoise, the HTML not) and with the HTML gzip-encoded the
   way Caddy's ``encode zstd gzip`` does in production (``deploy/Caddyfile``); the bench's
   own WSGI wrapper below does that, only for requests that carry its header.
2. Sending a 3 MB, 4000 x 3000 camera-like JPEG through the filing form, the browser
   shrinking it first: seconds from the tap on "Kirim aduan" to the "terkirim" page; budget
   10 s.
3. The public map's interactive time: from navigation start to the first marker on the
   map, by the page's clock (median of three cold loads); budget 3 s. Tiles are refused (they are the tile server's budget, and this machine may
   be offline): the markers do not wait for them.
"""

from __future__ import annotations

import gzip
import io
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
PORT = int(os.environ.get("BENCH_PORT", "0"))
CHROMIUM = "/usr/bin/chromium"
BUDGET_BYTES = 100 * 1024
BUDGET_UPLOAD_S = 10.0
BUDGET_MAP_S = 3.0
# The throttled profile: 400 kbit/s = 50,000 bytes/s each way, 400 ms round trip.
SLOW = {"offline": False, "latency": 400, "downloadThroughput": 50_000, "uploadThroughput": 50_000}
CPU_SLOWDOWN = 4
# What to measure: any of pages, upload, map (comma-separated); all by default.
ONLY = set(os.environ.get("BENCH_ONLY", "pages,upload,map").split(","))
MAP_RUNS = int(os.environ.get("BENCH_MAP_RUNS", "3"))
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
# The compressed pass: requests with this header get their HTML gzip-encoded, as Caddy does.
ENCODE_HEADER = "X-Bench-Encode"
COMPRESSIBLE = re.compile(r"^(text/|application/(json|javascript|geo\+json|xml))")


# -- the server side: a WSGI wrapper doing what Caddy's ``encode gzip`` does ------------


def _django():
    from aduan.wsgi import application

    return application


if os.environ.get("BENCH_PAGES_SERVER"):
    # In the bench's gunicorn: Django is set up when the worker starts, not on a request.
    _django()


def application(environ, start_response):
    """Aduan, its text responses gzip-encoded for requests with ``X-Bench-Encode``.

    Only for this bench's gunicorn (``bench_pages:application``): production leaves the
    encoding to its proxy (deploy/Caddyfile), and scripts/run serves the HTML as it is."""
    app = _django()
    wants = "HTTP_" + ENCODE_HEADER.upper().replace("-", "_") in environ and "gzip" in environ.get(
        "HTTP_ACCEPT_ENCODING", ""
    )
    if not wants:
        return app(environ, start_response)
    captured = {}

    def capture(status, headers, exc_info=None):
        captured["status"], captured["headers"] = status, headers
        return lambda _data: None

    result = app(environ, capture)
    try:
        body = b"".join(result)
    finally:
        if hasattr(result, "close"):
            result.close()
    headers = captured["headers"]
    names = {name.lower(): value for name, value in headers}
    if (
        "content-encoding" not in names
        and COMPRESSIBLE.match(names.get("content-type", ""))
        and len(body) > 200
    ):
        body = gzip.compress(body, compresslevel=6)
        headers = [(n, v) for n, v in headers if n.lower() != "content-length"]
        headers += [("Content-Encoding", "gzip"), ("Content-Length", str(len(body)))]
        headers += [("Vary", "Accept-Encoding")]
    start_response(captured["status"], headers)
    return [body]


# -- setting up the demo and the server --------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_env(var: Path, port: int) -> dict:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="aduan.settings",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        ADUAN_VAR_DIR=str(var),
        SITE_URL=f"http://127.0.0.1:{port}",
        BENCH_PAGES_SERVER="1",
        PYTHONPATH=os.pathsep.join([str(ROOT), str(ROOT / "bench"), env.get("PYTHONPATH", "")]),
    )
    env.pop("DATABASE_URL", None)
    env.pop("MEDIA_ROOT", None)
    return env


def run(args: list[str], env: dict) -> None:
    subprocess.run(args, env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)


def prepare(var: Path, env: dict) -> None:
    aduan = str(VENV_BIN / "aduan")
    run([aduan, "migrate", "--noinput", "-v", "0"], env)
    run([aduan, "demo", "--if-empty", "-v", "0"], env)
    # The feed, the map and the statistics read the public projection the worker builds.
    run([aduan, "worker", "--once", "--queues", "reports"], env)
    run([aduan, "collectstatic", "--noinput", "-v", "0"], env)


def start_server(env: dict, port: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [
            str(VENV_BIN / "gunicorn"),
            "bench_pages:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--threads",
            "4",
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2).read()
            return server
        except OSError:
            time.sleep(0.5)
    stop_server(server)
    sys.exit("gunicorn did not answer within 60 s")


def stop_server(server: subprocess.Popen) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)


def demo_targets(env: dict) -> dict:
    """A listed complaint (its public page, its reporter's own page) from the demo."""
    os.environ.update({k: env[k] for k in ("DJANGO_SETTINGS_MODULE", "SECRET_KEY", "DEBUG")})
    os.environ.update({k: env[k] for k in ("ALLOWED_HOSTS", "ADUAN_VAR_DIR", "SITE_URL")})
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db.models import Count

    from aduan.core.models import Complaint, Kelurahan

    listed = Complaint.objects.listed().annotate(n=Count("events")).order_by("-n", "-received_at")
    complaint = listed.first()
    kelurahan = Kelurahan.objects.order_by("name").first()
    return {"code": complaint.code, "token": complaint.token, "kelurahan": kelurahan.pk}


# -- the browser side --------------------------------------------------------------------


def throttle(page, cpu: bool = True):
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    cdp.send("Network.emulateNetworkConditions", SLOW)
    if cpu:
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
    return cdp


def new_page(browser, base: str, *, encoded: bool):
    headers = {ENCODE_HEADER: "gzip"} if encoded else {}
    context = browser.new_context(
        locale="id-ID", timezone_id="Asia/Jakarta", extra_http_headers=headers, **PHONE
    )
    context.set_default_timeout(120_000)
    # The tile server's bytes are not the page's; refuse them so nothing waits on them.
    context.route(
        re.compile(r"^https?://(?!127\.0\.0\.1)"),
        lambda route: route.abort(),
    )
    return context.new_page()


def kind_of(url: str, base: str) -> str:
    if not url.startswith(base):
        return "tile"
    if "/foto/" in url:
        return "photo"
    return "page"


def measure_page(browser, base: str, path: str, *, encoded: bool) -> dict:
    page = new_page(browser, base, encoded=encoded)
    cdp = throttle(page)
    urls, sizes = {}, {}
    cdp.on(
        "Network.responseReceived", lambda e: urls.__setitem__(e["requestId"], e["response"]["url"])
    )
    cdp.on(
        "Network.loadingFinished",
        lambda e: sizes.__setitem__(e["requestId"], e["encodedDataLength"]),
    )
    started = time.monotonic()
    page.goto(base + path, wait_until="load")
    loaded = time.monotonic() - started
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(500)
    totals = {"page": 0, "photo": 0, "tile": 0}
    requests = {"page": 0, "photo": 0, "tile": 0}
    biggest = []
    for request_id, size in sizes.items():
        url = urls.get(request_id, "")
        kind = kind_of(url, base)
        totals[kind] += int(size)
        requests[kind] += 1
        if kind == "page":
            biggest.append((int(size), url[len(base) :]))
    page.context.close()
    biggest.sort(reverse=True)
    return {
        "bytes": totals["page"],
        "requests": requests["page"],
        "photos": totals["photo"],
        "loaded": loaded,
        "biggest": biggest[:3],
    }


def camera_photo(path: Path) -> int:
    """A 4000 x 3000 JPEG of about 3 MB: blurred noise over gradients, as much detail per
    pixel as a street photo from a phone's camera."""
    from PIL import Image, ImageChops, ImageFilter

    noise = Image.frombytes("RGB", (1000, 750), os.urandom(1000 * 750 * 3))
    noise = noise.filter(ImageFilter.GaussianBlur(0.8)).resize((4000, 3000), Image.BICUBIC)
    gradient = Image.linear_gradient("L").resize((4000, 3000)).convert("RGB")
    img = ImageChops.blend(noise, gradient, 0.25)
    # The highest quality at most 3.2 MB: about 3 MB, a phone camera's size.
    for quality in range(97, 80, -1):
        out = io.BytesIO()
        img.save(out, format="JPEG", quality=quality)
        if out.tell() <= 3_200_000:
            break
    path.write_bytes(out.getvalue())
    return out.tell()


def measure_upload(browser, base: str, photo: Path, kelurahan: int) -> dict:
    page = new_page(browser, base, encoded=True)
    page.goto(base + "/aduan/baru/")
    page.get_by_label("Apa yang ingin Anda sampaikan?").fill(
        "Jalan berlubang besar di depan pasar, sudah dua minggu. Motor sering jatuh di sini."
    )
    page.get_by_label("Kelurahan").select_option(str(kelurahan))
    page.get_by_label("Nama", exact=True).fill("Siti Aminah")
    page.get_by_label("Nomor HP").fill("0812 3456 7890")
    page.get_by_label("Foto (maksimal 5)").set_input_files(str(photo))
    throttle(page)
    sent = []
    page.on(
        "request",
        lambda r: sent.append(len(r.post_data_buffer or b"")) if r.method == "POST" else None,
    )
    started = time.monotonic()
    page.get_by_role("button", name="Kirim aduan").click()
    page.wait_for_url(re.compile(r"/aduan/terkirim/"), timeout=180_000)
    elapsed = time.monotonic() - started
    page.context.close()
    return {"seconds": elapsed, "sent": sum(sent)}


def stored_photo_size() -> tuple[int, int, int]:
    from aduan.core.models import Attachment

    attachment = Attachment.objects.order_by("-id").first()
    return attachment.size, attachment.width, attachment.height


# Set before the page's own scripts run: the moment (ms since navigation start) the first
# marker is in the map.
FIRST_MARKER = """
new MutationObserver((_changes, observer) => {
  if (document.querySelector('.leaflet-marker-icon')) {
    window.__firstMarker = performance.now();
    observer.disconnect();
  }
}).observe(document, {subtree: true, childList: true});
"""


def measure_map(browser, base: str) -> dict:
    """Navigation start to the first marker on the map, by the page's own clock (the
    navigation timing origin), so the driver's round trips are not counted."""
    page = new_page(browser, base, encoded=True)
    page.add_init_script(FIRST_MARKER)
    throttle(page)
    page.goto(base + "/publik/peta/", wait_until="commit")
    page.wait_for_function("() => window.__firstMarker !== undefined", timeout=60_000)
    interactive = page.evaluate("() => window.__firstMarker") / 1000
    markers = page.locator(".leaflet-marker-icon").count()
    page.context.close()
    return {"seconds": interactive, "markers": markers}


def kb(n: int) -> str:
    return f"{n / 1024:.1f} KB"


def verdict(ok: bool) -> str:
    return "within" if ok else "**over**"


def report(pages: list, upload, photo_bytes: int, stored, map_result) -> str:
    lines = [
        "## Citizen pages on a cheap phone and a slow network (bench/bench_pages.py)",
        "",
        f"Chromium {BROWSER_VERSION} through Playwright, 390 x 844 phone, cold cache; "
        "400 kbit/s down and up, 400 ms round trip, CPU slowed 4x (devtools protocol). "
        "Gunicorn with the production settings (DEBUG off, whitenoise's compressed static "
        "files) on the demo city. Bytes are what the devtools count as transferred "
        "(headers and encoded bodies), without photos and map tiles.",
        "",
        "| page | path | gunicorn alone (scripts/run) | behind `encode gzip` (production's Caddy) "
        "| requests | loaded (throttled) | budget 100 KB |",
        "| --- | --- | ---: | ---: | ---: | ---: | --- |",
    ]
    for name, path, plain, encoded in pages:
        lines.append(
            f"| {name} | `{path}` | {kb(plain['bytes'])} | {kb(encoded['bytes'])} | "
            f"{encoded['requests']} | {encoded['loaded']:.1f} s | "
            f"{verdict(encoded['bytes'] <= BUDGET_BYTES)} |"
        )
    lines += ["", "Largest three requests of each page (compressed pass):", ""]
    for name, _path, _plain, encoded in pages:
        parts = ", ".join(f"`{url}` {kb(size)}" for size, url in encoded["biggest"])
        lines.append(f"- {name}: {parts}")
    lines += ["", "| measure | result | budget |", "| --- | ---: | --- |"]
    if upload is not None:
        size, width, height = stored
        lines.append(
            "| 3 MB camera photo filed (tap on *Kirim aduan* to the *terkirim* page; a "
            f"{photo_bytes / 1e6:.2f} MB, 4000 x 3000 JPEG shrunk by the browser to "
            f"{width} x {height}; {kb(upload['sent'])} posted, {kb(size)} stored) | "
            f"{upload['seconds']:.1f} s | "
            f"10 s: {verdict(upload['seconds'] <= BUDGET_UPLOAD_S)} |"
        )
    if map_result is not None:
        runs = ", ".join(f"{r['seconds']:.1f}" for r in map_result["runs"])
        lines.append(
            f"| public map interactive (navigation to the first of {map_result['markers']} "
            f"markers on the map; median of {len(map_result['runs'])} cold loads: {runs} s) "
            f"| {map_result['seconds']:.1f} s | "
            f"3 s: {verdict(map_result['seconds'] <= BUDGET_MAP_S)} |"
        )
    lines.append("")
    return "\n".join(lines)


BROWSER_VERSION = ""


def main() -> None:
    global BROWSER_VERSION
    from playwright.sync_api import sync_playwright

    port = PORT or free_port()
    var = Path(os.environ.get("BENCH_VAR") or tempfile.mkdtemp(prefix="aduan-bench-pages-"))
    env = server_env(var, port)
    print(f"demo city in {var}", file=sys.stderr)
    prepare(var, env)
    targets = demo_targets(env)
    base = f"http://127.0.0.1:{port}"
    server = start_server(env, port)
    pages = [
        ("home", "/"),
        ("filing form", "/aduan/baru/"),
        ("tracking", "/lacak/"),
        ("status (public)", f"/lacak/{targets['code']}/"),
        ("own page (private link)", f"/k/{targets['token']}/"),
        ("public feed", "/publik/"),
        ("public map", "/publik/peta/"),
        ("statistics", "/publik/statistik/"),
    ]
    # A running server is warm: every page served a few times before anything is timed.
    for _ in range(3):
        for _name, path in pages:
            urllib.request.urlopen(base + path, timeout=30).read()  # noqa: S310 (our http server)
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=CHROMIUM,
                headless=True,
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
            )
            BROWSER_VERSION = browser.version
            results = []
            for name, path in pages if "pages" in ONLY else []:
                plain = measure_page(browser, base, path, encoded=False)
                encoded = measure_page(browser, base, path, encoded=True)
                print(f"{name}: {plain['bytes']} / {encoded['bytes']} bytes", file=sys.stderr)
                results.append((name, path, plain, encoded))
            upload, photo_bytes, map_result = None, 0, None
            if "upload" in ONLY:
                photo = var / "kamera.jpg"
                photo_bytes = camera_photo(photo)
                upload = measure_upload(browser, base, photo, targets["kelurahan"])
                print(f"upload: {upload['seconds']:.1f} s", file=sys.stderr)
            if "map" in ONLY:
                runs = [measure_map(browser, base) for _ in range(MAP_RUNS)]
                middle = sorted(runs, key=lambda r: r["seconds"])[len(runs) // 2]
                map_result = {**middle, "runs": runs}
                print(f"map: {map_result['seconds']:.1f} s", file=sys.stderr)
            browser.close()
    finally:
        stop_server(server)
    stored = stored_photo_size() if upload is not None else None
    print(report(results, upload, photo_bytes, stored, map_result))
    if not os.environ.get("BENCH_VAR"):
        shutil.rmtree(var, ignore_errors=True)


if __name__ == "__main__":
    main()
