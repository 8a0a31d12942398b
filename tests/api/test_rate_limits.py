"""Rate limits against DynamoDB Local: 429 with Retry-After and nothing written, the sandbox, admins,
50 parallel comments, and login throttling per source address.

The session's app runs with limits no test reaches (``local.stack.LOAD_LIMITS``); here the app is
handed services built with small ones for the length of each test (``limited_app``).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from content_helpers import comment, create_community, post_topic, write_diary
from msgspec import structs

from chalicelib import bootstrap, errors, http
from chalicelib.adapters.dynamodb.tables import MemberItem, OpenReportItem
from chalicelib.limits import parse_limits
from chalicelib.members.models import LoginRequest
from chalicelib.posts.models import CommentCreate
from tests.conftest import unique_handle

#: One window a day, so no test straddles two (windows are aligned to the epoch).
W = 86400
COMMENTS = 7
SMALL = {"comment": COMMENTS, "post": 2, "diary": 2, "invite": 2, "report": 1, "search": 3, "friend_request": 2}
LIMITS = ",".join([f"*=1000/{W}", *(f"{action}={n}/{W}" for action, n in SMALL.items())])
SANDBOX = f"*=1000/{W},comment=2/{W},post=1/{W}"


@pytest.fixture(scope="module")
def limited(services: Any) -> Any:
    settings = structs.replace(
        services.settings,
        rate_limits=parse_limits(LIMITS, {}),
        sandbox_rate_limits=parse_limits(SANDBOX, {}),
        sandbox_days=3,
        login_max_failures=3,
        login_max_failures_per_address=1_000_000,
    )
    return bootstrap.build(settings)


@pytest.fixture
def limited_app(limited: Any) -> Iterator[Any]:
    """The app answers with the limited services during the test."""
    http.provide(lambda: limited)
    try:
        yield limited
    finally:
        http.provide(bootstrap.services)


def veteran(new_member: Any) -> Any:
    """A member who joined a month ago (out of the sandbox)."""
    m = new_member()
    MemberItem(m.id).update(actions=[MemberItem.created_at.set(datetime.now(UTC) - timedelta(days=30))])
    return m


def assert_limited(res: Any) -> None:
    assert res.status_code == 429, res.body
    assert res.json_body["error"]["code"] == "rate_limited"
    assert 0 < int(res.headers["Retry-After"]) <= W


@pytest.fixture
def topic(api: Any, new_member: Any) -> dict[str, Any]:
    owner = new_member()
    community = create_community(api, owner, name=f"制限 {uuid.uuid4().hex[:6]}")
    return post_topic(api, owner, community["id"])


def comment_count(api: Any, token: str, post_id: str) -> tuple[int, int]:
    post = api.call("GET", f"/posts/{post_id}", token=token).json_body
    listed = api.call("GET", f"/posts/{post_id}/comments?limit=50", token=token).json_body["items"]
    return int(post["comment_count"]), len(listed)


def test_a_comment_over_the_limit_is_429_with_retry_after_and_not_written(api, new_member, limited_app, topic):
    m = veteran(new_member)
    for i in range(COMMENTS):
        assert comment(api, m, topic["id"], f"質問 {i}").status_code == 201
    assert_limited(comment(api, m, topic["id"], "もう一つ"))
    assert comment_count(api, m.token, topic["id"]) == (COMMENTS, COMMENTS)


def test_topics_and_diary_entries_over_the_limit_are_refused_and_not_written(api, new_member, limited_app):
    m = veteran(new_member)
    community = create_community(api, m, name=f"制限 {uuid.uuid4().hex[:6]}")
    for i in range(2):
        post_topic(api, m, community["id"], title=f"話題 {i}")
        write_diary(api, m, "members", title=f"日記 {i}")
    body = {"title": "三つ目", "body": "本文"}
    assert_limited(api.call("POST", f"/communities/{community['id']}/posts", body, token=m.token))
    assert_limited(api.call("POST", "/diary", {**body, "visibility": "members"}, token=m.token))
    listed = api.call("GET", f"/communities/{community['id']}/posts", token=m.token).json_body["items"]
    diary = api.call("GET", f"/members/{m.handle}/diary", token=m.token).json_body["items"]
    assert (len(listed), len(diary)) == (2, 2)


def test_invites_friend_requests_reports_and_searches_are_limited(api, new_member, limited_app):
    m = veteran(new_member)
    for _ in range(2):
        assert api.call("POST", "/invites", {}, token=m.token).status_code == 201
    assert_limited(api.call("POST", "/invites", {}, token=m.token))
    assert len(api.call("GET", "/invites", token=m.token).json_body["items"]) == 2

    others = [new_member() for _ in range(3)]
    for other in others[:2]:
        assert api.call("POST", f"/friends/{other.handle}", token=m.token).status_code == 200
    assert_limited(api.call("POST", f"/friends/{others[2].handle}", token=m.token))
    requested = api.call("GET", "/friends?state=requested", token=m.token).json_body["items"]
    assert sorted(f["handle"] for f in requested) == sorted(o.handle for o in others[:2])

    first = {"target_type": "member", "target_id": others[0].handle, "reason": "spam"}
    assert api.call("POST", "/reports", first, token=m.token).status_code == 201
    second = {"target_type": "member", "target_id": others[1].handle, "reason": "spam"}
    assert_limited(api.call("POST", "/reports", second, token=m.token))
    with pytest.raises(OpenReportItem.DoesNotExist):
        OpenReportItem.get(f"member#{others[1].id}", m.id, consistent_read=True)

    for _ in range(3):
        assert api.call("GET", "/search?q=ramen", token=m.token).status_code == 200
    assert_limited(api.call("GET", "/search?q=ramen", token=m.token))


def test_a_new_member_in_the_sandbox_is_held_to_stricter_limits(api, new_member, limited_app, topic):
    m = new_member()  # joined just now
    for i in range(2):
        assert comment(api, m, topic["id"], f"はじめまして {i}").status_code == 201
    assert_limited(comment(api, m, topic["id"], "三つ目"))
    assert comment_count(api, m.token, topic["id"]) == (2, 2)

    MemberItem(m.id).update(actions=[MemberItem.created_at.set(datetime.now(UTC) - timedelta(days=4))])
    assert comment(api, m, topic["id"], "もう新人ではない").status_code == 201  # the normal limit now


def test_admins_are_exempt(api, admin, limited_app, topic):
    for i in range(COMMENTS + 3):
        assert comment(api, admin, topic["id"], f"管理者 {i}").status_code == 201
    assert comment_count(api, admin.token, topic["id"]) == (COMMENTS + 3, COMMENTS + 3)


def test_fifty_parallel_comments_by_one_member_write_exactly_the_limit(api, new_member, limited, topic):
    m = veteran(new_member)
    caller = limited.auth.authenticate(m.token)

    def attempt(i: int) -> str:
        try:
            limited.posts.comment(caller, topic["id"], CommentCreate(body=f"連投 {i}"))
            return "written"
        except errors.RateLimited as exc:
            assert exc.retry_after_s > 0
            return "limited"

    with ThreadPoolExecutor(max_workers=50) as pool:
        outcomes = list(pool.map(attempt, range(50)))
    assert outcomes.count("written") == COMMENTS
    assert outcomes.count("limited") == 50 - COMMENTS
    assert comment_count(api, m.token, topic["id"]) == (COMMENTS, COMMENTS)


# --- login throttling per source address ---------------------------------------------------------


def fail_logins(api: Any, handle: str, times: int) -> None:
    for _ in range(times):
        res = api.call("POST", "/auth/login", {"handle": handle, "password": "guess-guess-guess"})
        assert res.status_code == 401, res.body


def test_a_stranger_guessing_at_a_handle_does_not_lock_its_member_out_elsewhere(api, new_member, limited_app):
    m = new_member()
    fail_logins(api, m.handle, 3)  # from chalice.test's address, 127.0.0.1
    res = api.call("POST", "/auth/login", {"handle": m.handle, "password": m.password})
    assert res.status_code == 429
    assert 0 < int(res.headers["Retry-After"]) <= 900

    out = limited_app.auth.login(LoginRequest(handle=m.handle, password=m.password), source_ip="198.51.100.23")
    assert api.call("GET", "/me", token=out.token).json_body["handle"] == m.handle


def test_an_address_guessing_at_many_handles_is_locked_for_every_handle(new_member, limited):
    per_address = bootstrap.build(structs.replace(limited.settings, login_max_failures_per_address=6))
    m = new_member()
    guesser = f"2001:db8::{uuid.uuid4().hex[:4]}"
    for _ in range(6):
        with pytest.raises(errors.Unauthenticated):
            req = LoginRequest(handle=unique_handle("ghost"), password="guess-guess-guess")
            per_address.auth.login(req, source_ip=guesser)
    with pytest.raises(errors.RateLimited):
        per_address.auth.login(LoginRequest(handle=m.handle, password=m.password), source_ip=guesser)
    per_address.auth.login(LoginRequest(handle=m.handle, password=m.password), source_ip="198.51.100.24")
