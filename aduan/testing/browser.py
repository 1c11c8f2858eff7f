"""Real-browser fixtures: Playwright driving Debian's chromium.

Registered for the whole suite through ``pytest_plugins`` in the root
conftest. Browser tests are marked ``@pytest.mark.browser`` and use
pytest-django's ``live_server`` with ``transactional_db`` (the server runs in
another thread, so the test's data must be committed to be seen).

Fixtures: ``browser`` (one chromium per session), ``phone_page`` (390x844,
touch, Indonesian locale), ``desktop_page`` (1280x900). Helpers:
``screenshot(page, name)`` writes ``docs/screenshots/<name>.png``;
``assert_accessible(page)`` fails on serious or critical axe-core findings.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
AXE_SCRIPT = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = REPO_ROOT / "docs" / "screenshots"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
PHONE_VIEWPORT = {"width": 390, "height": 844}
DESKTOP_VIEWPORT = {"width": 1280, "height": 900}
# Fail fast: a hung page should cost seconds, not the CI job's whole budget.
ACTION_TIMEOUT_MS = 10_000
BLOCKING_IMPACTS = ("serious", "critical")


def _playwright_or_fail():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - depends on the machine
        pytest.fail("Playwright is not installed; install requirements-dev.txt.", pytrace=False)
    return sync_playwright


@pytest.fixture(scope="session")
def browser():
    """One headless chromium for the whole session.

    The Debian binary is used instead of Playwright's downloaded build so CI
    needs no browser download. A missing binary fails loudly: a skipped
    browser suite would look green while testing nothing.
    """
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} not found: install Debian's chromium package "
            "(apt-get install chromium) to run the browser tests.",
            pytrace=False,
        )
    # Playwright's sync API keeps an event loop in this thread, and Django then
    # refuses ORM calls from it as "async context". The tests are plain
    # synchronous code that waits on the browser, so the guard does not apply.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    manager = _playwright_or_fail()()
    playwright = manager.start()
    try:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def new_page(browser, *, phone: bool = True, **context_options):
    """A page in a fresh context (no cookies shared with other tests)."""
    options = {"locale": "id-ID", "timezone_id": "Asia/Jakarta"}
    if phone:
        options.update(viewport=PHONE_VIEWPORT, is_mobile=True, has_touch=True)
    else:
        options.update(viewport=DESKTOP_VIEWPORT)
    options.update(context_options)
    context = browser.new_context(**options)
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    return context.new_page()


@pytest.fixture
def phone_page(browser):
    page = new_page(browser, phone=True)
    yield page
    page.context.close()


@pytest.fixture
def desktop_page(browser):
    page = new_page(browser, phone=False)
    yield page
    page.context.close()


def screenshot(page, name: str) -> Path:
    """Save a full-page PNG as docs/screenshots/<name>.png and return its path."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    # A click resolves once navigation commits; a half-parsed page gives a short image.
    page.wait_for_load_state("load")
    page.screenshot(path=str(path), full_page=True)
    return path


def axe_violations(page, impacts=BLOCKING_IMPACTS) -> list[dict]:
    """Run axe-core on the current page; violations with one of ``impacts``."""
    if not AXE_SCRIPT.exists():
        pytest.fail(f"{AXE_SCRIPT} not found: run `npm ci` in the repository root.", pytrace=False)
    page.wait_for_load_state("load")
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # Evaluated through the browser's devtools channel: a <script> tag with the
        # source inline would be refused by the pages' Content-Security-Policy.
        page.evaluate(AXE_SCRIPT.read_text())
    result = page.evaluate(
        """async () => {
            const r = await axe.run(document, {resultTypes: ["violations"]});
            return r.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                targets: v.nodes.map(n => n.target.join(" ")).slice(0, 5),
                summary: (v.nodes[0] && v.nodes[0].failureSummary) || "",
            }));
        }"""
    )
    return [v for v in result if v["impact"] in impacts]


def assert_accessible(page) -> None:
    """Fail listing every serious or critical axe-core violation on the page."""
    violations = axe_violations(page)
    if violations:
        lines = [f"axe found {len(violations)} serious/critical problem(s) on {page.url}:"]
        for v in violations:
            lines.append(f"- [{v['impact']}] {v['id']}: {v['help']} at {', '.join(v['targets'])}")
            if v["summary"]:
                lines.append("    " + v["summary"].replace("\n", "\n    "))
        pytest.fail("\n".join(lines), pytrace=False)
