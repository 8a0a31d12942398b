"""A throw-away local stack for benchmarks, built exactly like the test harness builds its own.

DynamoDB Local (in memory) and osmem-server on free loopback ports, their endpoints in
``os.environ``, a random signing key, a unique table prefix, fresh services and tables. Only
the processes started here are stopped, by their PIDs.
"""

from __future__ import annotations

import contextlib
import json
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from chalice.test import Client

from local.stack import ROOT, Service, throwaway_stack

if TYPE_CHECKING:
    from chalicelib.adapters.opensearch import SearchIndex as OpenSearchIndex
    from chalicelib.bootstrap import Services

ADMIN_PASSWORD = "bench-horse-battery-staple-42"


@dataclass
class Member:
    handle: str
    token: str
    password: str
    id: str


class BenchStack:
    """The running stack, the services and an in-process HTTP client over the Chalice app."""

    def __init__(self) -> None:
        self.dynamodb: Service | None = None
        self.osmem: Service | None = None
        self._stack = contextlib.ExitStack()
        self.client: Client | None = None
        self._services: Services | None = None
        self._admin: Member | None = None

    @property
    def services(self) -> Services:
        """The app's services on this stack (typed, so that mypy sees a benchmark use one wrongly)."""
        if self._services is None:
            raise RuntimeError("the bench stack is not started")
        return self._services

    @property
    def index(self) -> OpenSearchIndex:
        """The search index adapter the app uses (``ensure``, ``apply``), not just the read port."""
        from chalicelib.adapters.opensearch import SearchIndex

        index = self.services.search.index
        if not isinstance(index, SearchIndex):
            raise RuntimeError(f"the app searches {type(index).__name__}, not OpenSearch")
        return index

    @property
    def opensearch_url(self) -> str:
        url = self.services.settings.opensearch_url
        if not url:
            raise RuntimeError("the bench stack has no OpenSearch URL")
        return url

    @property
    def http(self) -> Any:
        """The in-process HTTP client over the Chalice app (``chalice.test.Client.http``)."""
        if self.client is None:
            raise RuntimeError("the bench stack is not started")
        return self.client.http

    def start(self) -> BenchStack:
        """Start everything; on failure stops whatever already started and re-raises."""
        try:
            # One log line per request would bury the report (and time the console, not the app).
            quiet = {"POWERTOOLS_LOG_LEVEL": "WARNING"}
            self.dynamodb, self.osmem = self._stack.enter_context(throwaway_stack("bench", quiet))
            from app import app
            from chalicelib import bootstrap

            self._services = bootstrap.services()

            self.client = Client(app, project_dir=str(ROOT))
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        """Forget the services, restore the environment, stop our processes (osmem, then DynamoDB)."""
        self._stack.close()
        self.osmem = self.dynamodb = None

    def pids(self) -> list[int]:
        return [s.process.pid for s in (self.dynamodb, self.osmem) if s is not None]

    # -- HTTP through chalice.test, as the tests do -------------------------------------------

    def call(self, method: str, path: str, body: Any = None, token: str | None = None) -> Any:
        assert self.client is not None, "stack not started"
        headers: dict[str, str] = {}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        raw = b""
        if body is not None:
            raw = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        return self.client.http.request(method, path, headers=headers, body=raw)

    def _ok(self, res: Any, status: int, what: str) -> Any:
        if res.status_code != status:
            raise RuntimeError(f"{what}: expected {status}, got {res.status_code}: {res.body[:300]!r}")
        return res.json_body

    def admin(self) -> Member:
        """An admin, created through the services and logged in through the API (once per stack)."""
        if self._admin is None:
            handle = f"admin_{uuid.uuid4().hex[:10]}"
            member, _ = self.services.auth.ensure_admin(handle, ADMIN_PASSWORD, 10_000)
            body = self._ok(
                self.call("POST", "/auth/login", {"handle": handle, "password": ADMIN_PASSWORD}), 200, "admin login"
            )
            self._admin = Member(handle, body["token"], ADMIN_PASSWORD, member.id)
        return self._admin

    def new_member(self, inviter: Member | None = None, display_name: str = "ベンチ会員") -> Member:
        """A member who signed up through the API with an invite from ``inviter`` (the admin by default)."""
        inviter = inviter or self.admin()
        code = self._ok(self.call("POST", "/invites", {}, token=inviter.token), 201, "create invite")["code"]
        handle = f"m_{uuid.uuid4().hex[:10]}"
        password = f"pw-{uuid.uuid4().hex}"
        body = self._ok(
            self.call(
                "POST",
                "/auth/signup",
                {
                    "invite_code": code,
                    "handle": handle,
                    "display_name": display_name,
                    "password": password,
                    "email": f"{handle}@example.com",
                },
            ),
            201,
            "signup",
        )
        return Member(handle, body["token"], password, body["member"]["id"])
