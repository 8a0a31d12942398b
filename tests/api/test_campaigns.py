"""Campaigns: who may manage them, what they may target, and bad input answered with field paths."""

from __future__ import annotations

import pytest
from content_helpers import campaigns_url, create_community, create_company, join, name_staff, post_topic
from content_helpers import create_campaign as create


def test_owner_and_advertiser_create_list_edit_pause_and_resume(api, shop):
    res = create(api, shop)
    assert res.status_code == 201, res.body
    campaign = res.json_body
    assert campaign["status"] == "active" and campaign["target"] == {"type": "community", "id": shop.community["id"]}
    assert campaign["keywords"][1] == {"text": "任天堂DS", "match": "phrase", "max_cpc": 25}
    second = create(api, shop, shop.advertiser, target={"type": "post", "id": shop.topic["id"]}).json_body
    assert second["target"]["type"] == "post"

    listed = api.call("GET", campaigns_url(shop) + "?limit=1", token=shop.advertiser.token).json_body
    assert [c["id"] for c in listed["items"]] == [second["id"]]
    rest = api.call("GET", campaigns_url(shop) + f"?cursor={listed['next_cursor']}", token=shop.owner.token)
    assert [c["id"] for c in rest.json_body["items"]] == [campaign["id"]]

    url = f"{campaigns_url(shop)}/{campaign['id']}"
    assert api.call("GET", url, token=shop.advertiser.token).json_body == campaign
    paused = api.call("PATCH", url, {"status": "paused", "headline": "新作RPG 好評発売中"}, token=shop.advertiser.token)
    assert paused.status_code == 200 and paused.json_body["status"] == "paused"
    assert paused.json_body["headline"] == "新作RPG 好評発売中" and paused.json_body["daily_budget"] == 5000
    resumed = api.call("PATCH", url, {"status": "active", "daily_budget": 8000}, token=shop.owner.token).json_body
    assert (resumed["status"], resumed["daily_budget"]) == ("active", 8000)
    assert api.call("GET", url, token=shop.owner.token).json_body == resumed


@pytest.mark.parametrize(
    ("changes", "path"),
    [
        ({"keywords": [{"text": "RPG", "match": "fuzzy", "max_cpc": 10}]}, "keywords.0.match"),
        ({"keywords": [{"text": "RPG", "match": "exact", "max_cpc": -5}]}, "keywords.0.max_cpc"),
        ({"keywords": [{"text": "RPG", "match": "exact", "max_cpc": 0}]}, "keywords.0.max_cpc"),
        ({"headline": "あ" * 31}, "headline"),
        ({"text": "い" * 91}, "text"),
        ({"daily_budget": 0}, "daily_budget"),
        ({"keywords": []}, "keywords"),
        ({"target": {"type": "diary", "id": "x"}}, "target.type"),
        ({"status": "deleted"}, "status"),
        ({"bogus": 1}, "bogus"),
    ],
)
def test_bad_campaigns_get_400_with_the_field_path(api, shop, changes, path):
    res = create(api, shop, **changes)
    assert res.status_code == 400, res.body
    assert path in [d["path"] for d in res.json_body["error"]["details"]]


def test_target_of_another_company_is_rejected_with_target_id(api, admin, new_member, shop):
    other = create_company(api, admin, name="別会社")
    other_owner = new_member()
    name_staff(api, admin, other["id"], other_owner, "owner")
    foreign = create_community(api, other_owner, name="別会社公式", company_id=other["id"])
    unofficial = create_community(api, shop.owner, name="非公式ファンの集い")
    join(api, shop.agent, shop.community["id"])
    staff_topic = post_topic(api, shop.agent, shop.community["id"])  # a topic by staff: the company's
    customer = new_member()
    join(api, customer, shop.community["id"])
    inquiry = post_topic(api, customer, shop.community["id"])  # a customer's inquiry: not the company's
    for target in (
        {"type": "community", "id": foreign["id"]},
        {"type": "community", "id": unofficial["id"]},
        {"type": "community", "id": "no-such-community"},
        {"type": "post", "id": "no-such-post"},
        {"type": "post", "id": inquiry["id"]},
    ):
        res = create(api, shop, target=target)
        assert res.status_code == 400, target
        assert res.json_body["error"]["code"] == "invalid_target"
        assert res.json_body["error"]["details"][0]["path"] == "target.id"
    assert create(api, shop, target={"type": "post", "id": staff_topic["id"]}).status_code == 201
    campaign = create(api, shop).json_body
    res = api.call(
        "PATCH",
        f"{campaigns_url(shop)}/{campaign['id']}",
        {"target": {"type": "community", "id": foreign["id"]}},
        token=shop.owner.token,
    )
    assert res.status_code == 400 and res.json_body["error"]["details"][0]["path"] == "target.id"


def test_agents_outsiders_and_other_companies_cannot_touch_campaigns(api, admin, new_member, shop):
    campaign = create(api, shop).json_body
    url = f"{campaigns_url(shop)}/{campaign['id']}"
    other = create_company(api, admin, name="他社")
    other_owner = new_member()
    name_staff(api, admin, other["id"], other_owner, "owner")
    for actor in (shop.agent, new_member(), other_owner, admin):
        assert create(api, shop, actor).status_code == 403
        assert api.call("GET", campaigns_url(shop), token=actor.token).status_code == 403
        assert api.call("GET", url, token=actor.token).status_code == 403
        assert api.call("PATCH", url, {"status": "paused"}, token=actor.token).status_code == 403
        assert api.call("GET", url + "/report", token=actor.token).status_code == 403
    # a campaign id under another company is not found there (no BOLA through the path)
    other_url = f"/companies/{other['id']}/campaigns/{campaign['id']}"
    assert api.call("GET", other_url, token=other_owner.token).status_code == 404
    assert api.call("PATCH", other_url, {"status": "paused"}, token=other_owner.token).status_code == 404
    assert api.call("GET", "/companies/nope/campaigns", token=shop.owner.token).status_code == 404
    assert api.call("GET", url).status_code == 401
    assert api.call("GET", url, token=shop.owner.token).json_body["status"] == "active"


def test_withdrawn_staff_token_stops_working(api, shop):
    assert api.call("DELETE", "/me", token=shop.advertiser.token).status_code == 204
    assert create(api, shop, shop.advertiser).status_code == 401
