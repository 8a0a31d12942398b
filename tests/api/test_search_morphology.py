"""GET /search finds what people mean: morphemes, not bigrams; English word forms; any width or case.

Against DynamoDB Local and osmem-server, fed by the real stream handler (the ``indexed``
fixture). The index is shared by the session, so each test marks its texts with a unique Latin
word and searches for it beside the word under test (two words must both occur).
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from content_helpers import create_community
from test_search import found, post, search


@pytest.fixture
def author(new_member: Any) -> Any:
    return new_member(display_name="形態素さん")


@pytest.fixture
def community(api: Any, author: Any) -> dict[str, Any]:
    return create_community(api, author, name=f"形態素テスト {uuid.uuid4().hex[:6]}", description="テスト用")


def tag() -> str:
    return "m" + uuid.uuid4().hex[:10]


def test_kyoto_does_not_find_tokyo_metropolis_but_tokyo_does(api, author, community, indexed):
    t = tag()
    tokyo_to = post(api, author, community["id"], f"東京都の話 {t}", "都庁の展望台に行きました")
    kyoto = post(api, author, community["id"], f"京都府の紅葉 {t}", "嵐山がきれいでした")
    station = post(api, author, community["id"], f"東京駅で集合 {t}", "丸の内口です")
    indexed()

    assert found(api, author, f"京都 {t}") == {kyoto}
    assert found(api, author, f"東京 {t}") == {tokyo_to, station}
    assert found(api, author, f"東京都 {t}") == {tokyo_to}


def test_a_compound_yields_its_parts(api, author, community, indexed):
    t = tag()
    fan = post(api, author, community["id"], f"ファンコミュニティ {t}", "語りましょう")
    switch = post(api, author, community["id"], f"ゲーム {t}", "ニンテンドースイッチを買いました")
    post(api, author, community["id"], f"今日の天気 {t}", "晴れのち曇り")
    indexed()

    assert found(api, author, f"コミュニティ {t}") == {fan}
    assert found(api, author, f"スイッチ {t}") == {switch}


def test_english_plurals_and_ing_ed_forms_meet(api, author, community, indexed):
    t = tag()
    customer = post(api, author, community["id"], f"Customer voice {t}", "一人のcustomerから")
    cameras = post(api, author, community["id"], f"Two cameras {t}", "比べました")
    blogged = post(api, author, community["id"], f"日記 {t}", "I blogged about it")
    custom = post(api, author, community["id"], f"Custom firmware {t}", "入れてみた")
    indexed()

    assert found(api, author, f"customers {t}") == {customer}
    assert found(api, author, f"camera {t}") == {cameras}
    assert found(api, author, f"blogging {t}") == {blogged}
    assert found(api, author, f"custom {t}") == {custom}


def test_full_width_half_width_and_case_do_not_matter(api, author, community, indexed):
    t = tag()
    half = post(api, author, community["id"], f"ｶﾒﾗを買いました {t}", "ＣＵＳＴＯＭＥＲＳ say hi")
    full = post(api, author, community["id"], f"カメラの話 {t}", "customers say hi")
    indexed()

    assert found(api, author, f"カメラ {t}") == {half, full}
    assert found(api, author, f"ｶﾒﾗ {t}") == {half, full}
    assert found(api, author, f"Customer {t.upper()}") == {half, full}
    assert found(api, author, f"ＣＵＳＴＯＭＥＲＳ {t}") == {half, full}


def test_what_matched_by_a_stem_or_inside_a_word_is_highlighted(api, author, community, indexed):
    t = tag()
    cameras = post(api, author, community["id"], f"Cameras for bloggers {t}", "We compared two cameras today.")
    games = post(api, author, community["id"], f"キズナゲームスの新作 {t}", "キズナゲームスが発表しました")
    indexed()

    by_id = {r["id"]: r for r in search(api, author, f"camera blogger {t}")}
    assert by_id[cameras]["title_highlight"].startswith("<mark>Cameras</mark> for <mark>bloggers</mark>")
    assert "<mark>cameras</mark>" in by_id[cameras]["snippet"]

    by_id = {r["id"]: r for r in search(api, author, f"ゲーム {t}")}
    assert "<mark>キズナゲームス</mark>" in by_id[games]["title_highlight"]
    # the body: the word itself, marked here (the engine highlights only the body's morphemes)
    assert "キズナ<mark>ゲーム</mark>ス" in by_id[games]["snippet"]
