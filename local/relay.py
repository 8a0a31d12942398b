"""The local stream relay: DynamoDB Local's Streams API -> the app's stream handler.

In AWS an event source mapping polls each table stream and invokes the stream Lambda with
batches of records; ``chalice local`` does none of that. This process plays the event source
mapping on the local stack (``python -m local.relay``, started by ``make run``):

- it finds every table of this stage (``KIZUNA_TABLE_PREFIX``) that has a stream, and looks
  again every few seconds, so new tables and new shards are picked up; a child shard is read
  only once its parent is finished, which keeps the order of changes to one item;
- it hands each batch to ``chalicelib.streams.handler.handle`` as a Lambda-shaped event
  (DynamoDB Local leaves out ``eventSourceARN`` and says ``awsRegion: ddblocal``);
- a batch that raises or reports ``batchItemFailures`` is retried from the first failed
  record after an exponential backoff: delivery is at least once, no record is ever skipped;
- the last sequence number handled per shard is kept in a JSON file, so a restart resumes
  where the relay stopped instead of replaying the whole stream.

Endpoints come from ``AWS_ENDPOINT_URL_DYNAMODB`` and ``AWS_ENDPOINT_URL_DYNAMODB_STREAMS``
(boto3 reads them), so nothing here asks whether it runs locally.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import json
import logging
import os
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import FrameType, TracebackType
from typing import Any, Self

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from chalicelib.config import settings
from local.stack import STATE

log = logging.getLogger("kizuna.relay")

#: The stream handler's signature: a Lambda event and context in, ``{"batchItemFailures": [...]}`` out.
Handler = Callable[[dict[str, Any], Any], Mapping[str, Any] | None]
#: stream ARN -> shard id -> the last sequence number fully handled.
Positions = dict[str, dict[str, str]]

DESCRIPTION = "Relay DynamoDB (Local) stream records to the app's stream handler."
STATE_ENV = "KIZUNA_RELAY_STATE"
DEFAULT_STATE = STATE / "relay-state.json"
STATE_FORMAT = 1

# Short timeouts: a hung call must not delay shutdown (SIGTERM) by more than a few seconds.
_CLIENT_CONFIG = Config(connect_timeout=2, read_timeout=10, retries={"max_attempts": 3, "mode": "standard"})


@dataclass
class Shard:
    """One shard of one stream and how far the relay got in it."""

    stream_arn: str
    shard_id: str
    parent_id: str | None
    #: The last sequence number fully handled (saved in the state file); None: from the start.
    position: str | None = None
    #: Where the next GetRecords reads from; None: open a new one from ``position``.
    iterator: str | None = None
    #: The shard is closed and everything in it was handled; its children may start.
    finished: bool = False
    #: Consecutive failed deliveries, for the backoff.
    failures: int = 0
    #: Monotonic time before which the shard is not read again (backoff after a failure).
    not_before: float = 0.0

    @property
    def key(self) -> tuple[str, str]:
        return (self.stream_arn, self.shard_id)

    @property
    def table(self) -> str:
        return table_of(self.stream_arn)


def table_of(stream_arn: str) -> str:
    """``arn:aws:dynamodb:REGION:ACCOUNT:table/NAME/stream/LABEL`` -> ``NAME``."""
    resource = stream_arn.split(":", 5)[-1]
    parts = resource.split("/")
    return parts[1] if len(parts) > 1 else resource


# --- the Lambda event -------------------------------------------------------------------


def _jsonable(value: Any) -> Any:
    """Undo boto3's parsing so the record looks like what Lambda receives (plain JSON).

    boto3 turns ``ApproximateCreationDateTime`` into a datetime and binary attributes into
    bytes; Lambda gets epoch seconds and base64 strings.
    """
    if isinstance(value, datetime):
        seconds = value.timestamp()
        return int(seconds) if seconds.is_integer() else seconds
    if isinstance(value, bytes | bytearray):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(item) for item in value]
    return value


def lambda_event(records: Sequence[Mapping[str, Any]], stream_arn: str, region: str) -> dict[str, Any]:
    """The event an event source mapping would send for these GetRecords records."""
    out = []
    for record in records:
        item = _jsonable(dict(record))
        item["awsRegion"] = region
        item["eventSourceARN"] = stream_arn
        out.append(item)
    return {"Records": out}


def first_failure(result: Mapping[str, Any] | None, sequence_numbers: Sequence[str]) -> int:
    """Index of the first record to retry, ``len(sequence_numbers)`` if the batch succeeded.

    Same rules as Lambda's ``ReportBatchItemFailures``: an identifier that is empty or not
    in the batch fails the whole batch.
    """
    failures = (result or {}).get("batchItemFailures") or []
    index = {seq: i for i, seq in enumerate(sequence_numbers)}
    first = len(sequence_numbers)
    for failure in failures:
        identifier = failure.get("itemIdentifier") if isinstance(failure, Mapping) else None
        if not identifier or identifier not in index:
            return 0
        first = min(first, index[identifier])
    return first


# --- the state file ---------------------------------------------------------------------


def load_state(path: Path) -> Positions:
    """The saved positions; empty if there is no file yet.

    A file that cannot be read only means replaying from the start of each shard, which
    at-least-once consumers must tolerate anyway, so it is logged rather than fatal.
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        log.error("cannot read the relay state %s (%s); starting every shard from its beginning", path, exc)
        return {}
    streams = data.get("streams") if isinstance(data, dict) else None
    if not isinstance(streams, dict):
        log.error("the relay state %s has no 'streams'; starting every shard from its beginning", path)
        return {}
    return {
        str(arn): {str(shard): str(seq) for shard, seq in shards.items() if seq}
        for arn, shards in streams.items()
        if isinstance(shards, dict)
    }


def save_state(path: Path, positions: Positions) -> None:
    """Write the positions atomically (temporary file + rename): a crash never leaves half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump({"format": STATE_FORMAT, "streams": positions}, out, indent=2, sort_keys=True)
            out.write("\n")
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


# --- the relay --------------------------------------------------------------------------


class StreamRelay:
    """Polls every stream of the stage's tables and feeds the handler, like an event source mapping.

    Single-threaded on purpose: one pass (:meth:`poll_once`) reads each shard once, so tests
    can drive it step by step and the process needs no locking around its state file.
    """

    def __init__(
        self,
        handler: Handler,
        state_path: Path | str,
        *,
        table_prefix: str | None = None,
        region: str | None = None,
        batch_size: int = 100,
        discover_every: float = 5.0,
        idle_sleep: float = 0.15,
        backoff_base: float = 0.25,
        backoff_cap: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
        dynamodb: Any = None,
        streams: Any = None,
    ) -> None:
        current = settings()
        self.handler = handler
        self.state_path = Path(state_path)
        # Read now, not at import: the tests point the settings at their own tables.
        self.table_prefix = current.table_prefix if table_prefix is None else table_prefix
        self.region = region or current.region
        self.batch_size = batch_size
        self.discover_every = discover_every
        self.idle_sleep = idle_sleep
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self.clock = clock
        # Clients may be given (tests fake closed shards, which DynamoDB Local cannot be made to produce);
        # the relay closes only the ones it created.
        session = boto3.session.Session(region_name=self.region)
        self._owned: list[Any] = []
        self._dynamodb: Any = dynamodb or self._own(session.client("dynamodb", config=_CLIENT_CONFIG))
        self._streams: Any = streams or self._own(session.client("dynamodbstreams", config=_CLIENT_CONFIG))
        self._saved = load_state(self.state_path)
        self._shards: dict[tuple[str, str], Shard] = {}
        self._next_discovery = 0.0

    # lifecycle

    def _own(self, client: Any) -> Any:
        self._owned.append(client)
        return client

    def close(self) -> None:
        """Close the HTTP connections of the clients this relay created."""
        for client in self._owned:
            client.close()
        self._owned.clear()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def run(self, stop: threading.Event) -> None:
        """Relay until ``stop`` is set; the batch under way is finished and its position saved.

        Idles with ``time.sleep`` and ``stop.is_set()`` rather than ``stop.wait()``: a signal
        handler that calls ``stop.set()`` while the main thread is inside ``Event.wait`` can
        deadlock on the event's internal lock.
        """
        name = getattr(self.handler, "__qualname__", repr(self.handler))
        log.info("relaying the streams of tables %s* to %s; state in %s", self.table_prefix, name, self.state_path)
        while not stop.is_set():
            if self.poll_once(stop) == 0 and not stop.is_set():
                time.sleep(self.idle_sleep)
        self.save()
        log.info("stream relay stopped")

    def poll_once(self, stop: threading.Event | None = None) -> int:
        """One pass: discover if due, then read each ready shard once; returns the records handled.

        Only records the handler acknowledged are counted (a batch being retried counts only
        its records before the first failure).
        """
        if self.clock() >= self._next_discovery:
            self.discover()
        handled = 0
        for shard in list(self._shards.values()):
            if stop is not None and stop.is_set():
                break
            if self._ready(shard):
                handled += self._poll_shard(shard)
        return handled

    # discovery

    def discover(self) -> None:
        """Refresh the streams and shards; on any error keep what was known and try again later.

        All or nothing, because a stream missing from a half-finished discovery would lose its
        saved position at the next save.
        """
        self._next_discovery = self.clock() + self.discover_every
        try:
            streams = self._find_streams()
            found = {shard.key: shard for arn in streams for shard in self._describe_shards(arn)}
        except (BotoCoreError, ClientError) as exc:
            log.warning("stream discovery failed (%s); retrying in %.0f s", exc, self.discover_every)
            return
        for arn in sorted({arn for arn, _ in found} - {arn for arn, _ in self._shards}):
            log.info("watching the stream of %s (%s)", table_of(arn), arn)
        for key, shard in found.items():
            known = self._shards.get(key)
            if known is None:
                saved = self._saved.get(shard.stream_arn, {}).get(shard.shard_id)
                shard.position = saved
                start = f"after {saved}" if saved else "at TRIM_HORIZON"
                log.debug("shard %s of %s: starting %s", shard.shard_id, shard.table, start)
            else:
                found[key] = known
        self._shards = found

    def _find_streams(self) -> list[str]:
        """The latest stream ARN of every table with our prefix (a recreated table has a new one)."""
        arns = []
        for page in self._dynamodb.get_paginator("list_tables").paginate():
            for name in page.get("TableNames", []):
                if not name.startswith(self.table_prefix):
                    continue
                try:
                    table = self._dynamodb.describe_table(TableName=name)["Table"]
                except ClientError as exc:
                    if _code(exc) == "ResourceNotFoundException":  # deleted since ListTables
                        continue
                    raise
                if table.get("LatestStreamArn"):
                    arns.append(str(table["LatestStreamArn"]))
        return arns

    def _describe_shards(self, stream_arn: str) -> Iterator[Shard]:
        """Every shard of the stream (DescribeStream pages by shard id); :meth:`_ready` orders them."""
        start: dict[str, str] = {}
        while True:
            desc = self._streams.describe_stream(StreamArn=stream_arn, **start)["StreamDescription"]
            for shard in desc.get("Shards", []):
                yield Shard(stream_arn, str(shard["ShardId"]), shard.get("ParentShardId"))
            last = desc.get("LastEvaluatedShardId")
            if not last:
                return
            start = {"ExclusiveStartShardId": last}

    def _ready(self, shard: Shard) -> bool:
        """Not finished, not backing off, and its parent (if still listed) is finished."""
        if shard.finished or self.clock() < shard.not_before:
            return False
        parent = self._shards.get((shard.stream_arn, shard.parent_id)) if shard.parent_id else None
        return parent is None or parent.finished

    # reading and delivering

    def _poll_shard(self, shard: Shard) -> int:
        """Read one page of the shard and deliver it; returns the records acknowledged."""
        try:
            if shard.iterator is None:
                shard.iterator = self._open_iterator(shard)
            page = self._streams.get_records(ShardIterator=shard.iterator, Limit=self.batch_size)
        except (BotoCoreError, ClientError) as exc:
            self._read_failed(shard, exc)
            return 0
        records = page.get("Records", [])
        next_iterator = page.get("NextShardIterator")
        handled = self._deliver(shard, records) if records else 0
        if handled == len(records):
            shard.iterator = next_iterator
            shard.failures = 0
            if next_iterator is None:  # a closed shard, read to its end
                shard.finished = True
                log.info("shard %s of %s is finished", shard.shard_id, shard.table)
        return handled

    def _open_iterator(self, shard: Shard) -> str:
        """Right after the last record handled, or at the oldest record if none was."""
        args: dict[str, str] = {"StreamArn": shard.stream_arn, "ShardId": shard.shard_id}
        if shard.position:
            args |= {"ShardIteratorType": "AFTER_SEQUENCE_NUMBER", "SequenceNumber": shard.position}
        else:
            args["ShardIteratorType"] = "TRIM_HORIZON"
        try:
            return str(self._streams.get_shard_iterator(**args)["ShardIterator"])
        except ClientError as exc:
            if _code(exc) != "TrimmedDataAccessException":
                raise
            # The saved position is older than the stream's retention: those records are gone.
            log.error(
                "shard %s of %s: records after %s were trimmed; resuming at TRIM_HORIZON",
                shard.shard_id,
                shard.table,
                shard.position,
            )
            shard.position = None
            return str(
                self._streams.get_shard_iterator(
                    StreamArn=shard.stream_arn, ShardId=shard.shard_id, ShardIteratorType="TRIM_HORIZON"
                )["ShardIterator"]
            )

    def _read_failed(self, shard: Shard, exc: Exception) -> None:
        """Reading failed: drop the iterator (it may have expired) and back off."""
        shard.iterator = None
        if isinstance(exc, ClientError) and _code(exc) == "ResourceNotFoundException":
            log.info("the stream of %s is gone (%s); rediscovering", shard.table, exc)
            self._next_discovery = 0.0
        elif isinstance(exc, ClientError) and _code(exc) == "ExpiredIteratorException":
            return  # reopened from the saved position on the next pass
        self._back_off(shard, f"reading failed: {exc}")

    def _deliver(self, shard: Shard, records: list[dict[str, Any]]) -> int:
        """Hand one batch to the handler; acknowledge what succeeded and schedule the rest.

        The records before the first failure are done, so the position moves past them and is
        saved; the next read starts again at the first failed record, after a backoff.
        """
        sequence_numbers = [str(record["dynamodb"]["SequenceNumber"]) for record in records]
        event = lambda_event(records, shard.stream_arn, self.region)
        try:
            result = self.handler(event, None)
        except Exception as exc:
            log.warning("the handler raised on %d records of %s", len(records), shard.table, exc_info=True)
            handled, reason = 0, f"handler raised {type(exc).__name__}: {exc}"
        else:
            handled = first_failure(result, sequence_numbers)
            reason = "handler reported batchItemFailures"
        if handled:
            shard.position = sequence_numbers[handled - 1]
            self.save()
        if handled < len(records):
            shard.iterator = None  # reopened after the new position: the first failed record
            self._back_off(shard, f"{reason}; retrying from {sequence_numbers[handled]}")
        return handled

    def _back_off(self, shard: Shard, reason: str) -> None:
        """Exponential backoff per shard, capped; other shards keep flowing meanwhile."""
        shard.failures += 1
        delay = min(self.backoff_cap, self.backoff_base * 2 ** (shard.failures - 1))
        shard.not_before = self.clock() + delay
        log.warning(
            "retry %d of shard %s of %s in %.2f s: %s",
            shard.failures,
            shard.shard_id,
            shard.table,
            delay,
            reason,
        )

    # state

    def positions(self) -> Positions:
        """What the state file holds: our shards' positions, plus other stages' streams untouched.

        Saved streams of our tables that no longer exist (e.g. a recreated table) are dropped.
        """
        out: Positions = {
            arn: dict(shards) for arn, shards in self._saved.items() if not table_of(arn).startswith(self.table_prefix)
        }
        for shard in self._shards.values():
            if shard.position:
                out.setdefault(shard.stream_arn, {})[shard.shard_id] = shard.position
        return out

    def save(self) -> None:
        """Persist the positions (after every batch that moved one)."""
        save_state(self.state_path, self.positions())


def _code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


# --- command line -----------------------------------------------------------------------


def _parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m local.relay", description=DESCRIPTION)
    parser.add_argument(
        "--state",
        type=Path,
        default=Path(os.environ.get(STATE_ENV) or DEFAULT_STATE),
        help=f"the position file (default: ${STATE_ENV} or {DEFAULT_STATE})",
    )
    parser.add_argument("--prefix", help="the table name prefix (default: the app's KIZUNA_TABLE_PREFIX)")
    parser.add_argument("--log-level", default=os.environ.get("KIZUNA_RELAY_LOG_LEVEL", "INFO"))
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the relay until SIGTERM or SIGINT; exits 0 after saving its positions."""
    args = _parse(argv)
    logging.basicConfig(level=args.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        if stop.is_set():  # a second signal: the handler seems stuck, leave now (positions are saved per batch)
            raise SystemExit(128 + signum)
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    from chalicelib.streams.handler import handle

    with StreamRelay(handle, args.state, table_prefix=args.prefix) as relay:
        relay.run(stop)
    return 0


if __name__ == "__main__":
    sys.exit(main())
