"""The ``rank_placements`` Lambda behind the Ranker port (selected by ``KIZUNA_RANKING_FUNCTION``)."""

from __future__ import annotations

import json
from typing import Any


class RankingFailed(Exception):
    """The ranking Lambda answered with an error."""


class LambdaRanker:
    """Invokes the ranking Lambda synchronously; the botocore client is built on first use."""

    def __init__(self, function_name: str, region: str, client: Any = None):
        self.function_name = function_name
        self.region = region
        self._client = client

    @property
    def client(self) -> Any:
        if self._client is None:
            import botocore.config
            import botocore.session

            config = botocore.config.Config(connect_timeout=1, read_timeout=2, retries={"max_attempts": 1})
            self._client = botocore.session.get_session().create_client(
                "lambda", region_name=self.region, config=config
            )
        return self._client

    def rank(self, event: dict[str, Any]) -> dict[str, Any]:
        """Invoke the function with ``event``; its JSON result."""
        response = self.client.invoke(
            FunctionName=self.function_name,
            InvocationType="RequestResponse",
            Payload=json.dumps(event, ensure_ascii=False).encode(),
        )
        payload = response["Payload"].read()
        if response.get("FunctionError"):
            raise RankingFailed(f"{self.function_name}: {payload[:500]!r}")
        result: dict[str, Any] = json.loads(payload)
        return result
