"""The DynamoDB stream handler: one Lambda for every table stream; it keeps the search index in step.

Built on Powertools' BatchProcessor so a failed record is reported back
(``batchItemFailures``) and the batch is retried from it: never skipped. The batch is
written to the index in one bulk request first (``chalicelib.search.indexer``); the records
whose documents failed then fail in the record handler. Tables that are not indexed are
acknowledged as they are.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord

from chalicelib.search.indexer import Indexer, sequence_number

logger = Logger(service="kizuna-streams")


class IndexingFailed(Exception):
    """The record's change did not reach the search index; it will be delivered again."""


def failing(failed: set[str]) -> Callable[[DynamoDBRecord], None]:
    """A record handler that fails exactly the records whose sequence numbers are in ``failed``."""

    def record_handler(record: DynamoDBRecord) -> None:
        sequence = sequence_number(record)
        if sequence in failed:
            raise IndexingFailed(f"record {sequence} was not indexed")

    return record_handler


def handle(event: dict[str, Any], context: Any, indexer: Indexer | None = None) -> dict[str, Any]:
    """Process a Lambda-shaped DynamoDB stream event; returns the partial batch failures.

    ``indexer`` defaults to the composition root's (tests hand in one over a fake index).
    """
    if indexer is None:
        from chalicelib.bootstrap import indexer as built

        indexer = built()
    records = [DynamoDBRecord(r) for r in event.get("Records") or []]
    failed = indexer.failures(records)
    if failed:
        logger.warning("records not indexed; they will be retried", extra={"failed": sorted(failed)})
    processor = BatchProcessor(event_type=EventType.DynamoDBStreams)
    return dict(
        process_partial_response(event=event, record_handler=failing(failed), processor=processor, context=context)
    )
