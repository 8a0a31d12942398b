"""Invites: 128-bit single-use codes with a quota and a 14-day expiry."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta

from chalicelib.adapters.dynamodb.tables import InviteItem


def test_invite_code_is_random_128_bit_and_expires_in_14_days(api, new_member):
    m = new_member()
    res = api.call("POST", "/invites", {"note": "大学の友だち"}, token=m.token)
    assert res.status_code == 201, res.body
    invite = res.json_body
    assert len(base64.urlsafe_b64decode(invite["code"] + "==")) >= 16
    assert invite["status"] == "active"
    created, expires = datetime.fromisoformat(invite["created_at"]), datetime.fromisoformat(invite["expires_at"])
    assert expires - created == timedelta(days=14)
    assert api.call("GET", "/me", token=m.token).json_body["invites_left"] == 4


def test_invite_list_shows_each_status_newest_first(api, new_member):
    m = new_member()
    codes = [api.call("POST", "/invites", {}, token=m.token).json_body["code"] for _ in range(4)]
    api.call("DELETE", f"/invites/{codes[1]}", token=m.token)
    api.call(
        "POST",
        "/auth/signup",
        {
            "invite_code": codes[2],
            "handle": f"inv_{codes[2][:8].lower().replace('-', '_')}",
            "display_name": "招待",
            "password": "a-long-unusual-passphrase",
            "email": "i@example.com",
        },
    )
    InviteItem(codes[3]).update(actions=[InviteItem.expires_at.set(datetime.now(UTC) - timedelta(minutes=1))])
    items = api.call("GET", "/invites", token=m.token).json_body["items"]
    assert [i["code"] for i in items] == list(reversed(codes))
    assert {i["code"]: i["status"] for i in items} == {
        codes[0]: "active",
        codes[1]: "revoked",
        codes[2]: "used",
        codes[3]: "expired",
    }


def test_invite_list_paginates_with_an_opaque_cursor(api, new_member):
    m = new_member()
    codes = {api.call("POST", "/invites", {}, token=m.token).json_body["code"] for _ in range(5)}
    seen, cursor, pages = [], None, 0
    while True:
        res = api.call("GET", "/invites?limit=2" + (f"&cursor={cursor}" if cursor else ""), token=m.token)
        assert res.status_code == 200, res.body
        seen += [i["code"] for i in res.json_body["items"]]
        cursor, pages = res.json_body["next_cursor"], pages + 1
        if not cursor:
            break
    assert set(seen) == codes and len(seen) == 5 and pages >= 3


def test_quota_is_exhausted_after_five_invites(api, new_member):
    m = new_member()
    for _ in range(5):
        assert api.call("POST", "/invites", {}, token=m.token).status_code == 201
    res = api.call("POST", "/invites", {}, token=m.token)
    assert res.status_code == 403
    assert res.json_body["error"]["code"] == "invite_quota_exhausted"
    assert api.call("GET", "/me", token=m.token).json_body["invites_left"] == 0


def test_revoking_gives_the_invite_back(api, new_member):
    m = new_member()
    code = api.call("POST", "/invites", {}, token=m.token).json_body["code"]
    assert api.call("DELETE", f"/invites/{code}", token=m.token).status_code == 204
    assert api.call("DELETE", f"/invites/{code}", token=m.token).status_code == 204
    assert api.call("GET", "/me", token=m.token).json_body["invites_left"] == 5


def test_another_members_invite_cannot_be_revoked_or_listed(api, new_member):
    owner, other = new_member(), new_member()
    code = api.call("POST", "/invites", {}, token=owner.token).json_body["code"]
    res = api.call("DELETE", f"/invites/{code}", token=other.token)
    assert res.status_code == 404
    assert code not in [i["code"] for i in api.call("GET", "/invites", token=other.token).json_body["items"]]
    assert api.call("GET", "/invites", token=owner.token).json_body["items"][0]["status"] == "active"


def test_a_used_invite_cannot_be_revoked(api, new_member):
    m = new_member()
    code = api.call("POST", "/invites", {}, token=m.token).json_body["code"]
    api.call(
        "POST",
        "/auth/signup",
        {
            "invite_code": code,
            "handle": f"u_{code[:10].lower().replace('-', '_')}",
            "display_name": "x",
            "password": "a-long-unusual-passphrase",
            "email": "u@example.com",
        },
    )
    res = api.call("DELETE", f"/invites/{code}", token=m.token)
    assert res.status_code == 409
    assert res.json_body["error"]["code"] == "invite_used"
