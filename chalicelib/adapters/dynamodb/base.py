"""What every DynamoDB store shares: one connection, the cursor codec, counters, one transaction helper.

Multi-item invariants (an invite used once, a handle taken once, counts that agree with what
they count) are single TransactWrite calls, so a request that fails midway leaves nothing
behind. Every transaction goes through :meth:`Store.transact`:

* each operation carries a label (``tx.save(item, condition, label="handle")``), and the
  operations are sent in the order they were added, so the label of a failed condition comes
  from DynamoDB's cancellation reasons, which are documented to be in request order (not from
  PynamoDB's internal grouping of puts, updates and deletes);
* a transaction that loses a race (``TransactionConflict``) is retried with a jittered backoff.

Every list goes through :meth:`Store.page`, which opens the cursor for exactly that list.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

from pynamodb.connection import Connection
from pynamodb.connection.base import BOTOCORE_EXCEPTIONS
from pynamodb.constants import (
    TRANSACT_CONDITION_CHECK,
    TRANSACT_DELETE,
    TRANSACT_PUT,
    TRANSACT_UPDATE,
    TRANSACT_WRITE_ITEMS,
)
from pynamodb.exceptions import PynamoDBException, TransactWriteError, UpdateError
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from chalicelib.adapters.dynamodb.tables import CounterItem
from chalicelib.config import Settings
from chalicelib.pagination import CursorCodec, Slice

T = TypeVar("T")
M = TypeVar("M", bound=Model)

#: How often a transaction that lost a race is tried in all (clicks on one budget race more).
TRANSACTION_ATTEMPTS = 8


def is_condition_failure(exc: PynamoDBException) -> bool:
    """True when a single-item write failed on its condition (not on anything else)."""
    return exc.cause_response_code == "ConditionalCheckFailedException"


def set_or_remove(attribute: Any, value: Any) -> list[Action]:
    """The update action that stores ``value``, or removes the attribute for None."""
    return [attribute.set(value)] if value is not None else [attribute.remove()]


def update_if(item: Model, actions: Sequence[Action], condition: Condition | None = None) -> bool:
    """Update one item (``item`` takes the new attributes); False when ``condition`` failed."""
    try:
        item.update(actions=list(actions), condition=condition, add_version_condition=False)
    except UpdateError as exc:
        if is_condition_failure(exc):
            return False
        raise
    return True


#: BatchGetItem reads at most this many keys per call, over all its tables.
BATCH_GET_KEYS = 100


def batch_get_across(
    wanted: Sequence[tuple[type[Model], Sequence[dict[str, Any]]]], *, consistent: bool = False
) -> dict[str, list[dict[str, Any]]]:
    """The raw items of keys in several tables, in one BatchGetItem per 100 keys (not one per table).

    ``wanted``: (model, keys in DynamoDB JSON) pairs. Returns each table's items that exist, by table
    name (``Model.from_raw_data`` turns them into items). Unprocessed keys are retried with backoff.
    """
    requests = [(model.Meta.table_name, key) for model, keys in wanted for key in keys]
    found: dict[str, list[dict[str, Any]]] = {model.Meta.table_name: [] for model, _ in wanted}
    if not requests:
        return found
    connection = wanted[0][0]._get_connection().connection
    for start in range(0, len(requests), BATCH_GET_KEYS):
        pending: dict[str, Any] = {}
        for table, key in requests[start : start + BATCH_GET_KEYS]:
            pending.setdefault(table, {"Keys": [], "ConsistentRead": consistent})["Keys"].append(key)
        for attempt in range(TRANSACTION_ATTEMPTS):
            response = connection.dispatch("BatchGetItem", {"RequestItems": pending})
            for table, items in response.get("Responses", {}).items():
                found[table] += items
            pending = response.get("UnprocessedKeys") or {}
            if not pending:
                break
            random_backoff(attempt)
        else:
            raise RuntimeError("DynamoDB left keys unprocessed; try again")
    return found


def random_backoff(attempt: int) -> None:
    """Sleep a little before retrying a write that lost a race."""
    time.sleep(random.uniform(0, 0.02 * (2**attempt)))


class Transaction(TransactWrite):
    """A TransactWrite whose operations carry labels and go out in the order they were added."""

    def __init__(self, connection: Connection):
        super().__init__(connection=connection)
        self.labels: list[str] = []
        self._ordered: list[dict[str, Any]] = []

    def _added(self, label: str, kind: str, queue: list[dict[str, Any]]) -> None:
        self.labels.append(label)
        self._ordered.append({kind: queue[-1]})

    def save(self, model: Model, condition: Condition | None = None, *, label: str = "put", **_: Any) -> None:  # type: ignore[override]
        super().save(model, condition=condition)
        self._added(label, TRANSACT_PUT, self._put_items)

    def update(  # type: ignore[override]
        self, model: Model, actions: list[Action], condition: Condition | None = None, *, label: str = "update"
    ) -> None:
        super().update(model, actions, condition=condition, add_version_condition=False)
        self._added(label, TRANSACT_UPDATE, self._update_items)

    def delete(self, model: Model, condition: Condition | None = None, *, label: str = "delete") -> None:  # type: ignore[override]
        super().delete(model, condition=condition, add_version_condition=False)
        self._added(label, TRANSACT_DELETE, self._delete_items)

    def condition_check(  # type: ignore[override]
        self, model_cls: type[M], hash_key: Any, range_key: Any = None, condition: Condition | None = None, *,
        label: str = "check",
    ) -> None:  # fmt: skip
        super().condition_check(model_cls, hash_key, range_key, condition)
        self._added(label, TRANSACT_CONDITION_CHECK, self._condition_check_items)

    def _commit(self) -> Any:
        if not self._ordered:
            return None
        try:
            return self._connection.dispatch(TRANSACT_WRITE_ITEMS, {"TransactItems": self._ordered})
        except BOTOCORE_EXCEPTIONS as exc:
            raise TransactWriteError("Failed to write transaction items", exc) from exc

    def failed_label(self, exc: TransactWriteError) -> str | None:
        """The label of the first operation whose condition failed, or None (no condition failed)."""
        reasons = [r.code if r else None for r in exc.cancellation_reasons]
        for label, code in zip(self.labels, reasons, strict=False):
            if code == "ConditionalCheckFailed":
                return label
        return None


def _is_conflict(exc: TransactWriteError) -> bool:
    return any(r is not None and r.code == "TransactionConflict" for r in exc.cancellation_reasons)


class Counters:
    """Sharded counters: writes spread over shards, a read sums them (one BatchGet)."""

    def __init__(self, shards: int):
        self.shards = max(1, shards)

    def add(self, tx: Transaction, name: str, delta: int) -> None:
        """Add ``delta`` to counter ``name`` inside the transaction ``tx``."""
        shard = CounterItem(name, random.randrange(self.shards))
        tx.update(shard, [CounterItem.value.add(delta), CounterItem.version.add(1)], label=f"counter:{name}")

    def read(self, names: Iterable[str]) -> dict[str, int]:
        """Current value of each counter."""
        names = list(dict.fromkeys(names))
        totals = dict.fromkeys(names, 0)
        keys = [(n, s) for n in names for s in range(self.shards)]
        for item in CounterItem.batch_get(keys):
            totals[item.name] += int(item.value or 0)
        return totals


class Dynamo:
    """What the stores of one process share: the settings, one botocore connection, cursors, counters."""

    def __init__(self, settings: Settings, cursors: CursorCodec, counters: Counters):
        self.settings = settings
        self.cursors = cursors
        self.counters = counters
        self._connection: Connection | None = None

    @property
    def connection(self) -> Connection:
        """The connection transactions go through (built on first use, never at import)."""
        if self._connection is None:
            self._connection = Connection(region=self.settings.region, host=self.settings.dynamodb_endpoint)
        return self._connection


class Store:
    """Base of the stores: transactions with labelled conditions, and pages with checked cursors."""

    def __init__(self, dynamo: Dynamo):
        self.dynamo = dynamo
        self.counters = dynamo.counters

    def transact(self, write: Callable[[Transaction], None], attempts: int = TRANSACTION_ATTEMPTS) -> str | None:
        """Run ``write(tx)`` as one transaction, retrying lost races.

        Returns None when it committed, or the label of the operation whose condition failed.
        """
        for attempt in range(attempts):
            tx = Transaction(self.dynamo.connection)
            try:
                with tx:
                    write(tx)
                return None
            except TransactWriteError as exc:
                failed = tx.failed_label(exc)
                if failed is not None:
                    return failed
                if not _is_conflict(exc) or attempt == attempts - 1:
                    raise
                random_backoff(attempt)
        raise ValueError("attempts must be at least 1")

    def page(
        self,
        scope: str,
        query: Callable[..., Any],
        convert: Callable[[Any], T],
        cursor: str | None,
        limit: int,
        **query_args: Any,
    ) -> Slice[T]:
        """One page of ``query`` (a Model's or an index's ``query``) for the list named ``scope``.

        ``scope`` names the list exactly (its index and partition): the cursor of any other list
        is refused as ``invalid_cursor`` before DynamoDB sees it.
        """
        start = self.dynamo.cursors.decode(scope, cursor)
        results = query(limit=limit, page_size=limit, last_evaluated_key=start, **query_args)
        items = [convert(item) for item in results]
        return Slice(items, self.dynamo.cursors.encode(scope, results.last_evaluated_key))
