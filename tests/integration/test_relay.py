"""The local stream relay against DynamoDB Local: shape of the events, retries, restarts, shutdown.

Relays are driven in-process with ``poll_once`` loops bounded by a deadline; only the last
tests run the real CLI as a subprocess.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import boto3
import pytest

from chalicelib.config import settings
from chalicelib.streams.handler import handle
from local.relay import StreamRelay, first_failure, lambda_event, load_state, save_state
from local.stack import ROOT
from tests.stream_events import load_event

TIMEOUT = 15.0

Event = dict[str, Any]
Record = dict[str, Any]


# --- helpers ---------------------------------------------------------------------------


class Recorder:
    """A stream handler that keeps every event and acknowledges everything."""

    def __init__(self) -> None:
        self.events: list[Event] = []
        self.acked: list[Record] = []

    def __call__(self, event: Event, context: Any) -> Mapping[str, Any]:
        json.dumps(event)  # the event must be plain JSON, like the one Lambda sends
        self.events.append(event)
        failed_at = self.fail_at(event["Records"])
        if failed_at == -1:
            raise RuntimeError("handler crashed")
        self.acked.extend(event["Records"][:failed_at])
        if failed_at < len(event["Records"]):
            return {"batchItemFailures": [{"itemIdentifier": _seq(event["Records"][failed_at])}]}
        return {"batchItemFailures": []}

    def fail_at(self, records: list[Record]) -> int:
        """Index of the record to report as failed (-1: raise); ``len(records)``: all good."""
        return len(records)

    @property
    def delivered(self) -> list[Record]:
        return [record for event in self.events for record in event["Records"]]

    def acked_in(self, stream_arn: str) -> list[str]:
        return [_seq(r) for r in self.acked if r["eventSourceARN"] == stream_arn]


class Flaky(Recorder):
    """Fails the INSERT of one member ``times`` times: first by raising, then via batchItemFailures."""

    def __init__(self, times: int) -> None:
        super().__init__()
        self.member_id: str | None = None
        self.times = times
        self.failures = 0

    def fail_at(self, records: list[Record]) -> int:
        for i, record in enumerate(records):
            if self.failures < self.times and _is_insert_of(record, self.member_id):
                self.failures += 1
                return -1 if self.failures == 1 else i
        return len(records)


class FailsFirstBatch(Recorder):
    """Reports the first record of its first batch as failed, then acknowledges everything."""

    def fail_at(self, records: list[Record]) -> int:
        return 0 if len(self.events) == 1 else len(records)


def _seq(record: Record) -> str:
    return str(record["dynamodb"]["SequenceNumber"])


def _is_insert_of(record: Record, member_id: str | None) -> bool:
    """The INSERT of the member item (friendship items are keyed by member_id too, on their own stream)."""
    keys = record["dynamodb"].get("Keys", {})
    return (
        record["eventName"] == "INSERT"
        and "-members/stream/" in record["eventSourceARN"]
        and member_id is not None
        and keys.get("member_id") == {"S": member_id}
    )


def _insert_of(records: list[Record], member_id: str) -> Record | None:
    return next((r for r in records if _is_insert_of(r, member_id)), None)


def poll_until(relay: StreamRelay, done: Callable[[], bool], timeout: float = TIMEOUT) -> None:
    """Drive the relay until ``done()``; fails after ``timeout`` seconds instead of hanging."""
    deadline = time.monotonic() + timeout
    while not done():
        assert time.monotonic() < deadline, "the relay did not deliver in time"
        if relay.poll_once() == 0:
            time.sleep(0.02)


def drain(relay: StreamRelay, timeout: float = TIMEOUT) -> None:
    """Drive the relay until a whole pass finds nothing new (DynamoDB Local returns records at once)."""
    deadline = time.monotonic() + timeout
    while relay.poll_once() > 0:
        assert time.monotonic() < deadline, "the relay never caught up"


def stream_sequence_numbers(stream_arn: str) -> list[str]:
    """Every sequence number in the stream, read independently of the relay, shard by shard."""
    client = boto3.client("dynamodbstreams")
    try:
        out: list[str] = []
        for shard in client.describe_stream(StreamArn=stream_arn)["StreamDescription"]["Shards"]:
            iterator = client.get_shard_iterator(
                StreamArn=stream_arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
            )["ShardIterator"]
            while iterator:
                page = client.get_records(ShardIterator=iterator)
                if not page["Records"]:
                    break
                out.extend(_seq(r) for r in page["Records"])
                iterator = page.get("NextShardIterator")
        return out
    finally:
        client.close()


# --- fixtures --------------------------------------------------------------------------


def _latest_stream_arn(table: str) -> str:
    client = boto3.client("dynamodb")
    try:
        return str(client.describe_table(TableName=table)["Table"]["LatestStreamArn"])
    finally:
        client.close()


@pytest.fixture(scope="session")
def members_stream(local_stack: Any) -> str:
    return _latest_stream_arn(settings().table_name("members"))


@pytest.fixture(scope="session")
def counters_stream(local_stack: Any) -> str:
    return _latest_stream_arn(settings().table_name("counters"))


@pytest.fixture
def make_relay(local_stack: Any, tmp_path: Path) -> Iterator[Callable[..., StreamRelay]]:
    """Relays with short backoffs (closed afterwards); the state file defaults to one per test."""
    relays: list[StreamRelay] = []

    def make(handler: Any, state: Path | None = None, **options: Any) -> StreamRelay:
        options = {"backoff_base": 0.02, "backoff_cap": 0.2, "idle_sleep": 0.02, **options}
        relay = StreamRelay(handler, state or tmp_path / "relay-state.json", **options)
        relays.append(relay)
        return relay

    yield make
    for relay in relays:
        relay.close()


# --- pure parts ------------------------------------------------------------------------


def test_records_become_plain_json_like_lambda_events() -> None:
    arn = "arn:aws:dynamodb:ddblocal:000000000000:table/t-members/stream/2026-11-26T23:30:35.449"
    record = {
        "eventID": "1",
        "eventName": "INSERT",
        "awsRegion": "ddblocal",
        "dynamodb": {
            "ApproximateCreationDateTime": datetime(2026, 11, 26, 23, 30, tzinfo=UTC),
            "Keys": {"id": {"B": b"\x00\xff"}},
            "NewImage": {"id": {"B": b"\x00\xff"}, "tags": {"BS": [b"a"]}, "n": {"N": "1"}},
            "SequenceNumber": "000000000000000000001",
        },
    }

    event = lambda_event([record], arn, "ap-northeast-1")

    out = event["Records"][0]
    assert json.loads(json.dumps(event)) == event
    assert out["eventSourceARN"] == arn and out["awsRegion"] == "ap-northeast-1"
    assert out["dynamodb"]["ApproximateCreationDateTime"] == 1795735800
    assert out["dynamodb"]["NewImage"] == {"id": {"B": "AP8="}, "tags": {"BS": ["YQ=="]}, "n": {"N": "1"}}
    assert record["awsRegion"] == "ddblocal"  # the input is left alone


@pytest.mark.parametrize(
    ("result", "expected"),
    [
        (None, 3),
        ({}, 3),
        ({"batchItemFailures": []}, 3),
        ({"batchItemFailures": [{"itemIdentifier": "3"}, {"itemIdentifier": "2"}]}, 1),
        ({"batchItemFailures": [{"itemIdentifier": "9"}]}, 0),  # unknown: the whole batch failed
        ({"batchItemFailures": [{"itemIdentifier": ""}]}, 0),
    ],
)
def test_first_failure_follows_lambda_rules(result: Any, expected: int) -> None:
    assert first_failure(result, ["1", "2", "3"]) == expected


def test_state_file_round_trips_and_ignores_garbage(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "state.json"
    save_state(path, {"arn:s": {"shard-1": "42"}})
    assert load_state(path) == {"arn:s": {"shard-1": "42"}}
    assert list(path.parent.iterdir()) == [path]  # no temporary file left behind

    path.write_text("{not json")
    assert load_state(path) == {}
    assert load_state(tmp_path / "missing.json") == {}


class FakeStreams:
    """Just enough of DynamoDB (Streams) to show a closed parent shard and its child.

    DynamoDB Local closes shards only after hours, so this ordering is checked with a fake.
    Iterators are ``"shard:index"``; a closed shard ends with no NextShardIterator.
    """

    ARN = "arn:aws:dynamodb:ap-northeast-1:123456789012:table/p-members/stream/2026-11-01T00:00:00.000"

    def __init__(self) -> None:
        self.records = {"parent": ["1", "2", "3"], "child": ["4", "5"]}
        self.closed = {"parent"}

    # dynamodb
    def get_paginator(self, name: str) -> Any:
        assert name == "list_tables"
        return type("Paginator", (), {"paginate": lambda _self: [{"TableNames": ["other-t", "p-members"]}]})()

    def describe_table(self, TableName: str) -> dict[str, Any]:
        return {"Table": {"TableName": TableName, "LatestStreamArn": self.ARN}}

    # dynamodbstreams
    def describe_stream(self, StreamArn: str) -> dict[str, Any]:
        shards = [{"ShardId": "child", "ParentShardId": "parent"}, {"ShardId": "parent"}]  # child listed first
        return {"StreamDescription": {"StreamArn": StreamArn, "Shards": shards}}

    def get_shard_iterator(self, StreamArn: str, ShardId: str, ShardIteratorType: str, **at: str) -> dict[str, Any]:
        start = 0 if ShardIteratorType == "TRIM_HORIZON" else self.records[ShardId].index(at["SequenceNumber"]) + 1
        return {"ShardIterator": f"{ShardId}:{start}"}

    def get_records(self, ShardIterator: str, Limit: int) -> dict[str, Any]:
        shard, start = ShardIterator.split(":")
        seqs = self.records[shard][int(start) : int(start) + min(Limit, 2)]
        end = int(start) + len(seqs)
        ended = shard in self.closed and end == len(self.records[shard])
        records = [{"eventName": "INSERT", "dynamodb": {"SequenceNumber": seq}} for seq in seqs]
        return {"Records": records, "NextShardIterator": None if ended else f"{shard}:{end}"}


def test_a_child_shard_is_read_only_after_its_parent_is_finished(tmp_path: Path) -> None:
    fake = FakeStreams()
    handler = FailsFirstBatch()
    relay = StreamRelay(
        handler, tmp_path / "s.json", table_prefix="p-", region="ap-northeast-1", dynamodb=fake, streams=fake
    )
    relay.backoff_base = 0.0  # retry on the next pass: the child must still wait for its parent

    deadline = time.monotonic() + TIMEOUT
    while [_seq(r) for r in handler.acked] != ["1", "2", "3", "4", "5"]:
        assert time.monotonic() < deadline, [_seq(r) for r in handler.delivered]
        relay.poll_once()

    assert [_seq(r) for r in handler.delivered] == ["1", "2", "1", "2", "3", "4", "5"]  # the first batch retried
    assert handler.events[0]["Records"][0]["eventSourceARN"] == FakeStreams.ARN
    assert load_state(tmp_path / "s.json") == {FakeStreams.ARN: {"parent": "3", "child": "5"}}


# --- against DynamoDB Local ------------------------------------------------------------


def test_a_member_write_reaches_the_handler_as_a_lambda_event(
    make_relay: Callable[..., StreamRelay], new_member: Any, members_stream: str
) -> None:
    recorder = Recorder()
    relay = make_relay(recorder)
    drain(relay)

    member = new_member()
    poll_until(relay, lambda: _insert_of(recorder.delivered, member.id) is not None)

    record = _insert_of(recorder.delivered, member.id)
    assert record is not None
    assert record["eventSourceARN"] == members_stream
    assert record["awsRegion"] == settings().region != "ddblocal"
    assert record["dynamodb"]["NewImage"]["handle"] == {"S": member.handle}
    assert isinstance(record["dynamodb"]["ApproximateCreationDateTime"], int | float)
    assert set(load_event("dynamodb_stream_insert")["Records"][0]) <= set(record)
    # The app's real handler accepts the relayed event as it is.
    event = next(e for e in recorder.events if record in e["Records"])
    assert handle(event, None) == {"batchItemFailures": []}


def test_failed_records_are_retried_and_none_is_skipped(
    make_relay: Callable[..., StreamRelay],
    new_member: Any,
    members_stream: str,
    counters_stream: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    flaky = Flaky(times=3)
    relay = make_relay(flaky)
    drain(relay)

    first, second, third = new_member(), new_member(), new_member()
    flaky.member_id = second.id
    with caplog.at_level(logging.WARNING, logger="kizuna.relay"):
        poll_until(relay, lambda: _insert_of(flaky.acked, third.id) is not None)
        drain(relay)

    target = _insert_of(flaky.acked, second.id)
    assert target is not None
    assert [_seq(r) for r in flaky.delivered].count(_seq(target)) == 1 + 3
    assert len([r for r in caplog.records if r.getMessage().startswith("retry ")]) == 3
    # Every record of both streams was acknowledged exactly once, in stream order.
    assert flaky.acked_in(members_stream) == stream_sequence_numbers(members_stream)
    assert flaky.acked_in(counters_stream) == stream_sequence_numbers(counters_stream)
    assert _insert_of(flaky.acked, first.id) is not None


def test_a_restarted_relay_resumes_after_what_was_acknowledged(
    make_relay: Callable[..., StreamRelay], new_member: Any, members_stream: str, tmp_path: Path
) -> None:
    state = tmp_path / "shared-state.json"
    before = Recorder()
    with make_relay(before, state) as relay:
        drain(relay)
        old = new_member()
        poll_until(relay, lambda: _insert_of(before.acked, old.id) is not None)
        drain(relay)
    assert load_state(state)[members_stream]  # the position was saved

    new = new_member()
    after = Recorder()
    relay = make_relay(after, state)
    poll_until(relay, lambda: _insert_of(after.acked, new.id) is not None)
    drain(relay)

    first_run = {(r["eventSourceARN"], _seq(r)) for r in before.delivered}
    assert not first_run & {(r["eventSourceARN"], _seq(r)) for r in after.delivered}
    assert _insert_of(after.delivered, old.id) is None
    everything = stream_sequence_numbers(members_stream)
    resumed_at = everything.index(before.acked_in(members_stream)[-1]) + 1
    assert after.acked_in(members_stream) == everything[resumed_at:]


def test_saved_positions_of_vanished_streams_are_ignored(
    make_relay: Callable[..., StreamRelay], members_stream: str, tmp_path: Path
) -> None:
    prefix = settings().table_prefix
    gone = f"arn:aws:dynamodb:ddblocal:000000000000:table/{prefix}members/stream/1999-01-01T00:00:00.000"
    other_stage = "arn:aws:dynamodb:ddblocal:000000000000:table/elsewhere-members/stream/1999-01-01T00:00:00.000"
    state = tmp_path / "state.json"
    save_state(state, {gone: {"shardId-1": "7"}, other_stage: {"shardId-2": "8"}})
    recorder = Recorder()

    relay = make_relay(recorder, state)
    drain(relay)

    saved = load_state(state)
    assert gone not in saved
    assert saved[other_stage] == {"shardId-2": "8"}  # not ours: kept as it was
    assert recorder.acked_in(members_stream) == stream_sequence_numbers(members_stream)


def test_new_tables_are_discovered_while_running(make_relay: Callable[..., StreamRelay], local_stack: Any) -> None:
    recorder = Recorder()
    relay = make_relay(recorder, discover_every=0.1)
    drain(relay)
    table = f"{settings().table_prefix}relay-{uuid.uuid4().hex[:6]}"
    client = boto3.client("dynamodb")
    try:
        client.create_table(
            TableName=table,
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
            StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
        )
        client.put_item(TableName=table, Item={"id": {"S": "x"}, "version": {"N": "1"}})

        poll_until(relay, lambda: any(f"table/{table}/stream/" in r["eventSourceARN"] for r in recorder.acked))
    finally:
        client.delete_table(TableName=table)
        client.close()


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_the_cli_stops_cleanly_on_a_signal(
    local_stack: Any, members_stream: str, tmp_path: Path, signum: signal.Signals
) -> None:
    state = tmp_path / "cli-state.json"
    log = tmp_path / "relay.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "local.relay", "--state", str(state)],
            cwd=ROOT,
            env=dict(os.environ),
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 30
        # Saved after each batch that went through the real handler; wait for the members table's.
        while members_stream not in load_state(state):
            assert proc.poll() is None, f"the relay exited early:\n{log.read_text()}"
            assert time.monotonic() < deadline, f"the relay saved no state:\n{log.read_text()}"
            time.sleep(0.05)
        proc.send_signal(signum)
        code = proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()

    output = log.read_text()
    assert code == 0, output
    assert "stream relay stopped" in output
    assert load_state(state)[members_stream]
