"""Search: write-to-searchable lag, what GET /search adds to OpenSearch, and index size.

* ``run_lag``: posts created one at a time through the API while the real stream relay
  (``local.relay.StreamRelay`` with its ``make run`` settings) feeds the real stream handler in a
  background thread; after each 201 the index is searched for the post's unique word until it
  is found. The relay starts at the end of each stream (an event source mapping's
  ``StartingPosition: LATEST``: ``bench.relay.FromLatest``) so that what other benchmarks
  seeded is not replayed first.
* ``run_latency``: ``GET /search`` in-process vs the same request body (built by
  ``chalicelib.search.query`` for the same caller and friends) sent straight to osmem with
  opensearch-py, with 1,000 and then 10,000 generated posts in the app's index. No campaign
  matches the query, so the sponsored step of the route runs its ad query and stops there.
* ``run_scale``: ``SearchService.search`` (organic, the route's service without sponsored
  ranking) against an index of 10,000 generated posts vs one of 40,000 (100,000 does not fit in
  a bounded run on osmem: see ``SCALE_LARGE``).

The corpus is made of post items shaped like the posts table's and mapped to documents by
``chalicelib.search.documents.change_of_item`` (what ``ops reindex`` does), then bulk-written
with external versions as ``SearchIndex.apply`` does, in bigger chunks (osmem's bulk is the cost).
"""

from __future__ import annotations

import functools
import random
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from bench.content import interleaved, traced_calls
from bench.report import Row
from bench.stats import percentile

if TYPE_CHECKING:
    from bench.runner import Context
    from bench.stack import BenchStack

# -- a generated corpus ---------------------------------------------------------------------

# fmt: off
JA = (
    "ゲーム", "コミュニティ", "任天堂", "ニンテンドーDS", "マリオカート", "ポケモン", "写真", "カメラ",
    "旅行", "旅行記", "紅葉", "温泉", "音楽", "ライブ", "アニメ", "漫画",
    "映画", "料理", "レシピ", "ラーメン", "猫", "犬", "野球", "サッカー",
    "鉄道", "電車", "プログラミング", "ブログ", "日記", "天気", "週末", "仕事",
    "学校", "友達", "新作", "攻略", "初心者", "オフ会", "カフェ", "パン",
    "ケーキ", "登山", "キャンプ", "読書", "小説", "ギター", "ピアノ", "英会話",
    "転職", "子育て",
)
PLACES = (
    "東京", "渋谷", "新宿", "京都", "大阪", "札幌", "福岡", "横浜", "名古屋", "沖縄", "北海道", "鎌倉",
)
EN = (
    "tokyo", "hiking", "guide", "game", "review", "camera", "ramen", "music",
    "live", "python", "anime", "travel", "photo", "weekend", "trail",
)
# fmt: on
TITLES = ("{a}好き集まれ", "{p}の{a}", "{a}レビュー", "{a}と{b}", "{e} {a}", "【質問】{a}について", "{p}で{a}")
SENTENCES = (
    "{a}の{b}について話しましょう。",
    "昨日は{p}で{a}を楽しみました！",
    "{a}と{b}、どっちが好き？",
    "{p}のおすすめの{a}を教えてください。",
    "初めての{a}、{b}が難しかったです。",
    "週末に{p}へ行って{a}の写真を撮りました。",
    "Today I tried {e} in {p}. {a}も最高でした。",
    "Looking for {e} tips: {a} or {b}?",
    "{a}歴は三年です。{b}も少しやります。",
)
VISIBILITY = (("members", 0.85), ("friends", 0.10), ("private", 0.05))
TWO_WORDS = "ラーメン 渋谷"  # a typical two-word query (both words needed)
ONE_WORD = "ゲーム"  # the most common word of the corpus
RARE = "zqbenchrare"  # in exactly RARE_DOCS documents, whatever the corpus size
RARE_DOCS = 20


def _zipf(words: tuple[str, ...] | list[str]) -> list[float]:
    return [1 / (rank + 1) ** 0.8 for rank in range(len(words))]


class Corpus:
    """Post items with Japanese and English text, deterministic for a seed."""

    def __init__(self, seed: int, author_ids: list[str], communities: int = 300, rare_every: int = 0):
        self.rng = random.Random(seed)
        self.authors = author_ids
        self.communities = [
            (uuid.UUID(int=self.rng.getrandbits(128)).hex, f"コミュニティ{i}") for i in range(communities)
        ]
        self.rare_every = rare_every
        self._ja_w, self._p_w, self._e_w = _zipf(JA), _zipf(PLACES), _zipf(EN)
        self.start = datetime(2025, 1, 1, tzinfo=UTC)

    def _fill(self, template: str) -> str:
        rng = self.rng
        a, b = rng.choices(JA, self._ja_w, k=2)
        return template.format(a=a, b=b, p=rng.choices(PLACES, self._p_w)[0], e=rng.choices(EN, self._e_w)[0])

    def item(self, i: int) -> dict[str, Any]:
        """The i-th post as its DynamoDB item (what the stream's new image deserialises to)."""
        rng = self.rng
        title = self._fill(rng.choice(TITLES))
        body = "".join(self._fill(rng.choice(SENTENCES)) for _ in range(rng.randint(2, 6)))
        if self.rare_every and i % self.rare_every == 0 and i // self.rare_every < RARE_DOCS:
            body += f" {RARE}"
        diary = rng.random() < 0.2
        visibility = rng.choices([v for v, _ in VISIBILITY], [w for _, w in VISIBILITY])[0] if diary else "members"
        community_id, community_name = (None, None) if diary else rng.choice(self.communities)
        created = (self.start + timedelta(seconds=37 * i)).isoformat()
        return {
            "post_id": uuid.UUID(int=rng.getrandbits(128)).hex,
            "kind": "diary" if diary else "topic",
            "author_id": rng.choice(self.authors),
            "author_handle": "bench",
            "title": title,
            "body": body,
            "visibility": visibility,
            "community_id": community_id,
            "community_name": community_name,
            "comment_count": rng.randint(0, 12),
            "created_at": created,
            "updated_at": created,
            "version": 1,
        }

    def changes(self, start: int, stop: int) -> list[Any]:
        return changes_of([self.item(i) for i in range(start, stop)])


def changes_of(items: list[dict[str, Any]]) -> list[Any]:
    from chalicelib.search.documents import change_of_item

    return [change_of_item("post", item) for item in items]


def save_posts(items: list[dict[str, Any]]) -> None:
    """Write generated posts to DynamoDB too, so that the search's re-check finds them as they are."""
    from bench.content import batch_save
    from chalicelib.adapters.dynamodb.tables import PostItem

    def post_item(item: dict[str, Any]) -> Any:
        values = dict(item)
        for key in ("created_at", "updated_at"):
            values[key] = datetime.fromisoformat(values[key])
        return PostItem(values.pop("post_id"), **values)

    batch_save([post_item(item) for item in items])


BULK_CHUNK = 2000


def bulk_index(client: Any, index_name: str, changes: list[Any]) -> None:
    """Index ``changes`` as ``SearchIndex.apply`` would (external versions), raising on any failure."""
    from opensearchpy import helpers

    from chalicelib.adapters.opensearch import MAX_CHUNK_BYTES

    actions = (
        {
            "_op_type": "index",
            "_index": index_name,
            "_id": c.doc_id,
            "version": c.version,
            "version_type": "external",
            "_source": c.document,
        }
        for c in changes
    )
    _, errors = helpers.bulk(
        client,
        actions,
        chunk_size=BULK_CHUNK,
        max_chunk_bytes=MAX_CHUNK_BYTES,
        raise_on_error=False,
        max_retries=0,
        request_timeout=120,  # a chunk of 2,000 analysed documents outlasts the app's 5 s on a busy machine
    )
    if errors:
        raise RuntimeError(f"{len(errors)} bulk errors, first: {errors[0]}")


def create_index(client: Any, index_name: str) -> None:
    from chalicelib.search.documents import INDEX_BODY

    client.indices.delete(index=index_name, ignore_unavailable=True)
    client.indices.create(index=index_name, body=INDEX_BODY)


def matching(client: Any, index_name: str, body: dict[str, Any]) -> int:
    return int(client.count(index=index_name, body={"query": body["query"]})["count"])


def _rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def _reader(stack: BenchStack, friends: int = 3) -> tuple[Any, list[Any]]:
    """A member with ``friends`` friends (requested and accepted through the API)."""
    reader = stack.new_member(display_name="検索する人")
    mates = []
    for i in range(friends):
        mate = stack.new_member(display_name=f"友達{i}")
        stack._ok(stack.call("POST", f"/friends/{mate.handle}", token=reader.token), 200, "friend request")
        stack._ok(stack.call("POST", f"/friends/{reader.handle}", token=mate.token), 200, "friend accept")
        mates.append(mate)
    return reader, mates


def _caller(member: Any) -> Any:
    from chalicelib.kernel import Caller

    return Caller(member_id=member.id, handle=member.handle, session_id="bench", roles=("member",))


# -- search-lag -----------------------------------------------------------------------------

LAG_WRITES = 200
LAG_TIMEOUT_S = 5.0
LAG_POLL_S = 0.005
LAG_JITTER_S = 0.15  # random pause before each write, so writes do not fall in step with the relay's polls
LAG_BUDGET_S = 60.0  # stops early (fewer writes, said in the note) on a slow machine
LAG_TARGET_S = 0.5


def run_lag(ctx: Context) -> list[Row]:
    from bench.relay import FromLatest
    from chalicelib.adapters.opensearch import client_for
    from chalicelib.search.query import search_body
    from chalicelib.streams.handler import handle

    stack = ctx.stack
    svc = stack.services
    author = stack.new_member(display_name="速報する人")
    community = stack._ok(
        stack.call(
            "POST",
            "/communities",
            {"name": f"速報 {uuid.uuid4().hex[:6]}", "description": "検索の遅れを測る", "category": "games"},
            author.token,
        ),
        201,
        "community",
    )
    stack.index.ensure()  # the first bulk would create it; not part of any write's lag
    index_name = svc.settings.search_index
    client = client_for(stack.opensearch_url)
    rng = random.Random(4)
    path = f"/communities/{community['id']}/posts"

    lags: list[float] = []
    posts: list[float] = []
    held = 0
    missed: list[tuple[int, dict[str, Any]]] = []
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
            for i in range(LAG_WRITES):
                time.sleep(rng.uniform(0, LAG_JITTER_S))
                word = f"zq{uuid.uuid4().hex[:12]}"
                t0 = time.perf_counter()
                made = stack._ok(
                    stack.call(
                        "POST", path, {"title": f"速報 {word}", "body": f"書いた直後に検索できるか #{i}"}, author.token
                    ),
                    201,
                    "post",
                )
                written = time.perf_counter()
                posts.append((written - t0) * 1000)
                if made.get("held"):
                    # The spam check held it (a new member posting near-copies fast): rightly never
                    # searchable, so it is no lag to measure, and no loss.
                    held += 1
                    continue
                body = search_body(word, "posts", author.id, (), 1)
                while True:
                    hits = client.search(index=index_name, body=body)["hits"]["hits"]
                    now = time.perf_counter()
                    if hits:
                        lags.append(now - written)
                        break
                    if now - written > LAG_TIMEOUT_S:
                        missed.append((i, body))
                        break
                    time.sleep(LAG_POLL_S)
                if not thread.is_alive():
                    raise RuntimeError("the relay thread died")
                if time.monotonic() - started > LAG_BUDGET_S:
                    break
            # A write missed by the deadline: is it searchable at all by now (late) or lost?
            late = [i for i, body in missed if client.search(index=index_name, body=body)["hits"]["hits"]]
        finally:
            stop.set()
            thread.join(timeout=15)
        if thread.is_alive():
            raise RuntimeError("the relay thread did not stop")

    bench = "search-lag"
    if not lags:
        return [Row(bench, "lag", None, note=f"nothing became searchable within {LAG_TIMEOUT_S} s", error=True)]
    p50, p95 = percentile(lags, 50), percentile(lags, 95)
    lost = sorted({i for i, _ in missed} - set(late))
    missing = (
        f"; not found within {LAG_TIMEOUT_S:.0f} s: writes {[i for i, _ in missed]} (found later: {late}, lost: {lost})"
        if missed
        else ""
    )
    return [
        Row(
            bench,
            "lag p50",
            p50 * 1000,
            "ms",
            note=f"n={len(lags)} of {len(posts)} writes ({held} held by the spam check){missing}; "
            "from the 201 to the first search that finds it",
        ),
        Row(bench, "lag p95", p95 * 1000, "ms"),
        Row(bench, "lag max", max(lags) * 1000, "ms"),
        Row(bench, "POST p50", percentile(posts, 50), "ms", note="the write itself (not part of the lag)"),
        Row(
            bench,
            "lag p95 / 0.5 s",
            p95 / LAG_TARGET_S,
            "x",
            1.0,
            note=f"StreamRelay as in make run (idle_sleep 0.15 s, batch 100), {shards} shards; "
            f"polled every {LAG_POLL_S * 1000:.0f} ms",
        ),
    ]


# -- search-latency -------------------------------------------------------------------------

#: Index sizes at which GET /search is compared with the raw query: osmem's query cost grows
#: with the whole index (see run_scale), the app's cost does not, so the ratio depends on it.
LATENCY_SIZES = (1_000, 10_000)
LATENCY_TARGET = 1.5
LATENCY_BUDGET_S = {1_000: 6.0, 10_000: 12.0}


def run_latency(ctx: Context) -> list[Row]:
    from chalicelib.adapters.opensearch import client_for
    from chalicelib.search.query import search_body
    from chalicelib.search.service import FRIENDS_CAP

    stack = ctx.stack
    svc = stack.services
    reader, mates = _reader(stack)
    index_name = svc.settings.search_index
    client = client_for(stack.opensearch_url)
    stack.index.ensure()
    authors = [reader.id, *(m.id for m in mates), *(uuid.uuid4().hex for _ in range(200))]
    corpus = Corpus(11, authors)

    caller = _caller(reader)
    friend_ids = svc.search.friends.friend_ids(reader.id, FRIENDS_CAP)
    if not {m.id for m in mates} <= set(friend_ids):  # (the inviting admin is a friend too)
        raise RuntimeError(f"the reader's friends {friend_ids} miss some of {[m.id for m in mates]}")
    headers = {"Authorization": f"Bearer {reader.token}"}
    http = stack.http
    prefix = svc.settings.table_prefix
    q = TWO_WORDS
    path = f"/search?q={quote(q)}&type=all&limit=20"
    body = search_body(q, "all", reader.id, friend_ids, 21)  # what the service sends for a first page of 20

    def handler() -> Any:
        return http.request("GET", path, headers=headers, body=b"")

    def raw() -> Any:
        return client.search(index=index_name, body=body)

    bench = "search-latency"
    rows: list[Row] = []
    size = 0
    for target in LATENCY_SIZES:
        items = [corpus.item(i) for i in range(size, target)]
        save_posts(items)  # GET /search re-reads each page's hits from DynamoDB
        bulk_index(client, index_name, changes_of(items))
        size = target
        docs = int(client.count(index=index_name)["count"])
        with traced_calls(prefix) as calls:
            res = handler()
        if res.status_code != 200:
            raise RuntimeError(f"GET /search: {res.status_code} {res.body[:200]!r}")
        page = res.json_body
        raw_ids = [h["_source"]["id"] for h in raw()["hits"]["hits"]][:20]
        if not raw_ids or [r["id"] for r in page["results"]] != raw_ids:
            raise RuntimeError(f"GET /search and the raw query disagree for {q!r}")
        if page["sponsored"]:
            raise RuntimeError(f"a campaign matched {q!r}; this benchmark wants none")

        samples = interleaved(
            [("handler", handler), ("raw", raw)], warmup=5, block=3, blocks=200, budget_s=LATENCY_BUDGET_S[target]
        )
        sponsored = percentile([_timed(lambda: svc.placements.sponsored(caller, q)) for _ in range(15)], 50)
        h, r = samples["handler"], samples["raw"]
        h50, h95, r50, r95 = percentile(h, 50), percentile(h, 95), percentile(r, 50), percentile(r, 95)
        at = f"{size // 1000}k posts"
        rows += [
            Row(
                bench,
                f"{at}: GET /search p50",
                h50,
                "ms",
                note=f"n={len(h)}, p95 {h95:.1f} ms; q='{q}', type=all, first page of 20; "
                f"{matching(client, index_name, body):,} readable matches in {docs:,} documents",
            ),
            Row(
                bench, f"{at}: raw osmem p50", r50, "ms", note=f"n={len(r)}, p95 {r95:.1f} ms; same body, opensearch-py"
            ),
            Row(
                bench,
                f"{at}: handler - raw p50",
                h50 - r50,
                "ms",
                note=f"DynamoDB: {', '.join(calls)}; sponsored step alone {sponsored:.1f} ms "
                "(its ad query; no campaign matches)",
            ),
            Row(bench, f"{at}: handler/raw p50", h50 / r50, "x", LATENCY_TARGET),
            Row(bench, f"{at}: handler/raw p95", h95 / r95, "x", LATENCY_TARGET),
        ]
    return rows


def _timed(fn: Callable[[], Any]) -> float:
    t0 = time.perf_counter_ns()
    fn()
    return (time.perf_counter_ns() - t0) / 1e6


# -- search-scale ---------------------------------------------------------------------------

#: 100,000 does not fit in a bounded run on osmem: it indexes ~0.5 ms per document (one core), so
#: 100,000 alone takes about a minute, and every query costs time in proportion to the whole index
#: (function_score and filters are evaluated document by document), ~1-5 s per query at 100,000.
SCALE_SMALL, SCALE_LARGE, SCALE_WANTED = 10_000, 40_000, 100_000
SCALE_INDEX_BUDGET_S = 35.0  # for both indexes; the large one stops growing (in steps) when it runs out
SCALE_STEP = 10_000
SCALE_BUDGET_S = 8.0  # per query


def run_scale(ctx: Context) -> list[Row]:
    from chalicelib.adapters.opensearch import SearchIndex, client_for
    from chalicelib.search.query import search_body
    from chalicelib.search.service import SearchService

    stack = ctx.stack
    svc = stack.services
    reader, mates = _reader(stack)
    url = stack.opensearch_url
    client = client_for(url)
    names = {"small": f"{svc.settings.table_prefix}scale-small", "large": f"{svc.settings.table_prefix}scale-large"}
    authors = [reader.id, *(m.id for m in mates), *(uuid.uuid4().hex for _ in range(2000))]
    # One generator for both: the small index holds the first SCALE_SMALL posts of the large one,
    # the rare word among them, so it has the same matches in both.
    corpus = Corpus(23, authors, communities=3000, rare_every=SCALE_SMALL // RARE_DOCS)
    bench = "search-scale"
    try:
        for name in names.values():
            create_index(client, name)
        started = time.monotonic()
        first = corpus.changes(0, SCALE_SMALL)
        bulk_index(client, names["small"], first)
        bulk_index(client, names["large"], first)
        size = SCALE_SMALL
        while size < SCALE_LARGE and time.monotonic() - started < SCALE_INDEX_BUDGET_S:
            bulk_index(client, names["large"], corpus.changes(size, size + SCALE_STEP))
            size += SCALE_STEP
        index_s = time.monotonic() - started
        counts = {k: int(client.count(index=n)["count"]) for k, n in names.items()}
        if counts != {"small": SCALE_SMALL, "large": size}:
            raise RuntimeError(f"indexed {counts}, expected {SCALE_SMALL} and {size}")
        rss = _rss_mb(stack.osmem.process.pid) if stack.osmem else None

        caller = _caller(reader)
        # The generated posts are in the index only: no DynamoDB re-check here (search-latency measures it).
        services = {
            k: SearchService(SearchIndex(url, n), svc.search.friends, svc.search.cursors) for k, n in names.items()
        }
        short = "" if size >= SCALE_LARGE else f", cut to {size:,} by the {SCALE_INDEX_BUDGET_S:.0f} s budget"
        rows = [
            Row(
                bench,
                "indexed",
                float(SCALE_SMALL + size),
                "",
                note=f"{SCALE_SMALL:,} + {size:,} generated posts (not {SCALE_WANTED:,}: see search.py{short}) "
                f"in {index_s:.1f} s, {(SCALE_SMALL + size) / index_s:,.0f} docs/s; osmem RSS {rss or 0:,.0f} MB",
            )
        ]
        small_label, large_label = f"{SCALE_SMALL // 1000}k", f"{size // 1000}k"
        for q in (RARE, TWO_WORDS):
            sides = [
                (k, functools.partial(services[k].search, caller, q, "posts", None, 20)) for k in ("small", "large")
            ]
            for k, fn in sides:
                if not fn().results:
                    raise RuntimeError(f"{q!r} finds nothing in the {k} index")
            samples = interleaved(sides, warmup=2, block=2, blocks=100, budget_s=SCALE_BUDGET_S)
            body = search_body(q, "posts", reader.id, (m.id for m in mates), 21)
            hits = {k: matching(client, n, body) for k, n in names.items()}
            s50, l50 = percentile(samples["small"], 50), percentile(samples["large"], 50)
            rows += [
                Row(
                    bench,
                    f"'{q}' {small_label} p50",
                    s50,
                    "ms",
                    note=f"n={len(samples['small'])}; {hits['small']:,} readable matches; SearchService, organic",
                ),
                Row(
                    bench,
                    f"'{q}' {large_label} p50",
                    l50,
                    "ms",
                    note=f"n={len(samples['large'])}; {hits['large']:,} readable matches",
                ),
                Row(bench, f"'{q}' {large_label}/{small_label} p50", l50 / s50, "x", note="no target"),
            ]
        return rows
    finally:
        for name in names.values():
            client.indices.delete(index=name, ignore_unavailable=True)
