"""The indexer: a batch of stream records -> one bulk write -> the records that must be retried."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from chalicelib.search.documents import Change, change_of_record
from chalicelib.search.ports import IndexWriter

if TYPE_CHECKING:  # the API imports this module; only the stream Lambda gets records (Powertools' data classes: ~30 ms)
    from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord


def table_of(record: DynamoDBRecord) -> str:
    """The physical table name in ``arn:...:table/NAME/stream/LABEL``."""
    parts = (record.event_source_arn or "").split("/")
    return parts[1] if len(parts) > 1 else ""


def sequence_number(record: DynamoDBRecord) -> str:
    return str(record.dynamodb.sequence_number) if record.dynamodb else ""


class Indexer:
    """Maps stream records of the indexed tables to changes and writes them in one bulk."""

    def __init__(self, index: IndexWriter, table_prefix: str):
        self.index = index
        self.table_prefix = table_prefix

    def change(self, record: DynamoDBRecord) -> Change | None:
        """The index change of one record; None when its table is not indexed."""
        table = table_of(record)
        if not table.startswith(self.table_prefix) or record.dynamodb is None or record.event_name is None:
            return None
        return change_of_record(
            table[len(self.table_prefix) :],
            record.event_name.name,
            record.dynamodb.keys or {},
            record.dynamodb.new_image or None,
            record.dynamodb.old_image or None,
        )

    def failures(self, records: Iterable[DynamoDBRecord]) -> set[str]:
        """Write the batch; returns the sequence numbers of the records whose write failed.

        A record whose mapping raises fails alone; when the search server cannot be reached,
        every record with a change fails (and is retried, never skipped).
        """
        changes: dict[str, Change] = {}
        failed: set[str] = set()
        for record in records:
            try:
                change = self.change(record)
            except (KeyError, TypeError, ValueError):
                failed.add(sequence_number(record))
                continue
            if change is not None:
                changes[sequence_number(record)] = change
        try:
            failed_docs = self.index.apply(list(changes.values()))
        except Exception:
            return failed | set(changes)
        return failed | {seq for seq, change in changes.items() if change.doc_id in failed_docs}
