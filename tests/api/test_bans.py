"""Bans that really end things: the ladder, hidden content, invites that stop, the inviter's account, the audit log."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from content_helpers import comment, create_community, ids, join, post_topic, write_diary

from chalicelib.adapters.dynamodb.tables import BanItem, MemberItem


def ban(api: Any, admin: Any, member: Any, reason: str = "spam", **extra: Any) -> Any:
    return api.call("POST", f"/admin/members/{member.handle}/ban", {"reason": reason, **extra}, token=admin.token)


def unban(api: Any, admin: Any, member: Any, reason: str = "appeal") -> Any:
    return api.call("POST", f"/admin/members/{member.handle}/unban", {"reason": reason}, token=admin.token)


def signup_with(api: Any, code: str) -> Any:
    handle = f"m_{uuid.uuid4().hex[:10]}"
    return api.call(
        "POST",
        "/auth/signup",
        {
            "invite_code": code,
            "handle": handle,
            "display_name": "新しい会員",
            "password": f"pw-{uuid.uuid4().hex}",
            "email": f"{handle}@example.com",
        },
    )


def login(api: Any, member: Any) -> Any:
    return api.call("POST", "/auth/login", {"handle": member.handle, "password": member.password})


def standing(api: Any, admin: Any, member: Any) -> dict[str, Any]:
    res = api.call("GET", f"/admin/members/{member.handle}/tree", token=admin.token)
    assert res.status_code == 200, res.body
    return dict(res.json_body["root"])


@pytest.fixture
def world(api, admin, new_member) -> dict[str, Any]:
    owner, troll, reader = new_member(), new_member(), new_member()
    community = create_community(api, owner, name=f"荒らし対策 {uuid.uuid4().hex[:6]}")
    join(api, troll, community["id"])
    kept = post_topic(api, owner, community["id"], "ふつうの話題")
    spam = post_topic(api, troll, community["id"], "荒らしの話題")
    diary = write_diary(api, troll, "members", "荒らしの日記")
    assert comment(api, troll, kept["id"], "荒らしのコメント").status_code == 201
    assert comment(api, reader, kept["id"], "ふつうのコメント").status_code == 201
    return {"owner": owner, "troll": troll, "reader": reader, "community": community, "kept": kept, "spam": spam,
            "diary": diary}  # fmt: skip


def test_a_ban_ends_sessions_and_hides_every_post_and_comment_until_it_is_lifted(api, admin, world):
    troll, reader, community = world["troll"], world["reader"], world["community"]
    res = ban(api, admin, troll, "spam links in every topic")
    assert res.status_code == 200, res.body
    assert res.json_body["level"] == 1 and res.json_body["permanent"] is False
    until = datetime.fromisoformat(res.json_body["until"])
    assert timedelta(hours=23) < until - datetime.now(UTC) <= timedelta(hours=24)

    assert api.call("GET", "/me", token=troll.token).status_code == 401
    assert login(api, troll).status_code == 401
    # Gone for everyone else: the page, the community's list, the diary, the comments.
    for post_id in (world["spam"]["id"], world["diary"]["id"]):
        assert api.call("GET", f"/posts/{post_id}", token=reader.token).status_code == 404
    listed = api.call("GET", f"/communities/{community['id']}/posts", token=reader.token).json_body
    assert ids(listed) == [world["kept"]["id"]]
    bodies = [c["body"] for c in api.call("GET", f"/posts/{world['kept']['id']}/comments", token=reader.token)
              .json_body["items"]]  # fmt: skip
    assert bodies == ["ふつうのコメント"]
    # Kept for appeal and audit: an admin still reads it.
    assert api.call("GET", f"/posts/{world['spam']['id']}", token=admin.token).status_code == 200

    lifted = unban(api, admin, troll, "appeal granted")
    assert lifted.status_code == 200, lifted.body
    assert lifted.json_body["status"] == "active" and lifted.json_body["ban_count"] == 1
    assert login(api, troll).status_code == 200
    assert api.call("GET", f"/posts/{world['spam']['id']}", token=reader.token).status_code == 200
    listed = api.call("GET", f"/communities/{community['id']}/posts", token=reader.token).json_body
    assert set(ids(listed)) == {world["kept"]["id"], world["spam"]["id"]}
    assert len(api.call("GET", f"/posts/{world['kept']['id']}/comments", token=reader.token).json_body["items"]) == 2


def test_bans_climb_the_ladder_to_permanent(api, admin, new_member):
    m = new_member()
    expected = [timedelta(hours=24), timedelta(hours=72), timedelta(weeks=1), timedelta(days=30)]
    for level, length in enumerate(expected, start=1):
        res = ban(api, admin, m, f"ban {level}")
        assert res.status_code == 200, res.body
        assert res.json_body["level"] == level
        got = datetime.fromisoformat(res.json_body["until"]) - datetime.fromisoformat(res.json_body["banned_at"])
        assert abs(got - length) < timedelta(seconds=1)
        assert unban(api, admin, m).status_code == 200
    fifth = ban(api, admin, m, "fifth time")
    assert fifth.json_body["level"] == 5 and fifth.json_body["until"] is None and fifth.json_body["permanent"]


def test_a_permanent_ban_can_be_given_at_once(api, admin, new_member):
    m = new_member()
    res = ban(api, admin, m, "stolen account selling shoes", permanent=True)
    assert res.status_code == 200 and res.json_body["permanent"] and res.json_body["until"] is None


def test_an_ended_ban_lifts_itself_on_the_next_login(api, admin, new_member, world, services):
    troll, reader = world["troll"], world["reader"]
    assert ban(api, admin, troll).status_code == 200
    assert login(api, troll).status_code == 401
    # A day passes: the ban's end is now in the past.
    MemberItem(troll.id).update(actions=[MemberItem.banned_until.set(datetime.now(UTC) - timedelta(minutes=1))])
    res = login(api, troll)
    assert res.status_code == 200, res.body
    assert api.call("GET", f"/posts/{world['spam']['id']}", token=reader.token).status_code == 200


def test_the_sweep_lifts_ended_bans_and_leaves_the_others(api, admin, new_member, services):
    from chalicelib import ops

    ended, ongoing = new_member(), new_member()
    assert ban(api, admin, ended).status_code == 200
    assert ban(api, admin, ongoing).status_code == 200
    past = datetime.now(UTC) - timedelta(seconds=1)
    MemberItem(ended.id).update(actions=[MemberItem.banned_until.set(past)])
    # The sweep finds ended bans in the list of bans in force: without this, only the login lifted it.
    BanItem("banned", ended.id).update(actions=[BanItem.until.set(past)])
    assert ops.main(["lift-ended-bans"]) == 0
    assert MemberItem.get(ended.id, consistent_read=True).status == "active"
    assert login(api, ended).status_code == 200
    assert login(api, ongoing).status_code == 401


def test_unused_invites_of_a_banned_or_withdrawn_member_stop_working(api, admin, new_member):
    banned, leaving = new_member(), new_member()
    banned_code = api.call("POST", "/invites", {}, token=banned.token).json_body["code"]
    leaving_code = api.call("POST", "/invites", {}, token=leaving.token).json_body["code"]
    assert ban(api, admin, banned).status_code == 200
    assert api.call("DELETE", "/me", token=leaving.token).status_code in (200, 204)
    for code in (banned_code, leaving_code):
        res = signup_with(api, code)
        assert res.status_code == 403, res.body
        assert res.json_body["error"]["code"] == "invite_invalid"


def test_the_inviter_answers_for_their_invitees(api, admin, new_member):
    inviter = new_member()
    before = standing(api, admin, inviter)
    invitees = [new_member(inviter) for _ in range(3)]
    assert standing(api, admin, inviter)["invites_left"] == before["invites_left"] - 3

    assert ban(api, admin, invitees[0]).status_code == 200
    after_one = standing(api, admin, inviter)
    assert after_one["invitee_bans"] == 1 and after_one["may_invite"] is True
    assert after_one["invites_left"] == before["invites_left"] - 4  # one invite lost

    for invitee in invitees[1:]:
        assert ban(api, admin, invitee).status_code == 200
    revoked = standing(api, admin, inviter)
    assert revoked["invitee_bans"] == 3 and revoked["may_invite"] is False
    res = api.call("POST", "/invites", {}, token=inviter.token)
    assert res.status_code == 403 and res.json_body["error"]["code"] == "invite_rights_revoked"

    restored = api.call(
        "POST", f"/admin/members/{inviter.handle}/invite-rights", {"reason": "talked it through"}, token=admin.token
    )
    assert restored.status_code == 200 and restored.json_body["may_invite"] is True
    # The three bans also cost the three invites that were left: the quota is spent now.
    spent = api.call("POST", "/invites", {}, token=inviter.token)
    assert spent.status_code == 403 and spent.json_body["error"]["code"] == "invite_quota_exhausted"
    MemberItem(inviter.id).update(actions=[MemberItem.invites_left.set(1)])
    assert api.call("POST", "/invites", {}, token=inviter.token).status_code == 201


def test_an_admin_sees_the_invite_subtree_with_each_members_standing(api, admin, new_member):
    root = new_member()
    child = new_member(root)
    grandchild = new_member(child)
    other_child = new_member(root)
    assert ban(api, admin, grandchild).status_code == 200
    res = api.call("GET", f"/admin/members/{root.handle}/tree", token=admin.token)
    assert res.status_code == 200, res.body
    tree = res.json_body
    assert tree["members"] == 4 and tree["truncated"] is False
    children = {n["handle"]: n for n in tree["root"]["invitees"]}
    assert set(children) == {child.handle, other_child.handle}
    (gc,) = children[child.handle]["invitees"]
    assert gc["handle"] == grandchild.handle and gc["status"] == "banned" and gc["ban_count"] == 1
    assert children[child.handle]["invitee_bans"] == 1
    assert children[child.handle]["invited_by"] == root.handle


def test_the_audit_log_says_who_did_what_when_and_why(api, admin, new_member):
    m = new_member()
    assert ban(api, admin, m, "posted the same link 40 times").status_code == 200
    assert unban(api, admin, m, "it was a stolen account; password reset").status_code == 200
    res = api.call("GET", "/admin/audit?limit=10", token=admin.token)
    assert res.status_code == 200, res.body
    mine = [e for e in res.json_body["items"] if e["target_id"] == m.handle]
    assert [e["action"] for e in mine] == ["lift_ban", "ban"]  # newest first
    assert mine[1]["actor"] == admin.handle and mine[1]["reason"] == "posted the same link 40 times"
    assert mine[1]["details"]["level"] == 1
    assert mine[0]["reason"] == "it was a stolen account; password reset"


def test_resolving_a_report_is_audited_and_a_report_ban_climbs_the_ladder(api, admin, new_member):
    reporter, accused = new_member(), new_member()
    report = api.call(
        "POST", "/reports", {"target_type": "member", "target_id": accused.handle, "reason": "spam DMs"},
        token=reporter.token,
    )  # fmt: skip
    assert report.status_code == 201, report.body
    res = api.call(
        "POST", f"/admin/reports/{report.json_body['id']}/resolve", {"action": "ban_member", "note": "confirmed"},
        token=admin.token,
    )  # fmt: skip
    assert res.status_code == 200, res.body
    assert standing(api, admin, accused)["ban_count"] == 1
    entries = api.call("GET", "/admin/audit?limit=20", token=admin.token).json_body["items"]
    actions = {(e["action"], e["target_id"]) for e in entries}
    assert ("ban", accused.handle) in actions and ("report_ban_member", accused.handle) in actions


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/admin/members/{h}/ban", {"reason": "x"}),
        ("POST", "/admin/members/{h}/unban", {"reason": "x"}),
        ("POST", "/admin/members/{h}/invite-rights", {"reason": "x"}),
        ("GET", "/admin/members/{h}/tree", None),
        ("GET", "/admin/audit", None),
    ],
)
def test_only_admins_ban_lift_restore_and_read_trees_and_the_audit_log(api, new_member, method, path, body):
    member, target = new_member(), new_member()
    res = api.call(method, path.format(h=target.handle), body, token=member.token)
    assert res.status_code == 403, res.body
    assert res.json_body["error"]["code"] == "admin_only"
    assert login(api, target).status_code == 200  # nothing happened to them


def test_ban_errors_are_clear(api, admin, new_member):
    m = new_member()
    assert ban(api, admin, m).status_code == 200
    again = ban(api, admin, m)
    assert again.status_code == 409 and again.json_body["error"]["code"] == "already_banned"
    active = new_member()
    res = unban(api, admin, active)
    assert res.status_code == 409 and res.json_body["error"]["code"] == "not_banned"
    res = api.call("POST", f"/admin/members/{admin.handle}/ban", {"reason": "x"}, token=admin.token)
    assert res.status_code == 400 and res.json_body["error"]["code"] == "cannot_ban_self"
    res = api.call("POST", "/admin/members/nobody_at_all/ban", {"reason": "x"}, token=admin.token)
    assert res.status_code == 404
    res = api.call("POST", f"/admin/members/{active.handle}/ban", {"reason": "  "}, token=admin.token)
    assert res.status_code == 400
    assert login(api, active).status_code == 200
