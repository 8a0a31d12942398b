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
#: Where the tests put their screenshots (outside the repo).
SCREENSHOTS = Path("/tmp")
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


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    assert CHROMIUM.exists(), f"{CHROMIUM} is missing: `make install` installs it (chromium, fonts-ipafont-gothic)"
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def new_page(browser: Browser) -> Iterator[Any]:
    """A factory of pages, each in its own context (its own sessionStorage); no script may fail."""
    contexts = []
    errors: list[str] = []

    def make() -> Page:
        context = browser.new_context(viewport={"width": 1100, "height": 900}, locale="ja-JP")
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        return page

    yield make
    for context in contexts:
        context.close()
    assert errors == []


def log_in(page: Page, web_url: str, handle: str, password: str) -> None:
    """Log in through the client's form and wait for the home page."""
    page.goto(f"{web_url}/#/login")
    page.fill("#login-form input[name=handle]", handle)
    page.fill("#login-form input[name=password]", password)
    page.click("#login-form button[type=submit]")
    expect(page.locator("#profile")).to_be_visible()
