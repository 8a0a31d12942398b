"""The member client in a real browser: Debian's chromium driven by Playwright.

The browser talks to ``local/web.py`` (the built client plus ``/api/*``), which forwards to a
``chalice local`` started here against the session's throw-away stack, as ``make run`` wires
them. Search is fed by the real stream handler through a relay (``indexed()``).
Without /usr/bin/chromium these tests fail (``make install`` installs it); they never skip.
The fixtures (``web_url``, ``browser``, ``new_page``) are in tests/e2e/conftest.py; more member
screens are tested in test_web_member_*.py.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from playwright.sync_api import Page, expect

from tests.conftest import marker
from tests.e2e.conftest import log_in, no_horizontal_overflow, shot

XSS_IMG = "<img src=x onerror=alert(1)>"
XSS_SCRIPT = "<script>alert(2)</script>"


def search_from_nav(page: Page, q: str) -> None:
    page.fill("#nav input[name=q]", q)
    page.press("#nav input[name=q]", "Enter")
    expect(page.locator("#search-page h1")).to_contain_text(q)


def confirm_dialog(page: Page, ok: bool = True) -> None:
    """Answer the client's confirmation <dialog> (every destructive action asks first)."""
    dialog = page.locator("dialog.confirm")
    expect(dialog).to_be_visible()
    if ok:
        dialog.locator("#confirm-ok").click()
    else:
        dialog.locator("button:not(#confirm-ok)").click()
    expect(dialog).to_have_count(0)


def test_invite_link_signup_community_topic_comment_and_search_finds_it_marked(
    new_page: Any, web_url: str, api: Any, new_member: Any, indexed: Any
) -> None:
    word = marker()
    inviter = new_member(display_name="招待する人")
    left = api.call("GET", "/me", token=inviter.token).json_body["invites_left"]
    host = new_page()
    log_in(host, web_url, inviter.handle, inviter.password)
    expect(host.locator("#home-invites")).to_contain_text(str(left))
    host.click("#home-invites a")
    expect(host.locator("#invites-page h1")).to_have_text("友人を招待")
    host.fill("#new-invite input[name=note]", "大学の友人へ")
    host.click("#new-invite button[type=submit]")
    link = host.locator("#invite-url")
    expect(link).to_have_value(re.compile(r"^http://127\.0\.0\.1:\d+/#/signup\?code="))
    code = host.locator("#invite-code").inner_text()
    url = link.input_value()
    assert url.endswith(code)
    assert link.get_attribute("readonly") is not None
    expect(host.locator("#invites-left")).to_contain_text(str(left - 1))  # GET /me again
    host.click("#copy-invite")
    expect(host.locator("#copy-status")).to_be_visible()
    row = host.locator("#issued-invites li.invite", has_text="大学の友人へ")
    expect(row.locator(".invite-status")).to_have_text("未使用")
    shot(host, "invites")

    # The link, opened by the friend: the signup screen with the code filled in.
    handle, password = f"web_{uuid.uuid4().hex[:8]}", f"pw-{uuid.uuid4().hex}"
    page = new_page()
    page.goto(url)
    signup = page.locator("#signup-form")
    expect(signup.locator("input[name=invite_code]")).to_have_value(code)
    signup.locator("input[name=handle]").fill(handle)
    signup.locator("input[name=display_name]").fill("ウェブ花子")
    signup.locator("input[name=email]").fill(f"{handle}@example.com")
    signup.locator("input[name=password]").fill(password)
    signup.locator("button[type=submit]").click()
    expect(page.locator("#home-page h1")).to_have_text("ウェブ花子さん、こんにちは")
    expect(page.locator("#profile")).to_contain_text(f"@{inviter.handle}")  # invited by
    expect(page.locator("#stats")).to_contain_text("会員数")
    expect(page.locator("#my-communities")).to_contain_text("まだどのコミュニティにも参加していません")

    host.reload()
    used = host.locator("#issued-invites li.invite", has_text="大学の友人へ")
    expect(used.locator(".invite-status")).to_have_text("使用済み")
    expect(used).to_contain_text(f"@{handle}")

    new = page.locator("#new-community")
    new.locator("input[name=name]").fill(f"ラーメン研究会 {word}")
    new.locator("select[name=category]").select_option("food")
    new.locator("textarea[name=description]").fill("おいしいラーメンの情報交換をしましょう。")
    new.locator("button[type=submit]").click()
    expect(page.locator("#community-page h1")).to_have_text(f"ラーメン研究会 {word}")
    expect(page.locator("#your-role")).to_have_text("あなた: 管理人")
    expect(page.locator("#community-page")).to_contain_text("グルメ")
    expect(page.locator("#mod-link")).to_be_visible()  # the owner moderates

    # Markup typed by a member is text everywhere (title) and escaped by the server (snippet).
    title = "渋谷のおすすめラーメン <b>太字</b>"
    topic = page.locator("#new-topic")
    topic.locator("input[name=title]").fill(title)
    expect(topic.locator(".counter").first).to_contain_text(f"{len(title)} / 100")
    topic.locator("textarea[name=body]").fill(f"駅前に新しいラーメン屋ができました。{word} <img src=x>")
    topic.locator("button[type=submit]").click()
    expect(page.locator("#post-page h1")).to_have_text(title)
    post_id = page.url.rsplit("/", 1)[1]
    page.fill("#new-comment textarea[name=body]", "今度行ってみます！")
    page.click("#new-comment button[type=submit]")
    expect(page.locator("#comments .comment")).to_have_count(1)
    expect(page.locator("#comments-card h2")).to_contain_text("1")
    page.fill("#new-comment textarea[name=body]", "   ")  # whitespace only: refused at the field
    page.click("#new-comment button[type=submit]")
    expect(page.locator("#new-comment .field-error")).to_be_visible()
    expect(page.locator("#comments .comment")).to_have_count(1)
    assert page.locator("#main b, #main img").count() == 0
    shot(page, "post")

    indexed()
    search_from_nav(page, f"ラーメン {word}")
    expect(page.locator("#result-count")).to_contain_text("件")
    result = page.locator("#results li.result", has_text="渋谷のおすすめラーメン")
    expect(result).to_have_count(1)
    expect(result.locator(".result-title")).to_have_text(title)
    marks = result.locator(".result-snippet mark")
    expect(marks.first).to_be_visible()
    assert any("ラ" in m or "メ" in m or word in m for m in marks.all_inner_texts())
    assert page.locator("#results b, #results img").count() == 0
    page.click("#type-communities")
    expect(page.locator("#results li.result", has_text="ラーメン研究会")).to_have_count(1)
    expect(page.locator("#results li.result-post")).to_have_count(0)
    shot(page, "search")

    # Logged out, a shared link to the post: log in first, then land on the post.
    page.click("#nav >> text=ログアウト")
    expect(page.locator("#login-page")).to_be_visible()
    page.goto(f"{web_url}/#/p/{post_id}")
    expect(page.locator("#login-page")).to_be_visible()
    expect(page.locator("#login-page")).to_contain_text("続けるにはログインしてください")
    page.fill("#login-form input[name=handle]", handle)
    page.fill("#login-form input[name=password]", "not-the-password")
    page.click("#login-form button[type=submit]")
    expect(page.locator("#login-form .msg-error")).to_have_text("ユーザー名またはパスワードが違います。")
    page.fill("#login-form input[name=password]", password)
    page.click("#login-form button[type=submit]")
    expect(page.locator("#post-page h1")).to_have_text(title)

    # A new tab of the same browser is logged in too.
    tab = page.context.new_page()
    tab.goto(f"{web_url}/#/communities?tab=mine")
    expect(tab.locator("#communities-page #communities")).to_contain_text(f"ラーメン研究会 {word}")
    expect(tab.locator("#tab-mine")).to_have_attribute("aria-current", "page")
    tab.close()

    # The same invite again: refused, in Japanese, at the form.
    page.click("#nav >> text=ログアウト")
    expect(page.locator("#login-page")).to_be_visible()  # logged out (else it lands on #/login later)
    page.goto(url)
    signup = page.locator("#signup-form")
    signup.locator("input[name=handle]").fill(f"web_{uuid.uuid4().hex[:8]}")
    signup.locator("input[name=display_name]").fill("二回目")
    signup.locator("input[name=email]").fill("again@example.com")
    signup.locator("input[name=password]").fill(password)
    signup.locator("button[type=submit]").click()
    expect(signup.locator(".msg-error, .field-error").first).to_contain_text("招待コード")


def test_sponsored_block_is_labelled_and_its_click_leads_to_the_official_community(
    new_page: Any, web_url: str, api: Any, admin: Any, new_member: Any, indexed: Any
) -> None:
    word = marker()
    owner, customer = new_member(display_name="キズナ担当"), new_member(display_name="お客さま")
    company = api.call(
        "POST", "/companies", {"name": "株式会社ウェブテスト", "website": "https://web.example.jp"}, token=admin.token
    ).json_body
    api.call("PUT", f"/companies/{company['id']}/staff/{owner.handle}", {"role": "owner"}, token=admin.token)
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
    sponsored = page.locator("#sponsored")
    expect(sponsored.locator("#sponsored-label")).to_contain_text("広告")
    ad = sponsored.locator(".ad")
    expect(ad).to_have_count(1)
    expect(ad.locator(".ad-label")).to_have_text("広告")
    expect(ad).to_contain_text("提供: 株式会社ウェブテスト")
    # The ads come before the organic results.
    assert page.evaluate(
        "document.querySelector('#sponsored').compareDocumentPosition(document.querySelector('#results'))"
        " & Node.DOCUMENT_POSITION_FOLLOWING"
    )
    result = page.locator("#results li.result", has_text="ログインできません")
    expect(result.locator(".badge.official")).to_have_text("公式")
    expect(result.locator(".company-name")).to_have_text("株式会社ウェブテスト")
    shot(page, "sponsored")
    ad.locator(".ad-headline").click()
    expect(page.locator("#community-page h1")).to_have_text(f"ウェブテスト公式 {word}")
    expect(page.locator("#community-head .badge.official")).to_have_text("公式")
    record = page.locator("#company-record")
    expect(record.locator("#company-name")).to_have_text("株式会社ウェブテスト")
    expect(record.locator("#company-website")).to_have_attribute("href", "https://web.example.jp/")
    expect(record.locator("#company-metrics")).to_contain_text("回答待ち")
    expect(page.locator("#mod-link")).to_have_count(0)  # a customer does not moderate
    shot(page, "official-community")

    # The company answers in public; the customer accepts the answer.
    answer = api.call(
        "POST", f"/posts/{inquiry['id']}/comments", {"body": "パスワード再設定をお試しください。"}, token=owner.token
    )
    assert answer.status_code == 201, answer.body
    page.goto(f"{web_url}/#/p/{inquiry['id']}")
    official = page.locator("#comments .comment.official")
    expect(official.locator(".badge.official")).to_have_text("公式")
    expect(page.locator("#post .badge.status-answered")).to_have_text("回答あり")
    official.locator("button.resolve").click()
    confirm_dialog(page)
    expect(page.locator("#post .badge.status-resolved")).to_have_text("解決済み")
    expect(official.locator(".best")).to_have_text("ベストアンサー")
    expect(page.locator("button.resolve")).to_have_count(0)
    shot(page, "official-answer")


def test_markup_in_every_text_field_is_shown_as_text(
    new_page: Any, web_url: str, api: Any, new_member: Any, indexed: Any
) -> None:
    word = marker()
    evil = f"{XSS_IMG}{XSS_SCRIPT}"
    writer, reader = new_member(), new_member()
    assert (
        api.call(
            "PATCH", "/me", {"display_name": f"悪 {XSS_IMG}", "bio": f"自己紹介 {evil}"}, token=writer.token
        ).status_code
        == 200
    )
    community = api.call(
        "POST", "/communities",
        {"name": f"名前 {XSS_IMG}"[:50], "category": "other", "description": f"説明 {evil} {word}"},
        token=writer.token,
    ).json_body  # fmt: skip
    api.call("PUT", f"/communities/{community['id']}/membership", token=reader.token)
    post = api.call(
        "POST",
        f"/communities/{community['id']}/posts",
        {"title": f"題 {XSS_IMG}", "body": f"本文 {evil} {word}"},
        token=writer.token,
    ).json_body
    api.call("POST", f"/posts/{post['id']}/comments", {"body": f"コメント {evil}"}, token=writer.token)
    diary = api.call(
        "POST", "/diary", {"title": f"日記 {XSS_SCRIPT}", "body": f"日記本文 {evil}"}, token=writer.token
    ).json_body
    api.call("POST", "/invites", {"note": f"メモ {evil}"}, token=writer.token)
    api.call("POST", f"/friends/{writer.handle}", token=reader.token)
    indexed()

    alerts: list[str] = []
    page = new_page()
    page.on("dialog", lambda d: (alerts.append(d.message), d.dismiss()))

    def no_markup() -> None:
        assert page.locator("#main img, #main script, #main b").count() == 0

    log_in(page, web_url, writer.handle, writer.password)
    expect(page.locator("#home-page h1")).to_contain_text(XSS_IMG)
    expect(page.locator("#my-communities")).to_contain_text(f"名前 {XSS_IMG}")
    no_markup()
    page.goto(f"{web_url}/#/c/{community['id']}")
    expect(page.locator("#community-page h1")).to_have_text(f"名前 {XSS_IMG}")
    expect(page.locator("#community-head .description")).to_contain_text(f"説明 {evil}")
    expect(page.locator("#topics")).to_contain_text(f"題 {XSS_IMG}")
    no_markup()
    page.goto(f"{web_url}/#/p/{post['id']}")
    expect(page.locator("#post-page h1")).to_have_text(f"題 {XSS_IMG}")
    expect(page.locator("#post .body")).to_contain_text(f"本文 {evil}")
    expect(page.locator("#comments .comment")).to_contain_text(f"コメント {evil}")
    expect(page.locator("#post .member-link")).to_have_text(f"悪 {XSS_IMG}")
    no_markup()
    page.goto(f"{web_url}/#/p/{diary['id']}")
    expect(page.locator("#post-page h1")).to_have_text(f"日記 {XSS_SCRIPT}")
    expect(page.locator("#post .body")).to_contain_text(f"日記本文 {evil}")
    no_markup()
    page.goto(f"{web_url}/#/m/{writer.handle}")
    expect(page.locator("#profile-page h1")).to_contain_text(f"悪 {XSS_IMG}")
    expect(page.locator("#bio")).to_contain_text(f"自己紹介 {evil}")
    no_markup()
    page.goto(f"{web_url}/#/m/{writer.handle}/diary")
    expect(page.locator("#diary")).to_contain_text(f"日記 {XSS_SCRIPT}")
    page.goto(f"{web_url}/#/invites")
    expect(page.locator("#issued-invites")).to_contain_text(f"メモ {evil}")
    no_markup()
    page.goto(f"{web_url}/#/friends?tab=received")
    expect(page.locator("#friends")).to_contain_text(reader.handle)
    page.goto(f"{web_url}/#/settings")
    expect(page.locator("#profile-form textarea[name=bio]")).to_have_value(f"自己紹介 {evil}")
    search_from_nav(page, word)
    expect(page.locator("#results li.result").first).to_be_visible()
    expect(page.locator("#results")).to_contain_text(f"題 {XSS_IMG}")
    no_markup()
    shot(page, "xss-search")

    other = new_page()
    other.on("dialog", lambda d: (alerts.append(d.message), d.dismiss()))
    log_in(other, web_url, reader.handle, reader.password)
    other.goto(f"{web_url}/#/p/{post['id']}")
    expect(other.locator("#comments .comment .member-link").first).to_have_text(f"悪 {XSS_IMG}")
    assert other.locator("#main img, #main script").count() == 0
    assert alerts == []


def test_english_the_switch_is_remembered_and_settings(
    new_page: Any, web_url: str, api: Any, admin: Any, new_member: Any
) -> None:
    member = new_member(display_name="Alice")
    community = api.call(
        "POST", "/communities", {"name": "Tea lovers", "category": "food"}, token=admin.token
    ).json_body
    post = api.call(
        "POST",
        f"/communities/{community['id']}/posts",
        {"title": "Sencha or matcha?", "body": "Which one?"},
        token=admin.token,
    ).json_body
    page = new_page(lang="en")
    page.goto(f"{web_url}/#/p/{post['id']}")
    expect(page.locator("#login-page h1")).to_have_text("Log in")
    page.fill("#login-form input[name=handle]", member.handle)
    page.fill("#login-form input[name=password]", member.password)
    page.click("#login-form button[type=submit]")
    expect(page.locator("#post-page h1")).to_have_text("Sencha or matcha?")
    expect(page.locator("#comments-card h2")).to_have_text("Comments (0)")
    page.click("#post-back")
    expect(page.locator("#community-page #join")).to_have_text("Join this community")
    page.click("#join")
    expect(page.locator("#your-role")).to_have_text("You: Member")
    page.click("#leave")
    expect(page.locator("dialog.confirm")).to_contain_text("Leave “Tea lovers”?")
    confirm_dialog(page, ok=False)
    expect(page.locator("#your-role")).to_have_text("You: Member")  # cancelled: still a member
    topic = page.locator("#new-topic")
    topic.locator("input[name=title]").fill("Where to buy gyokuro")
    topic.locator("textarea[name=body]").fill("Any shop in Tokyo?")
    topic.locator("button[type=submit]").click()
    expect(page.locator("#post-page h1")).to_have_text("Where to buy gyokuro")
    page.fill("#new-comment textarea[name=body]", "I will look it up.")
    page.click("#new-comment button[type=submit]")
    expect(page.locator("#comments .comment")).to_have_count(1)
    expect(page.locator("#comments")).to_contain_text("That is all.")
    shot(page, "en-post")

    page.click("#nav >> text=Diary")
    diary = page.locator("#new-diary")
    diary.locator("input[name=title]").fill("Today")
    diary.locator("textarea[name=body]").fill("Drank tea.")
    diary.locator("select[name=visibility]").select_option("friends")
    diary.locator("button[type=submit]").click()
    expect(page.locator("#post .badge.visibility")).to_have_text("Friends only")

    page.click("#nav >> text=Home")
    expect(page.locator("#home-page h1")).to_have_text("Hello, Alice")
    expect(page.locator("#my-communities")).to_contain_text("Tea lovers")
    expect(page.locator("#stats")).to_contain_text("Members (all time)")
    shot(page, "en-home")

    page.click("#nav >> text=Settings")
    form = page.locator("#profile-form")
    form.locator("input[name=display_name]").fill("Alice B.")
    form.locator("textarea[name=bio]").fill("I like green tea.")
    expect(form.locator(".counter")).to_have_text("17 / 1000 characters")
    form.locator("button[type=submit]").click()
    expect(page.locator("#profile-saved")).to_have_text("Saved.")
    expect(form.locator("input[name=display_name]")).to_have_value("Alice B.")  # typing the bio kept it
    page.goto(f"{web_url}/#/m/{member.handle}")
    expect(page.locator("#profile-page h1")).to_have_text("Alice B.")
    expect(page.locator("#bio")).to_have_text("I like green tea.")
    expect(page.locator("#edit-profile")).to_be_visible()  # one's own profile: no friend button
    page.click("#edit-profile")
    pw = page.locator("#password-form")
    pw.locator("input[name=current_password]").fill("wrong-password-1")
    pw.locator("input[name=new_password]").fill("a-new-password-42")
    pw.locator("button[type=submit]").click()
    expect(pw.locator("#pw-current_password-error")).to_have_text("The current password is wrong.")
    pw.locator("input[name=current_password]").fill(member.password)
    pw.locator("button[type=submit]").click()
    expect(page.locator("#password-changed")).to_be_visible()
    shot(page, "en-settings")

    # The switch: Japanese, and still Japanese after a reload.
    page.click("#lang-switch")
    expect(page.locator("#settings-page h1")).to_have_text("設定")
    page.reload()
    expect(page.locator("#settings-page h1")).to_have_text("設定")
    expect(page.locator("#lang-switch")).to_have_text("English")
    assert page.evaluate("document.documentElement.lang") == "ja"

    page.click("#withdraw")
    expect(page.locator("dialog.confirm")).to_contain_text("本当に退会しますか")
    confirm_dialog(page)
    expect(page.locator("#login-page")).to_be_visible()
    res = api.call("POST", "/auth/login", {"handle": member.handle, "password": "a-new-password-42"})
    assert res.status_code in (401, 403), res.body  # withdrawn: no way back in


def test_main_screens_fit_a_phone_and_a_desktop(
    new_page: Any, web_url: str, api: Any, new_member: Any, indexed: Any
) -> None:
    word = marker()
    me, friend = new_member(display_name="スマホ太郎"), new_member(display_name="友だち")
    api.call("PATCH", "/me", {"bio": "長い自己紹介" * 40}, token=me.token)
    community = api.call(
        "POST", "/communities",
        {"name": "とても長い名前のコミュニティ" + "あ" * 30, "category": "travel", "description": "説明" * 200 + word},
        token=me.token,
    ).json_body  # fmt: skip
    post = api.call(
        "POST", f"/communities/{community['id']}/posts",
        {"title": "長いタイトル" * 15, "body": "https://example.com/" + "x" * 300 + f" {word}"}, token=me.token,
    ).json_body  # fmt: skip
    api.call("POST", f"/posts/{post['id']}/comments", {"body": "とても" * 100}, token=me.token)
    api.call("POST", "/invites", {"note": "メモ" * 50}, token=me.token)
    api.call("POST", f"/friends/{friend.handle}", token=me.token)
    api.call("POST", f"/friends/{me.handle}", token=friend.token)
    api.call(
        "POST", "/diary", {"title": "友だちの日記", "body": "今日は晴れ。", "visibility": "friends"}, token=friend.token
    )
    indexed()

    page = new_page(phone=True)
    log_in(page, web_url, me.handle, me.password)
    expect(page.locator("#diary-feed")).to_contain_text("友だちの日記")
    screens = {
        "home": ("/", "#home-page"),
        "communities": ("/communities", "#communities .community-item"),
        "community": (f"/c/{community['id']}", "#topics .topic"),
        "members": (f"/c/{community['id']}/members", "#members .member-row"),
        "post": (f"/p/{post['id']}", "#comments .comment"),
        "profile": (f"/m/{me.handle}", "#profile-communities .community-item"),
        "diary": (f"/m/{friend.handle}/diary", "#diary .diary-entry"),
        "friends": ("/friends", "#friends .friend"),
        "invites": ("/invites", "#issued-invites .invite"),
        "search": (f"/search?q={word}", "#results li.result"),
        "settings": ("/settings", "#profile-form"),
    }
    for name, (path, ready) in screens.items():
        page.goto(f"{web_url}/#{path}")
        expect(page.locator(ready).first).to_be_visible()
        no_horizontal_overflow(page)
        shot(page, f"phone-{name}")
    page.goto(f"{web_url}/#/p/{post['id']}")
    page.locator("#post #delete-post").click()
    expect(page.locator("dialog.confirm #confirm-ok")).to_be_visible()
    no_horizontal_overflow(page)
    shot(page, "phone-confirm")
    confirm_dialog(page, ok=False)

    desktop = new_page(lang="en")
    log_in(desktop, web_url, me.handle, me.password)
    for name, (path, ready) in screens.items():
        desktop.goto(f"{web_url}/#{path}")
        expect(desktop.locator(ready).first).to_be_visible()
        no_horizontal_overflow(desktop)
        shot(desktop, f"desktop-en-{name}")
