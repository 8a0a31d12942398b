"""``make load``: the local API server under 1, 10, 50 and 200 concurrent keep-alive clients.

Each client is a thread with its own HTTP/1.1 connection to ``local/api.py`` (gunicorn in front of
the same Chalice app) on loopback; all of them start together and each sends its share of a fixed
number of requests, or stops at the deadline. Reported per route and level: requests per second,
p50, p99, and connection errors (there must be none). Bounded in count and time; loopback only.

The closed-loop cells saturate the server: 50 clients that each send again the moment they are
answered keep 50 requests in flight, so by Little's law the latency is 50 ÷ throughput, and on
2 cores (the load generator, gunicorn and DynamoDB Local's JVM share them) that is capacity, not
whether the server holds its clients. The judged ratio is therefore 50 *paced* clients (members
at a reading pace, one request a second each) against one client's p99.
"""

from __future__ import annotations

import http.client
import json
import os
import random
import shutil
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlsplit

from bench.report import Row
from bench.stats import percentile

if TYPE_CHECKING:
    from bench.runner import Context

NAME = "load"
LEVELS = (1, 10, 50, 200)
#: p99 at 50 clients ÷ p99 at 1 client for GET /me, on this 2-core machine.
TARGET_50 = 5.0
CELL_DEADLINE_S = 20.0
#: Paced clients: each sends one request every PACE_S (a member reading a page), at a random
#: phase, for PACED_S. 50 of them offer 50 requests/s, a quarter of what GET /me serves saturated.
PACE_S = 1.0
PACED_S = 15.0


@dataclass(frozen=True)
class Route:
    label: str
    method: str
    path: Callable[[int], str]
    body: Callable[[int], dict[str, Any] | None]
    requests: int


@dataclass
class Cell:
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    bad_status: int = 0
    seconds: float = 0.0


def _drive(url: str, route: Route, clients: int, tokens: list[str], pace_s: float = 0.0) -> Cell:
    """``route`` from ``clients`` connections at once; each client uses its own member's token.

    ``pace_s`` 0: each client sends its next request as soon as the last is answered (closed loop,
    saturating). Otherwise each sends one request every ``pace_s`` from a random phase, for PACED_S.
    """
    parts = urlsplit(url)
    share = int(PACED_S / pace_s) if pace_s else max(3, route.requests // clients)
    cell = Cell()
    lock = threading.Lock()
    start = threading.Barrier(clients + 1, timeout=60)

    def client(i: int) -> None:
        conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port or 80, timeout=30)
        headers = {"Authorization": f"Bearer {tokens[i % len(tokens)]}", "Content-Type": "application/json"}
        mine: list[float] = []
        try:
            conn.connect()
            start.wait()
            began = time.monotonic()
            deadline = began + CELL_DEADLINE_S + (PACED_S if pace_s else 0.0)
            phase = random.Random(i).uniform(0, pace_s)
            for n in range(share):
                if time.monotonic() > deadline:
                    break
                if pace_s:
                    time.sleep(max(0.0, began + phase + n * pace_s - time.monotonic()))
                body = route.body(i * share + n)
                t0 = time.perf_counter()
                conn.request(route.method, route.path(i * share + n), body=json.dumps(body) if body else None,
                             headers=headers)  # fmt: skip
                res = conn.getresponse()
                res.read()
                mine.append(time.perf_counter() - t0)
                if res.status >= 400:
                    with lock:
                        cell.bad_status += 1
        except Exception as exc:  # a reset or a timeout is the finding, not a crash of the benchmark
            with lock:
                cell.errors.append(f"{type(exc).__name__}: {exc}"[:120])
        finally:
            conn.close()
            with lock:
                cell.latencies += mine

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
    for t in threads:
        t.start()
    start.wait()
    t0 = time.monotonic()
    for t in threads:
        t.join(CELL_DEADLINE_S + 40)
    cell.seconds = time.monotonic() - t0
    return cell


def _routes(community_id: str, post_id: str, word: str) -> list[Route]:
    return [
        Route("GET /me", "GET", lambda i: "/me", lambda i: None, 600),
        Route("GET /communities", "GET", lambda i: "/communities?limit=20", lambda i: None, 300),
        Route("GET /posts/{id}/comments", "GET", lambda i: f"/posts/{post_id}/comments?limit=20", lambda i: None, 300),
        Route("GET /search", "GET", lambda i: f"/search?q={quote(word)}", lambda i: None, 150),
        Route("POST /diary", "POST", lambda i: "/diary", lambda i: {"title": f"負荷 {i}", "body": "本文"}, 300),
        Route(
            "POST /posts/{id}/comments",
            "POST",
            lambda i: f"/posts/{post_id}/comments",
            lambda i: {"body": f"コメント {i}"},
            300,
        ),
    ]


def run(ctx: Context) -> list[Row]:
    from local.stack import start_api

    stack = ctx.stack
    members = [stack.new_member() for _ in range(20)]
    tokens = [m.token for m in members]
    word = f"load{uuid.uuid4().hex[:8]}"
    community = stack._ok(
        stack.call("POST", "/communities", {"name": f"負荷 {word}", "category": "other"}, members[0].token),
        201,
        "community",
    )
    for m in members[1:]:
        stack._ok(stack.call("PUT", f"/communities/{community['id']}/membership", token=m.token), 200, "join")
    post = stack._ok(
        stack.call("POST", f"/communities/{community['id']}/posts", {"title": word, "body": word}, members[0].token),
        201,
        "post",
    )
    logs = Path(tempfile.mkdtemp(prefix="bench-load-"))
    api = start_api(dict(os.environ), log=logs / "api.log")
    rows: list[Row] = []
    try:
        p99_me: dict[int, float] = {}
        for route in _routes(community["id"], post["id"], word):
            for clients in LEVELS:
                cell = _drive(api.url, route, clients, tokens)
                label = f"{route.label} @{clients}"
                if not cell.latencies:
                    rows.append(Row(NAME, label, None, note="; ".join(cell.errors[:2]) or "no request", error=True))
                    continue
                p50, p99 = percentile(cell.latencies, 50) * 1000, percentile(cell.latencies, 99) * 1000
                note = f"{len(cell.latencies) / cell.seconds:.0f} req/s, p50 {p50:.1f} ms, n={len(cell.latencies)}"
                if cell.bad_status:
                    note += f", {cell.bad_status} answered >= 400"
                if cell.errors:
                    note += f", {len(cell.errors)} CONNECTION ERRORS: {cell.errors[0]}"
                rows.append(Row(NAME, f"{label} p99", p99, "ms", note=note, error=bool(cell.errors)))
                if route.label == "GET /me":
                    p99_me[clients] = p99
        me = _routes(community["id"], post["id"], word)[0]
        paced = _drive(api.url, me, 50, tokens, pace_s=PACE_S)
        if paced.latencies:
            p99 = percentile(paced.latencies, 99) * 1000
            note = (
                f"50 clients × 1 request per {PACE_S:.0f} s for {PACED_S:.0f} s: "
                f"{len(paced.latencies) / paced.seconds:.0f} req/s offered, p50 "
                f"{percentile(paced.latencies, 50) * 1000:.1f} ms, n={len(paced.latencies)}"
            )
            if paced.errors:
                note += f", {len(paced.errors)} CONNECTION ERRORS: {paced.errors[0]}"
            rows.append(Row(NAME, "GET /me @50 paced p99", p99, "ms", note=note, error=bool(paced.errors)))
            if 1 in p99_me:
                rows.append(
                    Row(
                        NAME,
                        "GET /me p99 @50 paced / @1",
                        p99 / p99_me[1],
                        "x",
                        TARGET_50,
                        "members at a reading pace; gunicorn: 2 workers × 32 threads",
                    )
                )
        if 1 in p99_me and 50 in p99_me:
            # Closed loop, 50 clients keep 50 requests in flight: by Little's law p50 ≈ 50 ÷ requests/s,
            # so on 2 cores this ratio measures capacity, not the server holding its clients.
            ratio = p99_me[50] / p99_me[1]
            note = "saturated closed loop: capacity, not judged"
            rows.append(Row(NAME, "GET /me p99 @50 / @1", ratio, "x", note=note))
        if 1 in p99_me and 200 in p99_me:
            rows.append(Row(NAME, "GET /me p99 @200 / @1", p99_me[200] / p99_me[1], "x", note="no target"))
    finally:
        api.stop()
        shutil.rmtree(logs, ignore_errors=True)
    return rows
