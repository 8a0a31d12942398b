"""Behind CloudFront, failed logins count per viewer, not per edge server (POST /auth/login).

Every request here comes from the same connecting address (chalice.test's 127.0.0.1, standing in
for one CloudFront edge server); CloudFront's headers name the viewer.
"""

from __future__ import annotations

import pytest

from chalicelib.adapters.dynamodb.login_attempts import pair_key
from chalicelib.adapters.dynamodb.tables import LoginAttemptItem
from chalicelib.http import ORIGIN_SECRET_HEADER, VIEWER_ADDRESS_HEADER

SECRET = "origin-secret-of-this-test-0123456789"
EDGE = "127.0.0.1"


@pytest.fixture
def behind_cloudfront(services, monkeypatch) -> None:
    """The API knows the origin secret, as the Lambda does once it has read it from Secrets Manager."""
    monkeypatch.setattr(services.origin_secret, "_value", SECRET)


def login(api, handle: str, password: str, viewer: str, secret: str = SECRET):
    headers = {ORIGIN_SECRET_HEADER: secret, VIEWER_ADDRESS_HEADER: viewer}
    return api.call("POST", "/auth/login", {"handle": handle, "password": password}, **headers)


def recorded(handle: str, address: str) -> bool:
    return LoginAttemptItem.count(pair_key(handle, address)) > 0


def test_a_guesser_locks_out_only_their_own_viewer_address(api, new_member, services, behind_cloudfront):
    member = new_member()
    guesser, owner = "203.0.113.77:50123", "198.51.100.31:443"
    for _ in range(services.settings.login_max_failures):
        assert login(api, member.handle, "wrong-guess", guesser).status_code == 401
    assert login(api, member.handle, "wrong-guess", guesser).status_code == 429
    assert recorded(member.handle, "203.0.113.77") and not recorded(member.handle, EDGE)
    # The member, at the same edge server but another address, logs in.
    assert login(api, member.handle, member.password, owner).status_code == 200
    # An IPv6 guesser cannot escape the lock by moving inside its /64.
    for i in range(services.settings.login_max_failures):
        assert login(api, member.handle, "wrong-guess", f"2001:db8:7:7::{i + 1}:443").status_code == 401
    assert login(api, member.handle, "wrong-guess", "2001:db8:7:7:ffff::1:443").status_code == 429


def test_without_the_secret_the_viewer_header_is_ignored(api, new_member, behind_cloudfront):
    member = new_member()
    res = login(api, member.handle, "wrong-guess", "203.0.113.78:50123", secret="not-the-secret")
    assert res.status_code == 401
    assert recorded(member.handle, EDGE) and not recorded(member.handle, "203.0.113.78")
