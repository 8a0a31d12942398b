"""Invalid clicks (issue 9) end to end, against DynamoDB Local.

Each fresh search hands a member a fresh impression token; a member's repeated clicks on one
campaign within 24 hours are still charged once (``duplicate`` after that), however they race.
Clicks on a paused campaign are recorded, not charged. The member is led to the target every time,
and the campaign report shows the uncharged clicks beside the charged ones, by reason.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

from content_helpers import campaigns_url
from content_helpers import create_campaign as create

from chalicelib.kernel import Caller
from chalicelib.placements.models import INVALID_REASONS, ClickOutcome, ad_day
from chalicelib.placements.service import PlacementService
from tests.conftest import marker


def keyword(text: str, match: str = "exact", max_cpc: int = 30) -> dict[str, Any]:
    return {"text": text, "match": match, "max_cpc": max_cpc}


def caller(member_id: str) -> Caller:
    return Caller(member_id, f"h{member_id[:8]}", "test-session", ("member",))


def today() -> str:
    return ad_day(datetime.now(UTC))


def fresh_token(api: Any, member: Any, q: str) -> str:
    """A search as the member would make it: the campaign's placement and its new token."""
    res = api.call("GET", f"/search?q={q}", token=member.token)
    assert res.status_code == 200, res.body
    (placement,) = res.json_body["sponsored"]
    return str(placement["click_token"])


def click(api: Any, member: Any, token: str) -> Any:
    return api.call("POST", f"/placements/{token}/click", token=member.token)


def report(api: Any, shop: Any, campaign_id: str) -> dict[str, Any]:
    res = api.call("GET", f"{campaigns_url(shop)}/{campaign_id}/report", token=shop.advertiser.token)
    assert res.status_code == 200, res.body
    return dict(res.json_body)


def reasons(**counts: int) -> dict[str, int]:
    return {r: counts.get(r, 0) for r in INVALID_REASONS}


def at(base: PlacementService, when: datetime) -> PlacementService:
    """The same service on the same stores, with its clock at ``when``."""
    return PlacementService(
        base.campaigns, base.companies, base.index, base.ranker, base.tokens, 2, 5, clock=lambda: when
    )


def test_five_fresh_searches_and_clicks_charge_the_member_once(api, new_member, shop, indexed, services):
    word = marker()
    campaign = create(api, shop, keywords=[keyword(word)], daily_budget=10_000).json_body
    indexed()
    reader = new_member()
    tokens = [fresh_token(api, reader, word) for _ in range(5)]
    assert len(set(tokens)) == 5  # each search is a new impression
    for token in tokens:
        res = click(api, reader, token)
        # Nothing tells the member a click was not charged: every one leads to the target.
        assert res.status_code == 200 and res.json_body == {"target": campaign["target"]}
    store = services.placements.campaigns
    assert store.ledger(campaign["id"], today()) == [5]  # alone in its auction: the reserve, once
    assert click(api, reader, tokens[-1]).status_code == 200  # a replay of a duplicate counts nothing more

    # Another member's click on the same campaign is theirs to pay for.
    other = new_member()
    assert click(api, other, fresh_token(api, other, word)).status_code == 200
    assert store.ledger(campaign["id"], today()) == [5, 5]

    body = report(api, shop, campaign["id"])
    (row,) = [r for r in body["rows"] if r["day"] == today()]
    assert (row["impressions"], row["clicks"], row["spend"], row["invalid_clicks"]) == (6, 2, 10, 4)
    assert row["average_cpc"] == 5  # the charged clicks only
    assert body["totals"] == {
        "impressions": 6,
        "clicks": 2,
        "spend": 10,
        "invalid_clicks": 4,
        "invalid_reasons": reasons(duplicate=4),
    }


def test_parallel_clicks_of_one_member_through_different_tokens_charge_exactly_once(api, shop, services):
    price = 10
    campaign = create(api, shop, daily_budget=100_000).json_body
    placements: PlacementService = services.placements
    visitors = [f"visitor-{uuid.uuid4().hex}" for _ in range(12)]
    per_visitor = {v: (2 if i % 2 else 6) for i, v in enumerate(visitors)}  # pairs, and crowds of six
    now = time.time()
    clicks = [
        (v, placements.tokens.issue(campaign["id"], shop.company["id"], "broad:RPG", price, v, now)[0])
        for v, n in per_visitor.items()
        for _ in range(n)
    ]
    start = threading.Barrier(len(clicks))

    def go(vt: tuple[str, str]) -> tuple[str, ClickOutcome]:
        start.wait()
        return vt[0], placements.click(caller(vt[0]), vt[1])

    with ThreadPoolExecutor(max_workers=len(clicks)) as pool:
        outcomes = list(pool.map(go, clicks))

    for v, n in per_visitor.items():
        mine = Counter(o.outcome for who, o in outcomes if who == v)
        assert mine == {"charged": 1, "duplicate": n - 1}, (v, mine)
    assert all(o.target.id == campaign["target"]["id"] for _, o in outcomes)
    ledger = placements.campaigns.ledger(campaign["id"], today())
    assert ledger == [price] * len(visitors)
    totals = report(api, shop, campaign["id"])["totals"]
    duplicates = len(clicks) - len(visitors)
    assert (totals["clicks"], totals["spend"], totals["invalid_clicks"]) == (len(visitors), sum(ledger), duplicates)
    assert totals["invalid_reasons"] == reasons(duplicate=duplicates)


def test_duplicates_and_an_exhausted_budget_together_never_overspend(api, shop, services):
    price, covered = 10, 15
    campaign = create(api, shop, daily_budget=price * covered).json_body
    placements: PlacementService = services.placements
    visitors = [f"visitor-{uuid.uuid4().hex}" for _ in range(40)]
    now = time.time()
    clicks = [
        (v, placements.tokens.issue(campaign["id"], shop.company["id"], "broad:RPG", price, v, now)[0])
        for v in visitors
        for _ in range(4)
    ]
    with ThreadPoolExecutor(max_workers=32) as pool:
        outcomes = list(pool.map(lambda vt: (vt[0], placements.click(caller(vt[0]), vt[1])), clicks))
    charged = [who for who, o in outcomes if o.charged]
    assert len(charged) == covered == len(set(charged))  # the budget's worth, never a member twice
    assert {o.outcome for _, o in outcomes if not o.charged} <= {"duplicate", "budget_exhausted"}
    store = placements.campaigns
    ledger = store.ledger(campaign["id"], today())
    (budget,) = store.budgets([store.get(shop.company["id"], campaign["id"])], today()).values()
    assert sum(ledger) == budget.spent == budget.budget == price * covered and budget.remaining == 0
    totals = report(api, shop, campaign["id"])["totals"]
    assert totals["clicks"] == covered and totals["invalid_clicks"] == len(clicks) - covered
    assert sum(totals["invalid_reasons"].values()) == len(clicks) - covered


def test_a_member_is_charged_again_24_hours_after_a_charged_click_not_after_a_duplicate(api, shop, services):
    campaign = create(api, shop, daily_budget=10_000).json_body
    base: PlacementService = services.placements
    visitor = f"visitor-{uuid.uuid4().hex}"
    t0 = datetime.now(UTC)

    def click_at(when: datetime) -> str:
        token, _ = base.tokens.issue(campaign["id"], shop.company["id"], "broad:RPG", 10, visitor, when.timestamp())
        return at(base, when).click(caller(visitor), token).outcome

    assert click_at(t0) == "charged"
    assert click_at(t0 + timedelta(hours=23, minutes=59)) == "duplicate"  # does not extend the window
    assert click_at(t0 + timedelta(hours=24, seconds=1)) == "charged"
    assert click_at(t0 + timedelta(hours=25)) == "duplicate"
    charged_days = {ad_day(t0), ad_day(t0 + timedelta(hours=24, seconds=1))}
    assert sum(len(base.campaigns.ledger(campaign["id"], d)) for d in charged_days) == 2


def test_clicks_on_a_paused_campaign_are_recorded_and_followed_but_not_charged(
    api, new_member, shop, indexed, services
):
    word = marker()
    campaign = create(api, shop, keywords=[keyword(word)], daily_budget=10_000).json_body
    indexed()
    reader = new_member()
    token = fresh_token(api, reader, word)
    url = f"{campaigns_url(shop)}/{campaign['id']}"
    assert api.call("PATCH", url, {"status": "paused"}, token=shop.owner.token).status_code == 200

    res = click(api, reader, token)
    assert res.status_code == 200 and res.json_body == {"target": campaign["target"]}
    placements: PlacementService = services.placements
    impression = placements.tokens.verify(token)
    assert placements.click(caller(reader.id), token).outcome == "replay"  # recorded once
    assert placements.campaigns.ledger(campaign["id"], today()) == []

    # Resumed, the member's next click is charged: the paused one did not count as their charge.
    assert api.call("PATCH", url, {"status": "active"}, token=shop.owner.token).status_code == 200
    again, _ = placements.tokens.issue(
        campaign["id"], shop.company["id"], impression.keyword, impression.price, reader.id, time.time()
    )
    assert placements.click(caller(reader.id), again).outcome == "charged"
    totals = report(api, shop, campaign["id"])["totals"]
    assert (totals["clicks"], totals["invalid_clicks"]) == (1, 1)
    assert totals["invalid_reasons"] == reasons(campaign_paused=1)


def test_the_report_breaks_invalid_clicks_down_by_reason(api, shop, services):
    price = 10
    campaign = create(api, shop, daily_budget=price).json_body  # one click's worth a day
    placements: PlacementService = services.placements
    tokens, company = placements.tokens, shop.company["id"]
    now = time.time()
    a, b, c = (f"visitor-{uuid.uuid4().hex}" for _ in range(3))

    def outcome(member_id: str, issued_at: float = now) -> str:
        token, _ = tokens.issue(campaign["id"], company, "broad:RPG", price, member_id, issued_at)
        return placements.click(caller(member_id), token).outcome

    assert outcome(a) == "charged"
    assert outcome(a) == "duplicate"
    assert outcome(b) == "budget_exhausted"
    assert outcome(c, issued_at=now - 2 * placements.tokens.ttl_s) == "expired"
    assert outcome(shop.agent.id) == "own_staff"

    body = report(api, shop, campaign["id"])
    rows = [r for r in body["rows"] if r["day"] == today()]
    by_keyword = {r["keyword"]: r for r in rows}
    assert (by_keyword["RPG"]["clicks"], by_keyword["RPG"]["invalid_clicks"]) == (1, 4)
    assert by_keyword["任天堂DS"]["invalid_clicks"] == 0
    assert body["totals"]["invalid_clicks"] == 4
    assert body["totals"]["invalid_reasons"] == reasons(duplicate=1, budget_exhausted=1, expired=1, own_staff=1)
    # Days without clicks are zeros, not missing.
    assert all(r["invalid_clicks"] == 0 for r in body["rows"] if r["day"] != today())
