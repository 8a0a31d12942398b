"""Member screens in a real browser: long topics read to the end, editing, deleting and reporting
with the confirmation dialog, and friends (マイミク) requested, accepted, removed.

Setup goes through the API (``api.call``); the admin writes the 120 comments, since admins are
exempt from the per-member rate limits (chalicelib/limits.py) and from the spam check. Fixtures are
in tests/e2e/conftest.py and tests/conftest.py.
"""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page, expect

from tests.e2e.conftest import log_in, shot


def confirm_dialog(page: Page, ok: bool = True) -> None:
    dialog = page.locator("dialog.confirm")
    expect(dialog).to_be_visible()
    dialog.locator("#confirm-ok" if ok else "button:not(#confirm-ok)").click()
    expect(dialog).to_have_count(0)


def test_a_topic_with_120_comments_is_read_to_the_end_and_a_new_comment_shows_last(
    new_page: Any, web_url: str, api: Any, admin: Any, new_member: Any
) -> None:
    community = api.call(
        "POST", "/communities", {"name": "長いスレッド", "category": "hobbies"}, token=admin.token
    ).json_body
    post = api.call(
        "POST",
        f"/communities/{community['id']}/posts",
        {"title": "120コメントの話題", "body": "みんなで書き込もう。"},
        token=admin.token,
    ).json_body
    for i in range(1, 121):
        res = api.call(
            "POST",
            f"/posts/{post['id']}/comments",
            {"body": f"コメント{i:03d}番: 話題その{i * 7 % 13}"},
            token=admin.token,
        )
        assert res.status_code == 201, res.body
    reader = new_member(display_name="読む人")
    api.call("PUT", f"/communities/{community['id']}/membership", token=reader.token)

    page = new_page()
    log_in(page, web_url, reader.handle, reader.password, next_path=f"/p/{post['id']}")
    comments = page.locator("#comments .comment")
    expect(page.locator("#comments-card h2")).to_have_text("コメント（120件）")
    expect(comments).to_have_count(50)
    more = page.locator("#comments button.more")
    more.click()
    expect(comments).to_have_count(100)
    more.click()
    expect(comments).to_have_count(120)
    expect(more).to_have_count(0)
    expect(page.locator("#comments .end")).to_have_text("これで全部です。")
    expect(comments.last).to_contain_text("コメント120番")
    expect(comments.last.locator(".num")).to_have_text("120.")
    shot(page, "comments-end")

    # A fresh page holds the first 50 only: posting reads the rest, and the new one comes last.
    page.reload()
    expect(comments).to_have_count(50)
    page.fill("#new-comment textarea[name=body]", "121番目のコメントです")
    page.click("#new-comment button[type=submit]")
    expect(comments).to_have_count(121)
    expect(comments.last).to_contain_text("121番目のコメントです")
    expect(comments.last.locator(".num")).to_have_text("121.")
    expect(comments.last).to_be_in_viewport()
    expect(comments.nth(119)).to_contain_text("コメント120番")
    expect(page.locator("#comments-card h2")).to_have_text("コメント（121件）")
    expect(page.locator("#new-comment textarea[name=body]")).to_have_value("")


def test_edit_delete_and_report_ask_first(new_page: Any, web_url: str, api: Any, admin: Any, new_member: Any) -> None:
    author, other = new_member(display_name="書いた人"), new_member(display_name="ほかの人")
    community = api.call(
        "POST", "/communities", {"name": "編集と通報", "category": "other"}, token=author.token
    ).json_body
    api.call("PUT", f"/communities/{community['id']}/membership", token=other.token)
    post = api.call(
        "POST",
        f"/communities/{community['id']}/posts",
        {"title": "最初のタイトル", "body": "最初の本文"},
        token=author.token,
    ).json_body
    theirs = api.call(
        "POST", f"/posts/{post['id']}/comments", {"body": "ほかの人のコメント"}, token=other.token
    ).json_body
    api.call("POST", f"/posts/{post['id']}/comments", {"body": "消す予定のコメント"}, token=author.token)
    api.call("POST", f"/posts/{post['id']}/comments", {"body": "直す予定のコメント"}, token=author.token)

    page = new_page()
    log_in(page, web_url, author.handle, author.password, next_path=f"/p/{post['id']}")
    expect(page.locator("#post-page h1")).to_have_text("最初のタイトル")
    page.click("#edit-post-button")
    edit = page.locator("#edit-post")
    edit.locator("input[name=title]").fill("直したタイトル")
    edit.locator("textarea[name=body]").fill("直した本文")
    edit.locator("button[type=submit]").click()
    expect(page.locator("#post-page h1")).to_have_text("直したタイトル")
    expect(page.locator("#post .body")).to_have_text("直した本文")
    expect(page.locator("#post .meta")).to_contain_text("編集済み")

    comments = page.locator("#comments .comment")
    fix = comments.nth(2)  # in edit mode its text is in a textarea: not has_text
    expect(fix).to_contain_text("直す予定のコメント")
    fix.locator(".edit-comment-button").click()
    fix.locator("textarea[name=body]").fill("   ")
    fix.locator("button[type=submit]").click()
    expect(fix.locator(".field-error")).to_be_visible()  # blank: refused at the field
    fix.locator("textarea[name=body]").fill("直したコメント")
    fix.locator("button[type=submit]").click()
    expect(comments.nth(2).locator(".body")).to_have_text("直したコメント")

    doomed = comments.filter(has_text="消す予定のコメント")
    doomed.locator(".delete-comment").click()
    expect(page.locator("dialog.confirm")).to_contain_text("このコメントを削除しますか")
    shot(page, "confirm-delete")
    confirm_dialog(page, ok=False)
    expect(comments).to_have_count(3)  # cancelled: still there
    doomed.locator(".delete-comment").click()
    confirm_dialog(page)
    expect(comments).to_have_count(2)
    expect(page.locator("#comments-card h2")).to_have_text("コメント（2件）")

    # Someone else's comment: no edit or delete, a report (a reason, then the dialog).
    foreign = comments.filter(has_text="ほかの人のコメント")
    expect(foreign.locator(".edit-comment-button, .delete-comment")).to_have_count(0)
    foreign.locator(".report-button").click()
    foreign.locator(".report-form button[type=submit]").click()
    expect(foreign.locator(".field-error")).to_have_text("空白だけでは投稿できません。")
    foreign.locator("textarea[name=reason]").fill("関係のない宣伝です")
    foreign.locator(".report-form button[type=submit]").click()
    expect(page.locator("dialog.confirm")).to_contain_text("この内容で通報しますか")
    confirm_dialog(page)
    expect(foreign.locator(".report-done")).to_have_text("通報しました。モデレーターが確認します。")
    shot(page, "reported")

    # The other member reports the post and its author; they cannot edit it.
    them = new_page()
    log_in(them, web_url, other.handle, other.password, next_path=f"/p/{post['id']}")
    expect(them.locator("#post-page h1")).to_have_text("直したタイトル")
    expect(them.locator("#edit-post-button, #delete-post")).to_have_count(0)
    them.locator("#post .report-button").click()
    them.fill("#post textarea[name=reason]", "タイトルが誤解を招きます")
    them.locator("#post .report-form button[type=submit]").click()
    confirm_dialog(them, ok=False)  # not sent
    expect(them.locator("#post .report-done")).to_have_count(0)
    them.locator("#post .report-form button[type=submit]").click()
    confirm_dialog(them)
    expect(them.locator("#post .report-done")).to_be_visible()
    them.click("#post .member-link")
    expect(them.locator("#profile-page h1")).to_have_text("書いた人さん")
    them.locator("#profile-card .report-button").click()
    them.fill("#profile-card textarea[name=reason]", "なりすましの疑い")
    them.locator("#profile-card .report-form button[type=submit]").click()
    confirm_dialog(them)
    expect(them.locator("#profile-card .report-done")).to_be_visible()

    reports = api.call("GET", f"/admin/reports?status=open&limit=100&community_id={community['id']}", token=admin.token)
    assert reports.status_code == 200, reports.body
    got = {(r["target_type"], r["target_id"], r["reason"]) for r in reports.json_body["items"]}
    assert ("comment", f"{post['id']}/{theirs['id']}", "関係のない宣伝です") in got
    assert ("post", post["id"], "タイトルが誤解を招きます") in got
    everything = api.call("GET", "/admin/reports?status=open&limit=100", token=admin.token).json_body["items"]
    assert any(r["target_type"] == "member" and r["target_id"] == author.handle for r in everything)

    # The author deletes the post (asked first) and lands on the community, the topic gone.
    page.click("#delete-post")
    expect(page.locator("dialog.confirm")).to_contain_text("この投稿を削除しますか")
    confirm_dialog(page)
    expect(page.locator("#community-page h1")).to_have_text("編集と通報")
    expect(page.locator("#topics")).to_contain_text("トピックはまだありません。")
    assert api.call("GET", f"/posts/{post['id']}", token=other.token).status_code == 404


def test_friend_request_accept_decline_and_remove(
    new_page: Any, web_url: str, api: Any, new_member: Any, indexed: Any
) -> None:
    alice, bob = new_member(display_name="アリス"), new_member(display_name="ボブ")
    a = new_page()
    log_in(a, web_url, alice.handle, alice.password, next_path=f"/m/{bob.handle}")
    expect(a.locator("#profile-page h1")).to_have_text("ボブさん")
    a.click("#friend-request")
    expect(a.locator("#friend-state")).to_have_text("申請中")
    expect(a.locator("#friend-cancel")).to_be_visible()

    b = new_page()
    log_in(b, web_url, bob.handle, bob.password, next_path=f"/m/{alice.handle}")
    expect(b.locator("#friend-state")).to_have_text("マイミク申請が届いています")
    expect(b.locator("#friend-decline")).to_be_visible()
    b.goto(f"{web_url}/#/friends?tab=received")
    row = b.locator("#friends .friend", has_text="アリス")
    expect(b.locator("#tab-received")).to_have_attribute("aria-current", "page")
    shot(b, "friends-received")
    row.locator("button.approve").click()
    expect(b.locator("#friends-note")).to_have_text("アリスさんとマイミクになりました。")
    expect(b.locator("#friends")).to_contain_text("届いている申請はありません。")
    b.click("#tab-friends")
    expect(b.locator("#friends .friend", has_text="アリス")).to_have_count(1)

    api.call(
        "POST",
        "/diary",
        {"title": "マイミク限定の日記", "body": "内緒の話。", "visibility": "friends"},
        token=bob.token,
    )
    indexed()
    a.goto(f"{web_url}/#/")
    entry = a.locator("#diary-feed .feed-item", has_text="マイミク限定の日記")
    expect(entry).to_have_count(1)
    expect(entry).to_contain_text("友人まで公開")
    a.goto(f"{web_url}/#/m/{bob.handle}")
    expect(a.locator("#friend-state")).to_have_text("マイミク")
    shot(a, "profile-friends")

    # Remove from the friends list (asked first); the profile offers マイミク申請 again.
    a.goto(f"{web_url}/#/friends")
    a.locator("#friends .friend", has_text="ボブ").locator("button.remove").click()
    expect(a.locator("dialog.confirm")).to_contain_text("ボブさんとのマイミクをやめますか")
    confirm_dialog(a)
    expect(a.locator("#friends-note")).to_have_text("マイミクをやめました。")
    expect(a.locator("#friends .friend", has_text="ボブ")).to_have_count(0)  # the inviter stays a friend
    a.goto(f"{web_url}/#/m/{bob.handle}")
    expect(a.locator("#friend-request")).to_be_visible()

    # A request cancelled from the profile, and one declined from the list.
    a.click("#friend-request")
    a.click("#friend-cancel")
    confirm_dialog(a)
    expect(a.locator("#friend-request")).to_be_visible()
    b.goto(f"{web_url}/#/m/{alice.handle}")
    b.click("#friend-request")
    expect(b.locator("#friend-state")).to_have_text("申請中")
    a.goto(f"{web_url}/#/friends?tab=received")
    a.locator("#friends .friend", has_text="ボブ").locator("button.decline").click()
    confirm_dialog(a)
    expect(a.locator("#friends-note")).to_have_text("申請を拒否しました。")
    links = api.call("GET", "/friends?limit=100", token=alice.token).json_body["items"]
    assert bob.handle not in {f["handle"] for f in links}
    b.goto(f"{web_url}/#/friends?tab=sent")
    expect(b.locator("#friends")).to_contain_text("送った申請はありません。")
