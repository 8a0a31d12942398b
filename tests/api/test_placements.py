"""Sponsored placements end to end: the auction above GET /search, clicks, budgets, pacing, reports.

Ads reach the index through the same stream handler as posts (driven by a relay, as in
test_search.py); budgets, clicks and the ledger live in DynamoDB Local.
"""

from __future__ import annotations

import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

from content_helpers import campaigns_url, post_topic
from content_helpers import create_campaign as create

from chalicelib.kernel import Caller
from chalicelib.placements.service import PlacementService, ad_day
from tests.conftest import marker


def search(api: Any, member: Any, q: str, limit: int = 20, cursor: str | None = None) -> dict[str, Any]:
    url = f"/search?q={q}&limit={limit}" + (f"&cursor={cursor}" if cursor else "")
    res = api.call("GET", url, token=member.token)
    assert res.status_code == 200, res.body
    return dict(res.json_body)


def sponsored_ids(api: Any, member: Any, q: str) -> list[str]:
    return [s["ad_id"] for s in search(api, member, q)["sponsored"]]


def keyword(text: str, match: str = "broad", max_cpc: int = 30) -> dict[str, Any]:
    return {"text": text, "match": match, "max_cpc": max_cpc}


def caller(member_id: str) -> Caller:
    return Caller(member_id, f"h{member_id[:8]}", "test-session", ("member",))


def test_first_page_shows_matching_placements_labelled_sponsored(api, new_member, shop, indexed):
    word = marker()
    campaign = create(api, shop, keywords=[keyword(word)], negative_keywords=["中古"], daily_budget=10_000).json_body
    for i in range(3):
        post_topic(api, shop.owner, shop.community["id"], title=f"{word} のお知らせ {i}")
    indexed()
    reader = new_member()
    page = search(api, reader, word, limit=2)
    (placement,) = page["sponsored"]
    assert placement["ad_id"] == campaign["id"] and placement["label"] == "Sponsored"
    assert placement["headline"] == campaign["headline"] and placement["text"] == campaign["text"]
    assert placement["company"] == {"id": shop.company["id"], "name": shop.company["name"]}
    assert placement["target"] == campaign["target"] and placement["click_token"]
    assert campaign["id"] not in {r["id"] for r in page["results"]}  # ads are never organic results
    assert page["next_cursor"] and search(api, reader, word, limit=2, cursor=page["next_cursor"])["sponsored"] == []
    assert sponsored_ids(api, reader, f"{word} 中古") == []  # negative keyword
    assert sponsored_ids(api, reader, marker()) == []  # a query it does not match

    url = f"{campaigns_url(shop)}/{campaign['id']}"
    assert api.call("PATCH", url, {"status": "paused"}, token=shop.owner.token).status_code == 200
    assert sponsored_ids(api, reader, word) == []  # paused: out of the auction at once
    api.call("PATCH", url, {"status": "active"}, token=shop.owner.token)
    assert sponsored_ids(api, reader, word) == [campaign["id"]]


def test_match_types_hold_for_japanese_keywords(api, new_member, shop, indexed):
    word = marker()
    exact = create(api, shop, keywords=[keyword(f"任天堂{word}", "exact")]).json_body
    phrase = create(api, shop, keywords=[keyword(f"ゲーム機{word}", "phrase")]).json_body
    broad = create(api, shop, keywords=[keyword(f"{word} 中古ソフト", "broad")], negative_keywords=[]).json_body
    indexed()
    reader = new_member()
    assert sponsored_ids(api, reader, f"任天堂{word}") == [exact["id"]]
    assert exact["id"] not in sponsored_ids(api, reader, f"任天堂{word} 攻略")
    assert sponsored_ids(api, reader, f"新しいゲーム機{word}が欲しい") == [phrase["id"]]
    assert sponsored_ids(api, reader, f"中古ソフトなら{word}") == [broad["id"]]
    assert sponsored_ids(api, reader, f"{word} 新品ソフト") == []


def test_at_most_the_configured_slots_are_shown(api, new_member, shop, indexed, services):
    word = marker()
    for cpc in (50, 40, 30, 20):
        create(api, shop, keywords=[keyword(word, "exact", cpc)])
    indexed()
    assert len(search(api, new_member(), word)["sponsored"]) == services.settings.sponsored_slots == 2


def test_a_click_returns_the_target_and_charges_once(api, new_member, shop, indexed, services):
    word = marker()
    campaign = create(api, shop, keywords=[keyword(word, "exact", 30)], daily_budget=1000).json_body
    rival = create(api, shop, keywords=[keyword(word, "exact", 12)], daily_budget=1000).json_body
    indexed()
    reader = new_member()
    first = search(api, reader, word)["sponsored"][0]
    assert first["ad_id"] == campaign["id"]
    res = api.call("POST", f"/placements/{first['click_token']}/click", token=reader.token)
    assert res.status_code == 200 and res.json_body == {"target": campaign["target"]}
    again = api.call("POST", f"/placements/{first['click_token']}/click", token=reader.token)
    assert again.status_code == 200 and again.json_body == {"target": campaign["target"]}
    store = services.placements.campaigns
    day = ad_day(datetime.now(UTC))
    assert store.ledger(campaign["id"], day) == [12]  # second price: the rival's bid
    assert store.ledger(rival["id"], day) == []
    # a token of somebody else, a forged one, no token
    assert api.call("POST", f"/placements/{first['click_token']}x/click", token=reader.token).status_code == 404
    assert api.call("POST", f"/placements/{first['click_token']}/click").status_code == 401
    other = api.call("POST", f"/placements/{first['click_token']}/click", token=new_member().token)
    assert other.status_code == 200
    assert store.ledger(campaign["id"], day) == [12]


def test_expired_and_own_staff_clicks_are_recorded_not_charged(api, shop, services):
    campaign = create(api, shop, daily_budget=1000).json_body
    placements: PlacementService = services.placements
    store, tokens = placements.campaigns, placements.tokens
    now = time.time()
    expired, _ = tokens.issue(campaign["id"], shop.company["id"], "broad:RPG", 10, "visitor-1", now - 7200)
    outcome = placements.click(caller("visitor-1"), expired)
    assert (outcome.charged, outcome.outcome) == (False, "expired") and outcome.target.id == campaign["target"]["id"]
    staff_token, _ = tokens.issue(campaign["id"], shop.company["id"], "broad:RPG", 10, shop.agent.id, now)
    outcome = placements.click(caller(shop.agent.id), staff_token)
    assert (outcome.charged, outcome.outcome) == (False, "own_staff")
    assert placements.click(caller(shop.agent.id), staff_token).outcome == "replay"
    assert store.ledger(campaign["id"], ad_day(datetime.now(UTC))) == []


def test_200_concurrent_clicks_never_overspend(api, new_member, shop, indexed, services):
    word = marker()
    price, covered = 10, 37
    campaign = create(api, shop, keywords=[keyword(word, "exact", 40)], daily_budget=price * covered).json_body
    placements: PlacementService = services.placements
    visitors = [f"visitor-{uuid.uuid4().hex}" for _ in range(200)]
    now = time.time()
    tokens = [
        placements.tokens.issue(campaign["id"], shop.company["id"], f"exact:{word}", price, v, now)[0] for v in visitors
    ]
    with ThreadPoolExecutor(max_workers=32) as pool:
        outcomes = list(pool.map(lambda vt: placements.click(caller(vt[0]), vt[1]), zip(visitors, tokens, strict=True)))
    charged = [o for o in outcomes if o.charged]
    assert len(charged) == covered
    assert {o.outcome for o in outcomes if not o.charged} == {"budget_exhausted"}
    day = ad_day(datetime.now(UTC))
    store = placements.campaigns
    ledger = store.ledger(campaign["id"], day)
    assert sum(ledger) == price * covered == sum(o.price for o in charged)
    (budget,) = store.budgets([store.get(shop.company["id"], campaign["id"])], day).values()
    assert budget.spent == sum(ledger) <= budget.budget and budget.remaining == 0
    # a replay of a charged token is not charged again
    assert placements.click(caller(visitors[0]), tokens[0]).charged is False
    assert sum(store.ledger(campaign["id"], day)) == price * covered
    # the exhausted campaign has left the auction
    indexed()
    assert campaign["id"] not in sponsored_ids(api, new_member(), word)

    report = api.call("GET", f"{campaigns_url(shop)}/{campaign['id']}/report", token=shop.advertiser.token)
    assert report.status_code == 200
    (row,) = [r for r in report.json_body["rows"] if r["day"] == day]
    assert (row["keyword"], row["match"], row["clicks"], row["spend"]) == (word, "exact", covered, price * covered)
    assert row["average_cpc"] == price


def test_report_counts_impressions_clicks_ctr_spend_per_day_and_keyword(api, new_member, shop, indexed):
    word = marker()
    campaign = create(api, shop, keywords=[keyword(word, "exact", 20), keyword(f"{word} 予約")]).json_body
    indexed()
    reader = new_member()
    for _ in range(3):
        shown = search(api, reader, word)["sponsored"]
    api.call("POST", f"/placements/{shown[0]['click_token']}/click", token=reader.token)
    url = f"{campaigns_url(shop)}/{campaign['id']}/report"
    rows = api.call("GET", url, token=shop.owner.token).json_body["rows"]
    today = ad_day(datetime.now(UTC))
    by_keyword = {r["keyword"]: r for r in rows if r["day"] == today}
    exact = by_keyword[word]
    assert (exact["impressions"], exact["clicks"], exact["ctr"]) == (3, 1, round(1 / 3, 4))
    assert exact["spend"] == 5 and exact["average_cpc"] == 5.0  # alone in its auction: the reserve
    assert by_keyword[f"{word} 予約"]["impressions"] == 0 and by_keyword[f"{word} 予約"]["ctr"] is None
    assert len(rows) == 7 * 2
    bad = api.call("GET", url + "?from=2026-01-10&to=2026-01-01", token=shop.owner.token)
    assert bad.status_code == 400


def test_a_campaign_ahead_of_its_daily_curve_skips_auctions(api, new_member, shop, indexed, services):
    word = marker()
    campaign = create(api, shop, keywords=[keyword(word, "exact", 500)], daily_budget=1000).json_body
    indexed()
    base: PlacementService = services.placements
    token, _ = base.tokens.issue(campaign["id"], shop.company["id"], f"exact:{word}", 500, "visitor-x", time.time())
    assert base.click(caller("visitor-x"), token).charged  # half the budget spent
    today = datetime.fromisoformat(ad_day(datetime.now(UTC))).replace(tzinfo=UTC)
    early = today + timedelta(hours=1) - timedelta(hours=9)  # 01:00 in Tokyo: far ahead of the curve
    late = today + timedelta(hours=23) - timedelta(hours=9)  # 23:00: behind it

    def paced(at: datetime, draw: float) -> list[str]:
        svc = PlacementService(
            base.campaigns,
            base.companies,
            base.index,
            base.ranker,
            base.tokens,
            2,
            5,
            clock=lambda: at,
            draw=lambda: draw,
        )
        return [s.campaign.id for s in svc.sponsored(caller("visitor-y"), word)]

    assert paced(early, draw=0.0) == []
    assert paced(early, draw=0.999) == [campaign["id"]]
    assert paced(late, draw=0.0) == [campaign["id"]]
