"""Notifications in the web client (#/notifications), in Debian's chromium against the real stack.

Writes go through the API; ``indexed()`` drains the DynamoDB stream through the real stream handler,
which feeds the notifier. The member then sees the header badge (``#unread-count``), the list
(newest first, paged to its end, unread ones marked), a sentence per kind in their language with
member text shown as text, and opening one leads to its target and clears it from the badge.
"""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import Page, expect

from tests.api.content_helpers import create_community, join, make_advertiser, post_topic
from tests.e2e.conftest import log_in, no_horizontal_overflow, shot

XSS_TITLE = '<img src=x onerror="window.__xss=1">ラーメン <b>太字</b>'


def ok(res: Any) -> Any:
    assert res.status_code in (200, 201), res.body
    return res.json_body


def open_notifications(page: Page) -> None:
    page.click("#nav-notifications")
    expect(page.locator("#notifications-page h1")).to_be_visible()


def test_a_comment_and_a_friend_request_show_in_the_badge_and_the_list_and_opening_one_reads_it(
    new_page: Any, web_url: str, api: Any, new_member: Any, indexed: Any
) -> None:
    author = new_member(display_name="投稿する人")
    hanako = new_member(display_name="花子")
    taro = new_member(display_name="太郎")
    community = create_community(api, author, name="ラーメン部")
    join(api, hanako, community["id"])
    topic = ok(
        api.call(
            "POST",
            f"/communities/{community['id']}/posts",
            {"title": XSS_TITLE, "body": "駅前の新しい店"},
            token=author.token,
        )
    )
    ok(api.call("POST", f"/posts/{topic['id']}/comments", {"body": "行ってみます！"}, token=hanako.token))
    indexed()
    assert ok(api.call("GET", "/notifications/unread", token=author.token)) == {"count": 1}

    page = new_page()
    log_in(page, web_url, author.handle, author.password)
    expect(page.locator("#unread-count")).to_have_text("1")
    ok(api.call("POST", f"/friends/{author.handle}", token=taro.token))  # later: newest first
    indexed()

    open_notifications(page)
    expect(page).to_have_title(re.compile("^お知らせ"))
    items = page.locator("#notification-list li.notification")
    expect(items).to_have_count(2)
    request, comment = items.nth(0), items.nth(1)
    expect(request).to_have_class(re.compile(r"\bunread\b"))
    expect(request).to_contain_text("太郎 さんからマイミク申請が届きました")
    expect(request.locator("a")).to_have_attribute("href", "#/friends?tab=received")
    expect(comment).to_have_class(re.compile(r"\bunread\b"))
    expect(comment.locator(".sentence")).to_have_text(f"花子 さんがあなたの投稿「{XSS_TITLE}」にコメントしました")
    assert comment.locator("img, b").count() == 0  # the title is text
    expect(comment.locator("time")).not_to_be_empty()
    expect(page.locator("#notification-list .end")).to_have_text("これで全部です。")
    expect(page.locator("#unread-count")).to_have_text("2")
    shot(page, "notifications")

    # Opening the comment's notification leads to the post and clears it from the badge.
    comment.locator("a").click()
    expect(page).to_have_url(f"{web_url}/#/p/{topic['id']}")
    expect(page.locator("#unread-count")).to_have_text("1")
    assert page.evaluate("window.__xss") is None

    # Paged to its end, one a page; the opened one is no longer unread.
    page.goto(f"{web_url}/#/notifications?limit=1")
    expect(items).to_have_count(1)
    page.click("#notification-list button.more")
    expect(items).to_have_count(2)
    page.click("#notification-list button.more")  # a last, empty page: the API cannot know sooner
    expect(page.locator("#notification-list .end")).to_be_visible()
    expect(items).to_have_count(2)
    expect(items.nth(1)).not_to_have_class(re.compile(r"\bunread\b"))
    expect(items.nth(0)).to_have_class(re.compile(r"\bunread\b"))

    # Mark all read: nothing unread, the badge gone.
    page.click("#mark-all-read")
    expect(page.locator("#notifications-page .msg-ok")).to_have_text("すべて既読にしました。")
    expect(page.locator("#notification-list li.notification.unread")).to_have_count(0)
    expect(page.locator("#unread-count")).to_have_count(0)
    expect(page.locator("#mark-all-read")).to_be_disabled()
    shot(page, "notifications-read")
    assert ok(api.call("GET", "/notifications/unread", token=author.token)) == {"count": 0}


def test_an_official_answer_tells_the_asker_and_an_inquiry_the_staff_in_english_on_a_phone(
    new_page: Any, web_url: str, api: Any, admin: Any, new_member: Any, indexed: Any
) -> None:
    shop = make_advertiser(api, admin, new_member)
    customer = new_member(display_name="Kumiko")
    join(api, customer, shop.community["id"])
    inquiry = post_topic(api, customer, shop.community["id"], title="保証について <i>教えて</i>")
    indexed()
    answer = ok(
        api.call("POST", f"/posts/{inquiry['id']}/comments", {"body": "保証は一年です。"}, token=shop.agent.token)
    )
    assert answer["official"] is True
    indexed()

    page = new_page(lang="en", phone=True)
    log_in(page, web_url, customer.handle, customer.password)
    expect(page.locator("#unread-count")).to_have_text("1")
    open_notifications(page)
    expect(page.locator("#notifications-page h1")).to_have_text("Notifications")
    item = page.locator("#notification-list li.notification.unread")
    expect(item).to_have_count(1)
    # From the company, by name, with the staff member who wrote it.
    sentence = item.locator(".sentence")
    expect(sentence.locator(".company")).to_have_text(shop.company["name"])
    expect(sentence).to_contain_text("gave an official answer to your inquiry “保証について <i>教えて</i>”")
    assert item.locator("i").count() == 0
    expect(page.locator("#unread-summary")).to_have_text("1 unread")
    no_horizontal_overflow(page)
    shot(page, "notifications-en-phone")
    item.locator("a").click()
    expect(page).to_have_url(f"{web_url}/#/p/{inquiry['id']}")
    expect(page.locator("#unread-count")).to_have_count(0)

    # The company's staff were told of the new inquiry; it leads to the dashboard's inbox.
    staff = new_page(lang="en", phone=True)
    log_in(staff, web_url, shop.owner.handle, shop.owner.password)
    open_notifications(staff)
    new = staff.locator("#notification-list li.notification.kind-new_inquiry")
    expect(new).to_have_count(1)
    expect(new).to_contain_text(f"Kumiko sent {shop.company['name']} a new inquiry “保証について <i>教えて</i>”")
    expect(new.locator("a")).to_have_attribute("href", f"#/dashboard/{shop.company['id']}?tab=inbox")
    no_horizontal_overflow(staff)
    shot(staff, "notifications-staff-en-phone")
