"""The local web front: serves the built client (``web/dist``, ``make web``) and proxies ``/api/*``
to the local API (``local/api.py``).

In AWS, CloudFront serves the static files from S3 and routes ``/api/*`` to API Gateway, so
the browser talks to one origin and needs no CORS. This server plays that part on loopback:
``python -m local.web --port 8001 --api http://127.0.0.1:8000`` (started by ``make run``).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import sys
from collections.abc import Sequence
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

from local.stack import HOST, ROOT

WEB_DIR = ROOT / "web" / "dist"
#: Vite puts content-hashed files here: a new build has new names, so they may be kept for good.
HASHED_PREFIX = "/assets/"
API_PREFIX = "/api"
MAX_BODY_BYTES = 1_048_576
UPSTREAM_TIMEOUT_S = 30.0

# Request headers passed to the API; everything else (cookies, hop-by-hop headers) stays here.
FORWARD_REQUEST = ("authorization", "content-type", "accept", "accept-language")
# Response headers passed back to the browser.
FORWARD_RESPONSE = ("content-type", "retry-after", "location", "cache-control", "allow", "www-authenticate")

# The client loads only its own scripts and styles and calls only its own origin.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


class WebHandler(SimpleHTTPRequestHandler):
    """Static files from ``web/``; ``/api/*`` forwarded to the API with the prefix stripped."""

    server_version = "KizunaWeb"
    api: tuple[str, int] = ("127.0.0.1", 8000)

    extensions_map = {  # noqa: RUF012 - the base class declares it as a plain class attribute
        **SimpleHTTPRequestHandler.extensions_map,
        ".js": "text/javascript; charset=utf-8",
        ".css": "text/css; charset=utf-8",
        ".html": "text/html; charset=utf-8",
        ".json": "application/json",
    }

    def do_GET(self) -> None:
        if self._is_api():
            self._proxy()
        else:
            super().do_GET()

    def do_HEAD(self) -> None:
        if self._is_api():
            self._proxy()
        else:
            super().do_HEAD()

    def do_POST(self) -> None:
        self._proxy_or_405()

    def do_PUT(self) -> None:
        self._proxy_or_405()

    def do_PATCH(self) -> None:
        self._proxy_or_405()

    def do_DELETE(self) -> None:
        self._proxy_or_405()

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        # A missing file, like every other error here, answers in the API's error JSON (no HTML page).
        self._error(code, "not_found" if code == 404 else "error", message or "No such file.")

    def list_directory(self, path: str | os.PathLike[str]) -> None:
        # S3 behind CloudFront lists nothing, and neither does this: a folder is just not found.
        self._error(404, "not_found", "No such page.")

    def end_headers(self) -> None:
        for name, value in SECURITY_HEADERS.items():
            self.send_header(name, value)
        if not self._is_api():
            # index.html is revalidated, so a new build shows at once; its hashed assets never change.
            immutable = self._path_only().startswith(HASHED_PREFIX)
            self.send_header("Cache-Control", "public, max-age=31536000, immutable" if immutable else "no-cache")
        super().end_headers()

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        # The path only, never the query string: search terms are members' private words.
        self.log_message('"%s %s" %s', self.command, self._path_only(), code)

    def _path_only(self) -> str:
        return urlsplit(self.path).path

    def _is_api(self) -> bool:
        path = self._path_only()
        return path == API_PREFIX or path.startswith(API_PREFIX + "/")

    def _proxy_or_405(self) -> None:
        if self._is_api():
            self._proxy()
        else:
            self._error(405, "method_not_allowed", "Only GET and HEAD are served here.")

    def _proxy(self) -> None:
        upstream_path = self.path[len(API_PREFIX) :] or "/"
        if not upstream_path.startswith("/"):
            upstream_path = "/" + upstream_path
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY_BYTES:
            self._error(413, "body_too_large", f"The body is larger than {MAX_BODY_BYTES} bytes.")
            return
        body = self.rfile.read(length) if length else None
        headers = {k: v for k in FORWARD_REQUEST if (v := self.headers.get(k)) is not None}
        conn = http.client.HTTPConnection(*self.api, timeout=UPSTREAM_TIMEOUT_S)
        try:
            conn.request(self.command, upstream_path, body=body, headers=headers)
            res = conn.getresponse()
            payload = res.read()
        except OSError:
            self._error(502, "api_unavailable", "The API did not answer; is it running?")
            return
        finally:
            conn.close()
        self.send_response(res.status)
        for name in FORWARD_RESPONSE:
            value = res.getheader(name)
            if value is not None:
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    def _error(self, status: int, code: str, message: str) -> None:
        """The API's error JSON shape, so the client shows proxy errors like any other."""
        payload = json.dumps({"error": {"code": code, "message": message, "details": []}}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


def make_server(port: int, api_url: str, host: str = HOST, web_dir: Path = WEB_DIR) -> ThreadingHTTPServer:
    """A server on ``host:port`` serving ``web_dir`` and forwarding ``/api/*`` to ``api_url``."""
    if not (web_dir / "index.html").is_file():
        raise FileNotFoundError(f"{web_dir}/index.html is missing: `make web` builds the client")
    parts = urlsplit(api_url)
    if parts.scheme != "http" or not parts.hostname:
        raise ValueError(f"the API URL must be http://host:port, not {api_url!r}")
    handler = type("BoundWebHandler", (WebHandler,), {"api": (parts.hostname, parts.port or 80)})
    return ThreadingHTTPServer((host, port), partial(handler, directory=str(web_dir)))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Serve web/dist and proxy /api/* to the Kizuna API.")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--api", required=True, help="the API's base URL, e.g. http://127.0.0.1:8000")
    args = parser.parse_args(argv)
    server = make_server(args.port, args.api)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
