"""Request logging and business metrics for the API Lambda, via Powertools.

Registered as Chalice HTTP middleware in app.py: one structured (JSON) line per request, with the
API Gateway request id as ``correlation_id`` (the same id is in the stage's access log, so one
request can be followed from the access log into the Lambda's log). In AWS the lines land in
CloudWatch Logs and can be queried with Logs Insights (status, path, duration_ms); locally they
go to the console.

Business metrics (``BUSINESS_METRICS``) are CloudWatch embedded metrics: ``record("Signups")``
anywhere in a request adds to the request's metric set, and the middleware flushes it as one EMF
line when the request ends (in Lambda only; elsewhere the set is discarded). The CloudWatch
dashboard of ``infra/monitoring.py`` reads the same names, namespace and dimensions from here.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # annotations only: the other Lambdas log through here without loading Chalice
    from chalice.app import Request, Response

#: CloudWatch namespace of the business metrics; their dimensions are ``metric_dimensions(stage)``.
METRICS_NAMESPACE = "Kizuna"
METRICS_SERVICE = "kizuna-api"
#: Metric name -> (Powertools/CloudWatch unit, what one unit is).
BUSINESS_METRICS: dict[str, tuple[str, str]] = {
    "Signups": ("Count", "a member joined with an invite"),
    "Posts": ("Count", "a topic, inquiry or diary entry was created"),
    "InquiriesAnswered": ("Count", "staff answered an inquiry in an official community"),
    "Auctions": ("Count", "a search ran the sponsored-placement auction"),
    "ClicksCharged": ("Count", "a sponsored click was charged to a campaign"),
    "Spend": ("Count", "yen charged for sponsored clicks"),
}


def metric_dimensions(stage: str) -> dict[str, str]:
    """The dimensions every business metric carries (Powertools adds ``service``)."""
    return {"service": METRICS_SERVICE, "stage": stage}


@cache
def json_logger(service: str = METRICS_SERVICE) -> Any:
    """The Powertools logger of ``service``: one JSON object per line (CloudWatch Logs Insights reads the fields)."""
    # Built on first use, not at import: cold starts pay only for what they use.
    from aws_lambda_powertools import Logger

    return Logger(service=service)


@lru_cache(maxsize=1)
def _metrics() -> Any:
    from aws_lambda_powertools import Metrics

    from chalicelib.config import settings

    metrics = Metrics(namespace=METRICS_NAMESPACE, service=METRICS_SERVICE)
    metrics.set_default_dimensions(stage=settings().stage)
    return metrics


_pending: list[bool] = []


def record(name: str, value: float = 1) -> None:
    """Add ``value`` to the business metric ``name`` of the current request (flushed at its end)."""
    if name not in BUSINESS_METRICS:
        raise ValueError(f"unknown business metric {name!r}: declare it in BUSINESS_METRICS")
    if not os.environ.get("AWS_LAMBDA_FUNCTION_NAME"):
        return  # only a Lambda's log becomes CloudWatch metrics: elsewhere there is nothing to count into
    _metrics().add_metric(name=name, unit=BUSINESS_METRICS[name][0], value=value)
    _pending.append(True)


class BusinessMetrics:
    """The kernel's ``Metrics`` port over :func:`record` (the composition root hands it to the services)."""

    def record(self, name: str, value: float = 1) -> None:
        record(name, value)


def flush_metrics() -> None:
    """Write the request's business metrics as one EMF line (in Lambda), or forget them."""
    if not _pending:
        return
    _pending.clear()
    metrics = _metrics()
    if os.environ.get("AWS_LAMBDA_FUNCTION_NAME"):
        metrics.flush_metrics()
    else:
        metrics.clear_metrics()


def log_requests(event: Request, get_response: Callable[[Request], Response]) -> Response:
    """Log method, route, status and duration of every request (never bodies or tokens)."""
    started = time.perf_counter()
    try:
        response = get_response(event)
    finally:
        flush_metrics()
    context = event.lambda_context
    json_logger().info(
        "request",
        extra={
            "method": event.method,
            "route": event.context.get("resourcePath"),
            "status": response.status_code,
            "duration_ms": round((time.perf_counter() - started) * 1000, 2),
            "request_id": getattr(context, "aws_request_id", None),
            "correlation_id": event.context.get("requestId"),
        },
    )
    return response
