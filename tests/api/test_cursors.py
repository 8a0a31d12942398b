"""Every list route refuses every cursor but its own: another list's, another partition's, another member's.

A cursor is sealed with the list it was issued for (``chalicelib.pagination``), so a foreign one is
a 400 ``invalid_cursor`` before any store sees it: never a 500, never someone else's page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import pytest
from content_helpers import (
    campaign_body,
    comment,
    create_community,
    create_company,
    join,
    name_staff,
    post_topic,
    write_diary,
)

from chalicelib.http import ROUTES
from chalicelib.pagination import PageOf
from tests.conftest import marker

#: What the spam check holds (generic praise, a bookmark line, self-promotion): see tests/api/test_held.py.
HELD_COMMENT = "Great post! I will bookmark your site and share it with my friends. Visit my blog too!"


@dataclass(frozen=True)
class ListCall:
    """One list route, made concrete: the path to GET and whose token to send."""

    route: str
    path: str
    who: str


@pytest.fixture(scope="module")
def world(api, admin, new_member, indexed) -> dict[str, Any]:
    """Two or more items in every list, so that each one's first page (limit=1) has a next cursor."""
    owner, m1, m2, m3 = new_member(), new_member(), new_member(), new_member()
    company = create_company(api, admin, name="カーソル検査株式会社")
    assert name_staff(api, admin, company["id"], owner, "owner").status_code == 200
    official = create_community(api, owner, name="カーソル検査公式", company_id=company["id"])
    other = create_community(api, owner, name="カーソル検査その2")
    create_community(api, owner, name="カーソル検査公式の二つ目", company_id=company["id"])
    word = marker()
    for m in (m1, m2):
        join(api, m, official["id"])
        join(api, m, other["id"])
    inquiries = [post_topic(api, m, official["id"], title=f"{word} 質問 {m.handle}") for m in (m1, m2)]
    for m in (m1, m2):
        post_topic(api, m, other["id"], title=f"{word} 雑談 {m.handle}")
    for body in ("一つ目", "二つ目"):
        assert comment(api, m2, inquiries[0]["id"], body).status_code == 201
    for a, others in ((m1, (m2, m3)), (m2, (m1, m3))):  # m1 and m2 become friends
        for b in others:
            api.call("POST", f"/friends/{b.handle}", token=a.token)
    for m in (m1, m2):  # each one's two diary entries go to the other's feed
        for _ in range(2):
            write_diary(api, m, "members")
            assert api.call("POST", "/invites", {}, token=m.token).status_code == 201
    for post in inquiries:
        res = api.call("POST", "/reports", {"target_type": "post", "target_id": post["id"], "reason": "x"}, m3.token)
        assert res.status_code == 201, res.body
    for _ in range(2):  # two comments the spam check holds: the official community's review queue
        held = comment(api, m3, inquiries[1]["id"], HELD_COMMENT)
        assert held.status_code == 201 and held.json_body["held"], held.body
    for i in range(2):
        body = campaign_body({"type": "community", "id": official["id"]}, name=f"cursor {i}")
        res = api.call("POST", f"/companies/{company['id']}/campaigns", body, token=owner.token)
        assert res.status_code == 201, res.body
    # Two audit entries: a ban and its lift.
    audited = new_member()
    for action in ("ban", "unban"):
        res = api.call(
            "POST", f"/admin/members/{audited.handle}/{action}", {"reason": "cursor test"}, token=admin.token
        )
        assert res.status_code == 200, res.body
    indexed()
    people = {"owner": owner, "m1": m1, "m2": m2, "m3": m3, "admin": admin}
    cid, oid = official["id"], other["id"]
    lists = [
        ListCall("GET /invites", "/invites", "m1"),
        ListCall("GET /friends", "/friends", "m1"),
        ListCall("GET /communities", "/communities?sort=new", "m1"),
        ListCall("GET /communities/{community_id}/members", f"/communities/{cid}/members", "m1"),
        ListCall("GET /communities/{community_id}/posts", f"/communities/{cid}/posts", "m1"),
        ListCall("GET /members/{handle}/diary", f"/members/{m1.handle}/diary", "m1"),
        ListCall("GET /posts/{post_id}/comments", f"/posts/{inquiries[0]['id']}/comments", "m1"),
        ListCall("GET /companies/{company_id}/inbox", f"/companies/{company['id']}/inbox", "owner"),
        ListCall("GET /companies/{company_id}/campaigns", f"/companies/{company['id']}/campaigns", "owner"),
        ListCall("GET /admin/reports", "/admin/reports", "admin"),
        ListCall("GET /admin/held", "/admin/held", "admin"),
        ListCall("GET /admin/audit", "/admin/audit", "admin"),
        ListCall("GET /search", f"/search?q={quote(word)}", "m1"),
        # m2's two comments on m1's inquiry, and m1's friend request accepted
        ListCall("GET /notifications", "/notifications", "m1"),
        ListCall("GET /members/{handle}/friends", f"/members/{m1.handle}/friends", "m2"),  # admin (inviter), m2
        ListCall("GET /companies/{company_id}/communities", f"/companies/{company['id']}/communities", "m1"),
        ListCall("GET /diary/feed", "/diary/feed", "m1"),
        ListCall("GET /members/{handle}/communities", f"/members/{m1.handle}/communities", "m1"),
    ]
    # The same lists, for another member or another partition: their cursors must not open ours.
    twins = {
        "GET /invites": ListCall("GET /invites", "/invites", "m2"),
        "GET /friends": ListCall("GET /friends", "/friends", "m2"),
        "GET /members/{handle}/diary": ListCall("GET /members/{handle}/diary", f"/members/{m1.handle}/diary", "m2"),
        "GET /communities/{community_id}/members": ListCall(
            "GET /communities/{community_id}/members", f"/communities/{oid}/members", "m1"
        ),
        "GET /communities/{community_id}/posts": ListCall(
            "GET /communities/{community_id}/posts", f"/communities/{oid}/posts", "m1"
        ),
        "GET /search": ListCall("GET /search", f"/search?q={quote(word)}", "m2"),
        "GET /communities": ListCall("GET /communities", "/communities?sort=members", "m1"),
        "GET /admin/held": ListCall("GET /admin/held", f"/admin/held?community_id={cid}", "admin"),
        "GET /diary/feed": ListCall("GET /diary/feed", "/diary/feed", "m2"),
        "GET /notifications": ListCall("GET /notifications", "/notifications", "m3"),  # two friend requests
        "GET /members/{handle}/communities": ListCall(
            "GET /members/{handle}/communities", f"/members/{m2.handle}/communities", "m1"
        ),
    }
    return {"people": people, "lists": lists, "twins": twins}


def _get(api: Any, world: dict[str, Any], call: ListCall, cursor: str | None = None) -> Any:
    sep = "&" if "?" in call.path else "?"
    url = f"{call.path}{sep}limit=1" + (f"&cursor={quote(cursor)}" if cursor else "")
    return api.call("GET", url, token=world["people"][call.who].token)


def _first_cursor(api: Any, world: dict[str, Any], call: ListCall) -> str:
    res = _get(api, world, call)
    assert res.status_code == 200, (call, res.body)
    cursor = res.json_body["next_cursor"]
    assert cursor, f"{call.route} at {call.path} has one page only: the world needs more items"
    return str(cursor)


def test_every_paged_list_route_is_covered(world) -> None:
    paged = {f"{r.method} {r.path}" for r in ROUTES if r.method == "GET" and isinstance(r.response, PageOf)}
    assert paged | {"GET /search"} == {c.route for c in world["lists"]}


def test_each_list_accepts_its_own_cursor(api, world) -> None:
    for call in world["lists"]:
        res = _get(api, world, call, _first_cursor(api, world, call))
        assert res.status_code == 200, (call.route, res.body)


def test_a_cursor_from_any_other_list_is_invalid_cursor(api, world) -> None:
    cursors = {call.route: _first_cursor(api, world, call) for call in world["lists"]}
    for call in world["lists"]:
        for source, cursor in cursors.items():
            if source == call.route:
                continue
            res = _get(api, world, call, cursor)
            assert res.status_code == 400, (call.route, "fed the cursor of", source, res.status_code, res.body)
            assert res.json_body["error"]["code"] == "invalid_cursor", (call.route, source)


def test_a_cursor_of_another_member_or_partition_is_invalid_cursor(api, world) -> None:
    for call in world["lists"]:
        twin = world["twins"].get(call.route)
        if twin is None:
            continue
        res = _get(api, world, call, _first_cursor(api, world, twin))
        assert res.status_code == 400, (call.route, "fed the cursor of", twin, res.body)
        assert res.json_body["error"]["code"] == "invalid_cursor"


def test_forged_and_truncated_cursors_are_invalid_cursor(api, world) -> None:
    for call in world["lists"]:
        good = _first_cursor(api, world, call)
        for bad in ("garbage", good[:-3], good + "x", "e30." + good.split(".")[-1]):
            res = _get(api, world, call, bad)
            assert res.status_code == 400, (call.route, bad, res.body)
            assert res.json_body["error"]["code"] == "invalid_cursor"
