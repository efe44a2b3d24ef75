"""Browser-test fixtures, a pytest plugin usable from any test folder.

Playwright drives Debian's Chromium (/usr/bin/chromium) against ``live_server``.

No browser is downloaded: CHROMIUM_PATH (default /usr/bin/chromium) must exist, else these
tests are skipped with the reason. Accessibility is checked with axe-core (vendored here).
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from rolloutplanner.roles import Role

# Playwright's sync API runs an event loop in this thread; the ORM calls made by fixtures in
# the same thread are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

AXE_SCRIPT = Path(__file__).resolve().parents[1] / "browser" / "vendor" / "axe.min.js"
CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "correct-horse-battery-9"


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM_PATH).exists():
        pytest.skip(f"Chromium not found at {CHROMIUM_PATH} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM_PATH, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def browser_page(browser, live_server):
    # bypass_csp lets the test inject axe-core; the app's own pages never need it.
    context = browser.new_context(base_url=live_server.url, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def login_as(page, user) -> None:
    """Sign in through the real login form."""
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(user.get_username())
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def serious_accessibility_violations(page) -> list[dict]:
    """axe-core WCAG 2.1 A/AA violations of impact serious or critical on the current page."""
    page.add_script_tag(path=str(AXE_SCRIPT))
    result = page.evaluate(
        """async () => await axe.run(document, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}
        })"""
    )
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def assert_accessible(page) -> None:
    violations = serious_accessibility_violations(page)
    assert not violations, f"{page.url}: {json.dumps(violations, indent=1)}"


__all__ = ["Role", "assert_accessible", "login_as"]
