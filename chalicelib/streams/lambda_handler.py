"""The ``stream_handler`` Lambda's handler (``chalicelib.streams.lambda_handler.handler``).

Its own module so that a cold start loads what indexing needs (Powertools' batch processor, the
document mapping, the OpenSearch adapter) and not the API: no ``app.py``, no composition root
(``chalicelib.bootstrap`` builds every store and service, PynamoDB and pydantic included). The
indexer is built here on the first batch, over the same stage index as ``bootstrap.indexer``.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from chalicelib.adapters.opensearch import stage_index
from chalicelib.config import settings
from chalicelib.search.indexer import Indexer
from chalicelib.streams.handler import handle


@lru_cache(maxsize=1)
def indexer() -> Indexer:
    """The process's indexer over the stage's search index (its client is built on first use)."""
    s = settings()
    return Indexer(stage_index(s), s.table_prefix)


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return handle(event, context, indexer())
