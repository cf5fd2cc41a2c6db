"""End-to-end tests in a real browser: Debian's Chromium driven by Playwright for Python.

- The portal runs in pytest-django's `live_server` (a thread of this process, transactional
  database). Celery is eager in the test settings, so the worker's checks run inside the
  request that sends the task: fine for a browser test.
- Chromium is /usr/bin/chromium (`make e2e` installs the Debian package); `playwright install`
  cannot download browsers here. Flags as documented for these machines, plus
  --ignore-certificate-errors so the page reaches the test's self-signed wss://127.0.0.1:13579.
- Each key step is saved as a screenshot under artifacts/screenshots/ (gitignored).
- `check_accessibility` injects axe-core (from npm, node_modules/) and fails on serious or
  critical WCAG 2.1 A/AA violations.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from conftest import make_identity_number

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-quic",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
    "--ignore-certificate-errors",
]
PASSWORD = "Str0ng-Passw0rd!"  # the root conftest's make_user password
TIMEOUT_MS = 15_000
expect.set_options(timeout=TIMEOUT_MS)  # a slow CI machine gets the same patience as actions


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.e2e)


def new_iin(prefix: str = "8805153") -> str:
    """A fresh 12-digit ИИН with a valid control digit."""
    return make_identity_number(prefix)


@pytest.fixture(scope="session")
def browser() -> Browser:
    """One Chromium for the session. Playwright gives each launch a fresh, empty profile
    directory (its own --user-data-dir), and each test a fresh context.

    Playwright's sync API runs an event loop in this thread; the ORM calls of the tests are
    synchronous and safe, so Django's async guard is lifted for the e2e session only (set here,
    not at import, so the rest of the suite keeps the guard).
    """
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def live(live_server):
    """The live server's base URL (transactional DB, shared with the test)."""
    return live_server.url


@pytest.fixture
def new_page(browser):
    """A factory of pages, each in its own fresh context (own cookies): one per person."""
    contexts = []

    def factory(*, width: int = 1280, height: int = 900, locale: str = "kk-KZ") -> Page:
        context = browser.new_context(
            viewport={"width": width, "height": height},
            locale=locale,
            accept_downloads=True,
        )
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield factory
    for context in contexts:
        context.close()


def shot(page: Page, name: str) -> Path:
    """Save a full-page screenshot as artifacts/screenshots/<name>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def sign_in(page: Page, live: str, login: str, password: str = PASSWORD) -> None:
    page.goto(f"{live}/accounts/sign-in/")
    page.fill("#id_login", login)
    page.fill("#id_password", password)
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r".*/cabinet/.*"))


def admin_sign_in(page: Page, live: str, login: str, password: str = PASSWORD) -> None:
    page.goto(f"{live}/admin/login/?next=/admin/")
    page.fill("#id_username", login)
    page.fill("#id_password", password)
    page.click("input[type=submit]")
    page.wait_for_url(re.compile(r".*/admin/$"))


def check_accessibility(page: Page, name: str) -> None:
    """axe-core on the current page: no serious or critical WCAG 2.1 A/AA violation."""
    page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate(
        """async () => await window.axe.run(document, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
            resultTypes: ['violations']
        })"""
    )
    bad = [v for v in result["violations"] if v.get("impact") in ("serious", "critical")]
    report = "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(node["target"][0] if node["target"] else "?" for node in v["nodes"][:5])
        for v in bad
    )
    assert not bad, f"axe on {name}:\n{report}"


def no_horizontal_scroll(page: Page) -> bool:
    """The page fits the viewport's width (usable on a 360 px phone)."""
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1")
