"""Every API request leaves one structured log line, without bodies or tokens."""

from __future__ import annotations

import logging


def test_each_request_logs_method_route_status_and_duration(api, caplog):
    with caplog.at_level(logging.INFO, logger="kizuna-api"):
        api.call("GET", "/health")
        api.call("GET", "/me", token="secret-token-value")
    requests = [r for r in caplog.records if r.name == "kizuna-api" and r.getMessage() == "request"]
    assert [(r.method, r.route, r.status) for r in requests] == [("GET", "/health", 200), ("GET", "/me", 401)]  # type: ignore[attr-defined]
    assert all(r.duration_ms >= 0 for r in requests)  # type: ignore[attr-defined]
    assert "secret-token-value" not in caplog.text
