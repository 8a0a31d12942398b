"""Moderation in the web client (#/mod), in Debian's chromium: the review queue, reports, bans, the audit log.

A community's owner opens its queue, sees each held item's score, threshold and signals, and
approves or rejects (both confirmed); resolves a report by removing the content (confirmed; no ban
for non-admins). An admin looks a member up, bans them with a reason (a blank one is refused at the
field), sees the standing, the invite tree and the audit entry, lifts the ban, and pages the audit
log to its end. Company staff see only the held tab of their official community; a stranger is
told why not. Every screen also at 390 px, where nothing may stick out sideways (the audit log's
rows become cards). The content is created through the API; fixtures: tests/e2e/conftest.py.
"""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page, expect

from tests.conftest import marker
from tests.e2e.conftest import PHONE, log_in, no_horizontal_overflow, shot

#: Keyword stuffing and three outside links (a shortener, suspicious TLDs) from a new account: held.
SPAM_TITLE = "激安ブランド スーパーコピー 財布"
SPAM_BODY = "最安値はこちら http://brand-copy.xyz http://bit.ly/3abcd http://cheap-shop.top"
#: Generic praise, a bookmark line and self-promotion under anything: held.
SPAM_COMMENT = "Great post! I will bookmark your site and share it with my friends. Visit my blog too!"
XSS = '<img src=x onerror="window.__xss=1"><b>太字</b>'


def call(api: Any, method: str, path: str, member: Any, body: Any = None) -> Any:
    res = api.call(method, path, body, token=member.token)
    assert res.status_code in (200, 201), (path, res.body)
    return res.json_body


def shots(page: Page, name: str) -> None:
    """A screenshot as the page is, and one at phone width, where nothing may stick out sideways."""
    shot(page, f"mod-{name}")
    size = page.viewport_size
    page.set_viewport_size(PHONE)
    try:
        no_horizontal_overflow(page)
        shot(page, f"mod-{name}-phone")
    finally:
        if size is not None:
            page.set_viewport_size(size)


def confirm_dialog(page: Page, text: str, ok: bool = True) -> None:
    dialog = page.locator("dialog.confirm")
    expect(dialog).to_contain_text(text)
    if ok:
        dialog.locator("#confirm-ok").click()
    else:
        dialog.locator("button:not(#confirm-ok)").click()
    expect(dialog).to_have_count(0)


def test_owner_reviews_the_held_queue_and_resolves_a_report(
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
    spam = call(api, "POST", f"/communities/{community['id']}/posts", spammer, {"title": SPAM_TITLE, "body": SPAM_BODY})
    assert spam["held"] is True
    held_comment = call(api, "POST", f"/posts/{question['id']}/comments", spammer, {"body": SPAM_COMMENT})
    assert held_comment["held"] is True

    page = new_page()
    log_in(page, web_url, owner.handle, owner.password)
    page.goto(f"{web_url}/#/mod?community_id={community['id']}")
    expect(page.locator("#mod-page h1")).to_have_text("モデレーション: 保留")
    expect(page.locator("#mod-scope")).to_contain_text(f"財布の話 {word}")
    assert page.locator("#mod-page .tabs a").all_inner_texts() == ["保留", "通報"]  # メンバー, 監査ログ: admins
    expect(page.locator("#mod-page .tabs a.active")).to_have_text("保留")

    held_post = page.locator("#held-list li.held-item", has_text=SPAM_TITLE)
    expect(held_post).to_have_count(1)
    expect(held_post.locator(".signals-table")).to_contain_text("短縮URL")
    expect(held_post.locator(".signals-table")).to_contain_text("link_shortener")
    expect(held_post.locator(".score")).to_contain_text("保留のしきい値")
    spam_comment = page.locator("#held-list li.held-item", has_text="Great post!")
    expect(spam_comment.locator("h2")).to_contain_text("「長財布と二つ折り、どちらが好き？」へのコメント")
    expect(page.locator("#held-list .end")).to_have_text("これで全部です。")
    shots(page, "queue")

    held_post.locator("button.approve").click()
    expect(page.locator("dialog.confirm")).to_contain_text("このトピックを承認して公開しますか")
    shot(page, "mod-queue-confirm")
    confirm_dialog(page, "承認して公開しますか")
    expect(held_post.locator(".msg-ok")).to_contain_text("承認しました")
    expect(held_post.locator(".held-status")).to_have_text("承認済み")
    spam_comment.locator("button.reject").click()
    confirm_dialog(page, "削除され、元に戻せません", ok=False)  # changed their mind: nothing happens
    expect(spam_comment.locator(".held-status")).to_have_text("確認待ち")
    spam_comment.locator("button.reject").click()
    confirm_dialog(page, "このコメントを却下しますか")
    expect(spam_comment.locator(".held-status")).to_have_text("却下済み")
    assert api.call("GET", f"/posts/{spam['id']}", token=reader.token).status_code == 200  # now public
    shots(page, "queue-reviewed")

    # The reader reports the approved topic (markup in the reason stays text); the owner removes it.
    call(api, "POST", "/reports", reader, {"target_type": "post", "target_id": spam["id"], "reason": f"コピー品 {XSS}"})
    page.click("#mod-page .tabs a[data-tab=reports]")
    expect(page.locator("#mod-page h1")).to_have_text("モデレーション: 通報")
    item = page.locator("#report-list li.report-item", has_text="コピー品")
    expect(item).to_have_count(1)
    expect(item.locator(".reason")).to_contain_text(XSS)
    assert item.locator(".reason img, .reason b").count() == 0
    assert item.locator("select[name=action] option[value=ban_member]").count() == 0  # admins only
    item.locator("select[name=action]").select_option("remove_content")
    item.locator("input[name=note]").fill("コピー品の宣伝")
    item.locator("button[type=submit]").click()
    expect(page.locator("dialog.confirm")).to_contain_text("通報された投稿を削除しますか")
    confirm_dialog(page, "元に戻せません")
    expect(item.locator(".resolution")).to_contain_text("内容を削除")
    expect(item.locator(".resolution")).to_contain_text("コピー品の宣伝")
    assert page.evaluate("window.__xss") is None
    shots(page, "reports")
    page.select_option("#report-status", "resolved")
    expect(page.locator("#report-list li.report-item", has_text="コピー品")).to_have_count(1)
    expect(page).to_have_url(f"{web_url}/#/mod?community_id={community['id']}&tab=reports&status=resolved")
    assert api.call("GET", f"/posts/{spam['id']}", token=reader.token).status_code == 404  # removed


def test_admin_bans_a_member_sees_the_standing_tree_and_audit_then_lifts_the_ban(
    new_page: Any, web_url: str, api: Any, admin: Any, new_member: Any
) -> None:
    target = new_member(display_name="問題の会員")
    invitee = new_member(inviter=target, display_name="招待された会員")

    page = new_page()
    log_in(page, web_url, admin.handle, admin.password)
    page.click("#nav-mod")
    expect(page.locator("#mod-scope")).to_contain_text("すべてのコミュニティと日記")
    page.click("#mod-page .tabs a[data-tab=members]")
    page.fill("#member-lookup input[name=handle]", f"@{target.handle}")
    page.click("#member-lookup button[type=submit]")
    standing = page.locator("#standing")
    expect(standing.locator("h2")).to_contain_text(f"@{target.handle}")
    expect(standing.locator("h2 .badge")).to_have_text("利用中")
    tree = page.locator("#invite-tree")
    expect(tree.locator("h2")).to_have_text("招待ツリー（2人）")
    expect(tree.locator("ul.tree ul.tree li.tree-node")).to_contain_text(f"@{invitee.handle}")  # nested under the root

    ban = page.locator("#standing .ban-form")
    ban.locator("textarea[name=reason]").fill("  ")  # blank: refused at the field, before asking
    ban.locator("button[type=submit]").click()
    expect(ban.locator(".field-error")).to_have_text("入力してください。")
    expect(ban.locator("textarea[name=reason]")).to_have_attribute("aria-invalid", "true")
    assert page.locator("dialog.confirm").count() == 0
    ban.locator("textarea[name=reason]").fill("スパムの繰り返し")
    ban.locator("button[type=submit]").click()
    confirm_dialog(page, f"@{target.handle} を利用停止にしますか")
    expect(page.locator("#member-result .flash .msg-ok")).to_contain_text("利用停止にしました（1回目")
    expect(standing.locator("h2 .badge")).to_have_text("利用停止中")
    expect(standing).to_contain_text("スパムの繰り返し")
    expect(tree.locator("li.tree-node").first.locator(".badge").first).to_have_text("利用停止中")
    expect(page.locator("#standing .ban-form")).to_have_count(0)
    shots(page, "banned")

    page.click("#mod-page .tabs a[data-tab=audit]")
    first = page.locator("#audit-list tr.audit-entry").first
    expect(first).to_contain_text("利用停止")
    expect(first).to_contain_text(f"@{target.handle}")
    expect(first).to_contain_text("スパムの繰り返し")
    expect(first).to_contain_text(f"@{admin.handle}")
    expect(first.locator(".details")).to_contain_text("段階: 1")

    page.goto(f"{web_url}/#/mod?tab=members&handle={target.handle}")
    unban = page.locator("#standing .unban-form")
    unban.locator("textarea[name=reason]").fill("異議申し立てを受けて解除")
    unban.locator("button[type=submit]").click()
    expect(page.locator("#member-result .flash .msg-ok")).to_contain_text("利用停止を解除しました")
    expect(page.locator("#standing h2 .badge")).to_have_text("利用中")
    expect(page.locator("#standing")).to_contain_text("1回")  # the ladder remembers

    # The audit log pages to its end: one entry a page, newest first; on a phone the rows are cards.
    page.goto(f"{web_url}/#/mod?tab=audit&limit=1")
    rows = page.locator("#audit-list tr.audit-entry")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("停止解除")
    page.click("#mod-page .paged button.more")
    expect(rows).to_have_count(2)
    expect(rows.nth(1)).to_contain_text("利用停止")
    expect(rows.nth(1)).to_contain_text(f"@{target.handle}")
    assert page.locator("#mod-page .tabs a.active").get_attribute("href") == "#/mod?tab=audit&limit=1"
    shots(page, "audit")


def test_company_staff_see_only_the_held_queue_of_their_official_community_in_english_on_a_phone(
    new_page: Any, web_url: str, api: Any, admin: Any, new_member: Any
) -> None:
    word = marker()
    owner, agent, customer = new_member(), new_member(display_name="Hana the helper"), new_member()
    company = call(
        api, "POST", "/companies", admin, {"name": f"Saifu Inc {word}", "website": "https://saifu.example.jp"}
    )
    for member, role in ((owner, "owner"), (agent, "agent")):
        call(api, "PUT", f"/companies/{company['id']}/staff/{member.handle}", admin, {"role": role})
    community = call(
        api,
        "POST",
        "/communities",
        owner,
        {"name": f"Saifu official {word}", "category": "business", "company_id": company["id"]},
    )
    call(api, "PUT", f"/communities/{community['id']}/membership", customer)
    spam = call(
        api, "POST", f"/communities/{community['id']}/posts", customer, {"title": SPAM_TITLE, "body": SPAM_BODY}
    )
    assert spam["held"] is True

    # The agent is neither owner nor moderator of the community: staff of its company, held tab only.
    page = new_page(lang="en", phone=True)
    log_in(page, web_url, agent.handle, agent.password)
    page.goto(f"{web_url}/#/mod?community_id={community['id']}&tab=reports")
    expect(page.locator("#mod-scope")).to_contain_text(f"Saifu official {word}")
    expect(page.locator("#mod-scope .badge.official")).to_have_text("Official")
    assert page.locator("#mod-page .tabs a").all_inner_texts() == ["Held"]
    item = page.locator("#held-list li.held-item", has_text=SPAM_TITLE)
    expect(item).to_have_count(1)
    expect(item.locator(".signals-table")).to_contain_text("Link shortener")
    expect(item.locator("button.approve")).to_have_text("Approve")
    no_horizontal_overflow(page)
    shot(page, "mod-staff-en-phone")

    # Without a community a member who is not an admin is told where to start.
    page.goto(f"{web_url}/#/mod")
    expect(page.locator("#mod-page .msg-info")).to_contain_text("Open moderation from the page of a community")

    # A member who is not staff is told why not, in their language.
    stranger = new_page(lang="en", phone=True)
    log_in(stranger, web_url, customer.handle, customer.password)
    stranger.goto(f"{web_url}/#/mod?community_id={community['id']}")
    expect(stranger.locator("#mod-page .msg-error")).to_contain_text("Only moderators can do this.")
    no_horizontal_overflow(stranger)
    shot(stranger, "mod-stranger-en-phone")
