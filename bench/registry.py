"""The benchmarks ``python -m bench`` knows, in the order they run.

To add one (community post listing, search latency, the auction, ...): write a module with
``run(ctx) -> list[Row]`` and list it here. ``ctx.stack`` starts the throw-away stack on first
use, so benchmarks that need no stack (import time) run before any JVM is up.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bench import (
    bundle,
    client_size,
    content,
    import_time,
    load,
    me_latency,
    notification_lag,
    placements,
    relevance,
    search,
    spam,
)
from bench.report import Row


@dataclass(frozen=True)
class Benchmark:
    name: str
    summary: str
    run: Callable[[Any], list[Row]]


BENCHMARKS: list[Benchmark] = [
    Benchmark("import", "cold `import app` vs importing its third-party modules alone", import_time.run),
    Benchmark(
        "bundle", "the Lambda zip's size, and each handler's cold import from it (make package first)", bundle.run
    ),
    Benchmark(
        "client-size",
        "the web client's first load, JS + CSS gzip'd, vs 150 kB; lazy chunks beside it (make web first)",
        client_size.run,
    ),
    Benchmark("me", "GET /me handler vs the same BatchGetItem made directly", me_latency.run),
    Benchmark("auction", "rank_placements in-process, 10/100/1,000 candidates (p50, p99)", placements.run_auction),
    Benchmark("spam", "the spam scorer on its labelled set: test precision/recall, p99 per comment", spam.run),
    Benchmark(
        "relevance", "search on a judged Japanese/English set: recall and precision @20 vs cjk bigrams", relevance.run
    ),
    Benchmark("search-ads", "GET /search service with sponsored ranking vs without", placements.run_search_overhead),
    Benchmark("posts-list", "first page of a community's posts: 100 vs 10,000 posts", content.run_posts_list),
    Benchmark("inbox", "a company's open inquiries: 10 vs 5,000 answered ones beside them", content.run_inbox),
    Benchmark("search-lag", "write to searchable through the real stream relay, 200 posts (p50, p95)", search.run_lag),
    Benchmark(
        "notification-lag",
        "a comment to its notification listed, through the real stream relay, 100 comments (p50, p95)",
        notification_lag.run,
    ),
    # Before search-latency and search-scale, which leave 10,000 generated posts in the app's index:
    # after them, GET /search under load measured osmem's queue on that index (10 requests/s, and
    # 503s past the app's 5 s search timeout at 50 clients), not the server.
    Benchmark("load", "the local API server at 1, 10, 50, 200 keep-alive clients (make load)", load.run),
    Benchmark("search-latency", "GET /search in-process vs the same query sent raw to osmem", search.run_latency),
    Benchmark(
        "search-scale",
        "search latency with 10,000 vs 40,000 indexed posts (100,000 is too slow on osmem)",
        search.run_scale,
    ),
]
