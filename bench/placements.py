"""Sponsored placements: the auction alone, and what sponsored ranking adds to GET /search.

* ``run_auction``: ``rank_placements`` in-process with 10, 100 and 1,000 candidates, p50 and p99
  (target: 1,000 candidates under 2 ms p50, printed as p50 / 2 ms <= 1).
* ``run_search_overhead``: ``SearchService.search`` with its PlacementService vs the same
  service without one (organic only), alternating blocks, against the bench stack; the ratio
  is the added latency of retrieval, DynamoDB budget/CTR reads, the auction, the tokens and the
  impression counters. Ads are indexed directly (the bench stack runs no stream relay).
"""

from __future__ import annotations

import random
import time
import uuid
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from bench.report import Row
from bench.search import changes_of, save_posts
from bench.stats import median, percentile

if TYPE_CHECKING:
    from bench.runner import Context
    from bench.stack import BenchStack

AUCTION_TARGET_MS = 2.0
SIZES = (10, 100, 1000)
RUNS = 300
SEARCH_TARGET = 2.0
BLOCK, BLOCKS, WARMUP = 5, 40, 20


def _event(n: int, rng: random.Random) -> dict[str, Any]:
    candidates: list[dict[str, Any]] = [
        {
            "ad_id": f"ad{i:05d}",
            "bid": rng.randint(1, 500),
            "impressions": rng.randint(0, 100_000),
            "clicks": rng.randint(0, 2_000),
            "relevance": rng.uniform(0.05, 1.0),
        }
        for i in range(n)
    ]
    for c in candidates:
        c["clicks"] = min(c["clicks"], c["impressions"])
    return {"query": "任天堂 ds", "slots": 2, "reserve_price": 5, "candidates": candidates}


def run_auction(ctx: Context) -> list[Row]:
    """p50/p99 of the pure auction per candidate count."""
    from chalicelib.ranking import rank_placements

    rng = random.Random(5)
    rows = []
    for n in SIZES:
        event = _event(n, rng)
        for _ in range(20):
            rank_placements(event)
        times = []
        for _ in range(RUNS):
            start = time.perf_counter()
            rank_placements(event)
            times.append((time.perf_counter() - start) * 1000)
        p50, p99 = median(times), percentile(times, 99)
        rows.append(Row("rank_placements", f"{n} candidates p50", p50, "ms"))
        rows.append(Row("rank_placements", f"{n} candidates p99", p99, "ms"))
        if n == 1000:
            rows.append(
                Row("rank_placements", "1000 p50 / 2 ms", p50 / AUCTION_TARGET_MS, "x", 1.0, "target: under 2 ms p50")
            )
    return rows


#: Organic matches of the sponsored benchmark's word: more than a page, so the page is full.
ORGANIC_POSTS = 30


def _seed(stack: BenchStack, word: str, ads: int) -> tuple[Any, Any]:
    """A company with ``ads`` active campaigns on ``word`` (indexed directly) and a searching member."""
    from chalicelib.adapters.dynamodb.campaign_store import keywords_json
    from chalicelib.kernel import Caller
    from chalicelib.placements.models import CampaignCreate
    from chalicelib.search.documents import change_of_item

    svc = stack.services
    admin = stack.admin()
    company = stack._ok(
        stack.call("POST", "/companies", {"name": "ベンチ商事", "website": "https://b.example"}, admin.token),
        201,
        "company",
    )
    owner = stack.new_member()
    stack._ok(
        stack.call("PUT", f"/companies/{company['id']}/staff/{owner.handle}", {"role": "owner"}, admin.token),
        200,
        "staff",
    )
    community = stack._ok(
        stack.call(
            "POST",
            "/communities",
            {"name": f"{word}公式", "description": word, "category": "games", "company_id": company["id"]},
            owner.token,
        ),
        201,
        "community",
    )
    owner_caller = Caller(owner.id, owner.handle, "bench", ("member",))
    changes = []
    for i in range(ads):
        req = CampaignCreate.model_validate(
            {
                "name": f"c{i}",
                "target": {"type": "community", "id": community["id"]},
                "headline": "ベンチ広告",
                "text": "ベンチマーク用の広告です。",
                "keywords": [{"text": word, "match": "broad", "max_cpc": 10 + i}],
                "daily_budget": 10_000_000,
            }
        )
        c = svc.stores.campaigns.get(company["id"], svc.campaigns.create(owner_caller, company["id"], req).id)
        assert c is not None
        item = {
            "campaign_id": c.id,
            "company_id": c.company_id,
            "company_name": c.company_name,
            "status": c.status,
            "headline": c.headline,
            "text": c.text,
            "target_type": c.target.type,
            "target_id": c.target.id,
            "keywords": keywords_json(c.keywords),
            "negative_keywords": [],
            "daily_budget": c.daily_budget,
            "version": 1,
        }
        changes.append(change_of_item("ad", item))
    # A full first page of organic results too (in DynamoDB and the index), as a search with ads has.
    plain = stack._ok(
        stack.call("POST", "/communities", {"name": f"{word}好き", "category": "games"}, owner.token), 201, "community"
    )
    now = datetime.now(UTC).isoformat()
    posts = [
        {
            "post_id": uuid.uuid4().hex,
            "kind": "topic",
            "author_id": owner.id,
            "author_handle": owner.handle,
            "title": f"{word} の話 {i}",
            "body": f"{word} について話しましょう。その{i}",
            "visibility": "members",
            "community_id": plain["id"],
            "community_name": plain["name"],
            "comment_count": 0,
            "created_at": now,
            "updated_at": now,
            "version": 1,
        }
        for i in range(ORGANIC_POSTS)
    ]
    save_posts(posts)
    changes += changes_of(posts)
    stack.index.apply(changes)
    reader = stack.new_member()
    return svc, Caller(reader.id, reader.handle, "bench", ("member",))


def run_search_overhead(ctx: Context) -> list[Row]:
    """GET /search's service with sponsored ranking vs without it."""
    from chalicelib.search.service import SearchService

    stack = ctx.stack
    word = f"bench{uuid.uuid4().hex[:8]}"
    svc, caller = _seed(stack, word, ads=20)
    with_ads = svc.search
    organic = SearchService(with_ads.index, with_ads.friends, with_ads.cursors, check=with_ads.check)
    first = with_ads.search(caller, word, "all", None, 20)
    if not first.sponsored or len(first.results) < 20:
        note = f"{len(first.sponsored)} placements, {len(first.results)} results shown"
        return [Row("search+ads", "page filled", None, note=note, error=True)]
    for _ in range(WARMUP):
        with_ads.search(caller, word, "all", None, 20)
        organic.search(caller, word, "all", None, 20)
    timed: dict[str, list[float]] = {"ads": [], "organic": []}
    for _ in range(BLOCKS):
        for name, service in (("ads", with_ads), ("organic", organic)):
            for _ in range(BLOCK):
                start = time.perf_counter()
                service.search(caller, word, "all", None, 20)
                timed[name].append((time.perf_counter() - start) * 1000)
    ads, plain = median(timed["ads"]), median(timed["organic"])
    return [
        Row("search+ads", "organic p50", plain, "ms"),
        Row("search+ads", "with sponsored p50", ads, "ms"),
        Row(
            "search+ads",
            "with / without sponsored",
            ads / plain,
            "x",
            SEARCH_TARGET,
            f"20 matching campaigns; a full page of 20 of {ORGANIC_POSTS} organic matches, re-checked in DynamoDB",
        ),
    ]
