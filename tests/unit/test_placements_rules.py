"""Pure rules of sponsored placements: keyword match types, pacing, impression tokens, the Lambda port."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from msgspec import structs

from chalicelib import errors
from chalicelib.adapters.lambda_ranker import LambdaRanker, RankingFailed
from chalicelib.placements import matching, pacing
from chalicelib.placements.tokens import ImpressionTokens


def ad(*keywords: tuple[str, str, int], negative: tuple[str, ...] = ()) -> dict[str, Any]:
    return {
        "ad_keywords": [{"text": t, "match": m, "max_cpc": c} for t, m, c in keywords],
        "negative_keywords": list(negative),
    }


def best(doc: dict[str, Any], q: str) -> str | None:
    found = matching.best_keyword(doc, matching.normalise(q))
    return None if found is None else str(found[0]["text"])


@pytest.mark.parametrize(
    ("keyword", "match", "query", "expected"),
    [
        ("nintendo ds", "exact", "Nintendo  DS", True),
        ("nintendo ds", "exact", "nintendo ds lite", False),
        ("nintendo ds", "phrase", "buy nintendo ds lite", True),
        ("nintendo ds", "phrase", "ds nintendo", False),
        ("nintendo ds", "broad", "ds games by nintendo", True),
        ("nintendo ds", "broad", "nintendo wii", False),
        ("ds", "phrase", "dsl router", False),
        ("ＤＳ", "phrase", "任天堂ds", True),
        ("任天堂", "exact", "任天堂", True),
        ("任天堂", "exact", "任天堂のゲーム", False),
        ("任天堂 ゲーム", "phrase", "任天堂のゲーム", False),
        ("任天堂", "phrase", "任天堂のゲーム", True),
        ("任天堂 ゲーム", "broad", "ゲームなら任天堂", True),
        ("任天堂 ゲーム", "broad", "任天堂の本", False),
    ],
)
def test_match_types(keyword: str, match: str, query: str, expected: bool) -> None:
    assert matching.matches(keyword, match, matching.normalise(query)) is expected


def test_negative_keywords_exclude_the_ad_whatever_matched() -> None:
    doc = ad(("ゲーム", "broad", 10), negative=("中古",))
    assert best(doc, "ゲーム 新品") == "ゲーム"
    assert best(doc, "中古ゲーム") is None
    assert best(ad(("ds", "broad", 10), negative=("used ds",)), "used nintendo ds") is None


def test_the_best_keyword_is_the_most_valuable_match() -> None:
    doc = ad(("ゲーム", "broad", 10), ("任天堂 ゲーム", "exact", 30))
    assert best(doc, "任天堂 ゲーム") == "任天堂 ゲーム"
    assert best(doc, "ゲーム") == "ゲーム"
    assert matching.relevance("x", "exact", "x") == 1.0 > matching.relevance("x", "phrase", "x y z")


def test_pacing_skips_only_when_ahead_of_the_even_curve() -> None:
    assert pacing.skip_share(spent=100, budget=1000, fraction=0.5) == 0.0
    assert pacing.skip_share(spent=0, budget=1000, fraction=0.0) == 0.0
    ahead = pacing.skip_share(spent=600, budget=1000, fraction=0.25)
    assert 0 < ahead < pacing.MAX_SKIP
    assert pacing.skip_share(spent=990, budget=1000, fraction=0.1) > 0.9
    assert pacing.skip_share(spent=1000, budget=1000, fraction=0.0) == pacing.MAX_SKIP
    assert pacing.skips(600, 1000, 0.25, draw=ahead - 0.01) is True
    assert pacing.skips(600, 1000, 0.25, draw=ahead + 0.01) is False


def test_impression_tokens_are_signed_and_expire() -> None:
    tokens = ImpressionTokens(b"k" * 32, ttl_s=3600)
    token, issued = tokens.issue("c1", "co1", "exact:ds", 12, "m1", now_s=1_000_000)
    got = tokens.verify(token)
    assert got == issued and got.price == 12 and got.member_id == "m1"
    assert not got.expired(1_000_000 + 3599) and got.expired(1_000_000 + 3600)
    assert tokens.issue("c1", "co1", "exact:ds", 12, "m1", now_s=1_000_000)[1].nonce != issued.nonce
    body, _, sig = token.partition(".")
    forged = json.dumps(["c1", "co1", "exact:ds", 1, "m1", issued.nonce, 9_999_999_999]).encode()
    import base64

    for bad in (f"{base64.urlsafe_b64encode(forged).decode().rstrip('=')}.{sig}", "x", "", f"{body}.AAAA"):
        with pytest.raises(errors.NotFound):
            tokens.verify(bad)
    with pytest.raises(errors.NotFound):
        ImpressionTokens(b"other-key", 3600).verify(token)


class FakeLambda:
    def __init__(self, result: Any, error: str | None = None):
        self.result, self.error, self.calls = result, error, []

    def invoke(self, **kwargs: Any) -> dict[str, Any]:
        self.calls.append(kwargs)
        response = {"StatusCode": 200, "Payload": io.BytesIO(json.dumps(self.result).encode())}
        if self.error:
            response["FunctionError"] = self.error
        return response


def test_lambda_ranker_invokes_the_function_with_the_event() -> None:
    fake = FakeLambda({"placements": [{"ad_id": "a", "slot": 1, "price": 4, "quality": 0.02}]})
    ranker = LambdaRanker("kizuna-prod-rank_placements", "ap-northeast-1", client=fake)
    event = {"query": "ds", "slots": 2, "reserve_price": 1, "candidates": []}
    assert ranker.rank(event)["placements"][0]["price"] == 4
    (call,) = fake.calls
    assert call["FunctionName"] == "kizuna-prod-rank_placements"
    assert call["InvocationType"] == "RequestResponse" and json.loads(call["Payload"]) == event
    with pytest.raises(RankingFailed):
        LambdaRanker("f", "ap-northeast-1", client=FakeLambda({"errorMessage": "boom"}, "Unhandled")).rank(event)


def test_wiring_selects_the_lambda_only_when_configured() -> None:
    from chalicelib.bootstrap import ranker
    from chalicelib.config import load_settings
    from chalicelib.placements.ports import InProcessRanker

    settings = load_settings()
    assert isinstance(ranker(structs.replace(settings, ranking_function=None)), InProcessRanker)
    configured = structs.replace(settings, ranking_function="kizuna-prod-rank_placements")
    assert isinstance(ranker(configured), LambdaRanker)
