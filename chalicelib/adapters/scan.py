"""Full-table reads for operators (``ops reindex``, ``ops check-index``). Never on a request path."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from boto3.dynamodb.types import TypeDeserializer

from chalicelib.config import Settings

_deserializer = TypeDeserializer()


def deserialise(image: Mapping[str, Any]) -> dict[str, Any]:
    """A raw DynamoDB image (``{"S": ...}``) as plain Python values."""
    return {name: _deserializer.deserialize(value) for name, value in image.items()}


class TableScan:
    """Scans a logical table of the stage, item by item, as plain Python values."""

    def __init__(self, settings: Settings):
        import boto3

        self.settings = settings
        self._client: Any = boto3.client(
            "dynamodb", region_name=settings.region, endpoint_url=settings.dynamodb_endpoint
        )

    def count(self, table: str) -> int:
        """How many items the table holds (a COUNT scan: exact, unlike DescribeTable's estimate)."""
        total = 0
        for page in self._client.get_paginator("scan").paginate(
            TableName=self.settings.table_name(table), Select="COUNT"
        ):
            total += int(page["Count"])
        return total

    def items(self, table: str, page_size: int = 500) -> Iterator[dict[str, Any]]:
        """Every item of the table (consistent reads)."""
        paginator = self._client.get_paginator("scan")
        for page in paginator.paginate(
            TableName=self.settings.table_name(table), ConsistentRead=True, PaginationConfig={"PageSize": page_size}
        ):
            for raw in page.get("Items", []):
                yield deserialise(raw)

    def close(self) -> None:
        self._client.close()
