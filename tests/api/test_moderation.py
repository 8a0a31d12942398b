"""Moderation: members report posts, comments and members; admins and community moderators resolve."""

from __future__ import annotations

from typing import Any

import pytest
from content_helpers import comment, create_community, ids, join, post_topic, write_diary


def report(api: Any, member: Any, target_type: str, target_id: str, reason: str = "スパムの宣伝です") -> Any:
    body = {"target_type": target_type, "target_id": target_id, "reason": reason}
    return api.call("POST", "/reports", body, token=member.token)


def filed(api: Any, member: Any, target_type: str, target_id: str, reason: str = "スパムの宣伝です") -> dict[str, Any]:
    res = report(api, member, target_type, target_id, reason)
    assert res.status_code == 201, res.body
    return dict(res.json_body)


def resolve(api: Any, actor: Any, report_id: str, action: str, note: str | None = None) -> Any:
    body: dict[str, Any] = {"action": action} if note is None else {"action": action, "note": note}
    return api.call("POST", f"/admin/reports/{report_id}/resolve", body, token=actor.token)


def queue(api: Any, actor: Any, **params: str) -> list[dict[str, Any]]:
    """Every report the actor's list shows (following next_cursor), in order."""
    items: list[dict[str, Any]] = []
    query = "&".join(f"{k}={v}" for k, v in {"limit": "100", **params}.items())
    cursor = None
    while True:
        res = api.call("GET", f"/admin/reports?{query}" + (f"&cursor={cursor}" if cursor else ""), token=actor.token)
        assert res.status_code == 200, res.body
        items += res.json_body["items"]
        cursor = res.json_body["next_cursor"]
        if cursor is None:
            return items


@pytest.fixture
def board(api, new_member) -> dict[str, Any]:
    """A community with its owner, a moderator, a troll's topic and a reader."""
    owner, moderator, troll, reader = new_member(), new_member(), new_member(), new_member()
    community = create_community(api, owner, name="ラーメン愛好会")
    for m in (moderator, troll, reader):
        join(api, m, community["id"])
    res = api.call("PUT", f"/communities/{community['id']}/moderators/{moderator.handle}", token=owner.token)
    assert res.status_code == 200, res.body
    topic = post_topic(api, troll, community["id"], title="ブランド品はこちら")
    return {
        "community": community,
        "owner": owner,
        "moderator": moderator,
        "troll": troll,
        "reader": reader,
        "topic": topic,
    }


def test_member_reports_a_post(api, board):
    res = report(api, board["reader"], "post", board["topic"]["id"], "  怪しい通販サイトへの誘導です  ")
    assert res.status_code == 201, res.body
    body = res.json_body
    assert set(body) == {"id", "target_type", "target_id", "reason", "status", "created_at"}
    assert (body["target_type"], body["target_id"], body["status"]) == ("post", board["topic"]["id"], "open")
    assert body["reason"] == "怪しい通販サイトへの誘導です"


def test_second_open_report_of_the_same_target_is_rejected(api, board):
    filed(api, board["reader"], "post", board["topic"]["id"])
    res = report(api, board["reader"], "post", board["topic"]["id"], "もう一度報告します")
    assert res.status_code == 409 and res.json_body["error"]["code"] == "already_reported"
    # another member may still report it
    filed(api, board["owner"], "post", board["topic"]["id"])


def test_reporting_what_you_cannot_read_or_what_does_not_exist_is_404(api, new_member):
    author, stranger = new_member(), new_member()
    diary = write_diary(api, author, "private", title="秘密の日記")
    friends_only = write_diary(api, author, "friends", title="友達だけの日記")
    for target_type, target_id in (
        ("post", diary["id"]),
        ("post", friends_only["id"]),
        ("post", "nonexistent"),
        ("comment", f"{diary['id']}/anything"),
        ("member", "nobody_like_this"),
    ):
        res = report(api, stranger, target_type, target_id)
        assert res.status_code == 404, (target_type, target_id, res.body)
        assert res.json_body["error"]["code"] == "not_found"


def test_reporting_yourself_or_your_own_content_is_400(api, board):
    troll = board["troll"]
    c = comment(api, troll, board["topic"]["id"], "自分のコメント").json_body
    for target_type, target_id in (
        ("post", board["topic"]["id"]),
        ("comment", f"{board['topic']['id']}/{c['id']}"),
        ("member", troll.handle),
    ):
        res = report(api, troll, target_type, target_id)
        assert res.status_code == 400 and res.json_body["error"]["code"] == "cannot_report_self", res.body


def test_bad_report_bodies_are_400_with_field_paths(api, board):
    for body, field in (
        ({"target_type": "post", "target_id": board["topic"]["id"], "reason": ""}, "reason"),
        ({"target_type": "post", "target_id": board["topic"]["id"], "reason": "あ" * 501}, "reason"),
        ({"target_type": "photo", "target_id": "x", "reason": "不適切です"}, "target_type"),
    ):
        res = api.call("POST", "/reports", body, token=board["reader"].token)
        assert res.status_code == 400, res.body
        assert any(d["path"].split(".")[0] == field for d in res.json_body["error"]["details"]), res.body
    res = report(api, board["reader"], "comment", board["topic"]["id"])
    assert res.status_code == 400 and res.json_body["error"]["details"][0]["path"] == "target_id", res.body


def test_admin_lists_open_reports_oldest_first_and_dismisses(api, admin, board):
    first = filed(api, board["reader"], "post", board["topic"]["id"], "宣伝目的の投稿です")
    second = filed(api, board["reader"], "member", board["troll"].handle, "迷惑行為を繰り返しています")
    open_ids = [r["id"] for r in queue(api, admin, status="open")]
    assert open_ids.index(first["id"]) < open_ids.index(second["id"])
    listed = next(r for r in queue(api, admin) if r["id"] == first["id"])
    assert listed["reporter"] == board["reader"].handle and listed["community_id"] == board["community"]["id"]

    res = resolve(api, admin, first["id"], "dismiss", "問題のない投稿です")
    assert res.status_code == 200, res.body
    body = res.json_body
    assert (body["status"], body["action"], body["resolved_by"], body["note"]) == (
        "resolved",
        "dismiss",
        admin.handle,
        "問題のない投稿です",
    )
    assert first["id"] not in [r["id"] for r in queue(api, admin, status="open")]
    assert first["id"] in [r["id"] for r in queue(api, admin, status="resolved")]
    assert api.call("GET", f"/posts/{board['topic']['id']}", token=board["reader"].token).status_code == 200
    # once resolved, the same reporter may report the target again
    filed(api, board["reader"], "post", board["topic"]["id"], "また宣伝しています")


def test_admin_removes_a_reported_post_and_resolves_every_report_about_it(api, admin, board):
    topic_id, cid = board["topic"]["id"], board["community"]["id"]
    one = filed(api, board["reader"], "post", topic_id)
    other = filed(api, board["owner"], "post", topic_id, "規約違反です")
    res = resolve(api, admin, one["id"], "remove_content")
    assert res.status_code == 200 and res.json_body["action"] == "remove_content", res.body
    assert api.call("GET", f"/posts/{topic_id}", token=board["reader"].token).status_code == 404
    topics = api.call("GET", f"/communities/{cid}/posts", token=board["reader"].token).json_body
    assert topic_id not in ids(topics)
    sibling = next(r for r in queue(api, admin, status="resolved") if r["id"] == other["id"])
    assert sibling["action"] == "remove_content" and sibling["resolved_by"] == admin.handle
    assert resolve(api, admin, other["id"], "dismiss").status_code == 409


def test_admin_removes_a_reported_comment_and_the_count_stays_exact(api, admin, board):
    topic_id = board["topic"]["id"]
    keep = comment(api, board["reader"], topic_id, "ラーメンの話をしましょう").json_body
    spam = comment(api, board["troll"], topic_id, "激安！今すぐクリック").json_body
    r = filed(api, board["reader"], "comment", f"{topic_id}/{spam['id']}", "スパムコメントです")
    assert r["target_id"] == f"{topic_id}/{spam['id']}"
    assert resolve(api, admin, r["id"], "remove_content").status_code == 200
    comments = api.call("GET", f"/posts/{topic_id}/comments", token=board["reader"].token).json_body
    assert ids(comments) == [keep["id"]]
    assert api.call("GET", f"/posts/{topic_id}", token=board["reader"].token).json_body["comment_count"] == 1


def test_admin_bans_a_reported_member_and_their_token_stops_working(api, admin, board):
    troll = board["troll"]
    r = filed(api, board["reader"], "post", board["topic"]["id"], "悪質な荒らしです")
    res = resolve(api, admin, r["id"], "ban_member", "繰り返しの規約違反")
    assert res.status_code == 200 and res.json_body["action"] == "ban_member", res.body
    assert api.call("GET", "/me", token=troll.token).status_code == 401
    assert api.call("GET", f"/members/{troll.handle}", token=board["reader"].token).status_code == 404


def test_removing_a_friends_only_diary_entry_needs_no_friendship_with_the_admin(api, admin, new_member):
    author = new_member()
    friend = new_member(inviter=author)  # inviter and invitee start as friends
    entry = write_diary(api, author, "friends", title="友達限定の日記")
    r = filed(api, friend, "post", entry["id"], "個人情報が書かれています")
    assert resolve(api, admin, r["id"], "remove_content").status_code == 200
    assert api.call("GET", f"/posts/{entry['id']}", token=author.token).status_code == 404


def test_community_moderator_sees_only_their_communitys_reports_and_cannot_ban(api, admin, board, new_member):
    mod, cid = board["moderator"], board["community"]["id"]
    elsewhere_owner = new_member()
    elsewhere = create_community(api, elsewhere_owner, name="カレー部")
    join(api, board["reader"], elsewhere["id"])
    other_topic = post_topic(api, elsewhere_owner, elsewhere["id"], title="カレーの話")
    here = filed(api, board["reader"], "post", board["topic"]["id"])
    there = filed(api, board["reader"], "post", other_topic["id"], "無関係な宣伝です")
    diary = write_diary(api, board["troll"], "members", title="荒らしの日記")
    on_diary = filed(api, board["reader"], "post", diary["id"])

    for moderator in (mod, board["owner"]):
        assert [r["id"] for r in queue(api, moderator, community_id=cid)] == [here["id"]]
    res = api.call("GET", "/admin/reports", token=mod.token)
    assert res.status_code == 403, res.body
    res = api.call("GET", f"/admin/reports?community_id={elsewhere['id']}", token=mod.token)
    assert res.status_code == 403, res.body

    assert resolve(api, mod, there["id"], "dismiss").status_code == 403
    assert resolve(api, mod, on_diary["id"], "dismiss").status_code == 403
    assert resolve(api, mod, "no_such_report", "dismiss").status_code == 403
    res = resolve(api, mod, here["id"], "ban_member")
    assert res.status_code == 403 and res.json_body["error"]["code"] == "admin_only", res.body
    assert api.call("GET", "/me", token=board["troll"].token).status_code == 200

    res = resolve(api, mod, here["id"], "remove_content", "宣伝のため削除しました")
    assert res.status_code == 200 and res.json_body["resolved_by"] == mod.handle, res.body
    assert api.call("GET", f"/posts/{board['topic']['id']}", token=board["reader"].token).status_code == 404
    assert [r["id"] for r in queue(api, mod, community_id=cid, status="resolved")] == [here["id"]]
    assert queue(api, mod, community_id=cid) == []
    # an admin sees every community's reports, also through community_id
    assert [r["id"] for r in queue(api, admin, community_id=elsewhere["id"])] == [there["id"]]


def test_plain_member_cannot_list_or_resolve_reports(api, board):
    r = filed(api, board["owner"], "post", board["topic"]["id"])
    reader = board["reader"]
    for path in ("/admin/reports", f"/admin/reports?community_id={board['community']['id']}"):
        res = api.call("GET", path, token=reader.token)
        assert res.status_code == 403 and res.json_body["error"]["code"] == "not_a_moderator", res.body
    assert resolve(api, reader, r["id"], "dismiss").status_code == 403


def test_a_report_is_resolved_once(api, admin, board):
    r = filed(api, board["reader"], "member", board["troll"].handle, "なりすましです")
    assert resolve(api, board["moderator"], r["id"], "dismiss").status_code == 403  # members are for admins
    assert resolve(api, admin, r["id"], "dismiss").status_code == 200
    res = resolve(api, admin, r["id"], "dismiss")
    assert res.status_code == 409 and res.json_body["error"]["code"] == "already_resolved", res.body


def test_resolve_refuses_bad_actions(api, admin, board):
    r = filed(api, board["reader"], "member", board["troll"].handle, "迷惑です")
    res = resolve(api, admin, r["id"], "remove_content")
    assert res.status_code == 400 and res.json_body["error"]["code"] == "nothing_to_remove", res.body
    res = resolve(api, admin, r["id"], "delete_everything")
    assert res.status_code == 400 and res.json_body["error"]["details"][0]["path"] == "action", res.body
    assert resolve(api, admin, "no_such_report", "dismiss").status_code == 404
    res = api.call("GET", "/admin/reports?status=closed", token=admin.token)
    assert res.status_code == 400, res.body
    assert next(x for x in queue(api, admin) if x["id"] == r["id"])["status"] == "open"


def test_concurrent_resolutions_of_one_report_let_exactly_one_win(api, admin, board, services):
    from concurrent.futures import ThreadPoolExecutor

    from chalicelib import errors
    from chalicelib.kernel import Caller
    from chalicelib.moderation.models import ResolveReport

    r = filed(api, board["reader"], "post", board["topic"]["id"], "同時に処理されるべきでない報告")
    callers = [Caller(admin.id, admin.handle, "test-session", ("member", "admin")) for _ in range(6)]

    def attempt(caller: Caller) -> str:
        try:
            services.moderation.resolve(caller, r["id"], ResolveReport(action="dismiss"))
            return "ok"
        except errors.Conflict as exc:
            return exc.code

    with ThreadPoolExecutor(max_workers=6) as pool:
        outcomes = sorted(pool.map(attempt, callers))
    assert outcomes == ["already_resolved"] * 5 + ["ok"]
