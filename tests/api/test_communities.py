"""Communities: create, browse, join and leave with an exact member count, members, moderators."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from content_helpers import create_community, ids, join, synthetic_caller


def test_creator_owns_the_community_and_is_its_first_member(api, new_member):
    owner = new_member(display_name="DS部長")
    community = create_community(api, owner, name="ニンテンドーDS 同好会", description="タッチペンで語ろう✏️")
    assert community["name"] == "ニンテンドーDS 同好会"
    assert community["description"] == "タッチペンで語ろう✏️"
    assert community["member_count"] == 1
    assert community["official"] is False and community["company"] is None
    assert community["owner"] == {"handle": owner.handle, "display_name": "DS部長"}
    assert community["your_role"] == "owner"
    got = api.call("GET", f"/communities/{community['id']}", token=new_member().token).json_body
    assert got["name"] == "ニンテンドーDS 同好会" and got["your_role"] is None


def test_unknown_community_is_404(api, new_member):
    m = new_member()
    assert api.call("GET", "/communities/nope", token=m.token).status_code == 404
    assert api.call("PUT", "/communities/nope/membership", token=m.token).status_code == 404
    assert api.call("GET", "/communities/nope/members", token=m.token).status_code == 404


def test_join_and_leave_are_idempotent(api, new_member):
    owner, m = new_member(), new_member()
    cid = create_community(api, owner)["id"]
    assert join(api, m, cid)["member_count"] == 2
    assert join(api, m, cid)["member_count"] == 2
    assert join(api, m, cid)["your_role"] == "member"
    for _ in range(2):
        res = api.call("DELETE", f"/communities/{cid}/membership", token=m.token)
        assert res.status_code == 200 and res.json_body["member_count"] == 1
        assert res.json_body["your_role"] is None


def test_owner_cannot_leave_their_community(api, new_member):
    owner = new_member()
    cid = create_community(api, owner)["id"]
    res = api.call("DELETE", f"/communities/{cid}/membership", token=owner.token)
    assert res.status_code == 409 and res.json_body["error"]["code"] == "owner_cannot_leave"
    assert api.call("GET", f"/communities/{cid}", token=owner.token).json_body["member_count"] == 1


def test_members_are_listed_with_their_roles(api, new_member):
    owner, a, b = new_member(display_name="オーナー"), new_member(display_name="メンバーA"), new_member()
    cid = create_community(api, owner)["id"]
    join(api, a, cid)
    join(api, b, cid)
    page = api.call("GET", f"/communities/{cid}/members?limit=2", token=b.token).json_body
    rest = api.call("GET", f"/communities/{cid}/members?cursor={page['next_cursor']}", token=b.token).json_body
    roles = {m["handle"]: (m["role"], m["display_name"]) for m in page["items"] + rest["items"]}
    assert roles == {
        owner.handle: ("owner", "オーナー"),
        a.handle: ("member", "メンバーA"),
        b.handle: ("member", "テスト会員"),
    }


def test_owner_names_and_unnames_moderators(api, new_member):
    owner, m, other = new_member(), new_member(), new_member()
    cid = create_community(api, owner)["id"]
    join(api, m, cid)
    res = api.call("PUT", f"/communities/{cid}/moderators/{m.handle}", token=owner.token)
    assert res.status_code == 200 and res.json_body["role"] == "moderator"
    assert api.call("GET", f"/communities/{cid}", token=m.token).json_body["your_role"] == "moderator"
    res = api.call("DELETE", f"/communities/{cid}/moderators/{m.handle}", token=owner.token)
    assert res.status_code == 200 and res.json_body["role"] == "member"
    # only members can be named, and only by the owner
    assert api.call("PUT", f"/communities/{cid}/moderators/{other.handle}", token=owner.token).status_code == 404
    res = api.call("PUT", f"/communities/{cid}/moderators/{m.handle}", token=m.token)
    assert res.status_code == 403


def test_browse_by_category_sorted_by_members_or_newest(api, new_member):
    owner, fan1, fan2 = new_member(), new_member(), new_member()
    category = "anime_manga"
    small = create_community(api, owner, name="ひっそり語る会", category=category)["id"]
    big = create_community(api, owner, name="みんなで語る会", category=category)["id"]
    join(api, fan1, big)
    join(api, fan2, big)
    by_members = api.call("GET", f"/communities?category={category}&sort=members&limit=100", token=fan1.token)
    assert by_members.status_code == 200
    listed = ids(by_members.json_body)
    assert listed.index(big) < listed.index(small)
    assert all(c["category"] == category for c in by_members.json_body["items"])
    newest = ids(api.call("GET", f"/communities?category={category}&sort=new&limit=1", token=fan1.token).json_body)
    assert newest == [big]
    everything = api.call("GET", "/communities?sort=new&limit=2", token=fan1.token).json_body
    assert ids(everything) == [big, small]
    assert ids(api.call("GET", "/communities?category=&sort=new&limit=2", token=fan1.token).json_body) == [big, small]


def test_community_lists_page_with_cursor(api, new_member):
    owner = new_member()
    made = [create_community(api, owner, name=f"地元トーク{i}", category="local")["id"] for i in range(3)]
    first = api.call("GET", "/communities?category=local&sort=new&limit=2", token=owner.token).json_body
    second = api.call(
        "GET", f"/communities?category=local&sort=new&limit=2&cursor={first['next_cursor']}", token=owner.token
    ).json_body
    seen = ids(first) + ids(second)
    assert seen[:3] == list(reversed(made))
    assert len(seen) == len(set(seen))


def test_cursor_of_another_list_is_rejected(api, new_member):
    owner = new_member()
    create_community(api, owner, category="music")
    create_community(api, owner, category="music")
    cursor = api.call("GET", "/communities?category=music&sort=new&limit=1", token=owner.token).json_body["next_cursor"]
    for query in (f"category=books&sort=new&cursor={cursor}", f"category=music&sort=members&cursor={cursor}"):
        res = api.call("GET", f"/communities?{query}", token=owner.token)
        assert res.status_code == 400 and res.json_body["error"]["code"] == "invalid_cursor"


def test_bad_community_input_is_rejected_and_nothing_is_created(api, new_member):
    m = new_member()
    before = api.call("GET", "/stats", token=m.token).json_body["communities"]
    for body in (
        {"name": "", "category": "games"},
        {"name": "   ", "category": "games"},
        {"name": "DS", "category": "not-a-category"},
        {"name": "あ" * 51, "category": "games"},
        {"name": "DS", "category": "games", "official": True},
    ):
        res = api.call("POST", "/communities", body, token=m.token)
        assert res.status_code == 400, body
        assert res.json_body["error"]["details"], body
    assert api.call("GET", "/communities?category=nope", token=m.token).status_code == 400
    assert api.call("GET", "/communities?sort=oldest", token=m.token).status_code == 400
    assert api.call("GET", "/stats", token=m.token).json_body["communities"] == before


def test_stats_count_new_communities(api, new_member):
    m = new_member()
    before = api.call("GET", "/stats", token=m.token).json_body["communities"]
    create_community(api, m)
    assert api.call("GET", "/stats", token=m.token).json_body["communities"] == before + 1


def test_member_count_stays_exact_under_50_concurrent_joins_and_leaves(api, services, new_member):
    owner = new_member()
    cid = create_community(api, owner, name="大人気コミュ")["id"]
    callers = [synthetic_caller(i) for i in range(50)]
    owner_caller = synthetic_caller(50)
    svc = services.communities

    # every caller joins twice at once: 100 requests, 50 new members
    with ThreadPoolExecutor(max_workers=50) as pool:
        list(pool.map(lambda c: svc.join(c, cid), callers + callers))
    assert svc.get(owner_caller, cid).member_count == 51

    # half leave (twice each) while the other half join again (a no-op)
    leaving, staying = callers[:25], callers[25:]
    with ThreadPoolExecutor(max_workers=50) as pool:
        futures = [pool.submit(svc.leave, c, cid) for c in leaving + leaving]
        futures += [pool.submit(svc.join, c, cid) for c in staying]
        for f in futures:
            f.result()
    assert svc.get(owner_caller, cid).member_count == 26
    listed = svc.list_members(cid, 100, None)
    assert listed.next_cursor is None or not svc.list_members(cid, 100, listed.next_cursor).items
    assert len(listed.items) == 26
    assert api.call("GET", f"/communities/{cid}", token=owner.token).json_body["member_count"] == 26


def test_joining_or_leaving_a_community_that_does_not_exist_is_404(api, new_member):
    m = new_member()
    for method in ("PUT", "DELETE"):
        res = api.call(method, "/communities/no-such-community/membership", token=m.token)
        assert res.status_code == 404, (method, res.body)
        assert res.json_body["error"]["code"] == "not_found"
