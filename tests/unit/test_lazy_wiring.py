"""A cold start builds what its first request needs: routes name their models, services are wired one by one."""

from __future__ import annotations

import json
import subprocess
import sys
from functools import cached_property
from pathlib import Path

import pytest
from chalice.app import Blueprint
from msgspec import structs
from pydantic import BaseModel

import app  # noqa: F401  (registers every route)
from chalicelib import bootstrap
from chalicelib.config import settings
from chalicelib.http import ROUTES, Api
from chalicelib.pagination import PageOf

ROOT = Path(__file__).resolve().parents[2]

# What no request that skips these domains needs: their models, services and adapters.
NOT_AT_IMPORT = (
    "chalicelib.search.service",
    "chalicelib.search.models",
    "chalicelib.placements.models",
    "chalicelib.placements.service",
    "chalicelib.moderation.review",
    "chalicelib.moderation.bans",
    "chalicelib.moderation.models",
    "chalicelib.notifications.service",
    "chalicelib.communities.models",
    "chalicelib.adapters.opensearch",
    "chalicelib.adapters.dynamodb.campaign_store",
    "opensearchpy",
)

# What every authenticated request builds first, so it loads in Lambda's init phase.
AT_IMPORT = ("chalicelib.members.service", "chalicelib.adapters.dynamodb.tables", "pynamodb", "jwt")


def test_every_named_model_of_every_route_resolves_to_a_pydantic_model() -> None:
    assert ROUTES
    for route in ROUTES:
        for model in (route.body_model(), route.query_model(), route.response_model()):
            assert model is None or issubclass(model, BaseModel), (route.method, route.path)
        if route.body is not None:
            assert route.body_model() is not None


def test_import_app_leaves_the_other_domains_for_their_first_request() -> None:
    code = "import json, sys; import app; print(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    loaded = set(json.loads(out.stdout.strip().splitlines()[-1]))
    assert not loaded & set(NOT_AT_IMPORT), sorted(loaded & set(NOT_AT_IMPORT))
    assert set(AT_IMPORT) <= loaded, sorted(set(AT_IMPORT) - loaded)


def test_a_service_is_wired_with_what_it_needs_and_nothing_else() -> None:
    wired = bootstrap.Services(structs.replace(settings(), jwt_secret="unit-test-key"))
    assert wired.friends is wired.friends  # built once
    built = {name for name, value in vars(bootstrap.Services).items() if isinstance(value, cached_property)} & set(
        vars(wired)
    )
    assert {"friends", "stores", "limiter", "key"} <= built
    assert not built & {"search", "placements", "moderation", "review", "notifications", "posts"}


def test_every_service_can_be_wired() -> None:
    wired = bootstrap.Services(structs.replace(settings(), jwt_secret="unit-test-key"))
    for name, value in vars(bootstrap.Services).items():
        if isinstance(value, cached_property):
            assert getattr(wired, name) is not None, name


def test_a_bare_model_name_needs_the_module_it_is_in() -> None:
    api = Api(Blueprint(__name__), "test")
    with pytest.raises(ValueError, match="module:Name"):
        api.route("/nowhere", "POST", summary="x", body="Nothing")
    named = Api(Blueprint(__name__), "test", models="chalicelib.posts.models")
    assert named._ref("PostCreate") == "chalicelib.posts.models:PostCreate"
    assert PageOf(named._ref("PostOut")).model().__name__.startswith("Page")
