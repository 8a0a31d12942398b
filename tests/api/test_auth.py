"""Signup by invite, login, logout and the token checks."""

from __future__ import annotations

import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import jwt
import pytest

from chalicelib import errors
from chalicelib.adapters.dynamodb.tables import InviteItem
from chalicelib.members.models import SignupRequest
from tests.conftest import unique_handle


def signup_body(code: str, handle: str | None = None, **overrides: str) -> dict[str, str]:
    handle = handle or unique_handle("s")
    body = {
        "invite_code": code,
        "handle": handle,
        "display_name": "山田花子",
        "password": "a-long-unusual-passphrase",
        "email": f"{handle}@example.com",
    }
    body.update(overrides)
    return body


def test_invitee_signs_up_and_is_friends_with_inviter(api, admin, invite):
    res = api.call("POST", "/auth/signup", signup_body(invite))
    assert res.status_code == 201, res.body
    member, token = res.json_body["member"], res.json_body["token"]
    assert member["invited_by"] == admin.handle
    assert member["roles"] == ["member"]
    assert "password" not in str(res.json_body) or "password_hash" not in member
    friends = api.call("GET", "/friends", token=token).json_body["items"]
    assert [(f["handle"], f["state"]) for f in friends] == [(admin.handle, "friends")]


def test_second_signup_with_same_invite_is_rejected(api, invite):
    assert api.call("POST", "/auth/signup", signup_body(invite)).status_code == 201
    res = api.call("POST", "/auth/signup", signup_body(invite))
    assert res.status_code == 409
    assert res.json_body["error"]["code"] == "invite_used"


def test_fifty_racing_signups_with_one_invite_have_exactly_one_winner(services, invite):
    def attempt(i: int) -> str:
        req = SignupRequest.model_validate(signup_body(invite, handle=f"race{i}_{uuid.uuid4().hex[:6]}"))
        try:
            services.auth.signup(req)
            return "won"
        except errors.Conflict as exc:
            return exc.code

    with ThreadPoolExecutor(max_workers=50) as pool:
        outcomes = list(pool.map(attempt, range(50)))
    assert outcomes.count("won") == 1
    assert outcomes.count("invite_used") == 49
    assert InviteItem.get(invite, consistent_read=True).status == "used"


def test_unknown_invite_is_invalid(api):
    res = api.call("POST", "/auth/signup", signup_body("no-such-code"))
    assert res.status_code == 403
    assert res.json_body["error"]["code"] == "invite_invalid"


def test_expired_invite_is_invalid(api, invite):
    InviteItem(invite).update(actions=[InviteItem.expires_at.set(datetime.now(UTC) - timedelta(seconds=1))])
    res = api.call("POST", "/auth/signup", signup_body(invite))
    assert res.status_code == 403
    assert res.json_body["error"]["code"] == "invite_invalid"


def test_revoked_invite_is_invalid(api, admin, invite):
    assert api.call("DELETE", f"/invites/{invite}", token=admin.token).status_code == 204
    res = api.call("POST", "/auth/signup", signup_body(invite))
    assert res.status_code == 403
    assert res.json_body["error"]["code"] == "invite_invalid"


def test_taken_handle_is_a_conflict_and_leaves_the_invite_unused(api, admin, new_member, invite):
    existing = new_member()
    res = api.call("POST", "/auth/signup", signup_body(invite, handle=existing.handle.upper()))
    assert res.status_code == 409
    assert res.json_body["error"]["code"] == "handle_taken"
    assert InviteItem.get(invite, consistent_read=True).status == "active"


@pytest.mark.parametrize("password", ["password1", "qwertyuiop", "short"])
def test_weak_or_short_passwords_are_rejected(api, invite, password):
    res = api.call("POST", "/auth/signup", signup_body(invite, password=password))
    assert res.status_code == 400
    assert res.json_body["error"]["details"][0]["path"] == "password"
    assert InviteItem.get(invite, consistent_read=True).status == "active"


def test_login_gives_a_working_token(api, new_member):
    m = new_member()
    res = api.call("POST", "/auth/login", {"handle": m.handle, "password": m.password})
    assert res.status_code == 200
    assert datetime.fromisoformat(res.json_body["expires_at"]) > datetime.now(UTC)
    assert api.call("GET", "/me", token=res.json_body["token"]).json_body["handle"] == m.handle


def test_login_answers_the_same_for_unknown_handle_and_wrong_password(api, new_member):
    m = new_member()
    wrong = api.call("POST", "/auth/login", {"handle": m.handle, "password": "not-the-password"})
    unknown = api.call("POST", "/auth/login", {"handle": unique_handle("ghost"), "password": "not-the-password"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json_body == unknown.json_body
    assert wrong.json_body["error"]["code"] == "invalid_credentials"


def test_logout_stops_the_token_at_once(api, new_member):
    m = new_member()
    assert api.call("POST", "/auth/logout", token=m.token).status_code == 204
    res = api.call("GET", "/me", token=m.token)
    assert res.status_code == 401
    assert res.json_body["error"]["code"] == "session_ended"


def test_logout_ends_only_that_session(api, new_member):
    m = new_member()
    other = api.call("POST", "/auth/login", {"handle": m.handle, "password": m.password}).json_body["token"]
    api.call("POST", "/auth/logout", token=m.token)
    assert api.call("GET", "/me", token=other).status_code == 200


def forge(claims: dict[str, object], key: str = "a-wrong-key-that-is-long-enough-for-hs256", alg: str = "HS256") -> str:
    return jwt.encode(claims, key, algorithm=alg)


def test_tokens_that_are_forged_expired_or_for_another_audience_are_refused(api, new_member, services):
    m = new_member()
    real = jwt.decode(m.token, options={"verify_signature": False})
    key = services.settings.jwt_secret
    now = int(time.time())
    bad_tokens = [
        forge(real),  # wrong key
        forge({**real, "aud": "someone-else"}, key),
        forge({**real, "iss": "someone-else"}, key),
        forge({**real, "exp": now - 10, "iat": now - 100}, key),
        forge({k: v for k, v in real.items() if k != "sid"}, key),
        jwt.encode(real, None, algorithm="none"),
        m.token[:-3] + ("aaa" if not m.token.endswith("aaa") else "bbb"),
        "not-a-jwt",
    ]
    for token in bad_tokens:
        res = api.call("GET", "/me", token=token)
        assert res.status_code == 401, token
        assert res.headers.get("WWW-Authenticate") == "Bearer"


def test_a_valid_token_for_another_members_session_is_refused(api, new_member, services):
    a, b = new_member(), new_member()
    claims_a = jwt.decode(a.token, options={"verify_signature": False})
    claims_b = jwt.decode(b.token, options={"verify_signature": False})
    swapped = forge({**claims_a, "sid": claims_b["sid"]}, services.settings.jwt_secret)
    assert api.call("GET", "/me", token=swapped).status_code == 401


#: The source address of every request of chalice.test's client.
LOCAL_ADDRESS = "127.0.0.1"


def fail_logins(api, handle: str, times: int) -> None:
    for _ in range(times):
        res = api.call("POST", "/auth/login", {"handle": handle, "password": "guess-guess-guess"})
        assert res.status_code == 401, res.body


def test_too_many_failed_logins_lock_the_handle_from_that_address_for_the_window(api, new_member):
    m = new_member()
    fail_logins(api, m.handle, 10)
    res = api.call("POST", "/auth/login", {"handle": m.handle, "password": m.password})
    assert res.status_code == 429
    assert res.json_body["error"]["code"] == "rate_limited"
    assert 0 < int(res.headers["Retry-After"]) <= 900
    assert api.call("GET", "/me", token=m.token).status_code == 200  # existing sessions keep working


def test_the_lock_answers_the_same_for_handles_that_do_not_exist(api):
    ghost = unique_handle("ghost")
    fail_logins(api, ghost, 10)
    res = api.call("POST", "/auth/login", {"handle": ghost, "password": "anything-at-all"})
    assert res.status_code == 429
    assert res.json_body["error"]["code"] == "rate_limited"


def test_a_successful_login_forgets_earlier_failures(api, new_member):
    m = new_member()
    fail_logins(api, m.handle, 9)
    assert api.call("POST", "/auth/login", {"handle": m.handle, "password": m.password}).status_code == 200
    fail_logins(api, m.handle, 9)
    assert api.call("POST", "/auth/login", {"handle": m.handle, "password": m.password}).status_code == 200


def test_failures_from_an_old_window_do_not_count(api, new_member):
    from chalicelib.adapters.dynamodb.login_attempts import pair_key
    from chalicelib.adapters.dynamodb.tables import LoginAttemptItem

    m = new_member()
    fail_logins(api, m.handle, 10)
    LoginAttemptItem(pair_key(m.handle, LOCAL_ADDRESS)).update(
        actions=[LoginAttemptItem.window_ends.set(datetime.now(UTC) - timedelta(seconds=1))]
    )
    fail_logins(api, m.handle, 1)
    assert api.call("POST", "/auth/login", {"handle": m.handle, "password": m.password}).status_code == 200
