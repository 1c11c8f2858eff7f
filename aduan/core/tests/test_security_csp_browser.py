"""The pages work under the Content-Security-Policy in a real browser: no violation is
reported on the public site, the staff pages, the admin or the API's documentation."""

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from aduan.testing.browser import new_page

pytestmark = pytest.mark.browser

# Every violation the browser reports (blocked scripts, styles, images, frames) is kept.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(e.violatedDirective + " " + (e.blockedURI || "inline"));
});
"""


def page_watching_csp(browser, **context_options):
    page = new_page(browser, phone=False, **context_options)
    page.add_init_script(RECORD_VIOLATIONS)
    console = []
    page.on(
        "console",
        lambda m: console.append(m.text) if "Content Security Policy" in m.text else None,
    )
    return page, console


def visit(page, console, url):
    response = page.goto(url)
    assert response.ok, url
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    page.wait_for_load_state("load")
    assert page.evaluate("() => window.__cspViolations") == [], url
    assert console == [], url


def test_public_pages_run_under_the_policy(transactional_db, city, live_server, browser):
    # Malang's town square, for the filing form's "use my location".
    page, console = page_watching_csp(
        browser,
        permissions=["geolocation"],
        geolocation={"latitude": -7.9826, "longitude": 112.6308},
    )
    for path in ("/", "/lacak/", "/publik/", "/publik/peta/", "/publik/statistik/"):
        visit(page, console, live_server.url + path)
    # The filing form's script (a static file now) runs, and the Permissions-Policy lets
    # this page ask for the location.
    visit(page, console, live_server.url + "/aduan/baru/")
    expect(page.locator("html.js")).to_have_count(1)
    page.locator("details.pin summary").click()
    page.locator("#use-location").click()
    expect(page.locator("#id_latitude")).to_have_value("-7.982600")
    expect(page.locator("#id_longitude")).to_have_value("112.630800")
    # Swagger UI draws the API's documentation from its own static files.
    visit(page, console, live_server.url + "/api/v1/docs")
    expect(page.locator(".swagger-ui .info")).to_be_visible()
    assert page.evaluate("() => window.__cspViolations") == []
    page.context.close()


def test_staff_pages_and_the_admin_run_under_the_policy(
    transactional_db, live_server, browser, make_complaint, mira, sari
):
    complaint = make_complaint()
    for user, paths in (
        (mira, ["/kantor/antrean/", f"/kantor/aduan/{complaint.code}/", "/kantor/akun/"]),
        (
            sari,
            [
                "/admin/",
                "/admin/core/agency/",
                "/admin/core/agency/add/",
                "/admin/axes/accessattempt/",
            ],
        ),
    ):
        # A session made by the test client (its login passes the second step).
        client = Client()
        client.force_login(user)
        page, console = page_watching_csp(browser)
        page.context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                    "url": live_server.url,
                }
            ]
        )
        for path in paths:
            visit(page, console, live_server.url + path)
        page.context.close()
