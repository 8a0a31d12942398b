"""Public routes about the API itself: /health and /openapi.json."""

from __future__ import annotations

from typing import Any

from chalice.app import Blueprint

from chalicelib.http import Api

bp = Blueprint(__name__)
api = Api(bp, "meta")


@api.route("/health", "GET", summary="Liveness check.", public=True)
def health() -> dict[str, str]:
    return {"status": "ok"}


@api.route("/openapi.json", "GET", summary="This document.", public=True)
def openapi() -> dict[str, Any]:
    from chalicelib.openapi import document

    return document()
