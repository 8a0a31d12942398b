"""Bad input is a clear 4xx error JSON that changes nothing, never a 5xx: path ids and report days.

Every path parameter has a shape (``chalicelib.http.PATH_PARAMS``) checked at the edge after
authentication and before any store call; anything else is the 404 of a miss. The campaign
report's days are bounded whichever of ``from`` and ``to`` are given.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from chalice.app import Blueprint
from content_helpers import (
    Advertiser,
    campaign_body,
    campaigns_url,
    create_campaign,
    make_advertiser,
)

import app as _app  # noqa: F401  (the route table is filled by importing the app)
from chalicelib import errors
from chalicelib.http import PATH_PARAMS, ROUTES, Api, RouteSpec, path_params
from chalicelib.kernel import new_id, secret_token, sortable_id
from chalicelib.placements.service import ad_day
from chalicelib.placements.tokens import ImpressionTokens

WITH_PATH_PARAMS = sorted((r for r in ROUTES if path_params(r.path)), key=lambda r: (r.path, r.method))

#: Values no id, handle, code or token can have, as a client or a fuzzer sends them.
BAD_VALUES = {
    "3,000 bytes": "a" * 3000,
    "3,000 bytes of kana": "あ" * 1000,
    "one over the id limit": "a" * 65,
    "unicode": "ｺﾐｭﾆﾃｨ😀",
    "dot dot": "..",
    "../ traversal": "../../etc/passwd",
    "percent-encoded ../": "%2e%2e%2f",
    "percent-encoded NUL": "%00",
    "percent-encoded newline": "abc%0A",
}


def _valid_bodies(world: Advertiser) -> dict[str, dict[str, Any]]:
    """A body each route accepts, so that only the path is wrong (a bad body is a 400 first)."""
    return {
        "StaffPut": {"role": "agent"},
        "ResolveReport": {"action": "dismiss"},
        "BanRequest": {"reason": "spam"},
        "ReasonRequest": {"reason": "appeal"},
        "CampaignCreate": campaign_body({"type": "community", "id": world.community["id"]}),
        "CampaignUpdate": {"name": "変更後のキャンペーン"},
        "PostCreate": {"title": "タイトル", "body": "本文"},
        "PostUpdate": {"title": "タイトル"},
        "CommentCreate": {"body": "いいですね！"},
        "CommentUpdate": {"body": "直しました"},
        "ResolveRequest": {"comment_id": new_id()},
    }


@pytest.fixture(scope="module")
def world(api, admin, new_member) -> Advertiser:
    """The ``shop`` fixture, once for the module: real ids to put beside the bad one."""
    return make_advertiser(api, admin, new_member)


@pytest.fixture(scope="module")
def campaign_id(api, world) -> str:
    res = create_campaign(api, world)
    assert res.status_code == 201, res.body
    return str(res.json_body["id"])


def _good(world: Advertiser, campaign_id: str) -> dict[str, str]:
    """A well-formed value of every path parameter (real where the world has one)."""
    return {
        "community_id": world.community["id"],
        "post_id": world.topic["id"],
        "comment_id": sortable_id(),
        "company_id": world.company["id"],
        "campaign_id": campaign_id,
        "report_id": new_id(),
        "handle": world.advertiser.handle,
        "code": secret_token(),
        "token": "eyJ4Ijox.c2lnbmF0dXJl",
    }


def _url(route: RouteSpec, values: dict[str, str]) -> str:
    return re.sub(r"{(\w+)}", lambda m: values[m.group(1)], route.path)


def _snapshot(api: Any, world: Advertiser, campaign_id: str) -> list[Any]:
    owner = world.owner.token
    paths = (
        "/me",
        "/friends",
        "/invites",
        campaigns_url(world),
        f"{campaigns_url(world)}/{campaign_id}",
        f"/communities/{world.community['id']}",
        f"/communities/{world.community['id']}/members",
        f"/communities/{world.community['id']}/posts",
        f"/posts/{world.topic['id']}",
        f"/posts/{world.topic['id']}/comments",
    )
    return [api.call("GET", path, token=owner).json_body for path in paths]


def test_every_path_parameter_of_every_route_has_a_shape():
    names = {p for r in ROUTES for p in path_params(r.path)}
    assert names == set(PATH_PARAMS)  # and no shape is left over from a route that is gone


def test_a_route_whose_path_parameter_has_no_shape_fails_at_declaration():
    api = Api(Blueprint(__name__), "test")
    before = len(ROUTES)
    with pytest.raises(ValueError, match="PATH_PARAMS"):
        api.route("/gadgets/{gadget_id}", "GET", summary="Never declared.")
    assert len(ROUTES) == before


def test_the_openapi_document_gives_every_path_parameter_its_pattern_and_max_length(api):
    doc = api.call("GET", "/openapi.json").json_body
    for r in WITH_PATH_PARAMS:
        op = doc["paths"][r.path][r.method.lower()]
        documented = {p["name"]: p["schema"] for p in op["parameters"] if p["in"] == "path"}
        assert set(documented) == set(path_params(r.path)), r.path
        for name, schema in documented.items():
            shape = PATH_PARAMS[name]
            assert schema == {"type": "string", "minLength": 1, "maxLength": shape.max_length, "pattern": shape.pattern}
        assert "404" in op["responses"], r.path


@pytest.mark.parametrize("route", WITH_PATH_PARAMS, ids=lambda r: f"{r.method} {r.path}")
def test_a_bad_path_value_is_never_a_5xx_and_is_the_404_of_a_miss(api, world, campaign_id, route: RouteSpec):
    bodies = _valid_bodies(world)
    body = None
    model = route.body_model()
    if model is not None:
        assert model.__name__ in bodies, f"add a valid {model.__name__} to _valid_bodies"
        body = bodies[model.__name__]
    before = _snapshot(api, world, campaign_id)
    good = _good(world, campaign_id)
    for name in path_params(route.path):
        shape = PATH_PARAMS[name]
        for label, value in BAD_VALUES.items():
            res = api.call(route.method, _url(route, {**good, name: value}), body, token=world.owner.token)
            assert res.status_code < 500, (name, label, res.status_code, res.body)
            if "/" in value:
                continue  # the extra segments match another route or none (the gateway answers)
            assert res.status_code == 404, (name, label, res.status_code, res.body)
            assert res.json_body["error"] == {"code": shape.code, "message": shape.missing, "details": []}
    assert _snapshot(api, world, campaign_id) == before


@pytest.mark.parametrize("route", [r for r in WITH_PATH_PARAMS if not r.public], ids=lambda r: f"{r.method} {r.path}")
def test_without_a_token_a_bad_path_value_is_still_401(api, route: RouteSpec):
    res = api.call(route.method, _url(route, dict.fromkeys(PATH_PARAMS, "a" * 3000)))
    assert res.status_code == 401, res.body
    assert res.json_body["error"]["code"] == "token_missing"


def test_a_path_id_over_2048_bytes_is_404_not_500(api, world):
    long_id = "a" * 3000
    for path in (
        f"/communities/{long_id}",
        f"/posts/{long_id}/comments",
        f"/companies/{long_id}/campaigns",
        f"/members/{long_id}/diary",
        f"/invites/{long_id}",
    ):
        method = "DELETE" if path.startswith("/invites") else "GET"
        res = api.call(method, path, token=world.owner.token)
        assert res.status_code == 404, (path, res.body)
        assert res.json_body["error"]["code"] == "not_found"


def test_a_campaign_id_over_1024_bytes_is_404_not_500(api, world):
    res = api.call("GET", f"{campaigns_url(world)}/{'c' * 1100}", token=world.owner.token)
    assert res.status_code == 404, res.body
    assert res.json_body["error"] == {"code": "not_found", "message": "No such campaign.", "details": []}


def test_a_click_token_over_the_limit_is_the_404_of_an_unknown_placement(api, world):
    res = api.call("POST", f"/placements/{'a' * 3000}.{'b' * 30}/click", token=world.owner.token)
    assert res.status_code == 404, res.body
    assert res.json_body["error"]["code"] == "placement_not_found"


def test_the_shapes_refuse_what_api_gateway_hands_over_after_decoding():
    # Deployed, %2e%2e%2f and %00 reach the view decoded; chalice's local gateway does not decode.
    for shape in PATH_PARAMS.values():
        for value in ("../", "..%2f", "a/b", "\x00", "abc\n", "abc ", "", "ａｂｃ", "a" * (shape.max_length + 1)):
            with pytest.raises(errors.NotFound):
                shape.check(value)


def test_the_shapes_accept_every_value_the_app_hands_out():
    ids = PATH_PARAMS["community_id"]
    for value in (new_id(), sortable_id()):
        ids.check(value)
    PATH_PARAMS["code"].check(secret_token(16))
    PATH_PARAMS["handle"].check("Mixi_Fan_2004")
    tokens = ImpressionTokens(b"k" * 32, 900)
    # The longest token there is: every keyword character escaped by JSON, the longest ids and price.
    token, _ = tokens.issue(sortable_id(), new_id(), "phrase:" + "\x01" * 50, 100_000, new_id(), 4_102_444_800)
    assert 600 < len(token) <= PATH_PARAMS["token"].max_length
    PATH_PARAMS["token"].check(token)


# --- the campaign report ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def report(api, world, campaign_id) -> Any:
    """GET the campaign's report with a query string, as its owner."""
    url = f"{campaigns_url(world)}/{campaign_id}/report"
    return lambda query="": api.call("GET", f"{url}?{query}" if query else url, token=world.owner.token)


def _days(res: Any) -> list[str]:
    assert res.status_code == 200, res.body
    return sorted({row["day"] for row in res.json_body["rows"]})


def _bad_report(report: Any, query: str, field: str) -> None:
    res = report(query)
    assert res.status_code == 400, (query, res.body)
    error = res.json_body["error"]
    assert error["code"] == "invalid_request" and error["message"] == "The query string is invalid.", query
    assert [d["path"] for d in error["details"]] == [field], (query, error)


def _today() -> date:
    return date.fromisoformat(ad_day(datetime.now(UTC)))


def test_a_report_to_year_one_is_400_not_500(report):
    _bad_report(report, "to=0001-01-01", "to")


def test_a_report_from_alone_bypasses_the_31_day_cap_no_more(report):
    _bad_report(report, "from=2026-09-01", "from")
    _bad_report(report, f"from={_today() - timedelta(days=40)}", "from")


def test_a_report_from_alone_reaches_today(report):
    start = _today() - timedelta(days=3)
    days = _days(report(f"from={start}"))
    assert days[0] == start.isoformat() and days[-1] >= _today().isoformat() and len(days) in (4, 5)


def test_a_report_from_alone_in_the_future_is_400(report):
    _bad_report(report, f"from={_today() + timedelta(days=3)}", "from")


def test_a_report_to_alone_covers_the_seven_days_up_to_it(report):
    days = _days(report("to=2026-11-10"))
    assert days == [f"2026-11-{d:02}" for d in range(4, 11)]


def test_a_report_covers_at_most_31_days(report):
    assert len(_days(report("from=2026-10-01&to=2026-10-31"))) == 31
    _bad_report(report, "from=2026-10-01&to=2026-11-01", "from")
    _bad_report(report, "from=2026-10-10&to=2026-10-01", "from")


def test_a_report_day_outside_2000_to_2100_is_400(report):
    _bad_report(report, "from=1999-12-31&to=2000-01-05", "from")
    _bad_report(report, "to=2101-01-01", "to")
    _bad_report(report, "from=99999-01-01", "from")
    _bad_report(report, "to=not-a-day", "to")
    assert _days(report("to=2000-01-01"))[-1] == "2000-01-01"  # the default from may be in 1999


def test_a_valid_report_still_works(report):
    default = _days(report(""))
    assert len(default) == 7 and default[-1] >= _today().isoformat()
    rows = report("from=2026-11-01&to=2026-11-02").json_body["rows"]
    assert [(r["day"], r["keyword"]) for r in rows] == [
        ("2026-11-01", "RPG"),
        ("2026-11-01", "任天堂DS"),
        ("2026-11-02", "RPG"),
        ("2026-11-02", "任天堂DS"),
    ]
