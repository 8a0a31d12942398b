"""SearchService over in-memory ports: the request it sends, the results, paging with cursors, sponsored."""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib import errors
from chalicelib.kernel import Caller
from chalicelib.pagination import CursorCodec
from chalicelib.placements.models import Campaign, Keyword, Sponsored, Target
from chalicelib.search.query import POST, PRE, SearchType, word_match
from chalicelib.search.service import SearchService
from tests.unit.fakes import T0, caller_of, member

ALICE = member("alice")
BOB = member("bob")

# --- fakes of the search ports -----------------------------------------------------------------


class FakeIndex:
    """Hits in rank order (score desc, doc_id asc); honours ``size`` and ``search_after``, nothing else."""

    def __init__(self, *hits: dict[str, Any]) -> None:
        self.hits = sorted(hits, key=lambda h: (-h["sort"][0], h["sort"][1]))
        self.bodies: list[dict[str, Any]] = []

    def search(self, body: dict[str, Any]) -> dict[str, Any]:
        self.bodies.append(body)
        hits = self.hits
        if "search_after" in body:
            score, doc_id = body["search_after"]
            hits = [h for h in hits if (-h["sort"][0], h["sort"][1]) > (-score, doc_id)]
        return {"hits": {"hits": hits[: body["size"]]}}


class FakeFriends:
    def __init__(self, *friend_ids: str) -> None:
        self.ids = tuple(friend_ids)

    def friend_ids(self, member_id: str, cap: int = 1000) -> tuple[str, ...]:
        return self.ids


class FakePlacements:
    def __init__(self, *placements: Sponsored, fails: bool = False) -> None:
        self.placements = list(placements)
        self.fails = fails
        self.asked: list[tuple[str, str]] = []

    def sponsored(self, caller: Caller, q: str) -> list[Sponsored]:
        self.asked.append((caller.member_id, q))
        if self.fails:
            raise RuntimeError("the ranking Lambda timed out")
        return self.placements


# --- helpers -----------------------------------------------------------------------------------


def post_hit(
    post_id: str,
    score: float = 1.0,
    *,
    title: str = "A title",
    body: str = "A body",
    community: tuple[str, str] | None = None,
    highlight: str | None = None,
) -> dict[str, Any]:
    source: dict[str, Any] = {"type": "post", "id": post_id, "title": title, "body": body}
    if community:
        source["community_id"], source["community_name"] = community
    hit: dict[str, Any] = {"_source": source, "sort": [score, f"post#{post_id}"]}
    if highlight is not None:
        hit["highlight"] = {"body": [highlight]}
    return hit


def community_hit(community_id: str, score: float = 1.0, name: str = "Games") -> dict[str, Any]:
    source = {"type": "community", "id": community_id, "title": name, "body": "About games"}
    return {"_source": source, "sort": [score, f"community#{community_id}"]}


def sponsored(ad_id: str = "ad-1") -> Sponsored:
    c = Campaign(
        ad_id,
        "co-1",
        "Nintendo",
        "Winter",
        Target("community", "com-1"),
        "Buy a DS",
        "Cheap.",
        [Keyword("ds", "broad", 50)],
        [],
        1000,
        "active",
        T0,
        T0,
    )
    return Sponsored(c, "broad:ds", 1, 10, token=f"token-{ad_id}")


def service(
    index: FakeIndex,
    placements: FakePlacements | None = None,
    friends: FakeFriends | None = None,
) -> SearchService:
    return SearchService(index, friends or FakeFriends(), CursorCodec(b"test-key"), placements)


def query_bool(body: dict[str, Any]) -> dict[str, Any]:
    return body["query"]["function_score"]["query"]["bool"]  # type: ignore[no-any-return]


def search(s: SearchService, q: str = "ds", t: SearchType = "all", cursor: str | None = None, limit: int = 2) -> Any:
    return s.search(caller_of(ALICE), q, t, cursor, limit)


# --- the request -------------------------------------------------------------------------------


def test_the_request_carries_the_callers_friends_and_hides_banned_authors() -> None:
    index = FakeIndex()
    search(service(index, friends=FakeFriends("f2", "f1")), "nintendo ds", "posts")
    [body] = index.bodies
    q = query_bool(body)
    assert q["must"] == [word_match("nintendo"), word_match("ds")]
    assert q["filter"][0] == {"terms": {"type": ["post"]}}
    readable = q["filter"][1]["bool"]["should"]
    assert {"term": {"author_id": ALICE.id}} in readable
    assert {"bool": {"filter": [{"term": {"visibility": "friends"}}, {"terms": {"author_id": ["f1", "f2"]}}]}} in (
        readable
    )
    # A ban marks the author's documents hidden; no list of bans is read per search.
    assert q["must_not"] == [{"term": {"hidden": True}}]
    assert body["size"] == 3  # one more than the page, to know whether there is a next one
    assert "search_after" not in body


# --- results -----------------------------------------------------------------------------------


def test_results_show_the_marked_snippet_and_the_posts_community() -> None:
    index = FakeIndex(
        post_hit("p1", 3.0, title="<DS> tips", community=("c1", "Games"), highlight=f"new {PRE}DS{POST} & <b>"),
        post_hit("p2", 2.0, body="My <diary> entry"),
        community_hit("c2", 1.0, name="DS fans"),
    )
    page = search(service(index), limit=5)
    results = [
        (r.type, r.id, r.title, r.snippet, r.community and (r.community.id, r.community.name)) for r in page.results
    ]
    assert results == [
        ("post", "p1", "<DS> tips", "new <mark>DS</mark> &amp; &lt;b&gt;", ("c1", "Games")),
        ("post", "p2", "A title", "My &lt;diary&gt; entry", None),
        ("community", "c2", "DS fans", "About games", None),
    ]
    assert page.query == "ds"
    assert page.next_cursor is None


def test_there_is_a_next_cursor_only_when_more_hits_than_the_limit() -> None:
    two = FakeIndex(post_hit("p1", 2.0), post_hit("p2", 1.0))
    assert search(service(two), limit=2).next_cursor is None
    three = FakeIndex(post_hit("p1", 3.0), post_hit("p2", 2.0), post_hit("p3", 1.0))
    page = search(service(three), limit=2)
    assert [r.id for r in page.results] == ["p1", "p2"]
    assert page.next_cursor is not None


def test_the_next_page_continues_after_the_last_result() -> None:
    index = FakeIndex(*(post_hit(f"p{i}", 10.0 - i) for i in range(5)))
    s = service(index)
    first = search(s)
    second = search(s, cursor=first.next_cursor)
    third = search(s, cursor=second.next_cursor)
    assert [[r.id for r in p.results] for p in (first, second, third)] == [["p0", "p1"], ["p2", "p3"], ["p4"]]
    assert third.next_cursor is None
    assert "search_after" in index.bodies[1]


def test_ties_across_pages_are_neither_repeated_nor_skipped() -> None:
    index = FakeIndex(*(post_hit(f"p{i}", 1.0) for i in range(7)))
    s = service(index)
    seen, cursor = [], None
    for _ in range(10):
        page = search(s, cursor=cursor)
        seen += [r.id for r in page.results]
        cursor = page.next_cursor
        if cursor is None:
            break
    assert seen == [f"p{i}" for i in range(7)]


@pytest.mark.parametrize(
    ("q", "search_type", "who"),
    [("other query", "all", ALICE), ("ds", "posts", ALICE), ("ds", "all", BOB)],
)
def test_a_cursor_of_another_search_is_invalid(q: str, search_type: SearchType, who: Any) -> None:
    index = FakeIndex(*(post_hit(f"p{i}", 10.0 - i) for i in range(5)))
    s = service(index)
    cursor = search(s, "ds", "all").next_cursor
    with pytest.raises(errors.InvalidInput) as exc:
        s.search(caller_of(who), q, search_type, cursor, 2)
    assert exc.value.code == "invalid_cursor"
    assert len(index.bodies) == 1


def test_a_tampered_cursor_is_invalid() -> None:
    index = FakeIndex(*(post_hit(f"p{i}", 10.0 - i) for i in range(5)))
    s = service(index)
    cursor = search(s).next_cursor
    assert cursor is not None
    with pytest.raises(errors.InvalidInput) as exc:
        search(s, cursor=cursor[:-2] + ("AA" if not cursor.endswith("AA") else "BB"))
    assert exc.value.code == "invalid_cursor"


def test_a_cursor_of_another_key_is_invalid() -> None:
    index = FakeIndex(*(post_hit(f"p{i}", 10.0 - i) for i in range(5)))
    theirs = SearchService(index, FakeFriends(), CursorCodec(b"other-key"))
    cursor = search(theirs).next_cursor
    with pytest.raises(errors.InvalidInput):
        search(service(index), cursor=cursor)


# --- sponsored placements ----------------------------------------------------------------------


def test_sponsored_placements_are_on_the_first_page_only() -> None:
    index = FakeIndex(*(post_hit(f"p{i}", 10.0 - i) for i in range(5)))
    placements = FakePlacements(sponsored("ad-1"))
    s = service(index, placements)
    first = search(s, "Nintendo DS")
    [ad] = first.sponsored
    assert (ad.ad_id, ad.headline, ad.company.name, ad.target.id, ad.label, ad.click_token) == (
        "ad-1",
        "Buy a DS",
        "Nintendo",
        "com-1",
        "Sponsored",
        "token-ad-1",
    )
    assert placements.asked == [(ALICE.id, "Nintendo DS")]
    second = search(s, "Nintendo DS", cursor=first.next_cursor)
    assert second.sponsored == []
    assert len(placements.asked) == 1


def test_a_failing_auction_never_fails_the_search() -> None:
    index = FakeIndex(post_hit("p1"))
    placements = FakePlacements(fails=True)
    page = search(service(index, placements))
    assert page.sponsored == []
    assert [r.id for r in page.results] == ["p1"]
    assert placements.asked == [(ALICE.id, "ds")]


def test_without_a_placements_port_there_is_nothing_sponsored() -> None:
    assert search(service(FakeIndex(post_hit("p1")))).sponsored == []
