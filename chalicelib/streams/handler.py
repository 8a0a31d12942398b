"""The DynamoDB stream handler: one Lambda for every table stream; it keeps the search index in step.

Built on Powertools' BatchProcessor so a failed record is reported back
(``batchItemFailures``) and the batch is retried from it: never skipped. The batch is
written to the index in one bulk request first (``chalicelib.search.indexer``); the records
whose documents failed then fail in :func:`record_handler`. Tables that are not indexed are
acknowledged as they are.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord

logger = Logger(service="kizuna-streams")
processor = BatchProcessor(event_type=EventType.DynamoDBStreams)

#: Sequence numbers of the current batch whose index write failed.
_failed: set[str] = set()


class IndexingFailed(Exception):
    """The record's change did not reach the search index; it will be delivered again."""


def record_handler(record: DynamoDBRecord) -> None:
    """Fail a record whose index write failed, so that it is retried."""
    from chalicelib.search.indexer import sequence_number

    sequence = sequence_number(record)
    if sequence in _failed:
        raise IndexingFailed(f"record {sequence} was not indexed")


def handle(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Process a Lambda-shaped DynamoDB stream event; returns the partial batch failures."""
    from chalicelib.adapters.wiring import indexer

    records = [DynamoDBRecord(r) for r in event.get("Records") or []]
    _failed.clear()
    _failed.update(indexer().failures(records))
    if _failed:
        logger.warning("records not indexed; they will be retried", extra={"failed": sorted(_failed)})
    try:
        return dict(
            process_partial_response(event=event, record_handler=record_handler, processor=processor, context=context)
        )
    finally:
        _failed.clear()
