"""The address logins are throttled by: the viewer's behind CloudFront, and only when CloudFront says so.

CloudFront adds ``CloudFront-Viewer-Address`` and a secret origin header to every request it sends
to the API. Anyone can send a viewer address header straight to API Gateway, so it counts only
with the right secret; otherwise the connecting address API Gateway saw does.
"""

from __future__ import annotations

from typing import Any

import pytest
from chalice.app import Request

from chalicelib.bootstrap import OriginSecret
from chalicelib.config import load_settings
from chalicelib.http import ORIGIN_SECRET_HEADER, VIEWER_ADDRESS_HEADER, source_ip, viewer_address

SECRET = "Qm9vayBvZiBLaXp1bmEgc2VjcmV0IGhlYWRlcg"
EDGE = "130.176.9.1"  # a CloudFront edge server, as API Gateway sees it


def request(headers: dict[str, str], source: str | None = EDGE) -> Request:
    identity: dict[str, Any] = {"sourceIp": source} if source is not None else {}
    return Request(
        {
            "multiValueQueryStringParameters": None,
            "headers": headers,
            "pathParameters": None,
            "requestContext": {"httpMethod": "POST", "resourcePath": "/auth/login", "identity": identity},
            "body": None,
            "stageVariables": None,
        }
    )


def through_cloudfront(viewer: str, secret: str = SECRET) -> Request:
    return request({ORIGIN_SECRET_HEADER: secret, VIEWER_ADDRESS_HEADER: viewer})


def test_with_the_right_secret_the_viewer_address_counts() -> None:
    assert source_ip(through_cloudfront("198.51.100.10:46532"), SECRET) == "198.51.100.10"
    # Header names are case-insensitive (API Gateway passes them as the client wrote them).
    lower = request({ORIGIN_SECRET_HEADER.lower(): SECRET, VIEWER_ADDRESS_HEADER.lower(): "203.0.113.5:443"})
    assert source_ip(lower, SECRET) == "203.0.113.5"


@pytest.mark.parametrize(
    "headers",
    [
        {VIEWER_ADDRESS_HEADER: "198.51.100.10:46532"},  # no secret header: straight to API Gateway
        {ORIGIN_SECRET_HEADER: "guess", VIEWER_ADDRESS_HEADER: "198.51.100.10:46532"},
        {ORIGIN_SECRET_HEADER: "", VIEWER_ADDRESS_HEADER: "198.51.100.10:46532"},
        {ORIGIN_SECRET_HEADER: SECRET[:-1], VIEWER_ADDRESS_HEADER: "198.51.100.10:46532"},
        {ORIGIN_SECRET_HEADER: SECRET + "x", VIEWER_ADDRESS_HEADER: "198.51.100.10:46532"},
        {ORIGIN_SECRET_HEADER: SECRET.upper(), VIEWER_ADDRESS_HEADER: "198.51.100.10:46532"},
        {ORIGIN_SECRET_HEADER: "秘密", VIEWER_ADDRESS_HEADER: "198.51.100.10:46532"},
    ],
    ids=["missing", "wrong", "empty", "prefix", "longer", "other-case", "non-ascii"],
)
def test_a_wrong_or_missing_secret_leaves_the_address_api_gateway_saw(headers: dict[str, str]) -> None:
    assert source_ip(request(headers), SECRET) == EDGE


@pytest.mark.parametrize("configured", [None, ""])
def test_without_a_configured_secret_no_viewer_header_is_read(configured: str | None) -> None:
    assert source_ip(through_cloudfront("198.51.100.10:46532", secret=""), configured) == EDGE
    assert source_ip(through_cloudfront("198.51.100.10:46532"), configured) == EDGE


@pytest.mark.parametrize(
    "value",
    [
        "",
        "198.51.100.10",  # no port
        "198.51.100.10:",
        ":443",
        "198.51.100.10:65536",
        "198.51.100.10:-1",
        "198.51.100.10:4a",
        "198.51.100.10:١٢",  # digits, but not ASCII ones
        "198.51.100.300:443",
        "example.com:443",
        "198.51.100.10:443, 203.0.113.9:80",  # two values
        "2001:db8::1",  # IPv6 without a port: its last group is taken for one, and the rest is no address
        "[2001:db8::1]",
        "1" * 70 + ":443",
    ],
)
def test_a_malformed_viewer_address_falls_back_to_the_connecting_one(value: str) -> None:
    assert viewer_address(value) is None
    assert source_ip(through_cloudfront(value), SECRET) == EDGE


def test_no_viewer_address_at_all_falls_back_too() -> None:
    assert source_ip(request({ORIGIN_SECRET_HEADER: SECRET}), SECRET) == EDGE
    assert source_ip(request({}, source=None), SECRET) == "unknown"


def test_ipv6_viewers_count_by_their_64() -> None:
    # CloudFront writes IPv6 without brackets, the port after the last colon.
    assert source_ip(through_cloudfront("2001:db8:1:2::1:443"), SECRET) == "2001:db8:1:2::/64"
    # Any address in the same /64, written any way, is the same viewer (it could rotate through them).
    for same in (
        "2001:db8:1:2:ffff:ffff:ffff:ffff:51000",
        "2001:0db8:0001:0002:0000:0000:0000:0007:1",
        "[2001:db8:1:2::9]:8",
    ):
        assert viewer_address(same) == "2001:db8:1:2::/64", same
    assert viewer_address("2001:db8:1:3::1:443") == "2001:db8:1:3::/64"
    # An IPv4 address in IPv6 clothing is the IPv4 viewer.
    assert viewer_address("::ffff:198.51.100.7:443") == "198.51.100.7"


def test_an_ipv6_connecting_address_counts_by_its_64_as_well() -> None:
    assert source_ip(request({}, source="2001:db8:5::abcd"), None) == "2001:db8:5::/64"
    assert source_ip(request({}, source="not-an-address"), None) == "not-an-address"


# --- where the secret comes from -------------------------------------------------------------------


def test_the_secret_comes_from_the_environment_locally_and_from_secrets_manager_once_in_aws() -> None:
    assert OriginSecret(load_settings({"KIZUNA_ORIGIN_SECRET": SECRET}))() == SECRET
    assert OriginSecret(load_settings({}))() is None

    reads: list[tuple[str, str]] = []

    def read(secret_id: str, region: str) -> str:
        reads.append((secret_id, region))
        return SECRET

    arn = "arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:kizuna-prod-origin-secret-AbCdEf"
    env = {"KIZUNA_ORIGIN_SECRET_ID": arn, "AWS_REGION": "ap-northeast-1"}
    secret = OriginSecret(load_settings(env), read)
    assert reads == [], "nothing is read before a login asks"
    assert secret() == SECRET and secret() == SECRET
    assert reads == [(arn, "ap-northeast-1")]


def test_an_unreadable_secret_trusts_no_viewer_now_and_is_read_again_next_time() -> None:
    answers: list[Exception | str] = [ConnectionError("secrets manager is down"), SECRET]

    def read(secret_id: str, region: str) -> str:
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    secret = OriginSecret(load_settings({"KIZUNA_ORIGIN_SECRET_ID": "kizuna-prod-origin-secret"}), read)
    assert secret() is None
    assert secret() == SECRET
