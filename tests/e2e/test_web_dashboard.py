"""The company dashboard in the web client (#/dashboard…), in Debian's chromium.

Staff see the companies they work for by name; the owner creates a campaign in the form, where a
bad bid is refused by the API at that keyword row's bid field, fixes it and lands on the campaign's
page with its report (a chart, totals, the days' time zone); a member's search and click show in
the report; pause/resume and edit work. A support agent answers an inquiry in place from the inbox
(in English) and resolves it; the response record is a chart with its numbers. An advertiser does
the same on a phone, where nothing may stick out sideways. XSS in the headline, text, keywords and
an inquiry renders as text. The company, staff and official community come from the API
(tests/api/content_helpers.py); fixtures: tests/e2e/conftest.py.
"""

from __future__ import annotations

import contextlib
import urllib.error
import urllib.request
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.api.content_helpers import Advertiser, make_advertiser
from tests.conftest import marker
from tests.e2e.conftest import PHONE, log_in, no_horizontal_overflow, shot

XSS_HEADLINE = "<img src=x onerror=__xss=1>"  # 27 characters: a headline holds 30
XSS_TEXT = '<script>window.__xss=1</script><b onmouseover="__xss=1">太字</b>'
XSS_TITLE = '<img src=x onerror="window.__xss=1">ログインできません'


@pytest.fixture(scope="module", autouse=True)
def _warm(web_url: str) -> None:
    """One request through the web front first, so the first login does not wait for a cold API."""
    with contextlib.suppress(urllib.error.HTTPError):  # 401: the API answered
        urllib.request.urlopen(f"{web_url}/api/me", timeout=30)


def call(api: Any, method: str, path: str, member: Any, body: Any = None) -> Any:
    res = api.call(method, path, body, token=member.token)
    assert res.status_code in (200, 201), (path, res.body)
    return res.json_body


def shots(page: Page, name: str) -> None:
    """A screenshot as the page is and one at phone width, where nothing may stick out sideways."""
    shot(page, f"dashboard-{name}")
    size = page.viewport_size
    if size == PHONE:
        no_horizontal_overflow(page)
        return
    page.set_viewport_size(PHONE)
    try:
        page.wait_for_timeout(150)  # the chart follows its box's new size
        no_horizontal_overflow(page)
        shot(page, f"dashboard-{name}-phone")
    finally:
        if size is not None:
            page.set_viewport_size(size)


def no_xss(page: Page) -> None:
    assert page.evaluate("window.__xss") is None
    assert page.locator("main img[src=x], main script, main b[onmouseover]").count() == 0


def confirm_dialog(page: Page, text: str) -> None:
    dialog = page.locator("dialog.confirm")
    expect(dialog).to_contain_text(text)
    dialog.locator("#confirm-ok").click()
    expect(dialog).to_have_count(0)


def open_company(page: Page, shop: Advertiser) -> None:
    page.locator("#nav-dashboard").click()
    link = page.locator("#my-companies a", has_text=shop.company["name"])
    expect(link).to_have_count(1)
    link.click()
    expect(page.locator("#company-page h1")).to_have_text(shop.company["name"])


def inquire(
    api: Any, shop: Advertiser, customer: Any, title: str, body: str = "パスワードを変えたのに入れません。"
) -> Any:
    call(api, "PUT", f"/communities/{shop.community['id']}/membership", customer)
    post = call(api, "POST", f"/communities/{shop.community['id']}/posts", customer, {"title": title, "body": body})
    assert post["kind"] == "inquiry"
    return post


def fill_campaign(page: Page, word: str, bad_bid: str) -> None:
    form = page.locator("#campaign-form")
    form.locator("#cf-name").fill("春のキャンペーン")
    form.locator("#cf-headline").fill(XSS_HEADLINE)
    expect(form.locator(".field", has=page.locator("#cf-headline")).locator(".counter")).to_have_text(
        f"{len(XSS_HEADLINE)} / 30 文字"
    )
    form.locator("#cf-text").fill(XSS_TEXT)
    rows = form.locator(".keyword-row")
    rows.nth(0).locator("input[name=text]").fill(word)
    rows.nth(0).locator("input[name=max_cpc]").fill("40")
    page.locator("#add-keyword").click()
    rows.nth(1).locator("input[name=text]").fill(f"<i>{word}</i>")
    rows.nth(1).locator("select[name=match]").select_option("phrase")
    rows.nth(1).locator("input[name=max_cpc]").fill(bad_bid)
    page.locator("#add-negative").click()
    form.locator(".negative-row input").fill("中古")
    form.locator("#cf-daily_budget").fill("5000")


def test_owner_creates_a_campaign_a_bad_bid_refused_at_its_row_then_sees_the_report(
    new_page: Any, web_url: str, api: Any, admin: Any, new_member: Any, indexed: Any
) -> None:
    word = marker()
    shop = make_advertiser(api, admin, new_member)
    page = new_page()
    log_in(page, web_url, shop.owner.handle, shop.owner.password)
    page.locator("#nav-dashboard").click()
    expect(page.locator("#dashboard-page")).to_be_visible()
    expect(page.locator("#my-companies li", has_text=shop.company["name"])).to_contain_text("オーナー")
    shots(page, "home")
    open_company(page, shop)
    expect(page.locator("#official-communities a.review-link")).to_have_attribute(
        "href", f"#/mod?community_id={shop.community['id']}"
    )
    page.locator("#tab-campaigns").click()
    expect(page.locator("#campaign-list .empty")).to_be_visible()
    page.locator("#new-campaign").click()
    expect(page.locator("#campaign-form-page h1")).to_have_text("新しいキャンペーン")

    # The target: the official community (chosen first) or one of its topics.
    target = page.locator("#cf-target")
    expect(target.locator("option")).to_have_count(2)
    expect(target).to_have_value(f"community:{shop.community['id']}")
    expect(target.locator("option", has_text=shop.topic["title"])).to_have_count(1)

    fill_campaign(page, word, bad_bid="0")
    page.locator("#campaign-form button[type=submit]").click()
    bad = page.locator("#campaign-form .keyword-row").nth(1)
    expect(bad.locator(".field-error")).to_have_text("1〜100,000円の整数で入力してください。")
    expect(bad.locator("input[name=max_cpc]")).to_have_attribute("aria-invalid", "true")
    expect(bad.locator("input[name=max_cpc]")).to_be_focused()
    expect(page.locator("#campaign-form .keyword-row").nth(0).locator(".field-error")).to_have_count(0)
    expect(page.locator("#campaign-form .field-error")).to_have_count(1)
    assert page.locator("#campaign-page").count() == 0
    shots(page, "form-error")

    bad.locator("input[name=max_cpc]").fill("100001")  # over the API's limit: the same field says so
    page.locator("#campaign-form button[type=submit]").click()
    expect(bad.locator(".field-error")).to_have_text("1〜100,000円の整数で入力してください。")
    bad.locator("input[name=max_cpc]").fill("25")
    page.locator("#campaign-form button[type=submit]").click()

    expect(page.locator("#campaign-page h1")).to_have_text("春のキャンペーン")
    expect(page.locator("#campaign-headline")).to_have_text(XSS_HEADLINE)
    expect(page.locator("#campaign-text")).to_have_text(XSS_TEXT)
    expect(page.locator("#campaign-keywords")).to_contain_text(f"<i>{word}</i>")
    expect(page.locator("#report-tz")).to_have_text("日付は日本時間（JST, UTC+9）")
    chart = page.locator("canvas#report-chart")
    expect(chart).to_be_visible()
    expect(chart).to_have_attribute("role", "img")
    assert "日本時間" in (chart.get_attribute("aria-label") or "")
    expect(page.locator("#report-days tbody tr")).to_have_count(7)  # the last 7 days by default
    expect(page.locator("#report-keywords")).to_contain_text(f"<i>{word}</i>")
    no_xss(page)
    campaign_url = page.url
    campaign_id = campaign_url.split("/campaigns/")[1]

    # A member searches, sees the ad and follows it: the report counts it.
    indexed()
    reader = new_member()
    found = call(api, "GET", f"/search?q={word}", reader)
    (ad,) = [s for s in found["sponsored"] if s["ad_id"] == campaign_id]
    call(api, "POST", f"/placements/{ad['click_token']}/click", reader)
    report = call(api, "GET", f"/companies/{shop.company['id']}/campaigns/{campaign_id}/report", shop.owner)["totals"]
    assert report["impressions"] == 1 and report["clicks"] == 1 and 0 < report["spend"] <= 40
    spend = f"{report['spend']:,}円"
    page.reload()
    totals = page.locator("#report-totals li")
    expect(totals.nth(0)).to_have_text("表示回数1")
    expect(totals.nth(1)).to_have_text("クリック1")
    expect(totals.nth(2)).to_have_text("クリック率100%")
    expect(totals.nth(4)).to_have_text(f"費用{spend}")
    expect(page.locator("#report-days tfoot")).to_contain_text(spend)
    shots(page, "campaign")

    # Pause and resume; the list shows the status.
    page.locator("#campaign-page .pause-resume").click()
    expect(page.locator("#campaign-page .campaign-status")).to_have_text("停止中")
    page.locator("#campaign-page .pause-resume").click()
    expect(page.locator("#campaign-page .campaign-status")).to_have_text("配信中")

    # A range the API refuses (from after to) is said at the field.
    page.goto(f"{campaign_url}?from=2026-01-10&to=2026-01-01")
    expect(page.locator("#range-from-error")).to_contain_text("開始日は終了日より前")

    # Edit: the form holds the campaign; a new budget is saved.
    page.goto(campaign_url)
    page.locator("#edit-campaign").click()
    expect(page.locator("#campaign-form-page h1")).to_have_text("キャンペーンを編集")
    expect(page.locator("#cf-headline")).to_have_value(XSS_HEADLINE)
    expect(page.locator("#campaign-form .keyword-row")).to_have_count(2)
    page.locator("#cf-daily_budget").fill("7000")
    page.locator("#campaign-form button[type=submit]").click()
    expect(page.locator("#campaign-page .campaign-summary")).to_contain_text("7,000円")

    page.goto(f"{web_url}/#/dashboard/{shop.company['id']}?tab=campaigns")
    item = page.locator("#campaign-list li.campaign")
    expect(item).to_have_count(1)
    expect(item.locator(".budget")).to_have_text("7,000円")
    expect(item.locator(".spend")).to_have_text(spend)
    expect(item.locator(".campaign-status")).to_have_text("配信中")
    no_xss(page)
    shots(page, "campaigns")


def test_an_agent_answers_an_inquiry_in_place_and_resolves_it_in_english(
    new_page: Any, web_url: str, api: Any, admin: Any, new_member: Any
) -> None:
    word = marker()
    shop = make_advertiser(api, admin, new_member)
    customer = new_member(display_name="お客さま")
    older = inquire(api, shop, customer, XSS_TITLE, body=XSS_TEXT)
    inquire(api, shop, customer, f"配送について {word}")

    page = new_page(lang="en")
    log_in(page, web_url, shop.agent.handle, shop.agent.password)
    open_company(page, shop)
    expect(page.locator("#company-page .company-meta .role")).to_have_text("Support agent")
    expect(page.locator("#tab-campaigns")).to_have_count(0)  # campaigns are the owner's and advertisers'
    expect(page.locator("#official-communities")).to_contain_text(shop.community["name"])
    items = page.locator("#inbox-list li.inquiry")
    expect(items).to_have_count(2)
    expect(items.nth(0).locator(".inquiry-title")).to_have_text(XSS_TITLE)  # oldest first, as text
    expect(items.nth(0).locator(".waiting")).to_contain_text("Waiting")
    expect(page.locator("#inbox-list .end")).to_have_text("That is all.")
    no_xss(page)
    shots(page, "inbox")

    entry = page.locator(f"#inquiry-{older['id']}")
    entry.locator("textarea").fill("   ")
    entry.locator("button[type=submit]").click()
    expect(entry.locator(".answer-form .field-error")).to_have_text("Cannot be blank.")
    entry.locator("textarea").fill("Please reset your password from the settings page.")
    entry.locator("button[type=submit]").click()
    expect(entry.locator(".inquiry-status")).to_have_text("Answered")
    expect(entry.locator(".answered-note")).to_be_visible()
    answer = entry.locator(".posted .comment.official")
    expect(answer).to_contain_text("Please reset your password")
    expect(answer.locator(".badge.official")).to_have_text("Official")
    expect(entry.locator("textarea")).to_have_value("")
    answer.locator("button.resolve").click()
    confirm_dialog(page, "cannot be undone")
    expect(entry.locator(".inquiry-status")).to_have_text("Resolved")
    expect(entry.locator(".answer-form")).to_have_count(0)
    shots(page, "inbox-answered")
    post = call(api, "GET", f"/posts/{older['id']}", customer)
    assert post["status"] == "resolved" and post["accepted_comment_id"]
    (official,) = call(api, "GET", f"/posts/{older['id']}/comments", customer)["items"]
    assert official["official"] and official["id"] == post["accepted_comment_id"]

    page.locator("#inbox-resolved").click()
    entry = page.locator(f"#inquiry-{older['id']}")
    expect(entry.locator(".waiting")).to_contain_text("First answer after")
    entry.locator(".thread-toggle").click()
    expect(entry.locator(".thread .comment.official .badge.status-resolved")).to_have_text("Accepted answer")

    page.locator("#tab-metrics").click()
    expect(page.locator("canvas#metrics-chart")).to_be_visible()
    expect(page.locator("canvas#metrics-chart")).to_have_attribute("role", "img")
    rows = page.locator("#metrics-totals tr")
    expect(rows.nth(0)).to_have_text("Waiting1")
    expect(rows.nth(2)).to_have_text("Resolved1")
    expect(rows.nth(3)).to_have_text("Total2")
    expect(page.locator("#metrics")).to_contain_text("Japan time (JST, UTC+9)")
    shots(page, "metrics")


def test_an_advertiser_on_a_phone_creates_a_campaign_and_a_member_without_a_company_is_told(
    new_page: Any, web_url: str, api: Any, admin: Any, new_member: Any
) -> None:
    word = marker()
    shop = make_advertiser(api, admin, new_member)
    page = new_page(phone=True)
    log_in(page, web_url, shop.advertiser.handle, shop.advertiser.password)
    page.goto(f"{web_url}/#/dashboard")
    expect(page.locator("#my-companies")).to_contain_text(shop.company["name"])
    expect(page.locator("#my-companies")).to_contain_text("広告担当")
    no_horizontal_overflow(page)
    # The link of the official community's page (#/dashboard?company=…&community=…) opens the company.
    page.goto(f"{web_url}/#/dashboard?company={shop.company['id']}&community={shop.community['id']}")
    expect(page.locator("#company-page h1")).to_have_text(shop.company["name"])
    expect(page.locator("#official-communities")).to_contain_text(shop.community["name"])
    page.locator("#tab-campaigns").click()
    page.locator("#new-campaign").click()
    target = page.locator("#cf-target")
    expect(target).to_have_value(f"community:{shop.community['id']}")
    target.select_option(f"post:{shop.topic['id']}")
    fill_campaign(page, word, bad_bid="100001")
    page.locator("#campaign-form button[type=submit]").click()
    bad = page.locator("#campaign-form .keyword-row").nth(1)
    expect(bad.locator(".field-error")).to_have_text("1〜100,000円の整数で入力してください。")
    shots(page, "form-phone")
    bad.locator("input[name=max_cpc]").fill("30")
    page.locator("#campaign-form button[type=submit]").click()
    expect(page.locator("#campaign-page h1")).to_have_text("春のキャンペーン")
    expect(page.locator("#campaign-page .campaign-summary a", has_text="トピック")).to_have_attribute(
        "href", f"#/p/{shop.topic['id']}"
    )
    expect(page.locator("canvas#report-chart")).to_be_visible()
    expect(page.locator("#report-tz")).to_be_visible()
    no_xss(page)
    shots(page, "campaign-phone")

    stranger = new_member()
    other = new_page(phone=True)
    log_in(other, web_url, stranger.handle, stranger.password)
    other.goto(f"{web_url}/#/dashboard")
    expect(other.locator("#no-companies")).to_contain_text("あなたがスタッフを務める企業はまだありません")
    no_horizontal_overflow(other)
    other.goto(f"{web_url}/#/dashboard/{shop.company['id']}")
    expect(other.locator("#company-page")).to_contain_text("公開されている対応実績だけ")
    expect(other.locator("canvas#metrics-chart")).to_be_visible()
    expect(other.locator("#tab-inbox")).to_have_count(0)
    shot(other, "dashboard-stranger-phone")
