"""Properties of the whole route table: protection, the OpenAPI document, bad input everywhere."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

import app as _app  # the route table is filled by importing the app
from chalicelib.http import ROUTES, RouteSpec

PUBLIC = {("GET", "/health"), ("GET", "/openapi.json"), ("POST", "/auth/signup"), ("POST", "/auth/login")}


def app_routes() -> set[tuple[str, str]]:
    return {(method, path) for path, methods in _app.app.routes.items() for method in methods}


def concrete(path: str) -> str:
    return re.sub(r"{\w+}", "x_unknown", path)


PROTECTED = sorted((r for r in ROUTES if not r.public), key=lambda r: (r.path, r.method))


def test_every_app_route_is_declared_through_the_api_wrapper():
    declared = {(r.method, r.path) for r in ROUTES}
    assert app_routes() == declared


def test_only_the_four_contract_routes_are_public():
    assert {(r.method, r.path) for r in ROUTES if r.public} == PUBLIC


@pytest.mark.parametrize("route", PROTECTED, ids=lambda r: f"{r.method} {r.path}")
def test_protected_route_refuses_missing_or_bad_tokens(api, route: RouteSpec, gone_tokens: dict[str, str]):
    for label, token in {"none": None, "garbage": "garbage", **gone_tokens}.items():
        res = api.call(route.method, concrete(route.path), token=token)
        assert res.status_code == 401, (label, res.body)
        assert set(res.json_body["error"]) == {"code", "message", "details"}


@pytest.fixture(scope="module")
def gone_tokens(api, new_member, local_stack) -> dict[str, str]:
    from chalicelib import ops

    withdrawn, banned = new_member(), new_member()
    api.call("DELETE", "/me", token=withdrawn.token)
    ops.main(["ban", banned.handle, "--reason", "spam"])
    return {"withdrawn": withdrawn.token, "banned": banned.token}


def test_openapi_documents_every_route_with_schemas(api):
    res = api.call("GET", "/openapi.json")
    assert res.status_code == 200
    doc = res.json_body
    documented = {(m.upper(), p) for p, ops in doc["paths"].items() for m in ops}
    assert documented == app_routes()
    for r in ROUTES:
        op = doc["paths"][r.path][r.method.lower()]
        if r.body is not None:
            assert op["requestBody"]["content"]["application/json"]["schema"]["$ref"].startswith("#/components/")
        if r.response is not None:
            assert "schema" in op["responses"][str(r.status)]["content"]["application/json"]
        if not r.public:
            assert "401" in op["responses"] and op["security"] == [{"bearer": []}]
    for name in ("SignupRequest", "MemberSelf", "Error"):
        assert name in doc["components"]["schemas"]


WITH_BODY = sorted((r for r in ROUTES if r.body is not None), key=lambda r: (r.path, r.method))


def _bad_bodies(route: RouteSpec) -> list[tuple[str, Any, str]]:
    """(label, raw body, content type) triples that must all be refused with 400."""
    model = route.body_model()
    assert model is not None
    schema = model.model_json_schema()
    cases: list[tuple[str, Any, str]] = [
        ("malformed json", '{"handle": ', "application/json"),
        ("not an object", "[1, 2, 3]", "application/json"),
        ("wrong content type", "handle=x&password=y", "application/x-www-form-urlencoded"),
        ("unknown field", '{"unexpected_field": 1}', "application/json"),
        ("huge body", '{"x": "' + "a" * 70_000 + '"}', "application/json"),
    ]
    if schema.get("required"):
        cases.append(("missing fields", "{}", "application/json"))
    for name, prop in schema["properties"].items():
        cases.append((f"wrong type for {name}", json.dumps({name: [1, {"a": 2}]}), "application/json"))
        limit = prop.get("maxLength") or next(
            (p.get("maxLength") for p in prop.get("anyOf", []) if "maxLength" in p), None
        )
        if limit:
            cases.append((f"oversized {name}", json.dumps({name: "あ" * (limit + 1)}), "application/json"))
    return cases


def _snapshot(api, token: str) -> list[Any]:
    return [api.call("GET", path, token=token).json_body for path in ("/me", "/stats", "/invites", "/friends")]


@pytest.mark.parametrize("route", WITH_BODY, ids=lambda r: f"{r.method} {r.path}")
def test_bad_input_gets_400_error_json_and_changes_nothing(api, new_member, route: RouteSpec):
    m = new_member()
    before = _snapshot(api, m.token)
    for label, raw, content_type in _bad_bodies(route):
        res = api.call(route.method, concrete(route.path), raw, token=m.token, **{"Content-Type": content_type})
        assert res.status_code == 400, (label, res.status_code, res.body)
        error = res.json_body["error"]
        assert error["code"] and error["message"], label
        if label.startswith(("wrong type for", "oversized")):
            field = label.split()[-1]
            assert any(d["path"].split(".")[0] == field for d in error["details"]), (label, error)
        if label == "unknown field":
            assert any(d["path"] == "unexpected_field" for d in error["details"]), error
    assert _snapshot(api, m.token) == before


def test_bad_query_parameters_get_400(api, new_member):
    m = new_member()
    for query in ("limit=0", "limit=101", "limit=abc", "cursor=forged.cursor"):
        res = api.call("GET", f"/invites?{query}", token=m.token)
        assert res.status_code == 400, (query, res.body)


def _owners_table() -> list[tuple[str, str]]:
    """(path prefix, blueprint) rows of the table in app.py's docstring, params written as {}."""
    rows = []
    for line in (_app.__doc__ or "").splitlines():
        cells = re.split(r"\s{2,}", line.strip())
        if len(cells) >= 2 and cells[0].startswith("/"):
            for path in re.findall(r"/[\w/{}*.]*", cells[0].split("(")[0]):
                rows.append((re.sub(r"{\w*}", "{}", path.removesuffix("/*")), cells[1]))
    return rows


def test_app_py_says_which_blueprint_owns_every_route():
    table = _owners_table()
    for r in ROUTES:
        path = re.sub(r"{\w+}", "{}", r.path)
        matches = [(p, bp) for p, bp in table if path == p or path.startswith(p + "/")]
        assert matches, f"app.py does not say who owns {r.path}"
        _, owner = max(matches, key=lambda m: len(m[0]))
        assert owner == r.tag, f"{r.method} {r.path}: app.py says {owner}, the route is in {r.tag}"


def test_every_api_response_is_no_store_and_nosniff(api, new_member):
    m = new_member()
    responses = [
        api.call("GET", "/me", token=m.token),
        api.call("GET", "/health"),
        api.call("GET", "/me"),
        api.call("POST", "/diary", "{", token=m.token),
        api.call("POST", "/auth/logout", token=new_member().token),
    ]
    responses += [api.call(r.method, concrete(r.path)) for r in PROTECTED[:10]]
    for res in responses:
        assert res.headers.get("Cache-Control") == "no-store", (res.status_code, res.headers)
        assert res.headers.get("X-Content-Type-Options") == "nosniff", (res.status_code, res.headers)
