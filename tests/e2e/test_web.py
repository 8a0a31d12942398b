"""The web client in a real browser: Debian's chromium driven by Playwright.

The browser talks to ``local/web.py`` (the static files plus ``/api/*``), which forwards to a
``chalice local`` started here against the session's throw-away stack, as ``make run`` wires
them. Search is fed by the real stream handler through a relay, as in tests/api/test_search.py.
Without /usr/bin/chromium these tests fail (``make install`` installs it); they never skip.
The fixtures (``web_url``, ``browser``, ``new_page``) are in tests/e2e/conftest.py.
"""

from __future__ import annotations

import uuid
from typing import Any

from playwright.sync_api import Page, expect

from tests.conftest import marker
from tests.e2e.conftest import SCREENSHOTS, log_in


def search_from_nav(page: Page, q: str) -> None:
    page.fill("#nav input[name=q]", q)
    page.press("#nav input[name=q]", "Enter")
    expect(page.locator("#search-page h2")).to_contain_text(q)


def test_member_signs_up_creates_a_community_posts_and_finds_the_topic_marked(
    new_page: Any, web_url: str, api: Any, admin: Any, indexed: Any
) -> None:
    word = marker()
    code = api.call("POST", "/invites", {}, token=admin.token).json_body["code"]
    handle, password = f"web_{uuid.uuid4().hex[:8]}", f"pw-{uuid.uuid4().hex}"
    page = new_page()

    page.goto(f"{web_url}/")
    page.click("text=新規登録")
    signup = page.locator("#signup-form")
    signup.locator("input[name=invite_code]").fill(code)
    signup.locator("input[name=handle]").fill(handle)
    signup.locator("input[name=display_name]").fill("ウェブ花子")
    signup.locator("input[name=email]").fill(f"{handle}@example.com")
    signup.locator("input[name=password]").fill(password)
    signup.locator("button[type=submit]").click()
    expect(page.locator("#profile h2")).to_have_text("ウェブ花子さん")
    expect(page.locator("#profile")).to_contain_text(f"@{admin.handle}")  # invited by
    expect(page.locator("#stats")).to_contain_text("会員数")

    page.click("#nav >> text=ログアウト")
    expect(page.locator("#login-form")).to_be_visible()
    page.fill("#login-form input[name=handle]", handle)
    page.fill("#login-form input[name=password]", "not-the-password")
    page.click("#login-form button[type=submit]")
    expect(page.locator("#login-form .msg-error")).to_be_visible()  # the API's error message, shown
    log_in(page, web_url, handle, password)

    new = page.locator("#new-community")
    new.locator("input[name=name]").fill(f"ラーメン研究会 {word}")
    new.locator("select[name=category]").select_option("food")
    new.locator("textarea[name=description]").fill("おいしいラーメンの情報交換をしましょう。")
    new.locator("button[type=submit]").click()
    expect(page.locator("#community-page h2")).to_contain_text("ラーメン研究会")
    expect(page.locator("#community-page")).to_contain_text("あなた: 管理人")

    # Markup typed by a member is text everywhere (title) and escaped by the server (snippet).
    title = "渋谷のおすすめラーメン <b>太字</b>"
    topic = page.locator("#new-topic")
    topic.locator("input[name=title]").fill(title)
    topic.locator("textarea[name=body]").fill(f"駅前に新しいラーメン屋ができました。{word} <img src=x>")
    topic.locator("button[type=submit]").click()
    expect(page.locator("#post-page h2")).to_have_text(title)
    page.fill("#new-comment textarea[name=body]", "今度行ってみます！")
    page.click("#new-comment button[type=submit]")
    expect(page.locator("#comments .comment")).to_have_count(1)

    indexed()
    search_from_nav(page, f"ラーメン {word}")
    result = page.locator("#results li.result", has_text="渋谷のおすすめラーメン")
    expect(result).to_have_count(1)
    expect(result.locator(".result-title")).to_have_text(title)
    marks = result.locator(".snippet mark")
    expect(marks.first).to_be_visible()
    assert any("ラ" in m or "メ" in m or word in m for m in marks.all_inner_texts())
    assert page.locator("#results b, #results img").count() == 0
    page.screenshot(path=str(SCREENSHOTS / "kizuna-e2e-search.png"), full_page=True)

    result.locator(".result-title").click()
    expect(page.locator("#post-page h2")).to_have_text(title)
    page.click("#nav >> text=日記")
    diary = page.locator("#new-diary")
    diary.locator("input[name=title]").fill("今日の日記")
    diary.locator("textarea[name=body]").fill("ラーメンを食べた。")
    diary.locator("select[name=visibility]").select_option("friends")
    diary.locator("button[type=submit]").click()
    expect(page.locator("#post-page")).to_contain_text("友人まで公開")

    page.click("#nav >> text=ログアウト")
    page.click("text=新規登録")  # the same invite again: the API's refusal is shown
    signup = page.locator("#signup-form")
    signup.locator("input[name=invite_code]").fill(code)
    signup.locator("input[name=handle]").fill(f"web_{uuid.uuid4().hex[:8]}")
    signup.locator("input[name=display_name]").fill("二回目")
    signup.locator("input[name=email]").fill("again@example.com")
    signup.locator("input[name=password]").fill(password)
    signup.locator("button[type=submit]").click()
    expect(signup.locator(".msg-error")).to_be_visible()


def test_sponsored_placement_leads_to_the_target_and_staff_answer_from_the_dashboard(
    new_page: Any, web_url: str, api: Any, admin: Any, new_member: Any, indexed: Any
) -> None:
    word = marker()
    owner, customer = new_member(display_name="キズナ担当"), new_member(display_name="お客さま")
    company = api.call(
        "POST", "/companies", {"name": "株式会社ウェブテスト", "website": "https://web.example.jp"}, token=admin.token
    ).json_body
    assert api.call("PUT", f"/companies/{company['id']}/staff/{owner.handle}", {"role": "owner"}, token=admin.token)
    community = api.call(
        "POST",
        "/communities",
        {"name": f"ウェブテスト公式 {word}", "category": "tech", "company_id": company["id"]},
        token=owner.token,
    ).json_body
    campaign = {
        "name": "春のキャンペーン",
        "target": {"type": "community", "id": community["id"]},
        "headline": "公式サポートはこちら",
        "text": "ウェブテストの公式コミュニティで質問できます。",
        "keywords": [{"text": word, "match": "broad", "max_cpc": 30}],
        "daily_budget": 3000,
    }
    res = api.call("POST", f"/companies/{company['id']}/campaigns", campaign, token=owner.token)
    assert res.status_code == 201, res.body
    api.call("PUT", f"/communities/{community['id']}/membership", token=customer.token)
    inquiry = api.call(
        "POST",
        f"/communities/{community['id']}/posts",
        {"title": f"ログインできません {word}", "body": "パスワードを変えたのに入れません。"},
        token=customer.token,
    ).json_body
    indexed()

    page = new_page()
    log_in(page, web_url, customer.handle, customer.password)
    search_from_nav(page, word)
    ad = page.locator("#sponsored .ad")
    expect(ad).to_have_count(1)
    expect(ad.locator(".ad-label")).to_contain_text("Sponsored")
    expect(ad).to_contain_text("提供: 株式会社ウェブテスト")
    expect(page.locator("#results")).to_contain_text("ログインできません")
    page.screenshot(path=str(SCREENSHOTS / "kizuna-e2e-sponsored.png"), full_page=True)
    ad.locator(".ad-headline").click()
    expect(page.locator("#community-page h2")).to_contain_text(f"ウェブテスト公式 {word}")
    expect(page.locator("#community-page h2 .official")).to_have_text("公式")

    staff = new_page()
    log_in(staff, web_url, owner.handle, owner.password)
    staff.goto(f"{web_url}/#/c/{community['id']}")
    staff.click("text=スタッフ用ダッシュボード")
    entry = staff.locator("#inbox li.inquiry", has_text="ログインできません")
    expect(entry).to_have_count(1)
    expect(entry.locator(".waiting")).to_contain_text("待ち時間")
    expect(staff.locator("#metrics")).to_contain_text("回答待ち")
    expect(staff.locator("#campaigns")).to_contain_text("春のキャンペーン")
    expect(staff.locator("button", has_text="株式会社ウェブテスト（オーナー）")).to_have_count(1)  # GET /me/companies
    staff.locator("#campaigns button", has_text="レポート").click()
    expect(staff.locator("#campaigns table.report")).to_contain_text(word)  # the click above is counted
    staff.screenshot(path=str(SCREENSHOTS / "kizuna-e2e-dashboard.png"), full_page=True)
    entry.locator("textarea[name=body]").fill("ご不便をおかけしています。パスワード再設定をお試しください。")
    entry.locator("button[type=submit]").click()
    expect(staff.locator("#inbox")).to_contain_text("回答待ちの問い合わせはありません")

    page.goto(f"{web_url}/#/p/{inquiry['id']}")
    official = page.locator("#comments .comment.official")
    expect(official).to_have_count(1)
    expect(official.locator(".badge.official")).to_have_text("公式")
    expect(page.locator("#post-page h2 .badge")).to_have_text("回答あり")
    page.screenshot(path=str(SCREENSHOTS / "kizuna-e2e-official-answer.png"), full_page=True)
