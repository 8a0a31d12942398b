"""``make chaos``: a crowd writes while osmem-server, the stream relay and DynamoDB Local are killed in turn.

A bounded load generator on loopback signs members up, joins, posts topics and inquiries,
comments, answers officially and clicks sponsored placements through the local API server.
Meanwhile each process of the stack is killed (SIGKILL, no goodbye) and started again on the
same port: osmem-server (it keeps nothing, so the index is rebuilt from DynamoDB as ``make run``
does), the stream relay (it resumes from its saved positions) and DynamoDB Local (persisted
mode, so it comes back with its data). Requests that fail during an outage are not acknowledged;
every one that was acknowledged must survive. Afterwards, with the load stopped and the relay
caught up:

* every acknowledged signup, membership, post and comment is in DynamoDB;
* ``ops check-index`` finds no difference between DynamoDB and the search index;
* every acknowledged comment on someone else's post notified that post's author (the stream's
  second consumer), despite the outages;
* every counter equals the items it counts (site statistics, comment counts, member counts,
  a company's inquiries per status, a campaign's clicks);
* every day's spend equals its ledger and never exceeds the budget.

    python -m local.chaos [--seconds 40] [--workers 6]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import secrets
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from local.stack import (
    LOAD_LIMITS,
    ROOT,
    Service,
    aws_env,
    free_port,
    start_api,
    start_dynamodb,
    start_osmem,
    wait_for_port,
)

PASSWORD = "chaos-correct-horse-battery-42"
KEYWORD = "chaosword"
DAILY_BUDGET = 120  # small: the crowd exhausts it, so "never over budget" is tested, not assumed


class Refused(Exception):
    """The API did not acknowledge the request (an error status or no answer at all)."""


@dataclass
class Member:
    handle: str
    id: str
    token: str


@dataclass
class Acknowledged:
    """Every write the API acknowledged (2xx), to be found again afterwards."""

    members: list[Member] = field(default_factory=list)
    memberships: list[tuple[str, str]] = field(default_factory=list)
    posts: list[str] = field(default_factory=list)
    inquiries: list[str] = field(default_factory=list)
    comments: list[tuple[str, str]] = field(default_factory=list)
    clicks: int = 0
    refused: Counter[str] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)


class Client:
    """One keep-alive connection to the API; reconnects after a failure."""

    def __init__(self, url: str):
        parts = urlsplit(url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.conn: http.client.HTTPConnection | None = None

    def call(self, method: str, path: str, body: Any = None, token: str | None = None) -> Any:
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        try:
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=15)
            self.conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
            res = self.conn.getresponse()
            raw = res.read()
        except (OSError, http.client.HTTPException) as exc:
            self.close()
            raise Refused(type(exc).__name__) from None
        if res.status >= 400:
            raise Refused(str(res.status))
        return json.loads(raw) if raw else None

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


# --- the stack, with processes that can be killed and started again -------------------------


class Chaos:
    """DynamoDB Local (persisted), osmem-server, the relay and the API on fixed loopback ports."""

    def __init__(self, tmp: Path):
        self.tmp = tmp
        self.ddb_port, self.osmem_port = free_port(), free_port()
        self.env: dict[str, str] = {}
        self.ddb: Service | None = None
        self.osmem: Service | None = None
        self.relay: Service | None = None
        self.api: Service | None = None
        self.events: list[str] = []
        self.t0 = time.monotonic()

    def note(self, what: str) -> None:
        line = f"{time.monotonic() - self.t0:6.1f} s  {what}"
        self.events.append(line)
        print(f"… {line}", file=sys.stderr, flush=True)

    def start(self) -> None:
        self.ddb = start_dynamodb(self.ddb_port, db_path=self.tmp / "dynamodb")
        self.osmem = start_osmem(self.osmem_port)
        self.env = {
            **os.environ,
            **aws_env(self.ddb.url, self.osmem.url),
            **LOAD_LIMITS,
            "KIZUNA_JWT_SECRET": secrets.token_urlsafe(32),
            "KIZUNA_TABLE_PREFIX": f"chaos-{uuid.uuid4().hex[:8]}-",
            "KIZUNA_STAGE": "dev",
            "POWERTOOLS_LOG_LEVEL": "WARNING",
        }
        self.ops("create-tables")
        self.ops("create-admin", "chaosadmin", stdin=PASSWORD)
        self.start_relay()
        self.api = start_api(self.env, log=self.tmp / "api.log")

    def ops(self, *args: str, stdin: str | None = None, check: bool = True) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [sys.executable, "-m", "chalicelib.ops", *args], cwd=ROOT, env=self.env, input=stdin, text=True,
            capture_output=True, check=False,
        )  # fmt: skip
        if check and result.returncode != 0:
            raise RuntimeError(f"ops {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
        return result

    def start_relay(self) -> None:
        log = self.tmp / "relay.log"
        with log.open("ab") as out:
            proc = subprocess.Popen(
                [sys.executable, "-m", "local.relay", "--state", str(self.tmp / "relay-state.json"),
                 "--log-level", "WARNING"],
                cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            )  # fmt: skip
        self.relay = Service("stream relay", proc, "", log)

    def kill(self, service: Service | None) -> None:
        if service is not None and service.process.poll() is None:
            service.process.kill()
            service.process.wait()

    def outage_osmem(self, seconds: float) -> None:
        self.note("kill osmem-server")
        self.kill(self.osmem)
        time.sleep(seconds)
        self.osmem = start_osmem(self.osmem_port)
        self.note("osmem-server back (empty); ops reindex")
        self.ops("reindex", "--quiet", check=False)  # the relay keeps writing meanwhile: versions settle it
        self.note("reindexed")

    def outage_relay(self, seconds: float) -> None:
        self.note("kill the stream relay")
        self.kill(self.relay)
        time.sleep(seconds)
        self.start_relay()
        self.note("stream relay back (resumes from its positions)")

    def outage_dynamodb(self, seconds: float) -> None:
        self.note("kill DynamoDB Local")
        self.kill(self.ddb)
        time.sleep(seconds)
        self.ddb = start_dynamodb(self.ddb_port, db_path=self.tmp / "dynamodb")
        assert self.ddb is not None
        wait_for_port(self.ddb, self.ddb_port, timeout=60)
        self.note("DynamoDB Local back (persisted)")

    def stop(self) -> None:
        for service in (self.api, self.relay, self.osmem, self.ddb):
            if service is not None:
                service.stop()


# --- the crowd --------------------------------------------------------------------------------


@dataclass
class World:
    admin: str
    owner: Member
    community: str
    official: str
    company: str
    campaign: str
    members: list[Member]
    lock: threading.Lock = field(default_factory=threading.Lock)

    def someone(self, rng: random.Random) -> Member:
        with self.lock:
            return rng.choice(self.members)


def _signup(client: Client, admin: str, ack: Acknowledged | None) -> Member:
    code = client.call("POST", "/invites", {}, admin)["code"]
    handle = f"c_{uuid.uuid4().hex[:12]}"
    body = {"invite_code": code, "handle": handle, "display_name": "混沌", "password": PASSWORD,
            "email": f"{handle}@example.com"}  # fmt: skip
    res = client.call("POST", "/auth/signup", body)
    member = Member(handle, res["member"]["id"], res["token"])
    if ack is not None:
        with ack.lock:
            ack.members.append(member)
    return member


def seed(url: str) -> World:
    client = Client(url)
    admin = client.call("POST", "/auth/login", {"handle": "chaosadmin", "password": PASSWORD})["token"]
    owner = _signup(client, admin, None)
    company = client.call("POST", "/companies", {"name": "混沌株式会社", "website": "https://chaos.example.jp"}, admin)
    client.call("PUT", f"/companies/{company['id']}/staff/{owner.handle}", {"role": "owner"}, admin)
    official = client.call(
        "POST", "/communities", {"name": "混沌公式", "category": "tech", "company_id": company["id"]}, owner.token
    )
    community = client.call("POST", "/communities", {"name": "混沌広場", "category": "other"}, owner.token)
    campaign = client.call(
        "POST", f"/companies/{company['id']}/campaigns",
        {"name": "混沌", "target": {"type": "community", "id": official["id"]}, "headline": "混沌の公式",
         "text": "公式サポート", "keywords": [{"text": KEYWORD, "match": "broad", "max_cpc": 20}],
         "daily_budget": DAILY_BUDGET},
        owner.token,
    )  # fmt: skip
    members = [_signup(client, admin, None) for _ in range(8)]
    for m in members:
        for cid in (community["id"], official["id"]):
            client.call("PUT", f"/communities/{cid}/membership", token=m.token)
    client.close()
    return World(admin, owner, community["id"], official["id"], company["id"], campaign["id"], members)


def crowd(url: str, world: World, ack: Acknowledged, stop: threading.Event, seed_: int) -> None:
    """One worker: random member actions until ``stop``."""
    rng = random.Random(seed_)
    client = Client(url)
    actions: list[tuple[int, Callable[[], None]]] = []

    def signup() -> None:
        member = _signup(client, world.admin, ack)
        with world.lock:
            world.members.append(member)

    def join() -> None:
        m = world.someone(rng)
        cid = rng.choice((world.community, world.official))
        client.call("PUT", f"/communities/{cid}/membership", token=m.token)
        with ack.lock:
            ack.memberships.append((cid, m.id))

    def post() -> None:
        m = world.someone(rng)
        cid = rng.choice((world.community, world.official))
        client.call("PUT", f"/communities/{cid}/membership", token=m.token)
        with ack.lock:
            ack.memberships.append((cid, m.id))
        res = client.call("POST", f"/communities/{cid}/posts", {"title": f"{KEYWORD} 話題", "body": "本文"}, m.token)
        with ack.lock:
            (ack.inquiries if res["kind"] == "inquiry" else ack.posts).append(res["id"])

    def comment() -> None:
        with ack.lock:
            targets = ack.posts + ack.inquiries
        if not targets:
            return
        pid = rng.choice(targets)
        res = client.call("POST", f"/posts/{pid}/comments", {"body": "コメント"}, world.someone(rng).token)
        with ack.lock:
            ack.comments.append((pid, res["id"]))

    def answer() -> None:
        with ack.lock:
            targets = list(ack.inquiries)
        if not targets:
            return
        pid = rng.choice(targets)
        res = client.call("POST", f"/posts/{pid}/comments", {"body": "公式回答です"}, world.owner.token)
        with ack.lock:
            ack.comments.append((pid, res["id"]))

    def click() -> None:
        m = world.someone(rng)
        page = client.call("GET", f"/search?q={quote(KEYWORD)}", token=m.token)
        for placement in page.get("sponsored") or []:
            client.call("POST", f"/placements/{placement['click_token']}/click", token=m.token)
            with ack.lock:
                ack.clicks += 1

    actions = [(1, signup), (2, join), (4, post), (5, comment), (2, answer), (3, click)]
    weights = [w for w, _ in actions]
    while not stop.is_set():
        _, action = rng.choices(actions, weights)[0]
        try:
            action()
        except Refused as exc:
            with ack.lock:
                ack.refused[f"{action.__name__}: {exc}"] += 1
            time.sleep(0.05)
    client.close()


# --- the checks -------------------------------------------------------------------------------


def _scan(table: str) -> Iterator[dict[str, Any]]:
    from chalicelib.adapters.scan import TableScan
    from chalicelib.config import settings

    scan = TableScan(settings())
    try:
        yield from scan.items(table)
    finally:
        scan.close()


def notified_comments(ack: Acknowledged) -> tuple[int, int]:
    """(expected, found): acknowledged comments on someone else's post whose notification is there.

    A held comment notifies nobody until approved, so it is not expected.
    """
    from chalicelib.adapters.dynamodb.tables import CommentItem, PostItem
    from chalicelib.bootstrap import services

    services()  # binds the tables to this stack's endpoint and names
    with ack.lock:
        comments = list(ack.comments)
    delivered = {(str(n["owner"]), str(n["notification_id"]).split(".", 1)[-1]) for n in _scan("notifications")}
    authors = {item.post_id: item.author_id for item in PostItem.batch_get(sorted({p for p, _ in comments}))}
    expected = found = 0
    for item in CommentItem.batch_get(comments):
        author = authors.get(item.post_id)
        if author is None or author == item.author_id or item.held:
            continue
        expected += 1
        found += (author, f"comment:{item.post_id}:{item.comment_id}") in delivered
    return expected, found


def verify(world: World, ack: Acknowledged) -> list[tuple[str, int, int]]:
    """(check, expected, found) rows; a row whose numbers differ is a failure."""
    from chalicelib.adapters.dynamodb.member_store import Stat
    from chalicelib.adapters.dynamodb.post_store import inquiry_counter
    from chalicelib.adapters.dynamodb.tables import (
        BudgetItem,
        CommentItem,
        CommunityMemberItem,
        LedgerItem,
        MemberItem,
        PostItem,
    )
    from chalicelib.bootstrap import services

    stores = services().stores
    counters = stores.dynamo.counters
    rows: list[tuple[str, int, int]] = []

    def exists(model: Any, *key: str) -> bool:
        try:
            model.get(*key, consistent_read=True)
            return True
        except model.DoesNotExist:
            return False

    rows.append(("acknowledged signups found", len(ack.members), sum(exists(MemberItem, m.id) for m in ack.members)))
    memberships = set(ack.memberships)
    rows.append(
        ("acknowledged memberships found", len(memberships),
         sum(exists(CommunityMemberItem, c, m) for c, m in memberships))
    )  # fmt: skip
    posts = ack.posts + ack.inquiries
    rows.append(("acknowledged posts found", len(posts), sum(exists(PostItem, p) for p in posts)))
    rows.append(
        ("acknowledged comments found", len(ack.comments), sum(exists(CommentItem, p, c) for p, c in ack.comments))
    )
    rows.append(("comments notified to the post's author", *notified_comments(ack)))

    members = list(_scan("members"))
    all_posts = list(_scan("posts"))
    comments = Counter(str(c["post_id"]) for c in _scan("comments"))
    joined = Counter(str(m["community_id"]) for m in _scan("community_members"))
    communities = list(_scan("communities"))
    stat = counters.read([Stat.MEMBERS_CUMULATIVE, Stat.MEMBERS_ACTIVE, Stat.POSTS, Stat.COMMUNITIES])
    rows.append(("counter members.cumulative = member items", len(members), stat[Stat.MEMBERS_CUMULATIVE]))
    active = sum(1 for m in members if m["status"] == "active")
    rows.append(("counter members.active = active members", active, stat[Stat.MEMBERS_ACTIVE]))
    rows.append(("counter posts = post items", len(all_posts), stat[Stat.POSTS]))
    rows.append(("counter communities = community items", len(communities), stat[Stat.COMMUNITIES]))
    rows.append(("posts whose comment_count is off", 0,
                 sum(1 for p in all_posts if int(p["comment_count"]) != comments[str(p["post_id"])])))  # fmt: skip
    rows.append(("communities whose member_count is off", 0,
                 sum(1 for c in communities if int(c["member_count"]) != joined[str(c["community_id"])])))  # fmt: skip
    by_status = Counter(str(p["status"]) for p in all_posts if p.get("company_id") == world.company)
    inquiry_totals = counters.read([inquiry_counter(world.company, s) for s in ("open", "answered", "resolved")])
    for s in ("open", "answered", "resolved"):
        rows.append(
            (f"counter inquiries.{s} = inquiries {s}", by_status[s], inquiry_totals[inquiry_counter(world.company, s)])
        )

    ledger = [int(e.amount) for e in LedgerItem.query(world.campaign)]
    spent = sum(int(b.budget) - int(b.remaining) for b in BudgetItem.query(world.campaign))
    rows.append(("spend = ledger (yen)", sum(ledger), spent))
    rows.append(("days over budget", 0, sum(1 for b in BudgetItem.query(world.campaign) if int(b.remaining) < 0)))
    charged = sum(1 for c in _scan("placement_clicks") if c.get("charged") and c["campaign_id"] == world.campaign)
    rows.append(("charged clicks = ledger entries", len(ledger), charged))
    clicks = counters.read([f"ad:{world.campaign}:clicks"])[f"ad:{world.campaign}:clicks"]
    rows.append(("counter ad clicks = ledger entries", len(ledger), clicks))
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m local.chaos", description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=40.0, help="how long the crowd writes")
    parser.add_argument("--workers", type=int, default=6, help="concurrent clients")
    parser.add_argument("--outage", type=float, default=2.0, help="seconds each process stays down")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="kizuna-chaos-") as tmp_name:
        chaos = Chaos(Path(tmp_name))
        try:
            chaos.start()
            assert chaos.api is not None
            world = seed(chaos.api.url)
            chaos.note("seeded; the crowd starts")
            ack = Acknowledged()
            stop = threading.Event()
            workers = [
                threading.Thread(target=crowd, args=(chaos.api.url, world, ack, stop, i), daemon=True)
                for i in range(args.workers)
            ]
            for w in workers:
                w.start()
            step = args.seconds / 4
            time.sleep(step)
            chaos.outage_osmem(args.outage)
            time.sleep(step / 2)
            chaos.outage_relay(args.outage)
            time.sleep(step / 2)
            chaos.outage_dynamodb(args.outage)
            time.sleep(step)
            stop.set()
            for w in workers:
                w.join(30)
            chaos.note("the crowd stopped; waiting for the index and the notifications to catch up")
            os.environ.update(chaos.env)  # the checks read DynamoDB in this process
            deadline = time.monotonic() + 120
            while True:
                result = chaos.ops("check-index", check=False)
                expected, found = notified_comments(ack)
                if (result.returncode == 0 and expected == found) or time.monotonic() > deadline:
                    break
                time.sleep(2)
            index_clean = result.returncode == 0
            chaos.note("check-index " + ("clean" if index_clean else "NOT clean"))
            rows = verify(world, ack)
        finally:
            chaos.stop()
    print("\nchaos: what happened")
    for line in chaos.events:
        print(f"  {line}")
    refused = sum(ack.refused.values())
    print(f"\n  refused during outages (not acknowledged, not required): {refused}")
    for reason, n in ack.refused.most_common(8):
        print(f"    {n:5d}  {reason}")
    posts = len(ack.posts) + len(ack.inquiries)
    print(f"\n  acknowledged: {len(ack.members)} signups, {len(set(ack.memberships))} memberships, "
          f"{posts} posts, {len(ack.comments)} comments, {ack.clicks} clicks\n")  # fmt: skip
    bad = [r for r in rows if r[1] != r[2]]
    width = max(len(r[0]) for r in rows)
    for check, want, got in rows:
        print(f"  {check:<{width}}  expected {want:>6}  found {got:>6}  {'ok' if want == got else 'DIFFERENT'}")
    print(f"  {'check-index':<{width}}  {'clean' if index_clean else 'DIFFERENCES'}")
    if bad or not index_clean:
        print("\nchaos: FAILED", file=sys.stderr)
        return 1
    print("\nchaos: nothing acknowledged was lost; index, notifications, counters and spend agree")
    return 0


if __name__ == "__main__":
    sys.exit(main())
