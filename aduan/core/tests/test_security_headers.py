"""Security headers through HTTP, and the templates the Content-Security-Policy relies on."""

import re
from pathlib import Path

import pytest
from django.test import Client

import aduan

ROOT = Path(aduan.__file__).resolve().parent
# The tile server's origin, which the settings derive from the default tile URL.
TILES = "https://tile.openstreetmap.org"


def directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    parts = [p.strip().split() for p in header.split(";") if p.strip()]
    return {p[0]: p[1:] for p in parts}


PUBLIC_PAGES = [
    "/",
    "/aduan/baru/",
    "/lacak/",
    "/kantor/masuk/",
    "/publik/",
    "/publik/peta/",
    "/publik/statistik/",
]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_pages_send_a_strict_policy(client, city, path):
    response = client.get(path)
    assert response.status_code == 200, path
    policy = directives(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    # Images also from the map tiles' server, and only there (settings.ADUAN_MAP_TILES);
    # the pages with a map also allow Leaflet's blank data: image for dropped tiles.
    maps = ("/aduan/baru/", "/publik/peta/")
    assert policy["img-src"] == ["'self'", TILES] + (["data:"] if path in maps else [])
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"] and policy["base-uri"] == ["'none'"]
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    permissions = response["Permissions-Policy"]
    assert "geolocation=(self)" in permissions
    for feature in ("camera=()", "microphone=()", "payment=()"):
        assert feature in permissions


def test_staff_pages_json_and_errors_carry_the_headers_too(client, mira):
    client.force_login(mira)
    for path, status in (
        ("/kantor/antrean/", 200),
        ("/api/v1/categories", 200),
        ("/tidak-ada/", 404),
    ):
        response = client.get(path)
        assert response.status_code == status, path
        assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
        assert "Permissions-Policy" in response


def test_only_the_api_docs_and_map_pages_may_show_data_images(client, city):
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200
    assert directives(docs)["img-src"] == ["'self'", TILES, "data:"]
    assert directives(docs)["script-src"] == ["'self'"]
    assert directives(client.get("/"))["img-src"] == ["'self'", TILES]


def test_the_filing_form_loads_its_script_from_a_static_file(client, city):
    page = client.get("/aduan/baru/").content.decode()
    assert re.search(r'<script src="/static/aduan/file-form\.js"></script>', page)
    assert (ROOT / "static" / "aduan" / "file-form.js").read_text().count("use-location") == 1


# -- Cache-Control: no-store on pages with personal data or private links -----------------------


def no_store(response) -> bool:
    return "no-store" in response.get("Cache-Control", "")


def test_staff_pages_are_never_stored(client, mira, make_complaint):
    complaint = make_complaint()
    client.force_login(mira)
    for path in ("/kantor/antrean/", "/kantor/semua/", f"/kantor/aduan/{complaint.code}/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert no_store(response), path
    assert no_store(Client().get("/kantor/masuk/"))


def test_private_link_and_filed_pages_are_never_stored(client, make_complaint):
    complaint = make_complaint()
    for path in (f"/k/{complaint.token}/", f"/aduan/terkirim/{complaint.token}/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert no_store(response), path
        assert "private" in response["Cache-Control"]


def test_api_reporter_endpoints_are_never_stored(client, city):
    response = client.get("/api/v1/me/complaints", HTTP_X_DEVICE_TOKEN="perangkat-uji-1234567890")
    assert response.status_code == 200 and no_store(response)
    filed = client.post("/api/v1/complaints", "{}", content_type="application/json")
    assert filed.status_code == 400 and no_store(filed)


def test_public_pages_stay_cacheable(client, make_complaint):
    complaint = make_complaint()
    for path in ("/", f"/lacak/{complaint.code}/", "/api/v1/categories"):
        assert not no_store(client.get(path)), path


# -- TLS: HSTS and __Host- cookies -------------------------------------------------------------


def test_over_tls_cookies_are_secure_and_host_prefixed(settings, city, adi):
    # What ADUAN_TLS=1 sets (tests/test_security_settings.py checks the switch itself).
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    settings.SESSION_COOKIE_NAME = "__Host-sessionid"
    settings.CSRF_COOKIE_NAME = "__Host-csrftoken"
    settings.SECURE_HSTS_SECONDS = 31536000
    browser = Client(enforce_csrf_checks=True)
    page = browser.get("/kantor/masuk/", secure=True)
    assert page["Strict-Transport-Security"] == "max-age=31536000"
    csrf = page.cookies["__Host-csrftoken"]
    # A __Host- cookie is only kept by browsers when Secure, for path / and no domain.
    assert csrf["secure"] and csrf["path"] == "/" and not csrf["domain"]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())[1]
    response = browser.post(
        "/kantor/masuk/",
        {"username": "adi", "password": "rahasia-uji-123", "csrfmiddlewaretoken": token},
        secure=True,
        HTTP_REFERER="https://testserver/kantor/masuk/",
    )
    assert response.status_code == 302
    session = response.cookies["__Host-sessionid"]
    assert session["secure"] and session["httponly"] and session["path"] == "/"
    assert not session["domain"]


def test_plain_http_sends_no_hsts(client, city):
    assert "Strict-Transport-Security" not in client.get("/")


# -- templates: nothing inline for the policy to block ------------------------------------------

INLINE_SCRIPT = re.compile(
    r"<script\b(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I
)
HANDLER = re.compile(r"\son[a-z]+\s*=", re.I)
STYLE_ATTR = re.compile(r"\sstyle\s*=", re.I)
STYLE_BLOCK = re.compile(r"<style\b", re.I)
JS_URL = re.compile(r"javascript:", re.I)
# Rendered by WeasyPrint into the evaluation PDF (reports/exports.py), never served to a
# browser: its print styles (@page margins and footers) may stay in the page.
PDF_ONLY = {"reports/templates/reports/evaluation_print.html"}


def templates():
    return sorted(p for p in ROOT.rglob("templates/**/*.html"))


def test_there_are_templates_to_scan():
    assert len(templates()) > 50


@pytest.mark.parametrize("path", templates(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_template_holds_inline_script_handlers_or_styles(path):
    text = path.read_text()
    name = str(path.relative_to(ROOT))
    found = {
        "inline <script>": INLINE_SCRIPT.findall(text),
        "on...= handler": HANDLER.findall(text),
        "javascript: URL": JS_URL.findall(text),
    }
    if name not in PDF_ONLY:
        found["style= attribute"] = STYLE_ATTR.findall(text)
        found["<style> block"] = STYLE_BLOCK.findall(text)
    assert not {k: v for k, v in found.items() if v}, name


def test_the_pdf_only_template_is_rendered_for_the_pdf_alone():
    users = [
        p.relative_to(ROOT)
        for p in ROOT.rglob("*.py")
        if "tests" not in p.parts and "reports/evaluation_print.html" in p.read_text()
    ]
    assert users == [Path("reports/exports.py")]
    exports = (ROOT / "reports" / "exports.py").read_text()
    assert "write_pdf" in exports


def test_the_scan_catches_what_it_looks_for():
    assert INLINE_SCRIPT.search("<script>alert(1)</script>")
    assert not INLINE_SCRIPT.search('<script src="/static/x.js"></script>')
    assert not INLINE_SCRIPT.search('<script type="application/json" id="x">{}</script>')
    assert HANDLER.search('<button onclick="go()">')
    assert STYLE_ATTR.search('<span style="color:red">')
    assert not STYLE_ATTR.search('<span class="style-x">')


# -- legend swatches: colours from the stylesheet, not from style attributes ---------------------

SWATCH_RULE = re.compile(
    r'\.rp-swatch\[data-color="(#[0-9a-f]{6})"\] \{ background: (#[0-9a-f]{6}); \}'
)


def swatch_rules() -> dict[str, str]:
    css = (ROOT / "static" / "aduan" / "site.css").read_text()
    return dict(SWATCH_RULE.findall(css))


def test_every_palette_colour_has_its_swatch_rule():
    from aduan.reports import charts, mapping
    from aduan.reports.views import staff

    palette = {*charts.RESULT_COLORS.values(), *staff.STAGE_COLORS.values(), *mapping.SHADES}
    rules = swatch_rules()
    assert {c.lower() for c in palette} <= set(rules)
    assert all(selector == colour for selector, colour in rules.items())


def test_the_statistics_legend_paints_its_swatches_from_the_stylesheet(client, make_complaint):
    make_complaint()
    page = client.get("/publik/statistik/").content.decode()
    colours = re.findall(r'<span class="rp-swatch" data-color="([^"]+)"', page)
    assert len(colours) >= 8
    assert set(colours) <= set(swatch_rules())


def _library_header(request, response):
    """What django-csp's own middleware writes for this request and response."""
    from csp.middleware import CSPMiddleware as Library

    del response["Content-Security-Policy"]
    return Library(lambda r: response).process_response(request, response)[
        "Content-Security-Policy"
    ]


@pytest.mark.parametrize("path", ["/", "/publik/peta/", "/open311/v2/services.json"])
def test_the_cached_policy_header_is_the_library_s_own(client, db, path):
    first = client.get(path)
    again = client.get(path)
    assert first["Content-Security-Policy"] == again["Content-Security-Policy"]
    header = first["Content-Security-Policy"]
    assert header == _library_header(first.wsgi_request, first)
    assert ("data:" in header) == (path == "/publik/peta/")


def test_a_changed_policy_is_not_served_from_the_cache(client, db, settings):
    before = client.get("/")["Content-Security-Policy"]
    settings.CONTENT_SECURITY_POLICY = {
        "DIRECTIVES": {**settings.CONTENT_SECURITY_POLICY["DIRECTIVES"], "font-src": ["'none'"]}
    }
    after = client.get("/")["Content-Security-Policy"]
    assert "font-src 'none'" in after and after != before
