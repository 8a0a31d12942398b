"""Fixtures of the browser tests: the web front over a ``chalice local``, Debian's chromium, pages.

The browser talks to ``local/web.py`` (the static files plus ``/api/*``), which forwards to a
``chalice local`` started here against the session's throw-away stack, as ``make run`` wires
them. Without /usr/bin/chromium these tests fail (``make install`` installs it); they never skip.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from local.stack import start_api, start_web

CHROMIUM = Path("/usr/bin/chromium")
#: Where the tests put their screenshots: git-ignored, outside the package.
SCREENSHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"
SCREENSHOTS.mkdir(parents=True, exist_ok=True)
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip


@pytest.fixture(scope="module")
def web_url(local_stack: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``chalice local`` on the test tables, behind ``local/web.py``; both stopped by PID afterwards."""
    log = tmp_path_factory.mktemp("e2e") / "chalice.log"
    # local_stack put the endpoints, KIZUNA_TABLE_PREFIX and KIZUNA_JWT_SECRET into os.environ.
    api = start_api(dict(os.environ), log=log)
    try:
        web = start_web(api.url)
        try:
            yield web.url
        finally:
            web.stop()
    finally:
        api.stop()


@pytest.fixture(autouse=True)
def patient_expectations() -> Iterator[None]:
    """Playwright's expect() waits 5 s by default; on a busy 2-core runner a first write through the
    local API (each route's service built on first use) can take longer."""
    expect.set_options(timeout=20_000)
    yield
    expect.set_options(timeout=5_000)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    assert CHROMIUM.exists(), f"{CHROMIUM} is missing: `make install` installs it (chromium, fonts-ipafont-gothic)"
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def new_page(browser: Browser) -> Iterator[Any]:
    """A factory of pages, each in its own context (its own localStorage); no script may fail.

    ``new_page(lang="en")`` starts in English (the client's switch, remembered in localStorage);
    ``new_page(phone=True)`` is a 390x844 touch screen.
    """
    contexts = []
    errors: list[str] = []

    def make(lang: str = "ja", phone: bool = False) -> Page:
        context = browser.new_context(
            viewport=PHONE if phone else DESKTOP,
            locale="ja-JP" if lang == "ja" else "en-GB",
            is_mobile=phone,
            has_touch=phone,
        )
        if lang != "ja":
            context.add_init_script(
                f"localStorage.getItem('kizuna.lang') || localStorage.setItem('kizuna.lang', '{lang}')"
            )
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        return page

    yield make
    for context in contexts:
        context.close()
    assert errors == []


def log_in(page: Page, web_url: str, handle: str, password: str, next_path: str = "") -> None:
    """Log in through the client's form and wait for the screen it lands on (home by default)."""
    page.goto(f"{web_url}/#/login" + (f"?next={next_path}" if next_path else ""))
    page.fill("#login-form input[name=handle]", handle)
    page.fill("#login-form input[name=password]", password)
    page.click("#login-form button[type=submit]")
    # Generous: the first login of a run also loads the client and warms the API on a busy machine.
    expect(page.locator("#login-page")).to_have_count(0, timeout=20_000)
    if not next_path:
        expect(page.locator("#home-page")).to_be_visible(timeout=20_000)


def no_horizontal_overflow(page: Page) -> None:
    """Nothing on the page sticks out sideways (a phone would scroll the whole page)."""
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the page is {overflow}px wider than the screen"


def shot(page: Page, name: str) -> None:
    """A full-page screenshot under SCREENSHOTS (kizuna-e2e-<name>.png), to look at."""
    page.screenshot(path=str(SCREENSHOTS / f"kizuna-e2e-{name}.png"), full_page=True)
