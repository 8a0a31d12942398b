"""Notifications and the friends' diary feed, end to end: writes -> the real stream handler -> the API.

``indexed()`` drains DynamoDB Local's streams through ``chalicelib.streams.handler.handle``, which
feeds both the search index and the notifier, as the stream Lambda does in AWS.
"""

from __future__ import annotations

from typing import Any

from content_helpers import befriend, comment, create_community, join, make_advertiser, post_topic, write_diary


def notifications(api: Any, member: Any, **q: Any) -> list[dict[str, Any]]:
    query = "&".join(f"{k}={v}" for k, v in q.items())
    res = api.call("GET", f"/notifications?{query}", token=member.token)
    assert res.status_code == 200, res.body
    return list(res.json_body["items"])


def unread(api: Any, member: Any) -> int:
    return int(api.call("GET", "/notifications/unread", token=member.token).json_body["count"])


def test_a_comment_notifies_the_author_once_even_when_the_stream_is_replayed(api, new_member, indexed):
    alice, bob = new_member(), new_member(display_name="ボブ")
    community = create_community(api, alice, name="通知テスト")
    join(api, bob, community["id"])
    topic = post_topic(api, alice, community["id"], title="<b>ラーメン</b>の話")
    comment(api, bob, topic["id"])
    comment(api, alice, topic["id"], body="自分のコメントは通知されない")
    indexed()
    indexed()

    items = notifications(api, alice)
    assert [(n["kind"], n["post_id"], n["title"]) for n in items] == [("comment", topic["id"], "<b>ラーメン</b>の話")]
    assert items[0]["actor"] == {"handle": bob.handle, "display_name": "ボブ"} and items[0]["read"] is False
    assert items[0]["company"] is None  # only official answers and inquiries name a company
    assert unread(api, alice) == 1
    assert notifications(api, bob) == []


def test_marking_read_by_id_or_all_clears_the_badge_and_only_ones_own(api, new_member, indexed):
    alice, bob, carol = new_member(), new_member(), new_member()
    for other in (bob, carol):  # two friend requests to alice
        assert api.call("POST", f"/friends/{alice.handle}", token=other.token).status_code == 200
    indexed()
    items = notifications(api, alice)
    assert sorted(n["kind"] for n in items) == ["friend_request", "friend_request"]
    assert {n["actor"]["handle"] for n in items} == {bob.handle, carol.handle}

    other = api.call("POST", "/notifications/read", {"ids": [items[0]["id"]]}, token=bob.token)
    assert other.status_code == 200 and unread(api, alice) == 2  # bob cannot mark alice's
    res = api.call("POST", "/notifications/read", {"ids": [items[0]["id"]]}, token=alice.token)
    assert res.status_code == 200 and res.json_body == {"count": 1}
    assert [n["read"] for n in notifications(api, alice)] == [True, False] or [
        n["read"] for n in notifications(api, alice)
    ] == [False, True]
    assert api.call("POST", "/notifications/read", {"all": True}, token=alice.token).json_body == {"count": 0}
    assert all(n["read"] for n in notifications(api, alice))

    for bad in ({}, {"ids": [], "all": True}, {"ids": ["x" * 201]}, {"all": "yes"}, {"ids": ["a"] * 101}):
        res = api.call("POST", "/notifications/read", bad, token=alice.token)
        assert res.status_code == 400, bad


def test_accepting_a_request_tells_the_one_who_asked(api, new_member, indexed):
    alice, bob = new_member(), new_member()
    api.call("POST", f"/friends/{bob.handle}", token=alice.token)
    api.call("POST", f"/friends/{alice.handle}", token=bob.token)  # accepts
    indexed()
    assert [(n["kind"], n["actor"]["handle"]) for n in notifications(api, alice)] == [("friend_accepted", bob.handle)]
    assert [n["kind"] for n in notifications(api, bob)] == ["friend_request"]


def test_an_invitee_joining_tells_the_inviter(api, new_member, indexed):
    alice = new_member()
    invitee = new_member(inviter=alice, display_name="招待された人")
    indexed()
    joined = [n for n in notifications(api, alice) if n["kind"] == "invitee_joined"]
    assert [n["actor"]["handle"] for n in joined] == [invitee.handle]


def test_an_inquiry_tells_the_staff_and_the_official_answer_tells_the_asker(api, admin, new_member, indexed):
    shop = make_advertiser(api, admin, new_member)
    customer = new_member()
    join(api, customer, shop.community["id"])
    inquiry = post_topic(api, customer, shop.community["id"], title="保証について")
    indexed()
    (asked,) = [n for n in notifications(api, shop.owner) if n["kind"] == "new_inquiry"]
    assert asked["company"] == {"id": shop.company["id"], "name": shop.company["name"]}
    answer = comment(api, shop.agent, inquiry["id"], body="保証は一年です。")
    assert answer.status_code == 201 and answer.json_body["official"] is True
    indexed()
    answers = [n for n in notifications(api, customer) if n["kind"] == "official_answer"]
    assert [(n["post_id"], n["title"], n["company_id"]) for n in answers] == [
        (inquiry["id"], "保証について", shop.company["id"])
    ]
    # The asker hears it from the company (the staff member who wrote it is the actor).
    assert answers[0]["company"] == {"id": shop.company["id"], "name": shop.company["name"]}


def test_friends_see_new_diary_entries_in_their_feed_as_they_may_read_them(api, new_member, indexed):
    alice, bob, stranger = new_member(), new_member(), new_member()
    befriend(api, alice, bob)
    for_friends = write_diary(api, alice, "friends", title="友人への日記")
    write_diary(api, alice, "private", title="自分だけ")
    for_members = write_diary(api, alice, "members", title="みんなへの日記")
    indexed()

    feed = api.call("GET", "/diary/feed", token=bob.token).json_body
    assert [p["id"] for p in feed["items"]] == [for_members["id"], for_friends["id"]]
    assert api.call("GET", "/diary/feed", token=stranger.token).json_body["items"] == []
    # Made private afterwards: gone from the feed at once (the feed re-reads each entry).
    api.call("PATCH", f"/posts/{for_friends['id']}", {"visibility": "private"}, token=alice.token)
    feed = api.call("GET", "/diary/feed?limit=1", token=bob.token).json_body
    assert [p["id"] for p in feed["items"]] == [for_members["id"]] and feed["next_cursor"]
    rest = api.call("GET", f"/diary/feed?limit=1&cursor={feed['next_cursor']}", token=bob.token).json_body
    assert rest["items"] == []
