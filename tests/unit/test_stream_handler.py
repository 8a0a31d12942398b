"""The stream handler on Lambda-shaped events, through its real path: indexer, bulk, partial batch failures.

The search index is an in-memory fake of the indexer's port; everything else is the code the
Lambda runs.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord

from chalicelib.notifications.consumer import NoNotifier
from chalicelib.search.documents import Change
from chalicelib.search.indexer import Indexer
from chalicelib.streams.handler import handle
from tests.stream_events import load_event

#: These tests are about the indexer; the notifier has its own (tests/unit/test_notifications.py).
NO_NOTIFIER = NoNotifier()


class FakeIndex:
    """Keeps what was written; fails the doc ids in ``failing``, or everything when ``down``."""

    def __init__(self, failing: set[str] | None = None, down: bool = False):
        self.failing = failing or set()
        self.down = down
        self.written: dict[str, Change] = {}

    def apply(self, changes: list[Change]) -> set[str]:
        if self.down:
            raise ConnectionError("search server unreachable")
        for change in changes:
            if change.doc_id not in self.failing:
                self.written[change.doc_id] = change
        return {c.doc_id for c in changes if c.doc_id in self.failing}


def _posts(size: int) -> dict[str, Any]:
    """The post INSERT fixture repeated ``size`` times: distinct posts, increasing sequence numbers."""
    event = load_event("dynamodb_stream_post_insert")
    first = event["Records"][0]
    base = int(first["dynamodb"]["SequenceNumber"])
    records = []
    for i in range(size):
        record = copy.deepcopy(first)
        post_id = f"post{i:02d}"
        record["eventID"] = f"{first['eventID'][:-2]}{i:02d}"
        record["dynamodb"]["SequenceNumber"] = str(base + i)
        record["dynamodb"]["Keys"]["post_id"]["S"] = post_id
        record["dynamodb"]["NewImage"]["post_id"]["S"] = post_id
        records.append(record)
    return {"Records": records}


def _sequence(event: dict[str, Any], i: int) -> str:
    return str(event["Records"][i]["dynamodb"]["SequenceNumber"])


def test_fixtures_look_like_a_members_and_a_posts_insert() -> None:
    member = DynamoDBRecord(load_event("dynamodb_stream_insert")["Records"][0])
    post = DynamoDBRecord(load_event("dynamodb_stream_post_insert")["Records"][0])

    assert member.event_name is not None and member.event_name.name == "INSERT"
    assert member.event_source_arn is not None and "/kizuna-dev-members/stream/" in member.event_source_arn
    assert member.dynamodb is not None and member.dynamodb.new_image["handle"] == "hanako_y"
    assert post.event_source_arn is not None and "/kizuna-dev-posts/stream/" in post.event_source_arn


def test_a_table_that_feeds_no_index_is_acknowledged_and_writes_nothing() -> None:
    index = FakeIndex()

    result = handle(load_event("dynamodb_stream_insert"), None, Indexer(index, "kizuna-dev-"), NO_NOTIFIER)

    assert result == {"batchItemFailures": []}
    assert index.written == {}


def test_a_post_insert_becomes_its_search_document() -> None:
    index = FakeIndex()

    assert handle(_posts(1), None, Indexer(index, "kizuna-dev-"), NO_NOTIFIER) == {"batchItemFailures": []}

    (change,) = index.written.values()
    assert change.doc_id == "post-post00" and change.version == 1
    assert change.document is not None and change.document["title"] == "おすすめのDSソフトを教えてください"


def test_a_record_whose_document_failed_is_reported_and_the_others_are_written() -> None:
    event = _posts(3)
    index = FakeIndex(failing={"post-post01"})

    result = handle(event, None, Indexer(index, "kizuna-dev-"), NO_NOTIFIER)

    assert result == {"batchItemFailures": [{"itemIdentifier": _sequence(event, 1)}]}
    assert set(index.written) == {"post-post00", "post-post02"}


def test_a_record_that_cannot_be_mapped_fails_alone() -> None:
    event = _posts(2)
    del event["Records"][0]["dynamodb"]["Keys"]["post_id"]
    index = FakeIndex()

    result = handle(event, None, Indexer(index, "kizuna-dev-"), NO_NOTIFIER)

    assert result == {"batchItemFailures": [{"itemIdentifier": _sequence(event, 0)}]}
    assert set(index.written) == {"post-post01"}


def test_a_batch_whose_index_is_unreachable_fails_entirely_and_raises() -> None:
    """Powertools raises when every record failed: the event source (or relay) retries the whole batch."""
    with pytest.raises(BatchProcessingError):
        handle(_posts(2), None, Indexer(FakeIndex(down=True), "kizuna-dev-"), NO_NOTIFIER)


def test_a_failed_batch_leaves_nothing_behind_for_the_next_one() -> None:
    index = FakeIndex(failing={"post-post00"})
    indexer = Indexer(index, "kizuna-dev-")
    handle(_posts(2), None, indexer, NO_NOTIFIER)

    index.failing.clear()

    assert handle(_posts(2), None, indexer, NO_NOTIFIER) == {"batchItemFailures": []}
    assert set(index.written) == {"post-post00", "post-post01"}
