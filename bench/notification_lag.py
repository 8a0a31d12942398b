"""Notifications: from a comment's write to its author's notification being listed (p50, p95).

Member A opens a community and a topic in it; member B joins and comments on the topic, one
comment at a time, after a random pause (so writes do not fall in step with the relay's polls).
The real stream relay (``local.relay.StreamRelay`` with its ``make run`` settings, started at the
end of each stream: ``bench.relay.FromLatest``) feeds the real stream handler
(``chalicelib.streams.handler.handle``, the search indexer and the notifier) in a background
thread. After each 201, A's ``GET /notifications?limit=5`` is called through the in-process API
until an item with that ``comment_id`` is listed. The lag spans the relay's poll of DynamoDB
Local's streams, the handler (index bulk and notification writes), and the listing read.

Comments are short on purpose: the spam scorer never compares texts this short for
near-duplicates, so a hundred comments in a row are not held.
"""

from __future__ import annotations

import random
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from bench.report import Row
from bench.stats import percentile

if TYPE_CHECKING:
    from bench.runner import Context
    from bench.stack import BenchStack

NAME = "notification-lag"
WRITES = 100
TIMEOUT_S = 5.0
POLL_S = 0.010
JITTER_S = 0.15  # random pause before each write
BUDGET_S = 40.0  # for the writes; stops early (fewer writes, said in the note) on a slow machine
TARGET_S = 1.0
LIST_PATH = "/notifications?limit=5"


def _listed(stack: BenchStack, token: str, comment_id: str) -> bool:
    page = stack._ok(stack.call("GET", LIST_PATH, token=token), 200, "list notifications")
    return any(n.get("comment_id") == comment_id for n in page["items"])


def run(ctx: Context) -> list[Row]:
    from bench.relay import FromLatest
    from chalicelib.streams.handler import handle

    stack = ctx.stack
    author = stack.new_member(display_name="通知を待つ人")
    commenter = stack.new_member(display_name="コメントする人")
    community = stack._ok(
        stack.call(
            "POST",
            "/communities",
            {"name": f"通知 {uuid.uuid4().hex[:6]}", "description": "通知の遅れを測る", "category": "games"},
            author.token,
        ),
        201,
        "community",
    )
    topic = stack._ok(
        stack.call(
            "POST",
            f"/communities/{community['id']}/posts",
            {"title": "通知の速さ", "body": "コメントが付いたらすぐ分かるか"},
            author.token,
        ),
        201,
        "topic",
    )
    stack._ok(stack.call("PUT", f"/communities/{community['id']}/membership", token=commenter.token), 200, "join")
    # The handler indexes too; its first bulk would create the index (and fail that batch once, to
    # be retried after a backoff): not part of any write's lag.
    stack.index.ensure()
    path = f"/posts/{topic['id']}/comments"
    rng = random.Random(7)

    lags: list[float] = []
    writes: list[float] = []
    polls: list[int] = []
    missed: list[tuple[int, str]] = []
    with (
        tempfile.TemporaryDirectory(prefix="bench-relay-") as tmp,
        FromLatest(handle, Path(tmp) / "relay.json") as relay,
    ):
        relay.poll_once()  # discover the streams, open every shard at its end
        relay.skip_backlog = False
        shards = len(relay._shards)
        stop = threading.Event()
        thread = threading.Thread(target=relay.run, args=(stop,), name="bench-relay", daemon=True)
        thread.start()
        started = time.monotonic()
        try:
            for i in range(WRITES):
                time.sleep(rng.uniform(0, JITTER_S))
                t0 = time.perf_counter()
                comment = stack._ok(
                    stack.call("POST", path, {"body": f"見ました #{i}"}, commenter.token), 201, "comment"
                )
                written = time.perf_counter()
                writes.append((written - t0) * 1000)
                if comment.get("held"):
                    raise RuntimeError(f"comment #{i} was held for review; it would never be notified")
                n = 0
                while True:
                    n += 1
                    found = _listed(stack, author.token, comment["id"])
                    now = time.perf_counter()
                    if found:
                        lags.append(now - written)
                        polls.append(n)
                        break
                    if now - written > TIMEOUT_S:
                        missed.append((i, comment["id"]))
                        break
                    time.sleep(POLL_S)
                if not thread.is_alive():
                    raise RuntimeError("the relay thread died")
                if time.monotonic() - started > BUDGET_S:
                    break
            # A write missed by the deadline: is it listed at all by now (late) or lost? (A page of 5
            # would hide it behind the newer comments: look through longer pages.)
            late = [i for i, cid in missed if _listed_anywhere(stack, author.token, cid)]
        finally:
            stop.set()
            thread.join(timeout=15)
        if thread.is_alive():
            raise RuntimeError("the relay thread did not stop")

    if not lags:
        return [Row(NAME, "lag", None, note=f"no notification was listed within {TIMEOUT_S:.0f} s", error=True)]
    p50, p95 = percentile(lags, 50), percentile(lags, 95)
    lost = sorted({i for i, _ in missed} - set(late))
    missing = (
        f"; not listed within {TIMEOUT_S:.0f} s: writes {[i for i, _ in missed]} (listed later: {late}, lost: {lost})"
        if missed
        else ""
    )
    return [
        Row(
            NAME,
            "lag p50",
            p50 * 1000,
            "ms",
            note=f"n={len(lags)} of {len(writes)} comments{missing}; from the 201 of the comment to "
            f"GET /notifications listing it; the relay polls DynamoDB Local's streams",
        ),
        Row(NAME, "lag p95", p95 * 1000, "ms"),
        Row(NAME, "lag max", max(lags) * 1000, "ms", note=f"GETs per write: median {percentile(polls, 50):g}"),
        Row(NAME, "POST comment p50", percentile(writes, 50), "ms", note="the write itself (not part of the lag)"),
        Row(
            NAME,
            "lag p95 / 1 s",
            p95 / TARGET_S,
            "x",
            1.0,
            note=f"StreamRelay as in make run (idle_sleep 0.15 s, batch 100), {shards} shards, handler = "
            f"indexer + notifier; GET {LIST_PATH} every {POLL_S * 1000:.0f} ms",
        ),
    ]


def _listed_anywhere(stack: BenchStack, token: str, comment_id: str, pages: int = 5) -> bool:
    """Whether any of the first ``pages`` pages of notifications lists ``comment_id``."""
    from chalicelib.pagination import MAX_LIMIT

    cursor = None
    for _ in range(pages):
        path = f"/notifications?limit={MAX_LIMIT}" + (f"&cursor={quote(cursor)}" if cursor else "")
        page = stack._ok(stack.call("GET", path, token=token), 200, "list notifications")
        if any(n.get("comment_id") == comment_id for n in page["items"]):
            return True
        cursor = page.get("next_cursor")
        if not cursor:
            return False
    return False
