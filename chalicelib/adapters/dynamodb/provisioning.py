"""Creating and upgrading the tables of the PynamoDB models (ops create-tables, the local stack, tests).

In AWS CloudFormation creates the tables from the same models (``infra/template.py``); this is
for DynamoDB Local and for a database that ``make run`` kept from before a table or index existed.
"""

from __future__ import annotations

import time
from typing import Any

from pynamodb.attributes import TTLAttribute
from pynamodb.models import Model

from chalicelib.adapters.dynamodb.tables import ALL_MODELS


def create_tables(models: list[type[Model]] | None = None) -> list[str]:
    """Create the missing tables and indexes (idempotent); returns the names created."""
    created = []
    for model in models or ALL_MODELS:
        if not model.exists():
            model.create_table(wait=True)
            created.append(model.Meta.table_name)
        else:
            created += _add_missing_indexes(model)
        ttl = next((name for name, a in model.get_attributes().items() if isinstance(a, TTLAttribute)), None)
        if ttl is not None:
            _enable_ttl(model, ttl)
    return created


def _add_missing_indexes(model: type[Model]) -> list[str]:
    """Add the GSIs a model declares but its existing table lacks (a local database kept by
    ``make run`` from before the index existed); in AWS CloudFormation does this."""
    client = model._get_connection().connection.client
    table = model.Meta.table_name
    existing = {
        i["IndexName"] for i in client.describe_table(TableName=table)["Table"].get("GlobalSecondaryIndexes", [])
    }
    added = []
    for index in model._get_schema()["global_secondary_indexes"]:
        spec: Any = index  # PynamoDB's schema mixes snake_case and DynamoDB's CamelCase keys
        name = spec["index_name"]
        if name in existing:
            continue
        client.update_table(
            TableName=table,
            AttributeDefinitions=spec["attribute_definitions"],
            GlobalSecondaryIndexUpdates=[
                {
                    "Create": {
                        "IndexName": name,
                        # DynamoDB wants the hash key first; PynamoDB lists the keys in any order.
                        "KeySchema": sorted(spec["key_schema"], key=lambda k: k["KeyType"] != "HASH"),
                        "Projection": spec["projection"],
                    }
                }
            ],
        )
        _wait_for_index(client, table, name)
        added.append(f"{table}/{name}")
    return added


def _wait_for_index(client: Any, table: str, name: str, timeout_s: float = 120.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        indexes = client.describe_table(TableName=table)["Table"].get("GlobalSecondaryIndexes", [])
        if any(i["IndexName"] == name and i.get("IndexStatus") == "ACTIVE" for i in indexes):
            return
        time.sleep(0.2)
    raise RuntimeError(f"index {name} of {table} did not become active within {timeout_s} s")


def _enable_ttl(model: type[Model], attribute: str) -> None:
    client = model._get_connection().connection.client
    status = client.describe_time_to_live(TableName=model.Meta.table_name)["TimeToLiveDescription"]
    if status.get("TimeToLiveStatus") in ("ENABLED", "ENABLING"):
        return
    client.update_time_to_live(
        TableName=model.Meta.table_name,
        TimeToLiveSpecification={"Enabled": True, "AttributeName": attribute},
    )


def delete_tables(models: list[type[Model]] | None = None) -> None:
    """Drop the tables (tests and benchmarks only)."""
    for model in models or ALL_MODELS:
        if model.exists():
            model.delete_table()
