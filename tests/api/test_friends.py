"""Friend links ("my mixi"): request, accept by requesting back, list, remove."""

from __future__ import annotations


def states(api, member) -> dict[str, str]:
    return {f["handle"]: f["state"] for f in api.call("GET", "/friends", token=member.token).json_body["items"]}


def test_request_then_request_back_makes_friends(api, new_member):
    a, b = new_member(), new_member()
    res = api.call("POST", f"/friends/{b.handle}", token=a.token)
    assert res.status_code == 200 and res.json_body["state"] == "requested"
    assert states(api, b)[a.handle] == "pending"
    res = api.call("POST", f"/friends/{a.handle}", token=b.token)
    assert res.json_body["state"] == "friends"
    assert states(api, a)[b.handle] == "friends" and states(api, b)[a.handle] == "friends"


def test_requesting_twice_is_idempotent(api, new_member):
    a, b = new_member(), new_member()
    api.call("POST", f"/friends/{b.handle}", token=a.token)
    assert api.call("POST", f"/friends/{b.handle}", token=a.token).json_body["state"] == "requested"
    assert states(api, b)[a.handle] == "pending"


def test_list_filters_by_state(api, new_member):
    a, b, c = new_member(), new_member(), new_member()
    api.call("POST", f"/friends/{b.handle}", token=a.token)
    api.call("POST", f"/friends/{a.handle}", token=b.token)
    api.call("POST", f"/friends/{c.handle}", token=a.token)
    items = api.call("GET", "/friends?state=friends", token=a.token).json_body["items"]
    assert b.handle in [f["handle"] for f in items] and c.handle not in [f["handle"] for f in items]
    assert api.call("GET", "/friends?state=bogus", token=a.token).status_code == 400


def test_removing_ends_the_link_on_both_sides(api, new_member):
    a, b = new_member(), new_member()
    api.call("POST", f"/friends/{b.handle}", token=a.token)
    api.call("POST", f"/friends/{a.handle}", token=b.token)
    assert api.call("DELETE", f"/friends/{a.handle}", token=b.token).status_code == 204
    assert b.handle not in states(api, a) and a.handle not in states(api, b)


def test_declining_a_request(api, new_member):
    a, b = new_member(), new_member()
    api.call("POST", f"/friends/{b.handle}", token=a.token)
    assert api.call("DELETE", f"/friends/{a.handle}", token=b.token).status_code == 204
    assert b.handle not in states(api, a)


def test_cannot_befriend_yourself_or_a_stranger_who_does_not_exist(api, new_member):
    a = new_member()
    assert api.call("POST", f"/friends/{a.handle}", token=a.token).status_code == 400
    assert api.call("POST", "/friends/nobody_at_all", token=a.token).status_code == 404


def test_withdrawn_member_leaves_every_friend_list(api, new_member):
    a, b = new_member(), new_member()
    api.call("POST", f"/friends/{b.handle}", token=a.token)
    api.call("POST", f"/friends/{a.handle}", token=b.token)
    api.call("DELETE", "/me", token=b.token)
    assert b.handle not in states(api, a)
    assert api.call("POST", f"/friends/{b.handle}", token=a.token).status_code == 404
