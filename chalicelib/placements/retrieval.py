"""Sponsored candidates as an OpenSearch request. Pure: no I/O.

Retrieval is deliberately wide (any shared ``cjk`` token of the query and a keyword): the match
types and negative keywords are then checked exactly on the few candidates in
:mod:`chalicelib.placements.matching`, which a bigram index cannot express on its own.
"""

from __future__ import annotations

from typing import Any

#: Candidates fetched per search (the auction's input is at most this long).
MAX_CANDIDATES = 50


def candidates_body(q: str, size: int = MAX_CANDIDATES) -> dict[str, Any]:
    """Active ads whose keywords share a token with the query."""
    return {
        "query": {
            "bool": {
                "must": [{"match": {"keyword_text": {"query": q, "operator": "or"}}}],
                "filter": [{"term": {"type": "ad"}}, {"term": {"status": "active"}}],
            }
        },
        "size": size,
        "_source": ["id", "company_id", "ad_keywords", "negative_keywords"],
    }
