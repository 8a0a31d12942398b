"""GET /me through the whole handler vs the same DynamoDB reads made directly with PynamoDB.

The handler (``chalicelib.http`` -> ``AuthService.authenticate`` -> ``MemberService.me``) makes
one consistent BatchGetItem of the session and the member (``SessionStore.live_member``; ``me``
reuses the member from the caller). The baseline makes exactly that read through PynamoDB's
connection and turns the items into models
against the same DynamoDB Local, so the ratio is what the app adds on top of its storage: the
Chalice gateway and test client, JWT verification, pydantic and the PynamoDB -> domain mapping.
Both measurements are taken in alternating blocks, so drift of the machine hits both alike.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import jwt

from bench.report import Row
from bench.stats import percentile

if TYPE_CHECKING:
    from bench.runner import Context

NAME = "GET /me"
TARGET = 1.3
WARMUP = 60
BLOCK = 5  # short blocks: a burst of load from elsewhere on the machine hits both sides alike
BLOCKS = 100  # 100 x 5 = 500 timed calls of each
BUDGET_S = 60.0


@contextlib.contextmanager
def recorded_dynamodb_calls() -> Iterator[list[tuple[str, str, bool]]]:
    """Record (operation, table, consistent) of every PynamoDB call made inside the block."""
    from pynamodb.connection.base import Connection

    calls: list[tuple[str, str, bool]] = []
    original = Connection.dispatch

    def dispatch(self: Any, operation_name: str, operation_kwargs: dict[str, Any]) -> Any:
        batch = operation_kwargs.get("RequestItems") or {}
        calls.append(
            (
                operation_name,
                "+".join(sorted(batch)) if batch else str(operation_kwargs.get("TableName", "")),
                all(t.get("ConsistentRead") for t in batch.values())
                if batch
                else bool(operation_kwargs.get("ConsistentRead", False)),
            )
        )
        return original(self, operation_name, operation_kwargs)

    Connection.dispatch = dispatch  # type: ignore[method-assign]
    try:
        yield calls
    finally:
        Connection.dispatch = original  # type: ignore[method-assign]


def _describe(calls: list[tuple[str, str, bool]], prefix: str) -> str:
    return ", ".join(f"{op}({table.removeprefix(prefix)}{', consistent' if c else ''})" for op, table, c in calls)


def run(ctx: Context) -> list[Row]:
    from chalicelib.adapters.dynamodb.tables import MemberItem, SessionItem

    stack = ctx.stack
    member = stack.new_member()
    session_id = jwt.decode(member.token, options={"verify_signature": False})["sid"]
    headers = {"Authorization": f"Bearer {member.token}"}
    http = stack.http

    def handler() -> Any:
        return http.request("GET", "/me", headers=headers, body=b"")

    sessions, members = SessionItem.Meta.table_name, MemberItem.Meta.table_name
    connection = SessionItem._get_connection().connection

    def direct() -> Any:
        found = connection.dispatch(
            "BatchGetItem",
            {
                "RequestItems": {
                    sessions: {"Keys": [{"session_id": {"S": session_id}}], "ConsistentRead": True},
                    members: {"Keys": [{"member_id": {"S": member.id}}], "ConsistentRead": True},
                }
            },
        )["Responses"]
        SessionItem.from_raw_data(found[sessions][0])
        return MemberItem.from_raw_data(found[members][0])

    # Same reads on both sides, or the comparison means nothing: check before timing.
    res = handler()
    if res.status_code != 200 or res.json_body.get("id") != member.id:
        raise RuntimeError(f"GET /me answered {res.status_code}: {res.body[:200]!r}")
    prefix = stack.services.settings.table_prefix
    with recorded_dynamodb_calls() as by_handler:
        handler()
    with recorded_dynamodb_calls() as by_direct:
        direct()
    if by_handler != by_direct:
        raise RuntimeError(
            f"the handler's reads differ from the baseline's: {_describe(by_handler, prefix)} "
            f"vs {_describe(by_direct, prefix)}"
        )

    for _ in range(WARMUP):
        handler()
        direct()

    samples: dict[str, list[float]] = {"handler": [], "direct": []}
    statuses: set[int] = set()
    sides: list[tuple[str, Callable[[], Any]]] = [("handler", handler), ("direct", direct)]
    started = time.monotonic()
    for block in range(BLOCKS):
        order = sides if block % 2 == 0 else sides[::-1]
        for name, fn in order:
            out = samples[name]
            for _ in range(BLOCK):
                t0 = time.perf_counter_ns()
                r = fn()
                out.append((time.perf_counter_ns() - t0) / 1e6)
                if name == "handler":
                    statuses.add(r.status_code)
        if time.monotonic() - started > BUDGET_S:
            break
    if statuses != {200}:
        raise RuntimeError(f"GET /me answered {sorted(statuses)} during the run")

    h, d = samples["handler"], samples["direct"]
    reads = f"each: {_describe(by_handler, prefix)}"
    h50, h95, d50, d95 = percentile(h, 50), percentile(h, 95), percentile(d, 50), percentile(d, 95)
    return [
        Row(NAME, "handler p50", h50, "ms", note=f"n={len(h)}, chalice.test.Client, a signed-up member's token"),
        Row(NAME, "handler p95", h95, "ms"),
        Row(NAME, "direct PynamoDB p50", d50, "ms", note=f"n={len(d)}, {reads}"),
        Row(NAME, "direct PynamoDB p95", d95, "ms"),
        Row(NAME, "handler - direct p50", h50 - d50, "ms", note="what the app adds per request at the median"),
        Row(
            NAME, "handler/direct p50", h50 / d50, "x", TARGET, note=f"{len(h) // BLOCK} alternating blocks of {BLOCK}"
        ),
        Row(NAME, "handler/direct p95", h95 / d95, "x", TARGET),
    ]
