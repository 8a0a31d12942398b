"""A first page must not grow with what is behind it: community posts and the company inbox.

* ``run_posts_list``: ``GET /communities/{id}/posts`` (first page, 20) through the whole handler
  when the community holds 100 posts vs 10,000.
* ``run_inbox``: ``GET /companies/{id}/inbox?status=open`` (a staff member's token) when the
  company has 10 vs 5,000 answered inquiries, and the same handful of open ones.

Everything a user does once goes through the API (companies, staff, official communities, one
topic per community, the open inquiries, one inquiry answered by staff). The bulk is written
directly with ``PostItem.batch_write``, attribute for attribute what ``PostStore.create`` (and,
for answered inquiries, ``PostStore.add_comment``) writes, GSI keys included; before timing, a
seeded item is checked against the item the API wrote in the same community. The counters the
store keeps beside the items are bumped by the same amounts; the official comments of the
seeded answered inquiries are not written (no list measured here reads them).

Both sides are measured in alternating short blocks, so drift of the machine hits both alike.
"""

from __future__ import annotations

import contextlib
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from bench.report import Row
from bench.stats import percentile

if TYPE_CHECKING:
    from bench.runner import Context
    from bench.stack import BenchStack

TARGET = 1.2
SMALL_POSTS, LARGE_POSTS = 100, 10_000
SMALL_ANSWERED, LARGE_ANSWERED = 10, 5_000
OPEN_INQUIRIES = 5
AUTHORS = 4
WARMUP = 30
BLOCK = 5
BLOCKS = 80  # 80 x 5 = 400 timed calls of each side at most
BUDGET_S = 30.0
SEED_WORKERS = 2  # DynamoDB Local takes batch writes on more than one thread

TITLES = (
    "おすすめのソフトは？",
    "初心者です、よろしく！",
    "週末のオフ会について",
    "Weekly thread: what are you playing?",
)
BODIES = (
    "脳トレとマリオカート、どっちが好き？みんなの意見を聞かせてください。",
    "はじめまして。最近ニンテンドーDSを買いました。おすすめを教えてください！",
    "渋谷でオフ会をしませんか。日程は土曜日の午後を考えています。",
    "Post your current game and how far you got. ネタバレ注意でお願いします。",
)


# -- measuring ------------------------------------------------------------------------------


def interleaved(
    sides: Sequence[tuple[str, Callable[[], Any]]],
    *,
    warmup: int,
    block: int,
    blocks: int,
    budget_s: float,
    check: Callable[[str, Any], None] | None = None,
) -> dict[str, list[float]]:
    """Milliseconds per call of each side, in alternating blocks (order reversed every other block)."""
    for _ in range(warmup):
        for _, fn in sides:
            fn()
    samples: dict[str, list[float]] = {name: [] for name, _ in sides}
    started = time.monotonic()
    for b in range(blocks):
        for name, fn in sides if b % 2 == 0 else sides[::-1]:
            out = samples[name]
            for _ in range(block):
                t0 = time.perf_counter_ns()
                result = fn()
                out.append((time.perf_counter_ns() - t0) / 1e6)
                if check is not None:
                    check(name, result)
        if time.monotonic() - started > budget_s:
            break
    return samples


def expect_status(status: int) -> Callable[[str, Any], None]:
    def check(name: str, res: Any) -> None:
        if res.status_code != status:
            raise RuntimeError(f"{name}: expected {status}, got {res.status_code}: {res.body[:200]!r}")

    return check


@contextlib.contextmanager
def traced_calls(prefix: str) -> Iterator[list[str]]:
    """Each PynamoDB call made inside the block, as ``Query(posts.by_community, 20 read)``."""
    from pynamodb.connection.base import Connection

    calls: list[str] = []
    original = Connection.dispatch

    def dispatch(self: Any, operation_name: str, operation_kwargs: dict[str, Any]) -> Any:
        tables = [operation_kwargs.get("TableName", ""), *operation_kwargs.get("RequestItems", {})]
        where = "+".join(str(t).removeprefix(prefix) for t in tables if t)
        if operation_kwargs.get("IndexName"):
            where += f".{operation_kwargs['IndexName']}"
        result = original(self, operation_name, operation_kwargs)
        if operation_name in ("Query", "Scan"):
            where += f", {result.get('ScannedCount', '?')} read"
        calls.append(f"{operation_name}({where})")
        return result

    Connection.dispatch = dispatch  # type: ignore[method-assign]
    try:
        yield calls
    finally:
        Connection.dispatch = original  # type: ignore[method-assign]


def ratio_rows(
    bench: str,
    small: tuple[str, list[float]],
    large: tuple[str, list[float]],
    target: float | None,
    note: str = "",
) -> list[Row]:
    """p50 and p95 of both sides and the large/small ratios."""
    (s_name, s), (l_name, big) = small, large
    s50, s95, l50, l95 = percentile(s, 50), percentile(s, 95), percentile(big, 50), percentile(big, 95)
    return [
        Row(bench, f"{s_name} p50", s50, "ms", note=f"n={len(s)}"),
        Row(bench, f"{s_name} p95", s95, "ms"),
        Row(bench, f"{l_name} p50", l50, "ms", note=f"n={len(big)}"),
        Row(bench, f"{l_name} p95", l95, "ms"),
        Row(bench, "large/small p50", l50 / s50, "x", target, note=note),
        Row(bench, "large/small p95", l95 / s95, "x", target),
    ]


# -- seeding --------------------------------------------------------------------------------


def batch_save(items: Sequence[Any], workers: int = SEED_WORKERS) -> None:
    """``Model.batch_write`` of ``items`` split over a few threads (each with its own batch)."""
    if not items:
        return
    model = type(items[0])
    errors: list[BaseException] = []

    def save(part: Sequence[Any]) -> None:
        try:
            with model.batch_write() as batch:
                for item in part:
                    batch.save(item)
        except BaseException as exc:  # re-raised in the calling thread
            errors.append(exc)

    threads = [threading.Thread(target=save, args=(items[i::workers],)) for i in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]


def bump_counters(store: Any, deltas: dict[str, int]) -> None:
    """Add to the store's sharded counters what ``PostStore.create``/``add_comment`` would have added."""

    def write(tx: Any) -> None:
        for name, delta in deltas.items():
            store.counters.add(tx, name, delta)

    store.transact(write)


#: Attributes stored only when the spam check held the item or a signal fired on its text.
SPAM_ONLY = frozenset({"spam_score", "spam_signals"})


def check_like(seeded: Any, written: Any, same: Sequence[str], what: str) -> None:
    """A seeded item has exactly the attributes of the item the API wrote, and the same values in ``same``."""
    # The spam check's score and signals are stored only when a signal fired on that item's text.
    a, b = ({k: v for k, v in item.attribute_values.items() if k not in SPAM_ONLY} for item in (seeded, written))
    if set(a) != set(b):
        raise RuntimeError(f"seeded {what} differs from the API's: {sorted(set(a) ^ set(b))}")
    differing = [k for k in same if a.get(k) != b.get(k)]
    if differing:
        raise RuntimeError(f"seeded {what} differs from the API's in {differing}: {[(a[k], b[k]) for k in differing]}")


def topic_item(post_id: str, community: dict[str, Any], author: Any, created_at: datetime, i: int) -> Any:
    """What ``PostStore.create`` writes for a community topic (no company: not an inquiry)."""
    from chalicelib.adapters.dynamodb.tables import PostItem

    return PostItem(
        post_id,
        kind="topic",
        author_id=author.id,
        author_handle=author.handle,
        title=f"{TITLES[i % len(TITLES)]} #{i}",
        body=BODIES[i % len(BODIES)],
        visibility="members",
        community_id=community["id"],
        community_name=community["name"],
        company_id=None,
        status=None,
        inbox_key=None,  # only inquiries are in an inbox
        comment_count=0,
        created_at=created_at,
        updated_at=created_at,
        version=1,
        diary_all=None,  # the diary keys are set on diary entries only
        diary_friends=None,
        diary_members=None,
    )


def answered_item(
    post_id: str, community: dict[str, Any], author: Any, created_at: datetime, answer_after_s: int, i: int
) -> Any:
    """What ``PostStore.create`` (an open inquiry) and then ``add_comment(answers=True)`` leave behind."""
    from chalicelib.adapters.dynamodb.tables import PostItem

    company_id = community["company_id"]
    return PostItem(
        post_id,
        kind="inquiry",
        author_id=author.id,
        author_handle=author.handle,
        title=f"{TITLES[i % len(TITLES)]} #{i}",
        body=BODIES[i % len(BODIES)],
        visibility="members",
        community_id=community["id"],
        community_name=community["name"],
        company_id=company_id,
        status="answered",
        inbox_key=f"{company_id}#answered",
        responded_company_id=company_id,
        first_response_s=answer_after_s,
        first_response_at=created_at + timedelta(seconds=answer_after_s),
        comment_count=1,
        created_at=created_at,
        updated_at=created_at,  # add_comment does not touch updated_at
        version=2,  # 1 on create, +1 by the answering comment
        diary_all=None,
        diary_friends=None,
        diary_members=None,
    )


def _authors(stack: BenchStack, community_ids: Sequence[str]) -> list[Any]:
    """AUTHORS members who joined every community in ``community_ids`` (through the API)."""
    authors = [stack.new_member(display_name=f"投稿者{i}") for i in range(AUTHORS)]
    for member in authors:
        for cid in community_ids:
            stack._ok(stack.call("PUT", f"/communities/{cid}/membership", token=member.token), 200, "join")
    return authors


# -- posts-list -----------------------------------------------------------------------------


def run_posts_list(ctx: Context) -> list[Row]:
    from chalicelib.adapters.dynamodb.member_store import Stat
    from chalicelib.adapters.dynamodb.tables import PostItem

    stack = ctx.stack
    svc = stack.services
    owner = stack.new_member(display_name="管理人")
    communities = {}
    for label, n in (("small", SMALL_POSTS), ("large", LARGE_POSTS)):
        communities[label] = stack._ok(
            stack.call(
                "POST",
                "/communities",
                {"name": f"ベンチ{label} {uuid.uuid4().hex[:6]}", "description": f"{n}件の投稿", "category": "games"},
                owner.token,
            ),
            201,
            "community",
        )
    authors = _authors(stack, [c["id"] for c in communities.values()])

    t0 = time.monotonic()
    for label, n in (("small", SMALL_POSTS), ("large", LARGE_POSTS)):
        community = communities[label]
        api_post = stack._ok(
            stack.call(
                "POST",
                f"/communities/{community['id']}/posts",
                {"title": TITLES[0], "body": BODIES[0]},
                authors[0].token,
            ),
            201,
            "post",
        )
        newest = datetime.fromisoformat(api_post["created_at"])
        items = [
            topic_item(uuid.uuid4().hex, community, authors[i % AUTHORS], newest - timedelta(seconds=i + 1), i)
            for i in range(n - 1)
        ]
        batch_save(items)
        check_like(
            PostItem.get(items[0].post_id, consistent_read=True),
            PostItem.get(api_post["id"], consistent_read=True),
            ("kind", "visibility", "community_id", "community_name", "comment_count", "version"),
            "topic",
        )
    seed_s = time.monotonic() - t0
    bump_counters(svc.stores.posts, {Stat.POSTS: SMALL_POSTS + LARGE_POSTS - 2})

    headers = {"Authorization": f"Bearer {authors[1].token}"}
    http = stack.http

    def lister(community_id: str) -> Callable[[], Any]:
        path = f"/communities/{community_id}/posts"
        return lambda: http.request("GET", path, headers=headers, body=b"")

    small, large = lister(communities["small"]["id"]), lister(communities["large"]["id"])
    prefix = svc.settings.table_prefix
    traces = []
    for fn in (small, large):
        with traced_calls(prefix) as calls:
            res = fn()
        page = res.json_body if res.status_code == 200 else {}
        if len(page.get("items", [])) != 20 or not page.get("next_cursor"):
            raise RuntimeError(f"first page: {res.status_code} {res.body[:200]!r}")
        traces.append(", ".join(calls))
    if traces[0] != traces[1]:
        raise RuntimeError(f"the two lists make different calls: {traces[0]} vs {traces[1]}")

    samples = interleaved(
        [("small", small), ("large", large)],
        warmup=WARMUP,
        block=BLOCK,
        blocks=BLOCKS,
        budget_s=BUDGET_S,
        check=expect_status(200),
    )
    bench = "posts-list"
    return [
        Row(bench, "seeded", float(SMALL_POSTS + LARGE_POSTS), "", note=f"posts, batch_write in {seed_s:.1f} s"),
        *ratio_rows(
            bench,
            (f"{SMALL_POSTS:,} posts", samples["small"]),
            (f"{LARGE_POSTS:,} posts", samples["large"]),
            TARGET,
            note=f"first page of 20; each: {traces[0]}",
        ),
    ]


# -- inbox ----------------------------------------------------------------------------------


def run_inbox(ctx: Context) -> list[Row]:
    from chalicelib.adapters.dynamodb.member_store import Stat
    from chalicelib.adapters.dynamodb.post_store import inquiry_counter
    from chalicelib.adapters.dynamodb.tables import PostItem

    stack = ctx.stack
    svc = stack.services
    admin = stack.admin()
    staff = stack.new_member(display_name="サポート担当")
    communities: dict[str, dict[str, Any]] = {}
    for label in ("small", "large"):
        company = stack._ok(
            stack.call(
                "POST", "/companies", {"name": f"ベンチ{label}商事", "website": "https://bench.example.jp"}, admin.token
            ),
            201,
            "company",
        )
        stack._ok(
            stack.call("PUT", f"/companies/{company['id']}/staff/{staff.handle}", {"role": "owner"}, admin.token),
            200,
            "staff",
        )
        communities[label] = stack._ok(
            stack.call(
                "POST",
                "/communities",
                {
                    "name": f"ベンチ{label}商事 公式 {uuid.uuid4().hex[:6]}",
                    "description": "公式サポート",
                    "category": "games",
                    "company_id": company["id"],
                },
                staff.token,
            ),
            201,
            "official community",
        )
        communities[label]["company_id"] = company["id"]
    customers = _authors(stack, [c["id"] for c in communities.values()])

    t0 = time.monotonic()
    deltas: dict[str, int] = {}
    for label, answered in (("small", SMALL_ANSWERED), ("large", LARGE_ANSWERED)):
        community = communities[label]
        company_id = community["company_id"]
        # One inquiry answered through the API: the model for the seeded ones.
        asked = stack._ok(
            stack.call(
                "POST",
                f"/communities/{community['id']}/posts",
                {"title": TITLES[1], "body": BODIES[1]},
                customers[0].token,
            ),
            201,
            "inquiry",
        )
        stack._ok(
            stack.call("POST", f"/posts/{asked['id']}/comments", {"body": "回答です。"}, staff.token), 201, "answer"
        )
        written = PostItem.get(asked["id"], consistent_read=True)
        if written.status != "answered":
            raise RuntimeError(f"the staff comment left the inquiry {written.status}")
        oldest = written.created_at - timedelta(days=30)
        items = [
            answered_item(
                uuid.uuid4().hex,
                community,
                customers[i % AUTHORS],
                oldest + timedelta(seconds=400 * i),
                60 + (i * 37) % 7200,
                i,
            )
            for i in range(answered - 1)
        ]
        batch_save(items)
        check_like(
            PostItem.get(items[0].post_id, consistent_read=True),
            written,
            ("kind", "status", "inbox_key", "responded_company_id", "company_id", "comment_count", "version"),
            "answered inquiry",
        )
        deltas[Stat.POSTS] = deltas.get(Stat.POSTS, 0) + len(items)
        deltas[inquiry_counter(company_id, "answered")] = len(items)
        # The open ones, newest of all, through the API.
        for i in range(OPEN_INQUIRIES):
            stack._ok(
                stack.call(
                    "POST",
                    f"/communities/{community['id']}/posts",
                    {"title": f"{TITLES[i % len(TITLES)]} (未回答)", "body": BODIES[i % len(BODIES)]},
                    customers[i % AUTHORS].token,
                ),
                201,
                "open inquiry",
            )
    seed_s = time.monotonic() - t0
    bump_counters(svc.stores.posts, deltas)

    headers = {"Authorization": f"Bearer {staff.token}"}
    http = stack.http

    def inbox(company_id: str) -> Callable[[], Any]:
        path = f"/companies/{company_id}/inbox?status=open"
        return lambda: http.request("GET", path, headers=headers, body=b"")

    small, large = inbox(communities["small"]["company_id"]), inbox(communities["large"]["company_id"])
    prefix = svc.settings.table_prefix
    traces = []
    for fn in (small, large):
        with traced_calls(prefix) as calls:
            res = fn()
        items = res.json_body.get("items", []) if res.status_code == 200 else []
        if len(items) != OPEN_INQUIRIES or {e["inquiry"]["status"] for e in items} != {"open"}:
            raise RuntimeError(f"inbox: {res.status_code} {res.body[:200]!r}")
        traces.append(", ".join(calls))
    if traces[0] != traces[1]:
        raise RuntimeError(f"the two inboxes make different calls: {traces[0]} vs {traces[1]}")

    samples = interleaved(
        [("small", small), ("large", large)],
        warmup=WARMUP,
        block=BLOCK,
        blocks=BLOCKS,
        budget_s=BUDGET_S,
        check=expect_status(200),
    )
    bench = "inbox"
    return [
        Row(
            bench,
            "seeded",
            float(SMALL_ANSWERED + LARGE_ANSWERED),
            "",
            note=f"answered inquiries, batch_write in {seed_s:.1f} s (with the API calls); "
            f"{OPEN_INQUIRIES} open in each company",
        ),
        *ratio_rows(
            bench,
            (f"{SMALL_ANSWERED:,} answered", samples["small"]),
            (f"{LARGE_ANSWERED:,} answered", samples["large"]),
            TARGET,
            note=f"?status=open, {OPEN_INQUIRIES} entries; each: {traces[0]}",
        ),
    ]
