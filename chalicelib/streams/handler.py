"""The DynamoDB stream handler: one Lambda for every table stream (search indexing comes later).

Built on Powertools' BatchProcessor so a failed record is reported back
(``batchItemFailures``) and the batch is retried from it: never skipped.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord

logger = Logger(service="kizuna-streams")
processor = BatchProcessor(event_type=EventType.DynamoDBStreams)


def record_handler(record: DynamoDBRecord) -> None:
    """Handle one change; for now it is only logged."""
    logger.info(
        "stream record",
        extra={
            "event_name": str(record.event_name.name if record.event_name else None),
            "table": (record.event_source_arn or "").split("/")[1] if record.event_source_arn else None,
            "keys": record.dynamodb.keys if record.dynamodb else None,
            "sequence_number": record.dynamodb.sequence_number if record.dynamodb else None,
        },
    )


def handle(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Process a Lambda-shaped DynamoDB stream event; returns the partial batch failures."""
    return dict(
        process_partial_response(event=event, record_handler=record_handler, processor=processor, context=context)
    )
