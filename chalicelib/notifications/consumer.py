"""The notifier: the stream handler's second consumer, beside the search indexer.

Each record is mapped (``events.changes_of``) and delivered on its own, so a failure fails only that
record; Powertools then reports it in ``batchItemFailures`` and the batch is retried from it.
Delivery is idempotent (stable ids, conditional writes), so the retry and any replay add nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Protocol

from aws_lambda_powertools import Logger

from chalicelib.notifications.events import NOTIFYING_TABLES, changes_of
from chalicelib.notifications.models import FeedEntry, Notice
from chalicelib.search.indexer import sequence_number, table_of

if TYPE_CHECKING:  # the API imports this module; only the stream Lambda gets records (Powertools' data classes: ~30 ms)
    from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord

logger = Logger(service="kizuna-streams")


class Delivery(Protocol):
    def deliver(self, notices: Iterable[Notice], feed: Iterable[FeedEntry] = ()) -> None: ...


class Notifier:
    def __init__(self, delivery: Delivery, table_prefix: str):
        self.delivery = delivery
        self.table_prefix = table_prefix

    def changes(self, record: DynamoDBRecord) -> tuple[list[Notice], list[FeedEntry]]:
        table = table_of(record)
        if not table.startswith(self.table_prefix) or record.dynamodb is None:
            return [], []
        logical = table[len(self.table_prefix) :]
        if logical not in NOTIFYING_TABLES:
            return [], []
        return changes_of(logical, record.dynamodb.new_image or None, record.dynamodb.old_image or None)

    def failures(self, records: Iterable[DynamoDBRecord]) -> set[str]:
        """Deliver each record's notices; the sequence numbers of the records that failed."""
        failed: set[str] = set()
        for record in records:
            try:
                notices, feed = self.changes(record)
                if notices or feed:
                    self.delivery.deliver(notices, feed)
            except Exception:
                logger.exception("notification not delivered; the record will be retried")
                failed.add(sequence_number(record))
        return failed


class NoNotifier:
    """For tests of the indexer alone."""

    def failures(self, records: Iterable[DynamoDBRecord]) -> set[str]:
        return set()
