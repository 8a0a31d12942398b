"""Moderation in the web client (issue 9), in Debian's chromium: held spam, the review queue, reports, bans.

A held post or comment is marked 確認待ち for its author and shown to nobody else; the community's
owner opens the queue from the community page, sees the signals and approves (or rejects); then
the other members see it. Members report with a confirmation; moderators resolve. An admin looks
a member up, bans them with a reason (a blank one is refused at its field), sees the standing,
the invite tree and the audit entry, then lifts the ban. Fixtures: tests/e2e/conftest.py.
"""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page, expect

from tests.conftest import marker
from tests.e2e.conftest import SCREENSHOTS, log_in

#: Keyword stuffing and three outside links (a shortener, suspicious TLDs) from a day-old account: held.
SPAM_TITLE = "激安ブランド スーパーコピー 財布"
SPAM_BODY = "最安値はこちら http://brand-copy.xyz http://bit.ly/3abcd http://cheap-shop.top"
#: Generic praise, a bookmark line and self-promotion under anything: held.
SPAM_COMMENT = "Great post! I will bookmark your site and share it with my friends. Visit my blog too!"


#: A common phone's CSS viewport.
PHONE = {"width": 390, "height": 844}


def call(api: Any, method: str, path: str, member: Any, body: Any = None) -> Any:
    res = api.call(method, path, body, token=member.token)
    assert res.status_code in (200, 201), (path, res.body)
    return res.json_body


def shot(page: Page, name: str) -> None:
    """A screenshot as the page is, and one on a phone-sized screen, where nothing may stick out sideways."""
    page.screenshot(path=str(SCREENSHOTS / f"kizuna-mod-{name}.png"), full_page=True)
    size = page.viewport_size
    page.set_viewport_size(PHONE)
    try:
        page.screenshot(path=str(SCREENSHOTS / f"kizuna-mod-{name}-phone.png"), full_page=True)
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{name}: the page is {overflow}px wider than a phone's screen"
    finally:
        if size is not None:
            page.set_viewport_size(size)


def test_held_spam_is_shown_to_its_author_only_until_the_owner_approves_it_and_reports_are_resolved(
    new_page: Any, web_url: str, api: Any, new_member: Any
) -> None:
    word = marker()
    owner = new_member(display_name="管理人さん")
    spammer = new_member(display_name="お得情報")
    reader = new_member(display_name="読む人")
    community = call(
        api, "POST", "/communities", owner, {"name": f"財布の話 {word}", "category": "hobbies", "description": "革小物"}
    )
    for m in (spammer, reader):
        call(api, "PUT", f"/communities/{community['id']}/membership", m)
    question = call(
        api,
        "POST",
        f"/communities/{community['id']}/posts",
        reader,
        {"title": "長財布と二つ折り、どちらが好き？", "body": "使いやすさで迷っています。"},
    )

    # The spammer posts from the browser: the topic is marked 確認待ち with the explanation.
    author = new_page()
    log_in(author, web_url, spammer.handle, spammer.password)
    author.goto(f"{web_url}/#/c/{community['id']}")
    author.fill("#new-topic input[name=title]", SPAM_TITLE)
    author.fill("#new-topic textarea[name=body]", SPAM_BODY)
    author.click("#new-topic button[type=submit]")
    expect(author.locator("#post-page h2")).to_contain_text(SPAM_TITLE)
    expect(author.locator("#post-page h2 .badge.held")).to_have_text("確認待ち")
    expect(author.locator("#post-page .post .held-notice")).to_contain_text("モデレーターが確認")
    assert author.locator("#post-page .post .report-open").count() == 0  # no reporting one's own post
    spam_post_id = author.url.rsplit("/", 1)[-1]
    shot(author, "held-author")
    # ... and a spam comment under the reader's question, held too.
    author.goto(f"{web_url}/#/p/{question['id']}")
    author.fill("#new-comment textarea[name=body]", SPAM_COMMENT)
    author.click("#new-comment button[type=submit]")
    held_comment = author.locator("#comments .comment.held")
    expect(held_comment).to_have_count(1)
    expect(held_comment.locator(".held-notice")).to_contain_text("このコメントは")
    author.goto(f"{web_url}/#/c/{community['id']}")
    expect(author.locator("#topics li", has_text=SPAM_TITLE).locator(".badge.held")).to_have_count(1)

    # Another member sees neither.
    other = new_page()
    log_in(other, web_url, reader.handle, reader.password)
    other.goto(f"{web_url}/#/c/{community['id']}")
    expect(other.locator("#topics")).to_contain_text("長財布と二つ折り")
    expect(other.locator("#topics")).not_to_contain_text(SPAM_TITLE)
    other.goto(f"{web_url}/#/p/{question['id']}")
    expect(other.locator("#comments h3")).to_have_text("コメント（0）")
    other.goto(f"{web_url}/#/p/{spam_post_id}")
    expect(other.locator("#view .msg-error")).to_be_visible()

    # The owner opens the queue from the community page: both items, with their signals and weights.
    mod = new_page()
    log_in(mod, web_url, owner.handle, owner.password)
    mod.goto(f"{web_url}/#/c/{community['id']}")
    mod.click("text=モデレーション（確認待ち・通報）")
    expect(mod.locator("#mod-page .tabs a.active")).to_have_text("保留")
    assert mod.locator("#mod-page .tabs a", has_text="メンバー").count() == 0  # admins only
    held_post = mod.locator("#held-list li.held-item", has_text=SPAM_TITLE)
    expect(held_post).to_have_count(1)
    expect(held_post.locator(".signals-table")).to_contain_text("短縮URL")
    expect(held_post.locator(".signals-table")).to_contain_text("link_shortener")
    expect(held_post.locator(".score")).to_contain_text("保留のしきい値")
    spam_comment = mod.locator("#held-list li.held-item", has_text="Great post!")
    expect(spam_comment).to_have_count(1)
    expect(spam_comment.locator("h4")).to_contain_text("へのコメント")
    held_post.locator("button", has_text="承認する").click()
    expect(held_post.locator(".confirm")).to_contain_text("承認して公開しますか")
    shot(mod, "queue")
    held_post.locator(".confirm-yes").click()
    expect(held_post.locator(".msg-ok")).to_contain_text("承認しました")
    expect(held_post.locator(".held-status")).to_have_text("承認済み")
    spam_comment.locator("button", has_text="却下する").click()
    spam_comment.locator(".confirm-no").click()  # changed their mind: nothing happens
    expect(spam_comment.locator(".held-status")).to_have_text("確認待ち")
    spam_comment.locator("button", has_text="却下する").click()
    spam_comment.locator(".confirm-yes").click()
    expect(spam_comment.locator(".held-status")).to_have_text("却下済み")
    shot(mod, "queue-reviewed")

    # Now the other member sees the approved topic (unmarked), never the rejected comment.
    other.goto(f"{web_url}/#/c/{community['id']}")
    expect(other.locator("#topics")).to_contain_text(SPAM_TITLE)
    other.goto(f"{web_url}/#/p/{spam_post_id}")
    expect(other.locator("#post-page h2")).to_have_text(SPAM_TITLE)
    assert other.locator(".held-notice").count() == 0
    # ... and reports it: a blank reason is refused at its field, in Japanese; then confirmed and sent.
    other.locator(".post .report-open").click()
    report = other.locator(".post .report-form")
    report.locator("textarea[name=reason]").fill("   ")
    report.locator("button[type=submit]").click()
    report.locator(".confirm-yes").click()
    expect(report.locator(".field-error")).to_have_text("入力してください。")
    shot(other, "report-field-error")
    report.locator("textarea[name=reason]").fill("ブランド品のコピーの宣伝です")
    report.locator("button[type=submit]").click()
    expect(report.locator(".confirm")).to_contain_text("通報しますか")
    report.locator(".confirm-yes").click()
    expect(other.locator(".post .report-control .msg-ok")).to_contain_text("通報しました")

    # The owner resolves it from the 通報 tab by removing the content (confirmed); no ban for non-admins.
    mod.click("#mod-page .tabs a[data-tab=reports]")
    item = mod.locator("#report-list li.report-item", has_text="ブランド品のコピーの宣伝です")
    expect(item).to_have_count(1)
    assert item.locator("select[name=action] option[value=ban_member]").count() == 0
    item.locator("select[name=action]").select_option("remove_content")
    item.locator("input[name=note]").fill("コピー品の宣伝")
    item.locator("button[type=submit]").click()
    expect(item.locator(".confirm")).to_contain_text("削除しますか")
    shot(mod, "reports")
    item.locator(".confirm-yes").click()
    expect(item.locator(".resolution")).to_contain_text("内容を削除")
    expect(item.locator(".resolution")).to_contain_text("コピー品の宣伝")
    mod.locator("#report-status").select_option("resolved")
    expect(mod.locator("#report-list li.report-item", has_text="ブランド品のコピーの宣伝です")).to_have_count(1)
    other.goto(f"{web_url}/#/c/{community['id']}")
    expect(other.locator("#topics")).not_to_contain_text(SPAM_TITLE)


def test_admin_bans_a_member_sees_the_standing_tree_and_audit_entry_then_lifts_the_ban(
    new_page: Any, web_url: str, api: Any, admin: Any, new_member: Any
) -> None:
    target = new_member(display_name="問題の会員")
    invitee = new_member(inviter=target, display_name="招待された会員")

    page = new_page()
    log_in(page, web_url, admin.handle, admin.password)
    page.click("#nav-mod")
    page.click("#mod-page .tabs a[data-tab=members]")
    page.fill("#member-lookup input[name=handle]", target.handle)
    page.click("#member-lookup button[type=submit]")
    standing = page.locator("#standing")
    expect(standing.locator("h3")).to_contain_text(f"@{target.handle}")
    expect(standing.locator("h3 .badge")).to_have_text("利用中")
    tree = page.locator("#invite-tree")
    expect(tree.locator("h3")).to_have_text("招待ツリー（2人）")
    expect(tree.locator("ul.tree ul.tree li.tree-node")).to_contain_text(f"@{invitee.handle}")  # nested under the root

    ban = page.locator("#standing .ban-form")
    ban.locator("textarea[name=reason]").fill("  ")  # blank: the API's 400 is shown at the field
    ban.locator("button[type=submit]").click()
    ban.locator(".confirm-yes").click()
    expect(ban.locator(".field-error")).to_have_text("入力してください。")
    ban.locator("textarea[name=reason]").fill("スパムの繰り返し")
    ban.locator("button[type=submit]").click()
    expect(ban.locator(".confirm")).to_contain_text(f"@{target.handle} を利用停止にしますか")
    ban.locator(".confirm-yes").click()
    expect(page.locator("#member-result .flash .msg-ok")).to_contain_text("利用停止にしました（1回目")
    expect(standing.locator("h3 .badge")).to_have_text("利用停止中")
    expect(standing).to_contain_text("スパムの繰り返し")
    expect(standing).to_contain_text("1回")
    expect(tree.locator("li.tree-node").first.locator(".badge").first).to_have_text("利用停止中")
    assert page.locator("#standing .ban-form").count() == 0
    shot(page, "banned")

    page.click("#mod-page .tabs a[data-tab=audit]")
    first = page.locator("#audit-list tr.audit-entry").first
    expect(first).to_contain_text("利用停止")
    expect(first).to_contain_text(f"@{target.handle}")
    expect(first).to_contain_text("スパムの繰り返し")
    expect(first).to_contain_text(f"@{admin.handle}")
    shot(page, "audit")

    page.goto(f"{web_url}/#/mod?tab=members&handle={target.handle}")
    unban = page.locator("#standing .unban-form")
    unban.locator("textarea[name=reason]").fill("異議申し立てを受けて解除")
    unban.locator("button[type=submit]").click()
    expect(page.locator("#member-result .flash .msg-ok")).to_contain_text("利用停止を解除しました")
    expect(page.locator("#standing h3 .badge")).to_have_text("利用中")
    expect(page.locator("#standing")).to_contain_text("1回")  # the ladder remembers

    # The audit log pages to its end: one entry a page, newest first.
    page.goto(f"{web_url}/#/mod?tab=audit&limit=1")
    rows = page.locator("#audit-list tr.audit-entry")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("停止解除")
    page.click("#mod-page .more-button")
    expect(rows).to_have_count(2)
    expect(rows.nth(1)).to_contain_text("利用停止")
    expect(rows.nth(1)).to_contain_text(f"@{target.handle}")
    shot(page, "audit-paged")


def test_company_staff_open_the_queue_of_their_official_community_from_the_page_and_the_dashboard(
    new_page: Any, web_url: str, api: Any, admin: Any, new_member: Any
) -> None:
    word = marker()
    owner, agent, customer = new_member(), new_member(display_name="サポート担当"), new_member()
    company = call(
        api, "POST", "/companies", admin, {"name": f"株式会社サイフ {word}", "website": "https://saifu.example.jp"}
    )
    for member, role in ((owner, "owner"), (agent, "agent")):
        call(api, "PUT", f"/companies/{company['id']}/staff/{member.handle}", admin, {"role": role})
    community = call(
        api,
        "POST",
        "/communities",
        owner,
        {"name": f"サイフ公式 {word}", "category": "business", "company_id": company["id"]},
    )
    call(api, "PUT", f"/communities/{community['id']}/membership", customer)
    spam = call(
        api, "POST", f"/communities/{community['id']}/posts", customer, {"title": SPAM_TITLE, "body": SPAM_BODY}
    )
    assert spam["held"] is True

    # The agent is neither owner nor moderator of the community: staff of its company.
    page = new_page()
    log_in(page, web_url, agent.handle, agent.password)
    page.goto(f"{web_url}/#/c/{community['id']}")
    expect(page.locator("#community-page .mod-link a")).to_have_text("モデレーション（確認待ち・通報）»")
    page.click("text=スタッフ用ダッシュボード")
    link = page.locator("#moderation a", has_text=f"サイフ公式 {word}")
    expect(link).to_have_count(1)
    page.screenshot(path=str(SCREENSHOTS / "kizuna-mod-dashboard.png"), full_page=True)
    link.click()
    expect(page.locator("#mod-scope")).to_contain_text(f"サイフ公式 {word}")
    assert page.locator("#mod-page .tabs a").all_inner_texts() == ["保留"]  # reports: the community's moderators
    expect(page.locator("#held-list li.held-item", has_text=SPAM_TITLE)).to_have_count(1)

    # A member who is not staff gets no link, and the queue says why in Japanese.
    stranger = new_page()
    log_in(stranger, web_url, customer.handle, customer.password)
    stranger.goto(f"{web_url}/#/c/{community['id']}")
    expect(stranger.locator("#community-page h2")).to_contain_text("サイフ公式")
    assert stranger.locator("#community-page .mod-link a").count() == 0
    stranger.goto(f"{web_url}/#/mod?community_id={community['id']}")
    expect(stranger.locator("#mod-page .msg-error")).to_contain_text("モデレーター")
