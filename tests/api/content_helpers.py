"""Small helpers shared by the community, post, diary and company tests."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from chalicelib.kernel import Caller


def create_community(api: Any, member: Any, name: str = "ニンテンドーDS好き集まれ", **extra: Any) -> dict[str, Any]:
    body = {"name": name, "description": "DSの話をしよう！", "category": "games", **extra}
    res = api.call("POST", "/communities", body, token=member.token)
    assert res.status_code == 201, res.body
    return dict(res.json_body)


def join(api: Any, member: Any, community_id: str) -> dict[str, Any]:
    res = api.call("PUT", f"/communities/{community_id}/membership", token=member.token)
    assert res.status_code == 200, res.body
    return dict(res.json_body)


def post_topic(api: Any, member: Any, community_id: str, title: str = "おすすめのソフトは？") -> dict[str, Any]:
    body = {"title": title, "body": "脳トレとマリオカート、どっちが好き？"}
    res = api.call("POST", f"/communities/{community_id}/posts", body, token=member.token)
    assert res.status_code == 201, res.body
    return dict(res.json_body)


def write_diary(api: Any, member: Any, visibility: str, title: str = "今日の日記") -> dict[str, Any]:
    body = {"title": title, "body": "渋谷で友達とラーメンを食べた。", "visibility": visibility}
    res = api.call("POST", "/diary", body, token=member.token)
    assert res.status_code == 201, res.body
    return dict(res.json_body)


def comment(api: Any, member: Any, post_id: str, body: str = "いいですね！") -> Any:
    return api.call("POST", f"/posts/{post_id}/comments", {"body": body}, token=member.token)


def create_company(api: Any, admin: Any, name: str = "株式会社キズナゲームス") -> dict[str, Any]:
    res = api.call("POST", "/companies", {"name": name, "website": "https://games.example.jp"}, token=admin.token)
    assert res.status_code == 201, res.body
    return dict(res.json_body)


def name_staff(api: Any, actor: Any, company_id: str, member: Any, role: str) -> Any:
    return api.call("PUT", f"/companies/{company_id}/staff/{member.handle}", {"role": role}, token=actor.token)


def ids(page: dict[str, Any]) -> list[str]:
    return [item["id"] for item in page["items"]]


def caller_of(member: Any) -> Caller:
    return Caller(member.id, member.handle, "test-session", ("member",))


def synthetic_caller(i: int) -> Caller:
    """A distinct caller for service-level load (the service trusts the authenticated caller)."""
    return Caller(uuid.uuid4().hex, f"load_{i}", "test-session", ("member",))


@dataclass
class Advertiser:
    """A company with its owner, an advertiser, an agent, its official community and a staff topic."""

    company: dict[str, Any]
    owner: Any
    advertiser: Any
    agent: Any
    community: dict[str, Any]
    topic: dict[str, Any]


def make_advertiser(api: Any, admin: Any, new_member: Any) -> Advertiser:
    """A verified company with an owner, an advertiser and an agent, its official community and a staff topic."""
    company = create_company(api, admin, name="株式会社キズナゲームス")
    owner, advertiser, agent = new_member(), new_member(), new_member()
    name_staff(api, admin, company["id"], owner, "owner")
    name_staff(api, owner, company["id"], advertiser, "advertiser")
    name_staff(api, owner, company["id"], agent, "agent")
    community = create_community(api, owner, name="キズナゲームス公式", company_id=company["id"])
    topic = post_topic(api, owner, community["id"], title="新作のお知らせ")
    return Advertiser(company, owner, advertiser, agent, community, topic)


def campaign_body(target: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """A valid campaign body with ``changes`` applied."""
    body = {
        "name": "新作キャンペーン",
        "target": target,
        "headline": "新作RPG 予約受付中",
        "text": "キズナゲームスの新作RPG。公式コミュニティで最新情報をチェック！",
        "keywords": [
            {"text": "RPG", "match": "broad", "max_cpc": 40},
            {"text": "任天堂DS", "match": "phrase", "max_cpc": 25},
        ],
        "negative_keywords": ["中古"],
        "daily_budget": 5000,
    }
    return {**body, **changes}


def campaigns_url(shop: Advertiser) -> str:
    return f"/companies/{shop.company['id']}/campaigns"


def create_campaign(api: Any, shop: Advertiser, actor: Any = None, **changes: Any) -> Any:
    changes.setdefault("target", {"type": "community", "id": shop.community["id"]})
    return api.call("POST", campaigns_url(shop), campaign_body(**changes), token=(actor or shop.owner).token)


def befriend(api: Any, a: Any, b: Any) -> None:
    """Make ``a`` and ``b`` friends (a asks, b asks back)."""
    api.call("POST", f"/friends/{b.handle}", token=a.token)
    assert api.call("POST", f"/friends/{a.handle}", token=b.token).json_body["state"] == "friends"
