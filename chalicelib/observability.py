"""Request logging for the API Lambda: one structured (JSON) line per request, via Powertools.

Registered as Chalice HTTP middleware in app.py. In AWS the lines land in CloudWatch Logs and can
be queried with Logs Insights (status, path, duration_ms); locally they go to the console.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from chalice.app import Request, Response


@lru_cache(maxsize=1)
def _logger() -> Any:
    # Built on the first request, not at import: cold starts pay only for what they use.
    from aws_lambda_powertools import Logger

    return Logger(service="kizuna-api")


def log_requests(event: Request, get_response: Callable[[Request], Response]) -> Response:
    """Log method, route, status and duration of every request (never bodies or tokens)."""
    started = time.perf_counter()
    response = get_response(event)
    context = event.lambda_context
    _logger().info(
        "request",
        extra={
            "method": event.method,
            "route": event.context.get("resourcePath"),
            "status": response.status_code,
            "duration_ms": round((time.perf_counter() - started) * 1000, 2),
            "request_id": getattr(context, "aws_request_id", None),
        },
    )
    return response
