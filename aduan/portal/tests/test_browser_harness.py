"""The browser harness itself: it must be able to fail."""

import pytest

from aduan.testing.browser import SCREENSHOTS, assert_accessible, axe_violations, screenshot

pytestmark = pytest.mark.browser

INACCESSIBLE = """<!doctype html><html lang="id"><title>x</title><body><main>
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
<button></button>
<p style="color:#ccc;background:#fff">Teks pucat yang sulit dibaca.</p>
</main></body></html>"""


def test_axe_reports_serious_problems(phone_page):
    phone_page.set_content(INACCESSIBLE)
    found = {v["id"] for v in axe_violations(phone_page)}
    assert {"image-alt", "button-name", "color-contrast"} <= found
    with pytest.raises(pytest.fail.Exception, match="button-name"):
        assert_accessible(phone_page)


def test_axe_passes_a_clean_page(desktop_page):
    desktop_page.set_content(
        '<!doctype html><html lang="id"><title>Baik</title><body><main><h1>Baik</h1>'
        '<label for="k">Kode</label><input id="k"></main></body></html>'
    )
    assert_accessible(desktop_page)


def test_phone_page_is_a_phone(phone_page):
    phone_page.set_content("<meta name=viewport content='width=device-width'><p>x</p>")
    assert phone_page.evaluate("() => [innerWidth, navigator.language]") == [390, "id-ID"]


def test_screenshot_writes_a_png(desktop_page):
    desktop_page.set_content("<p>x</p>")
    path = screenshot(desktop_page, "_harness-check")
    try:
        assert path == SCREENSHOTS / "_harness-check.png"
        assert path.read_bytes().startswith(b"\x89PNG")
    finally:
        path.unlink()
