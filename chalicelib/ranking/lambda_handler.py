"""The ``rank_placements`` Lambda's handler (``chalicelib.ranking.lambda_handler.handler``).

Its own module so that a cold start imports the auction and nothing else: not ``app.py`` (the
API, pydantic, Chalice), and never boto3, botocore, PynamoDB or opensearch-py. The API calls
this function with a 1 s connect / 2 s read timeout, so its cold start is on the search path.
``tests/unit/test_template_bundle.py`` checks what it imports; ``python -m bench bundle`` times it.
"""

from __future__ import annotations

from typing import Any

from chalicelib.ranking.auction import rank_placements


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return rank_placements(event)
