"""The rank_placements auction: generalized second price with quality (pure, no I/O)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from chalicelib.ranking import rank_placements
from chalicelib.ranking.auction import PRIOR_CTR, RELEVANCE_FLOOR, expected_ctr

ROOT = Path(__file__).resolve().parents[2]


def ad(ad_id: str, bid: int, relevance: float = 1.0, impressions: int = 0, clicks: int = 0) -> dict[str, Any]:
    return {"ad_id": ad_id, "bid": bid, "impressions": impressions, "clicks": clicks, "relevance": relevance}


def auction(*candidates: dict[str, Any], slots: int = 2, reserve: int = 1) -> list[dict[str, Any]]:
    event = {"query": "q", "slots": slots, "reserve_price": reserve, "candidates": list(candidates)}
    placements: list[dict[str, Any]] = rank_placements(event)["placements"]
    return placements


def prices(placements: list[dict[str, Any]]) -> list[tuple[str, int]]:
    return [(p["ad_id"], p["price"]) for p in placements]


def test_eos_example_with_equal_qualities_each_pays_the_next_bid():
    placements = auction(ad("a", 10), ad("b", 4), ad("c", 2), slots=2)
    assert prices(placements) == [("a", 4), ("b", 2)]
    assert [p["slot"] for p in placements] == [1, 2]
    assert placements[0]["quality"] == placements[1]["quality"]


def test_result_shape_is_the_contract():
    (placement,) = auction(ad("a", 10), slots=1)
    assert set(placement) == {"ad_id", "slot", "price", "quality"}
    json.dumps(rank_placements({"query": "q", "slots": 1, "reserve_price": 1, "candidates": [ad("a", 3)]}))


def test_quality_weighs_bids_and_prices_follow_quality():
    # b has half a's bid but four times its relevance: b ranks first and pays what keeps it above a.
    placements = auction(ad("a", 10, relevance=0.25), ad("b", 5, relevance=1.0), slots=2)
    assert [p["ad_id"] for p in placements] == ["b", "a"]
    assert placements[0]["price"] == 3  # ceil(10 * 0.25q / 1.0q) = ceil(2.5)


def test_smoothed_ctr_neither_favours_nor_starves_a_new_ad():
    assert expected_ctr(0, 0) == PRIOR_CTR
    assert expected_ctr(10_000, 500) > PRIOR_CTR > expected_ctr(10_000, 10)
    # one lucky click on a new ad does not make it a star
    assert expected_ctr(1, 1) < 2 * PRIOR_CTR
    winner = auction(ad("proven", 10, impressions=10_000, clicks=400), ad("new", 10), slots=1)
    assert winner[0]["ad_id"] == "proven"
    assert auction(ad("poor", 10, impressions=10_000, clicks=5), ad("new", 10), slots=1)[0]["ad_id"] == "new"


def test_ties_go_to_the_higher_bid_then_the_smaller_ad_id():
    # equal bid x quality: 10 x 0.5 == 5 x 1.0
    placements = auction(ad("x", 5, relevance=1.0), ad("y", 10, relevance=0.5), slots=2)
    assert [p["ad_id"] for p in placements] == ["y", "x"]
    placements = auction(ad("b", 7), ad("a", 7), ad("c", 7), slots=3)
    assert [p["ad_id"] for p in placements] == ["a", "b", "c"]
    assert prices(placements) == [("a", 7), ("b", 7), ("c", 1)]
    shuffled = auction(ad("c", 7), ad("a", 7), ad("b", 7), slots=3)
    assert shuffled == placements


def test_candidates_under_the_reserve_do_not_take_part():
    placements = auction(ad("a", 10), ad("b", 4), ad("c", 2), slots=3, reserve=3)
    assert prices(placements) == [("a", 4), ("b", 3)]


def test_single_bidder_pays_the_reserve():
    assert prices(auction(ad("a", 50), slots=2, reserve=7)) == [("a", 7)]


def test_last_ranked_pays_the_reserve():
    placements = auction(ad("a", 10), ad("b", 9), slots=2, reserve=2)
    assert prices(placements) == [("a", 9), ("b", 2)]


def test_price_is_never_above_the_own_bid_nor_under_the_reserve():
    many = [ad(f"ad{i:03d}", 1 + (i * 37) % 90, relevance=0.1 + (i % 9) / 10) for i in range(200)]
    bids = {c["ad_id"]: c["bid"] for c in many}
    for placement in auction(*many, slots=10, reserve=3):
        assert 3 <= placement["price"] <= bids[placement["ad_id"]]


def test_at_most_slots_placements():
    assert len(auction(*[ad(f"a{i}", 10 + i) for i in range(10)], slots=3)) == 3
    assert auction(ad("a", 10), slots=0) == []
    assert auction(slots=2) == []


def test_candidates_under_the_relevance_floor_never_show():
    below = RELEVANCE_FLOOR / 2
    assert auction(ad("a", 1000, relevance=below), slots=2) == []
    placements = auction(ad("a", 1000, relevance=below), ad("b", 5), slots=2, reserve=1)
    assert prices(placements) == [("b", 1)]


def test_the_ranking_package_imports_no_aws_or_search_client():
    code = (
        "import json, sys; import chalicelib.ranking; "
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('boto3', 'botocore', 'pynamodb', 'opensearchpy', 'urllib3', 'pydantic'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == []


def test_the_lambda_entry_point_runs_the_auction():
    from app import rank_placements as handler

    event = {"query": "q", "slots": 2, "reserve_price": 1, "candidates": [ad("a", 10), ad("b", 4), ad("c", 2)]}
    assert prices(handler(event, None)["placements"]) == [("a", 4), ("b", 2)]
