"""The DynamoDB stream handler: one Lambda for every table stream, with two consumers.

1. The search indexer keeps the index in step: the batch is written in one bulk request
   (``chalicelib.search.indexer``).
2. The notifier writes notifications and friends' diary feeds (``chalicelib.notifications.consumer``),
   after the write that caused them: a notification never blocks or fails that write.

Built on Powertools' BatchProcessor so a failed record is reported back (``batchItemFailures``)
and the batch is retried from it: never skipped. A record fails if either consumer failed it;
both are idempotent (external versions in the index, stable ids and conditional puts in the
notifications table), so the retry redoes nothing twice. Records of other tables are acknowledged.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Protocol

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord

from chalicelib.search.indexer import Indexer, sequence_number

logger = Logger(service="kizuna-streams")


class IndexingFailed(Exception):
    """The record's change did not reach the search index or its notifications; it will be delivered again."""


def failing(failed: set[str]) -> Callable[[DynamoDBRecord], None]:
    """A record handler that fails exactly the records whose sequence numbers are in ``failed``."""

    def record_handler(record: DynamoDBRecord) -> None:
        sequence = sequence_number(record)
        if sequence in failed:
            raise IndexingFailed(f"record {sequence} was not indexed or notified")

    return record_handler


class Consumer(Protocol):
    def failures(self, records: Iterable[DynamoDBRecord]) -> set[str]: ...


def handle(
    event: dict[str, Any], context: Any, indexer: Indexer | None = None, notifier: Consumer | None = None
) -> dict[str, Any]:
    """Process a Lambda-shaped DynamoDB stream event; returns the partial batch failures.

    ``indexer`` and ``notifier`` default to the composition root's (tests hand in fakes).
    """
    if indexer is None:
        from chalicelib.bootstrap import indexer as built

        indexer = built()
    if notifier is None:
        from chalicelib.bootstrap import notifier as built_notifier

        notifier = built_notifier()
    records = [DynamoDBRecord(r) for r in event.get("Records") or []]
    failed = indexer.failures(records)
    if failed:
        logger.warning("records not indexed; they will be retried", extra={"failed": sorted(failed)})
    not_notified = notifier.failures(records)
    if not_notified:
        logger.warning("notifications not delivered; they will be retried", extra={"failed": sorted(not_notified)})
    failed |= not_notified
    processor = BatchProcessor(event_type=EventType.DynamoDBStreams)
    return dict(
        process_partial_response(event=event, record_handler=failing(failed), processor=processor, context=context)
    )
