"""The local API server (local/api.py): a crowd of keep-alive clients, and API Gateway's answers to strays."""

from __future__ import annotations

import http.client
import json
import os
import threading
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest

from local.stack import Service, start_api

CLIENTS = 200


@pytest.fixture(scope="module")
def api_server(local_stack, tmp_path_factory) -> Iterator[Service]:
    service = start_api(dict(os.environ), log=tmp_path_factory.mktemp("api") / "api.log")
    try:
        yield service
    finally:
        service.stop()


def _connect(service: Service) -> http.client.HTTPConnection:
    url = urlsplit(service.url)
    return http.client.HTTPConnection(url.hostname or "127.0.0.1", url.port or 80, timeout=30)


def _call(conn: http.client.HTTPConnection, method: str, path: str, **headers: str) -> tuple[int, Any, Any]:
    conn.request(method, path, headers=headers)
    res = conn.getresponse()
    body = res.read()
    return res.status, res, json.loads(body) if body else None


def _once(service: Service, method: str, path: str, **headers: str) -> tuple[int, Any, Any]:
    conn = _connect(service)
    try:
        return _call(conn, method, path, **headers)
    finally:
        conn.close()


def test_200_concurrent_keep_alive_clients_are_all_served_without_a_reset(api_server: Service) -> None:
    opened = threading.Barrier(CLIENTS, timeout=60)
    outcomes: list[Any] = [None] * CLIENTS

    def client(i: int) -> None:
        conn = _connect(api_server)
        try:
            conn.connect()
            opened.wait()  # every connection is open at once before anyone sends
            statuses = [_call(conn, "GET", "/health")[0] for _ in range(3)]  # three requests, one connection
            outcomes[i] = statuses
        except Exception as exc:  # a reset, a timeout: recorded, then asserted on below
            outcomes[i] = exc
        finally:
            conn.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(90)
    failures = [o for o in outcomes if o != [200, 200, 200]]
    assert not failures, f"{len(failures)} of {CLIENTS} clients failed, e.g. {failures[:3]}"


def test_an_unknown_route_is_a_json_404_that_echoes_nothing(api_server: Service) -> None:
    status, res, body = _once(api_server, "GET", "/no/such/route", Authorization="Bearer secret-token-value")
    assert status == 404
    assert res.getheader("Content-Type", "").startswith("application/json")
    assert body["error"]["code"] == "route_not_found"
    assert "secret-token-value" not in json.dumps(body) and "secret-token-value" not in str(res.getheaders())


@pytest.mark.parametrize("method", ["TRACE", "PUT", "OPTIONS", "PROPFIND"])
def test_a_method_the_route_does_not_declare_is_a_json_405_with_allow(api_server: Service, method: str) -> None:
    status, res, body = _once(api_server, method, "/health")
    assert status == 405, body
    assert res.getheader("Allow") == "GET"
    assert body["error"]["code"] == "method_not_allowed"


def test_the_app_answers_through_the_server_as_it_does_in_process(api_server: Service) -> None:
    status, res, body = _once(api_server, "GET", "/me")
    assert status == 401 and body["error"]["code"] == "token_missing"
    assert res.getheader("WWW-Authenticate") == "Bearer"


def test_the_web_front_lists_no_directory_and_proxies_strays_as_json(api_server: Service) -> None:
    from local.stack import start_web

    web = start_web(api_server.url)
    try:
        for folder in ("/assets/", "/src/"):
            status, _, body = _once(web, "GET", folder)
            assert status == 404, folder
            assert body["error"]["code"] == "not_found"
        status, _, body = _once(web, "GET", "/no-such-file.js")
        assert status == 404 and body["error"]["code"] == "not_found"
        status, _, body = _once(web, "GET", "/api/no/such/route")
        assert status == 404 and body["error"]["code"] == "route_not_found"
    finally:
        web.stop()
