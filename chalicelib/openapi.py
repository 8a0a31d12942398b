"""The OpenAPI 3.1 document, generated from the declared routes and their pydantic models."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from chalicelib.http import PATH_PARAMS, ROUTES, RouteSpec, path_params

ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "details"],
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "details": {"type": "array", "items": {"type": "object"}},
            },
        }
    },
}

REASONS = {
    400: "Invalid input",
    401: "No or bad token",
    403: "Not allowed",
    404: "Not found",
    409: "Conflict",
    429: "Rate limited",
}


def _models(routes: list[RouteSpec]) -> list[type[BaseModel]]:
    seen: dict[type[BaseModel], None] = {}
    for r in routes:
        for m in (r.body_model(), r.response_model()):
            if m is not None:
                seen[m] = None
    return list(seen)


def _query_parameters(model: type[BaseModel]) -> list[dict[str, Any]]:
    schema = model.model_json_schema()
    return [
        {"name": name, "in": "query", "required": name in schema.get("required", []), "schema": prop}
        for name, prop in schema.get("properties", {}).items()
    ]


def _path_parameter(name: str) -> dict[str, Any]:
    # The shape the edge checks before the view (chalicelib.http.PATH_PARAMS), so a fuzzer knows
    # that anything else is a 404 and spends its cases on the rest.
    shape = PATH_PARAMS[name]
    schema = {"type": "string", "minLength": 1, "maxLength": shape.max_length, "pattern": shape.pattern}
    return {"name": name, "in": "path", "required": True, "schema": schema}


def document() -> dict[str, Any]:
    """The whole document; every route declared through ``chalicelib.http.Api`` is in it."""
    models = _models(ROUTES)
    refs, defs = models_json_schema([(m, "validation") for m in models], ref_template="#/components/schemas/{model}")
    paths: dict[str, dict[str, Any]] = {}
    for r in ROUTES:
        op: dict[str, Any] = {"summary": r.summary, "tags": [r.tag], "operationId": f"{r.method.lower()}_{r.path}"}
        params = [_path_parameter(p) for p in path_params(r.path)]
        query = r.query_model()
        if query is not None:
            params += _query_parameters(query)
        if params:
            op["parameters"] = params
        body = r.body_model()
        if body is not None:
            op["requestBody"] = {
                "required": True,
                "content": {"application/json": {"schema": refs[(body, "validation")]}},
            }
        ok: dict[str, Any] = {"description": "OK" if r.status != 204 else "No content"}
        response = r.response_model()
        if response is not None:
            ok["content"] = {"application/json": {"schema": refs[(response, "validation")]}}
        responses: dict[str, Any] = {str(r.status): ok}
        statuses = set(r.errors) | ({400} if (r.body or r.query) else set()) | (set() if r.public else {401})
        if path_params(r.path):
            statuses.add(404)  # a path parameter out of its shape, at least
        for status in sorted(statuses):
            responses[str(status)] = {
                "description": REASONS[status],
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
            }
        op["responses"] = responses
        if not r.public:
            op["security"] = [{"bearer": []}]
        paths.setdefault(r.path, {})[r.method.lower()] = op
    schemas = dict(defs.get("$defs", {}))
    schemas["Error"] = ERROR_SCHEMA
    return {
        "openapi": "3.1.0",
        "info": {"title": "Kizuna API", "version": "1"},
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}},
        },
    }
