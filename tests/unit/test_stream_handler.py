"""The stream handler on Lambda-shaped events: partial batch failures, never a silent skip."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord

from chalicelib.streams import handler as stream_handler
from tests.stream_events import load_event


def _batch(size: int) -> dict[str, Any]:
    """The fixture's INSERT repeated ``size`` times with increasing sequence numbers."""
    event = load_event("dynamodb_stream_insert")
    first = event["Records"][0]
    base = int(first["dynamodb"]["SequenceNumber"])
    records = []
    for i in range(size):
        record = copy.deepcopy(first)
        record["eventID"] = f"{first['eventID'][:-2]}{i:02d}"
        record["dynamodb"]["SequenceNumber"] = str(base + i)
        records.append(record)
    return {"Records": records}


def test_fixture_is_processed_without_failures() -> None:
    event = load_event("dynamodb_stream_insert")

    assert stream_handler.handle(event, None) == {"batchItemFailures": []}


def test_fixture_looks_like_a_members_insert() -> None:
    record = DynamoDBRecord(load_event("dynamodb_stream_insert")["Records"][0])

    assert record.event_name is not None and record.event_name.name == "INSERT"
    assert record.event_source_arn is not None and "/kizuna-dev-members/stream/" in record.event_source_arn
    assert record.dynamodb is not None
    assert record.dynamodb.keys == {"member_id": "3f2b8c1e9a6d4e0f8b7c5a4d3e2f1a0b"}
    assert record.dynamodb.new_image["handle"] == "hanako_y"


def test_a_failing_record_is_reported_and_the_others_still_run(monkeypatch: pytest.MonkeyPatch) -> None:
    event = _batch(3)
    bad = event["Records"][1]["dynamodb"]["SequenceNumber"]
    seen: list[str] = []

    def record_handler(record: DynamoDBRecord) -> None:
        assert record.dynamodb is not None
        seen.append(str(record.dynamodb.sequence_number))
        if record.dynamodb.sequence_number == bad:
            raise RuntimeError("indexer unavailable")

    # handle() looks record_handler up in its module at call time, so patching the module works.
    monkeypatch.setattr(stream_handler, "record_handler", record_handler)

    result = stream_handler.handle(event, None)

    assert result == {"batchItemFailures": [{"itemIdentifier": bad}]}
    assert seen == [r["dynamodb"]["SequenceNumber"] for r in event["Records"]]


def test_a_batch_that_fails_entirely_raises(monkeypatch: pytest.MonkeyPatch) -> None:
    """Powertools raises when every record failed: the event source (or relay) retries the whole batch."""

    def record_handler(record: DynamoDBRecord) -> None:
        raise RuntimeError("indexer unavailable")

    monkeypatch.setattr(stream_handler, "record_handler", record_handler)

    with pytest.raises(BatchProcessingError):
        stream_handler.handle(_batch(2), None)
