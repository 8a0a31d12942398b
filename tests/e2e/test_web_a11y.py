"""Accessibility basics of the main screens, checked by axe-core (from npm, run in the page).

WCAG 2 A and AA rules, contrast included, on each main screen at desktop and phone size and in
both languages. axe is evaluated through Playwright (the DevTools protocol), so the page's CSP,
which allows no inline script, stays as it is.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import log_in

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def violations(page: Page) -> list[str]:
    assert AXE.is_file(), f"{AXE} is missing: `make install` installs axe-core from npm"
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result: dict[str, Any] = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", RULES
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes'][:3]]}"
        for v in result["violations"]
    ]


@pytest.fixture(scope="module")
def world(api: Any, admin: Any, new_member: Any, indexed: Any) -> dict[str, Any]:
    from tests.api.content_helpers import comment, create_community, join, make_advertiser, post_topic

    shop = make_advertiser(api, admin, new_member)
    member = new_member(display_name="アクセシビリティ太郎")
    community = create_community(api, member, name="読みやすさの会")
    topic = post_topic(api, member, community["id"], title="見出しの順番について")
    other = new_member()
    join(api, other, community["id"])
    comment(api, other, topic["id"], body="大事ですね。")
    indexed()
    return {"shop": shop, "member": member, "community": community, "topic": topic}


SCREENS = [
    ("home", "/#/", "#home-page"),
    ("communities", "/#/communities", "#communities-page"),
    ("community", "/#/c/{community}", "#community-page"),
    ("post", "/#/p/{topic}", "#post-page"),
    ("search", "/#/search?q=見出し", "#search-page"),
    ("friends", "/#/friends", "#friends-page"),
    ("profile", "/#/m/{handle}", "#profile-friends"),
    ("settings", "/#/settings", "#settings-page"),
    ("notifications", "/#/notifications", "#notifications-page"),
]


@pytest.mark.parametrize(("lang", "phone"), [("ja", False), ("en", True)], ids=["ja-desktop", "en-phone"])
def test_the_main_screens_pass_axe(new_page: Any, web_url: str, world: dict[str, Any], lang: str, phone: bool) -> None:
    page = new_page(lang=lang, phone=phone)
    page.goto(f"{web_url}/#/login")
    expect(page.locator("#login-form")).to_be_visible()
    found = {"login": violations(page)}
    member = world["member"]
    log_in(page, web_url, member.handle, member.password)
    for name, path, ready in SCREENS:
        ids = {"community": world["community"]["id"], "topic": world["topic"]["id"], "handle": member.handle}
        page.goto(web_url + path.format(**ids))
        expect(page.locator(ready)).to_be_visible(timeout=15_000)
        page.wait_for_load_state("networkidle")
        found[name] = violations(page)
    staff = world["shop"].owner
    page.click("#nav >> text=" + ("ログアウト" if lang == "ja" else "Log out"))
    # Logged out before logging in again: a logout still in flight would land on #/login later.
    expect(page.locator("#login-page")).to_be_visible()
    log_in(page, web_url, staff.handle, staff.password)
    page.goto(f"{web_url}/#/dashboard/{world['shop'].company['id']}")
    expect(page.locator("#company-page")).to_be_visible(timeout=15_000)
    page.wait_for_load_state("networkidle")
    found["dashboard"] = violations(page)
    bad = {k: v for k, v in found.items() if v}
    assert not bad, "\n".join(f"{screen}: {v}" for screen, vs in bad.items() for v in vs)
