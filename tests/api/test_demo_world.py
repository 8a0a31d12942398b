"""The demo world: a new user sees communities, posts, diaries and an official company with an open inquiry."""

from __future__ import annotations

from chalicelib.demo import seed

DEMO_PASSWORD = "a-demo-password-for-tests"


def test_seed_demo_builds_a_small_world_once(api, services, admin):
    seed(services, DEMO_PASSWORD, admin.handle)
    assert seed(services, DEMO_PASSWORD, admin.handle) == "demo world already present"
    token = api.call("POST", "/auth/login", {"handle": "taro", "password": DEMO_PASSWORD}).json_body["token"]

    games = api.call("GET", "/communities?category=games&sort=members&limit=100", token=token).json_body["items"]
    names = {c["name"]: c for c in games}
    assert names["ニンテンドーDS好き集まれ！"]["member_count"] == 3
    official = names["キズナゲームス公式サポート"]
    assert official["official"] and official["company"]["name"] == "キズナゲームス株式会社"

    ds_posts = api.call("GET", f"/communities/{names['ニンテンドーDS好き集まれ！']['id']}/posts", token=token)
    assert {p["title"] for p in ds_posts.json_body["items"]} >= {"おすすめのDSソフトを教えてください"}
    inquiries = api.call("GET", f"/communities/{official['id']}/posts", token=token).json_body["items"]
    assert {(p["title"], p["status"]) for p in inquiries} == {
        ("セーブデータが消えてしまいました", "open"),
        ("予約特典について", "resolved"),
    }
    metrics = api.call("GET", f"/companies/{official['company']['id']}/metrics", token=token).json_body
    assert (metrics["open"], metrics["resolved"]) == (1, 1)

    diary = api.call("GET", "/members/hanako/diary", token=token).json_body["items"]
    assert [d["title"] for d in diary] == ["友達だけに報告", "今日のランチ"]  # taro is hanako's friend
    hanako = api.call("POST", "/auth/login", {"handle": "hanako", "password": DEMO_PASSWORD}).json_body["token"]
    requests = api.call("GET", "/friends?state=pending", token=hanako).json_body["items"]
    assert [f["handle"] for f in requests] == ["nintendo_fan"]


def test_demo_world_shows_a_sponsored_placement_above_search(api, services, admin):
    from chalicelib import ops

    seed(services, DEMO_PASSWORD, admin.handle)
    assert ops.main(["reindex", "--quiet"]) == 0
    token = api.call("POST", "/auth/login", {"handle": "hanako", "password": DEMO_PASSWORD}).json_body["token"]
    res = api.call("GET", "/search?q=DS", token=token)
    assert res.status_code == 200, res.body
    sponsored = res.json_body["sponsored"]
    assert [s["headline"] for s in sponsored] == ["キズナゲームス公式サポート"]
    assert any(r["title"] == "ニンテンドーDS好き集まれ！" for r in res.json_body["results"])
