"""The search server goes away and comes back: API writes still succeed and nothing is lost.

The test runs its own osmem-server (the session one stays up for the other tests) and points
the app at it through ``KIZUNA_OPENSEARCH_URL`` for its duration. The relay is driven with
``poll_once`` on a manual clock, so its backoff never needs a real sleep. osmem keeps nothing
in memory, so the recovery is the one ``make run`` does at start, ``ops reindex``, while the
relay's backlog drains with the records it kept retrying during the outage.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import boto3
import pytest

from chalicelib import bootstrap, ops
from chalicelib.config import settings
from chalicelib.search.documents import INDEXED_TABLES
from chalicelib.streams.handler import handle
from local.relay import Positions, StreamRelay, first_failure, load_state, table_of
from local.stack import Service, free_port, start_osmem

TIMEOUT = 30.0
POSTS = 100
URL_ENV = "KIZUNA_OPENSEARCH_URL"


class OwnSearch:
    """An osmem-server of this test on a fixed port, which it can stop and start again."""

    def __init__(self) -> None:
        self.port = free_port()
        self.service: Service | None = start_osmem(self.port)
        self.url = self.service.url

    def stop(self) -> None:
        if self.service is not None:
            self.service.stop()
            self.service = None

    def start(self) -> None:
        assert self.service is None
        self.service = start_osmem(self.port)
        assert self.service.url == self.url


@pytest.fixture
def own_search(local_stack: Any) -> Iterator[OwnSearch]:
    """The app (API, stream handler, ops) wired to a search server of this test only."""
    search = OwnSearch()
    saved = os.environ.get(URL_ENV)
    os.environ[URL_ENV] = search.url
    bootstrap.reset()  # settings, services and the indexer are cached per process
    try:
        assert settings().opensearch_url == search.url
        yield search
    finally:
        search.stop()
        if saved is None:
            os.environ.pop(URL_ENV, None)
        else:
            os.environ[URL_ENV] = saved
        bootstrap.reset()


class Clock:
    """A monotonic clock the test moves by hand: backoffs pass without sleeping."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float = 10.0) -> None:
        self.now += seconds


class Recorder:
    """The real stream handler; keeps what it answered for the indexed tables' records."""

    def __init__(self) -> None:
        #: (sequence numbers, the handler's answer or None when it raised) per call.
        self.calls: list[tuple[list[str], Mapping[str, Any] | None]] = []

    def __call__(self, event: dict[str, Any], context: Any) -> Mapping[str, Any]:
        records = event["Records"]
        sequence_numbers = [str(r["dynamodb"]["SequenceNumber"]) for r in records]
        # Powertools raises when every record of the batch failed (the whole batch is retried): None.
        result: Mapping[str, Any] | None = None
        try:
            result = handle(event, context)
            return result
        finally:
            if indexed(records[0]["eventSourceARN"]):
                self.calls.append((sequence_numbers, result))

    def failed_calls(self) -> int:
        """Calls that acknowledged fewer records than they were given."""
        return sum(1 for seqs, result in self.calls if acknowledged(result, seqs) < len(seqs))


def acknowledged(result: Mapping[str, Any] | None, sequence_numbers: list[str]) -> int:
    """How many records of the batch the relay may move past (none when the handler raised)."""
    return 0 if result is None else first_failure(result, sequence_numbers)


def indexed(stream_arn: str) -> bool:
    prefix = settings().table_prefix
    return any(table_of(stream_arn) == f"{prefix}{table}" for table in INDEXED_TABLES)


def indexed_positions(positions: Positions) -> Positions:
    return {arn: dict(shards) for arn, shards in positions.items() if indexed(arn)}


def at_stream_end(streams: Any, positions: Positions) -> bool:
    """Nothing is left in any indexed shard after the relay's positions."""
    for arn, shards in positions.items():
        for shard_id, sequence in shards.items():
            iterator = streams.get_shard_iterator(
                StreamArn=arn, ShardId=shard_id, ShardIteratorType="AFTER_SEQUENCE_NUMBER", SequenceNumber=sequence
            )["ShardIterator"]
            if streams.get_records(ShardIterator=iterator, Limit=1).get("Records"):
                return False
    return True


def drain(relay: StreamRelay, clock: Clock, recorder: Recorder, streams: Any, timeout: float = TIMEOUT) -> None:
    """Poll until a pass handles nothing, no delivery failed and every indexed shard is read to its end."""
    deadline = time.monotonic() + timeout
    while True:
        assert time.monotonic() < deadline, "the relay did not drain"
        failed_before = recorder.failed_calls()
        handled = relay.poll_once()
        clock.advance()  # past any backoff
        quiet = handled == 0 and recorder.failed_calls() == failed_before
        if quiet and at_stream_end(streams, indexed_positions(relay.positions())):
            return


def search_ids(api: Any, token: str, q: str) -> set[str]:
    ids: set[str] = set()
    cursor = None
    for _ in range(20):
        params = f"q={q}&type=posts&limit=50" + (f"&cursor={cursor}" if cursor else "")
        res = api.call("GET", f"/search?{params}", token=token)
        assert res.status_code == 200, res.body
        ids |= {r["id"] for r in res.json_body["results"]}
        cursor = res.json_body["next_cursor"]
        if cursor is None:
            return ids
    raise AssertionError("pagination did not end")


def test_writes_during_a_search_outage_reach_the_index_once_it_is_back(
    api: Any, admin: Any, own_search: OwnSearch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # An admin writes: a new member's hundred near-identical posts in seconds would rightly be held
    # as spam (chalicelib/moderation/spam.py), and held posts are not indexed.
    member = admin
    res = api.call(
        "POST",
        "/communities",
        {"name": "障害テスト", "description": "検索サーバーが落ちても", "category": "games"},
        token=member.token,
    )
    assert res.status_code == 201, res.body
    community_id = res.json_body["id"]

    # The index exists and the relay is caught up before the outage.
    assert ops.main(["reindex", "--quiet"]) == 0
    clock = Clock()
    recorder = Recorder()
    state = tmp_path / "relay-state.json"
    streams = boto3.client("dynamodbstreams", region_name=settings().region)
    with StreamRelay(recorder, state, clock=clock, backoff_base=0.5, backoff_cap=5.0) as relay:
        # A new relay reads every stream from its start: the session's whole history first.
        drain(relay, clock, recorder, streams, timeout=180)
        before = indexed_positions(relay.positions())
        assert before

        # Outage: writes still succeed.
        own_search.stop()
        word = f"zq{uuid.uuid4().hex[:10]}"
        ids = set()
        for i in range(POSTS):
            body = {"title": f"障害中の投稿 {word} {i}", "body": f"検索サーバー停止中に書いた {i} 件目"}
            res = api.call("POST", f"/communities/{community_id}/posts", body, token=member.token)
            assert res.status_code == 201, res.body
            ids.add(res.json_body["id"])
        # Searching cannot work meanwhile: it says so with a 503 the client may retry, not a 500.
        res = api.call("GET", f"/search?q={word}", token=member.token)
        assert res.status_code == 503, res.body
        assert res.json_body["error"]["code"] == "service_unavailable" and res.headers["Retry-After"] == "5"

        # The relay keeps retrying; the handler reports the records, nothing is acknowledged.
        recorder.calls.clear()
        for _ in range(10):  # a pass may find an empty page first; three failed deliveries are enough
            if recorder.failed_calls() >= 3:
                break
            relay.poll_once()
            clock.advance()
        assert recorder.failed_calls() >= 3
        assert all(acknowledged(result, seqs) == 0 for seqs, result in recorder.calls)
        assert indexed_positions(relay.positions()) == before
        assert indexed_positions(load_state(state)) == before

        # The server comes back empty on the same address; the relay retries as soon as its backoff allows.
        own_search.start()
        relay.poll_once()
        clock.advance()
        assert indexed_positions(relay.positions()) != before, "the relay's retry did not reach the server"
        # Recovery as at every start of the local stack: rebuild the index from DynamoDB...
        assert ops.main(["reindex", "--quiet"]) == 0
        # ...and the backlog drains.
        drain(relay, clock, recorder, streams)
        after = indexed_positions(relay.positions())
        assert after != before
        assert indexed_positions(load_state(state)) == after

    capsys.readouterr()
    assert ops.main(["check-index"]) == 0, capsys.readouterr().out
    assert "no differences" in capsys.readouterr().out
    assert search_ids(api, member.token, word) == ids
