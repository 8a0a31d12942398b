"""The local API Gateway: the same Chalice app behind gunicorn, for ``make run``, e2e tests and load.

``chalice local`` serves through ``http.server`` with a listen backlog of 5 and resets clients
beyond ~20 at once (30 concurrent signups got 7 resets). Here gunicorn (threaded workers, a deep
backlog, keep-alive) accepts the connections, and this WSGI adapter plays API Gateway: it turns
each request into the Lambda proxy event (with chalice.local's own converter, as ``chalice
local`` does) and calls the app exactly as Lambda would. The app does not know the difference.

Like API Gateway, and unlike ``chalice local``, a path no route declares answers a JSON 404
and a declared path with another method a JSON 405 with ``Allow``: never an HTML page, never
the caller's headers echoed back (``chalice local`` put the whole bearer token into its 403).

    python -m local.api --port 8000 [--workers 2]
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from local.stack import HOST, ROOT

#: API Gateway's payload limit; the app itself refuses bodies over 64 KiB with a 400.
MAX_BODY_BYTES = 10 * 1024 * 1024

StartResponse = Callable[[str, list[tuple[str, str]]], Any]
REASONS = {200: "OK", 201: "Created", 204: "No Content", 400: "Bad Request", 404: "Not Found",
           405: "Method Not Allowed", 413: "Content Too Large"}  # fmt: skip


Reply = tuple[int, dict[str, str], bytes]


def _error(status: int, code: str, message: str, extra: dict[str, str] | None = None) -> Reply:
    body = json.dumps({"error": {"code": code, "message": message, "details": []}}).encode()
    headers = {"Content-Type": "application/json; charset=utf-8", "X-Content-Type-Options": "nosniff",
               "Cache-Control": "no-store", **(extra or {})}  # fmt: skip
    return status, headers, body


def _thread_local_requests(app: Any) -> None:
    """Give the app a per-thread ``current_request`` (Chalice keeps one on the app object)."""
    from chalice.local import LocalChalice

    if not isinstance(app, LocalChalice):
        app.__class__ = type("ThreadedChalice", (LocalChalice, type(app)), {})


def stage_environment(stage: str = "dev") -> dict[str, str]:
    """The ``environment_variables`` of a stage in ``.chalice/config.json`` (what Lambda would get)."""
    config = json.loads((ROOT / ".chalice" / "config.json").read_text(encoding="utf-8"))
    env = dict(config.get("environment_variables", {}))
    env.update(config.get("stages", {}).get(stage, {}).get("environment_variables", {}))
    return {str(k): str(v) for k, v in env.items()}


class Gateway:
    """A WSGI application that invokes a Chalice app with API Gateway proxy events."""

    def __init__(self, app: Any, function_name: str = "kizuna-local"):
        from chalice.local import LambdaEventConverter, RouteMatcher

        _thread_local_requests(app)
        self.app = app
        self.function_name = function_name
        self.converter = LambdaEventConverter(RouteMatcher(list(app.routes)), app.api.binary_types)

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        status, headers, body = self.handle(environ)
        headers["Content-Length"] = str(len(body))
        start_response(f"{status} {REASONS.get(status, 'Status')}", list(headers.items()))
        return [body]

    def handle(self, environ: dict[str, Any]) -> Reply:
        """One request: (status, headers, body)."""
        from chalice.local import LambdaContext

        method = str(environ["REQUEST_METHOD"]).upper()
        path = str(environ.get("RAW_URI") or environ.get("PATH_INFO") or "/")
        length = int(environ.get("CONTENT_LENGTH") or 0)
        if length > MAX_BODY_BYTES:
            return _error(413, "body_too_large", f"The body is larger than {MAX_BODY_BYTES} bytes.")
        body = environ["wsgi.input"].read(length) if length else None
        headers = {k[5:].replace("_", "-").lower(): str(v) for k, v in environ.items() if k.startswith("HTTP_")}
        if environ.get("CONTENT_TYPE"):
            headers["content-type"] = str(environ["CONTENT_TYPE"])
        try:
            event = self.converter.create_lambda_event(method=method, path=path, headers=headers, body=body)
        except ValueError:
            return _error(404, "route_not_found", "No such route.")
        allowed = sorted(self.app.routes[event["requestContext"]["resourcePath"]])
        if method not in allowed:
            listed = ", ".join(allowed)
            return _error(405, "method_not_allowed", f"Use one of: {listed}.", {"Allow": listed})
        context = LambdaContext(function_name=self.function_name, memory_size=1024, max_runtime_ms=20_000)
        response = self.app(event, context)
        out = {str(k): str(v) for k, v in (response.get("headers") or {}).items()}
        for name, values in (response.get("multiValueHeaders") or {}).items():
            out[str(name)] = ", ".join(str(v) for v in values)
        raw = response.get("body") or b""
        data = base64.b64decode(raw) if response.get("isBase64Encoded") else raw
        return int(response["statusCode"]), out, data if isinstance(data, bytes) else str(data).encode()


def application() -> Gateway:
    """The WSGI app of ``app.py`` (imported in each gunicorn worker, after the fork)."""
    for name, value in stage_environment(os.environ.get("KIZUNA_STAGE", "dev")).items():
        os.environ.setdefault(name, value)
    sys.path.insert(0, str(ROOT))
    from app import app

    return Gateway(app)


def gunicorn_command(port: int, workers: int = 2, threads: int = 32) -> list[str]:
    """The command that serves the app on 127.0.0.1:``port``."""
    return [
        sys.executable, "-m", "gunicorn", "local.api:application()",
        "--bind", f"{HOST}:{port}",
        "--worker-class", "gthread", "--workers", str(workers), "--threads", str(threads),
        # A deep accept queue and long keep-alive: a crowd of clients waits, it is never reset.
        "--backlog", "2048", "--keep-alive", "75", "--worker-connections", "1000",
        "--timeout", "60", "--graceful-timeout", "5",
        # No request-line limit here (gunicorn's default answers an HTML 414 past 4 KiB): the app
        # bounds every parameter itself and answers in JSON, as it does behind API Gateway.
        "--limit-request-line", "0",
        "--chdir", str(ROOT), "--log-level", "warning", "--no-control-socket",
    ]  # fmt: skip


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m local.api", description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=32)
    args = parser.parse_args(argv)
    os.execv(sys.executable, gunicorn_command(args.port, args.workers, args.threads))
    return 0  # not reached


if __name__ == "__main__":
    sys.exit(main())
