"""Profiles, withdrawal, bans and the statistics."""

from __future__ import annotations

from chalicelib import ops


def test_me_shows_roles_invites_left_and_inviter(api, admin, new_member):
    m = new_member()
    me = api.call("GET", "/me", token=m.token).json_body
    assert me["handle"] == m.handle
    assert me["roles"] == ["member"]
    assert me["invites_left"] == 5
    assert me["invited_by"] == admin.handle
    assert "password_hash" not in me


def test_patch_me_changes_display_name_in_japanese(api, new_member):
    m = new_member()
    res = api.call("PATCH", "/me", {"display_name": "ミクシィ太郎🎌"}, token=m.token)
    assert res.status_code == 200, res.body
    assert res.json_body["display_name"] == "ミクシィ太郎🎌"
    assert "ミクシィ太郎🎌".encode() in res.body  # sent as UTF-8, not as \u escapes
    assert res.headers["Content-Type"] == "application/json; charset=utf-8"
    public = api.call("GET", f"/members/{m.handle}", token=m.token).json_body
    assert public["display_name"] == "ミクシィ太郎🎌"
    assert "email" not in public


def test_patch_me_cannot_change_roles_or_handle(api, new_member):
    m = new_member()
    for body in ({"roles": ["admin"]}, {"handle": "someone"}, {"invites_left": 1000}):
        res = api.call("PATCH", "/me", body, token=m.token)
        assert res.status_code == 400
    me = api.call("GET", "/me", token=m.token).json_body
    assert me["roles"] == ["member"] and me["handle"] == m.handle and me["invites_left"] == 5


def test_patch_me_with_nothing_to_change_is_rejected(api, new_member):
    m = new_member()
    assert api.call("PATCH", "/me", {}, token=m.token).status_code == 400


def test_withdrawal_stops_login_and_tokens_and_hides_the_profile(api, new_member):
    m, viewer = new_member(), new_member()
    assert api.call("DELETE", "/me", token=m.token).status_code == 204
    assert api.call("GET", "/me", token=m.token).status_code == 401
    login = api.call("POST", "/auth/login", {"handle": m.handle, "password": m.password})
    assert login.status_code == 401
    assert login.json_body["error"]["code"] == "invalid_credentials"
    assert api.call("GET", f"/members/{m.handle}", token=viewer.token).status_code == 404


def test_withdrawn_handle_is_not_reused(api, admin, new_member, invite):
    m = new_member()
    api.call("DELETE", "/me", token=m.token)
    res = api.call(
        "POST",
        "/auth/signup",
        {
            "invite_code": invite,
            "handle": m.handle,
            "display_name": "x",
            "password": "another-long-pass",
            "email": "x@example.com",
        },
    )
    assert res.status_code == 409
    assert res.json_body["error"]["code"] == "handle_taken"


def test_ban_ends_the_members_sessions_at_once(api, new_member, local_stack):
    m, viewer = new_member(), new_member()
    assert ops.main(["ban", m.handle, "--reason", "spam"]) == 0
    assert api.call("GET", "/me", token=m.token).status_code == 401
    assert api.call("GET", f"/members/{m.handle}", token=viewer.token).status_code == 404
    assert api.call("POST", "/auth/login", {"handle": m.handle, "password": m.password}).status_code == 401


def test_unknown_member_is_404(api, new_member):
    m = new_member()
    res = api.call("GET", "/members/nobody_here_x", token=m.token)
    assert res.status_code == 404
    assert res.json_body["error"]["code"] == "not_found"


def test_stats_count_signups_and_withdrawals_cumulatively(api, new_member):
    m = new_member()
    before = api.call("GET", "/stats", token=m.token).json_body["members"]
    leaving = new_member()
    new_member()
    api.call("DELETE", "/me", token=leaving.token)
    after = api.call("GET", "/stats", token=m.token).json_body["members"]
    assert after["cumulative"] - before["cumulative"] == 2
    assert after["active"] - before["active"] == 1
    assert after["withdrawn"] - before["withdrawn"] == 1
    assert after["cumulative"] == after["active"] + after["withdrawn"] + _banned_so_far(after)


def _banned_so_far(counts: dict[str, int]) -> int:
    # Banned members count in cumulative but neither as active nor withdrawn.
    return counts["cumulative"] - counts["active"] - counts["withdrawn"]


def test_withdrawal_twice_changes_the_counts_once(api, new_member, services):
    m, viewer = new_member(), new_member()
    caller = services.auth.authenticate(m.token)
    before = api.call("GET", "/stats", token=viewer.token).json_body["members"]
    services.members.withdraw(caller)
    services.members.withdraw(caller)
    after = api.call("GET", "/stats", token=viewer.token).json_body["members"]
    assert (after["active"], after["withdrawn"]) == (before["active"] - 1, before["withdrawn"] + 1)
