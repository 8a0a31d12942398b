"""Diary entries: visibility members, friends or private, enforced on every read path."""

from __future__ import annotations

import pytest
from content_helpers import befriend, comment, ids, write_diary


@pytest.fixture
def diarist(api, new_member):
    """An author with one entry of each visibility, a friend and a stranger."""
    author, friend, stranger = new_member(display_name="日記書き"), new_member(), new_member()
    befriend(api, author, friend)
    entries = {v: write_diary(api, author, v, title=f"{v}向けの日記")["id"] for v in ("members", "friends", "private")}
    return author, friend, stranger, entries


def readable_through_every_path(api, reader, author, post_id) -> list[bool]:
    listed = post_id in ids(api.call("GET", f"/members/{author.handle}/diary", token=reader.token).json_body)
    got = api.call("GET", f"/posts/{post_id}", token=reader.token).status_code
    comments = api.call("GET", f"/posts/{post_id}/comments", token=reader.token).status_code
    commented = comment(api, reader, post_id).status_code
    assert got in (200, 404) and comments in (200, 404) and commented in (201, 404)
    return [listed, got == 200, comments == 200, commented == 201]


def test_diary_entry_round_trips_japanese(api, new_member):
    m = new_member()
    entry = write_diary(api, m, "members", title="初めての日記📔")
    assert entry["kind"] == "diary" and entry["visibility"] == "members" and entry["community"] is None
    got = api.call("GET", f"/posts/{entry['id']}", token=m.token).json_body
    assert (got["title"], got["body"]) == ("初めての日記📔", "渋谷で友達とラーメンを食べた。")


def test_members_entry_is_readable_by_every_member(api, diarist):
    author, friend, stranger, entries = diarist
    for reader in (author, friend, stranger):
        assert readable_through_every_path(api, reader, author, entries["members"]) == [True] * 4


def test_friends_only_entry_is_404_for_non_friends_on_every_path(api, diarist):
    author, friend, stranger, entries = diarist
    assert readable_through_every_path(api, stranger, author, entries["friends"]) == [False] * 4
    assert readable_through_every_path(api, friend, author, entries["friends"]) == [True] * 4
    assert readable_through_every_path(api, author, author, entries["friends"]) == [True] * 4


def test_private_entry_is_only_for_its_author_on_every_path(api, diarist):
    author, friend, stranger, entries = diarist
    for reader in (friend, stranger):
        assert readable_through_every_path(api, reader, author, entries["private"]) == [False] * 4
    assert readable_through_every_path(api, author, author, entries["private"]) == [True] * 4


def test_hidden_entries_cannot_be_edited_or_deleted_and_look_missing(api, diarist):
    _, friend, stranger, entries = diarist
    for reader in (friend, stranger):
        for method, body in (("PATCH", {"title": "書き換え"}), ("DELETE", None)):
            res = api.call(method, f"/posts/{entries['private']}", body, token=reader.token)
            assert res.status_code == 404
            assert res.json_body == api.call(method, "/posts/does-not-exist", body, token=reader.token).json_body
    # a friend may read a friends-only entry, but not edit it
    assert api.call("PATCH", f"/posts/{entries['friends']}", {"title": "x"}, token=friend.token).status_code == 403


def test_diary_list_is_newest_first_and_pages(api, new_member):
    m = new_member()
    made = [write_diary(api, m, "members", title=f"{i}日目")["id"] for i in range(3)]
    first = api.call("GET", f"/members/{m.handle}/diary?limit=2", token=m.token).json_body
    second = api.call(
        "GET", f"/members/{m.handle}/diary?limit=2&cursor={first['next_cursor']}", token=m.token
    ).json_body
    assert ids(first) + ids(second) == list(reversed(made))


def test_changing_visibility_moves_the_entry_between_audiences(api, diarist):
    author, friend, stranger, entries = diarist
    pid = entries["members"]
    res = api.call("PATCH", f"/posts/{pid}", {"visibility": "private"}, token=author.token)
    assert res.status_code == 200 and res.json_body["visibility"] == "private"
    assert readable_through_every_path(api, stranger, author, pid)[:2] == [False, False]
    assert readable_through_every_path(api, friend, author, pid)[:2] == [False, False]
    api.call("PATCH", f"/posts/{pid}", {"visibility": "friends"}, token=author.token)
    assert readable_through_every_path(api, friend, author, pid)[:2] == [True, True]
    assert readable_through_every_path(api, stranger, author, pid)[:2] == [False, False]


def test_unfriending_hides_friends_only_entries_again(api, diarist):
    author, friend, _, entries = diarist
    api.call("DELETE", f"/friends/{friend.handle}", token=author.token)
    assert readable_through_every_path(api, friend, author, entries["friends"]) == [False] * 4


def test_diary_of_unknown_or_withdrawn_member_is_404(api, new_member):
    reader, leaver = new_member(), new_member()
    write_diary(api, leaver, "members")
    api.call("DELETE", "/me", token=leaver.token)
    assert api.call("GET", f"/members/{leaver.handle}/diary", token=reader.token).status_code == 404
    assert api.call("GET", "/members/nobody_here/diary", token=reader.token).status_code == 404


def test_bad_diary_input_is_rejected(api, new_member):
    m = new_member()
    for body in ({"title": "t", "body": "b", "visibility": "public"}, {"title": "t", "body": ""}, {"body": "b"}):
        res = api.call("POST", "/diary", body, token=m.token)
        assert res.status_code == 400, body
    assert api.call("GET", f"/members/{m.handle}/diary", token=m.token).json_body["items"] == []
    assert api.call("GET", f"/members/{m.handle}/diary?limit=0", token=m.token).status_code == 400
