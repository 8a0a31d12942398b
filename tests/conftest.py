"""The test harness: a throw-away local stack (DynamoDB Local in memory, osmem-server) per run.

If a service does not start, every test that needs it errors: CI fails, it never skips.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from chalice.test import Client

from local.relay import StreamRelay
from local.stack import Service, throwaway_stack

ADMIN_PASSWORD = "correct-horse-battery-staple-42"


@dataclass
class LocalStack:
    dynamodb: Service
    osmem: Service


@pytest.fixture(scope="session")
def local_stack() -> Iterator[LocalStack]:
    """DynamoDB Local and osmem-server on free loopback ports, wired into the environment."""
    with throwaway_stack("test") as (dynamodb, osmem):
        yield LocalStack(dynamodb, osmem)


@pytest.fixture(scope="session")
def services(local_stack: LocalStack) -> Any:
    from chalicelib.bootstrap import services as built

    return built()


@pytest.fixture(scope="session")
def client(local_stack: LocalStack) -> Iterator[Client]:
    from app import app

    with Client(app) as c:
        yield c


class Api:
    """A thin JSON client over chalice.test for readable tests."""

    def __init__(self, client: Client):
        self.client = client

    def call(self, method: str, path: str, body: Any = None, token: str | None = None, **headers: str) -> Any:
        hdrs = dict(headers)
        if token:
            hdrs["Authorization"] = f"Bearer {token}"
        raw = None
        if body is not None:
            raw = body if isinstance(body, (str, bytes)) else json.dumps(body)
            hdrs.setdefault("Content-Type", "application/json")
        return getattr(self.client.http, method.lower())(path, headers=hdrs, body=raw)


@pytest.fixture(scope="session")
def api(client: Client) -> Api:
    return Api(client)


@dataclass
class Member:
    handle: str
    token: str
    password: str
    id: str


#: Hex digits spelled with letters g-v: a marker is one word to the Japanese analyzer (kuromoji
#: cuts ``zq4e02`` into zq|4|e|02), and none of its letters is a short word of its own (``b``, ``f``).
_MARKER_LETTERS = str.maketrans("0123456789abcdef", "ghijklmnopqrstuv")


def marker() -> str:
    """A word no other text contains, to find exactly one test's writes in the shared index."""
    return f"zq{uuid.uuid4().hex[:10].translate(_MARKER_LETTERS)}"


def unique_handle(prefix: str = "m") -> str:
    return f"{prefix}_{uuid.uuid4().hex[:10]}"


@pytest.fixture(scope="session")
def admin(api: Api, services: Any) -> Member:
    handle = unique_handle("admin")
    member, _ = services.auth.ensure_admin(handle, ADMIN_PASSWORD, 10_000)
    res = api.call("POST", "/auth/login", {"handle": handle, "password": ADMIN_PASSWORD})
    assert res.status_code == 200, res.body
    return Member(handle, res.json_body["token"], ADMIN_PASSWORD, member.id)


@pytest.fixture
def invite(api: Api, admin: Member) -> str:
    res = api.call("POST", "/invites", {}, token=admin.token)
    assert res.status_code == 201, res.body
    return str(res.json_body["code"])


@pytest.fixture(scope="session")
def new_member(api: Api, admin: Member) -> Any:
    """A factory: a fresh member invited by ``inviter`` (the admin by default)."""

    def make(inviter: Member | None = None, display_name: str = "テスト会員") -> Member:
        inviter = inviter or admin
        code = api.call("POST", "/invites", {}, token=inviter.token).json_body["code"]
        handle = unique_handle()
        password = f"pw-{uuid.uuid4().hex}"
        res = api.call(
            "POST",
            "/auth/signup",
            {
                "invite_code": code,
                "handle": handle,
                "display_name": display_name,
                "password": password,
                "email": f"{handle}@example.com",
            },
        )
        assert res.status_code == 201, res.body
        return Member(handle, res.json_body["token"], password, res.json_body["member"]["id"])

    return make


INDEX_TIMEOUT = 20.0


def drain(relay: StreamRelay, timeout: float = INDEX_TIMEOUT) -> None:
    """Poll until two passes in a row find nothing: every write so far went through the handler."""
    deadline = time.monotonic() + timeout
    idle_passes = 0
    while idle_passes < 2:  # two empty passes: nothing pending, nothing in backoff
        assert time.monotonic() < deadline, "the stream handler did not catch up"
        if relay.poll_once() == 0:
            idle_passes += 1
            time.sleep(0.03)
        else:
            idle_passes = 0


@pytest.fixture(scope="session")
def indexed(local_stack: LocalStack, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """Call to wait until everything written so far went through the real stream handler: the search
    index and the notifications.

    One relay for the session: a relay per module started from the beginning of every stream, so
    each module's first call replayed the whole session's history through both consumers.
    """
    from chalicelib.streams.handler import handle

    state = tmp_path_factory.mktemp("relay") / "state.json"
    with StreamRelay(handle, state, backoff_base=0.02, backoff_cap=0.2, idle_sleep=0.02) as relay:
        yield lambda: drain(relay)
