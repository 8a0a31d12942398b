"""SearchService over in-memory ports: the request it sends, the results, paging with cursors, sponsored."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

import pytest

from chalicelib import errors
from chalicelib.communities.models import Community
from chalicelib.kernel import Caller
from chalicelib.pagination import CursorCodec
from chalicelib.placements.models import Campaign, Keyword, Sponsored, Target
from chalicelib.posts.models import Post
from chalicelib.search.query import POST, PRE, SearchType, word_match
from chalicelib.search.service import CHECK_SPARE, FETCH_ROUNDS, SearchService
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


class FakeCheck:
    """DynamoDB as it is now: the posts and communities that exist; records each batch read."""

    def __init__(self, *items: Post | Community) -> None:
        self.posts = {i.id: i for i in items if isinstance(i, Post)}
        self.communities = {i.id: i for i in items if isinstance(i, Community)}
        self.reads: list[tuple[list[str], list[str]]] = []

    def current(
        self, post_ids: Collection[str], community_ids: Collection[str]
    ) -> tuple[dict[str, Post], dict[str, Community]]:
        self.reads.append((list(post_ids), list(community_ids)))
        return (
            {i: self.posts[i] for i in post_ids if i in self.posts},
            {i: self.communities[i] for i in community_ids if i in self.communities},
        )


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
    check: FakeCheck | None = None,
) -> SearchService:
    return SearchService(index, friends or FakeFriends(), CursorCodec(b"test-key"), placements, check=check)


def a_post(post_id: str, author: str = BOB.id, **fields: Any) -> Post:
    """A post as DynamoDB has it now (a members-only topic unless ``fields`` say otherwise)."""
    values: dict[str, Any] = {
        "kind": "topic",
        "author_handle": "bob",
        "title": "A title",
        "body": "A body",
        "visibility": "members",
        "community_id": None,
        "community_name": None,
        "company_id": None,
        "status": None,
        "created_at": T0,
        "updated_at": T0,
        **fields,
    }
    return Post(id=post_id, author_id=author, **values)


def a_community(community_id: str, name: str = "Games", company: tuple[str, str] | None = None) -> Community:
    company_id, company_name = company or (None, None)
    return Community(community_id, name, "About games", "games", BOB.id, "bob", company_id, company_name, 3, T0)


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


# --- the re-check against DynamoDB --------------------------------------------------------------


def ranked(*ids: str) -> FakeIndex:
    """Posts ``ids`` in that rank order."""
    return FakeIndex(*(post_hit(i, float(len(ids) - n)) for n, i in enumerate(ids)))


def test_what_dynamodb_no_longer_lets_the_caller_read_never_appears() -> None:
    index = ranked("gone", "banned", "held", "private", "friends", "ok", "mine-held", "mine-private")
    check = FakeCheck(
        a_post("banned", author_hidden=True),
        a_post("held", held=True),
        a_post("private", kind="diary", visibility="private"),
        a_post("friends", kind="diary", visibility="friends"),
        a_post("ok"),
        a_post("mine-held", ALICE.id, held=True),
        a_post("mine-private", ALICE.id, kind="diary", visibility="private"),
    )
    page = search(service(index, check=check), limit=10)
    assert [r.id for r in page.results] == ["ok", "mine-held", "mine-private"]
    assert check.reads == [(["banned", "friends", "gone", "held", "mine-held", "mine-private", "ok", "private"], [])]


def test_a_friends_only_entry_is_read_by_the_authors_friends() -> None:
    index = ranked("f")
    check = FakeCheck(a_post("f", kind="diary", visibility="friends"))
    assert [r.id for r in search(service(index, friends=FakeFriends(BOB.id), check=check)).results] == ["f"]
    assert search(service(index, check=check)).results == []


def test_a_banned_authors_own_post_is_hidden_from_them_too() -> None:
    check = FakeCheck(a_post("p", ALICE.id, author_hidden=True))
    assert search(service(ranked("p"), check=check)).results == []


def test_a_community_that_no_longer_exists_never_appears() -> None:
    index = FakeIndex(community_hit("c-gone", 2.0), community_hit("c-here", 1.0))
    check = FakeCheck(a_community("c-here", "Games (renamed)"))
    page = search(service(index, check=check), limit=5)
    assert [(r.id, r.title) for r in page.results] == [("c-here", "Games (renamed)")]
    assert check.reads == [([], ["c-gone", "c-here"])]


def test_the_page_is_filled_from_the_spare_hits_and_the_next_page_continues_after_the_last_shown() -> None:
    index = ranked("p0", "gone", "p2", "p3", "p4", "p5")
    check = FakeCheck(*(a_post(f"p{i}") for i in (0, 2, 3, 4, 5)))
    s = service(index, check=check)
    first = search(s, limit=2)
    assert [r.id for r in first.results] == ["p0", "p2"]
    assert index.bodies[0]["size"] == 2 + 1 + CHECK_SPARE
    assert len(check.reads) == 1  # one batch read for the page
    second = search(s, cursor=first.next_cursor, limit=2)
    assert [r.id for r in second.results] == ["p3", "p4"]
    third = search(s, cursor=second.next_cursor, limit=2)
    assert ([r.id for r in third.results], third.next_cursor) == (["p5"], None)


def test_when_the_window_is_mostly_unreadable_the_index_is_asked_for_more() -> None:
    ids = [f"h{i:02}" for i in range(10)] + ["p1", "p2", "p3"]
    index = ranked(*ids)
    check = FakeCheck(*(a_post(i) for i in ("p1", "p2", "p3")))
    page = search(service(index, check=check), limit=2)
    assert [r.id for r in page.results] == ["p1", "p2"]
    assert page.next_cursor is not None
    assert [b["size"] for b in index.bodies] == [7, 28]
    # Each item is read once per page, however many rounds.
    read = [i for posts, _ in check.reads for i in posts]
    assert sorted(read) == sorted(set(read))


def test_after_every_round_of_unreadable_hits_the_cursor_goes_on_past_them() -> None:
    hidden = [f"h{i:04}" for i in range(1000)]
    index = ranked(*hidden, "p1")
    check = FakeCheck(a_post("p1"))
    s = service(index, check=check)
    page = search(s, limit=1)
    # Rounds of 6, 24, 96 and 384 hits, all unreadable: an empty page that goes on after them.
    assert page.results == [] and page.next_cursor is not None
    assert len(index.bodies) == FETCH_ROUNDS
    pages = [page]
    while pages[-1].next_cursor is not None and len(pages) < 10:
        pages.append(search(s, cursor=pages[-1].next_cursor, limit=1))
    assert [r.id for p in pages for r in p.results] == ["p1"]
    assert pages[-1].next_cursor is None


def test_the_total_leaves_out_what_the_check_dropped() -> None:
    class Counting(FakeIndex):
        def search(self, body: dict[str, Any]) -> dict[str, Any]:
            response = super().search(body)
            response["hits"]["total"] = {"value": 3, "relation": "eq"}
            return response

    index = Counting(post_hit("p1", 2.0), post_hit("gone", 1.0), post_hit("p2", 0.5))
    page = search(service(index, check=FakeCheck(a_post("p1"), a_post("p2"))), limit=5)
    assert page.total == 2


def test_results_carry_the_current_title_the_index_highlight_of_it_or_the_query_words_in_it() -> None:
    same = post_hit("same", 2.0, title="<DS> tips")
    same["highlight"] = {"title": [f"<{PRE}DS{POST}> tips"]}
    edited = post_hit("edited", 1.0, title="Old DS title")
    edited["highlight"] = {"title": [f"Old {PRE}DS{POST} title"]}
    check = FakeCheck(a_post("same", title="<DS> tips"), a_post("edited", title="New <i>DS</i> title"))
    page = search(service(FakeIndex(same, edited), check=check), limit=5)
    assert [(r.title, r.title_highlight) for r in page.results] == [
        ("<DS> tips", "&lt;<mark>DS</mark>&gt; tips"),
        # edited since it was indexed: the index's marks belong to the old title; the query's word is marked
        ("New <i>DS</i> title", "New &lt;i&gt;<mark>DS</mark>&lt;/i&gt; title"),
    ]


def test_without_a_title_highlight_the_title_is_escaped_whole() -> None:
    long_title = "x" * 150 + " & <y>"
    page = search(service(FakeIndex(post_hit("p", title=long_title))))
    assert page.results[0].title_highlight == "x" * 150 + " &amp; &lt;y&gt;"


def test_official_results_name_their_company() -> None:
    inquiry = post_hit("q1", 3.0, community=("c-off", "Kizuna official"))
    inquiry["_source"]["company_id"] = "co-1"
    index = FakeIndex(inquiry, post_hit("chat", 2.0, community=("c-plain", "Chat")), community_hit("c-off", 1.0))
    check = FakeCheck(
        a_post("q1", kind="inquiry", community_id="c-off", community_name="Kizuna official", company_id="co-1"),
        a_post("chat", community_id="c-plain", community_name="Chat"),
        a_community("c-off", "Kizuna official", company=("co-1", "キズナゲームス株式会社")),
    )
    page = search(service(index, check=check), limit=5)
    assert [(r.id, r.official, r.company_name) for r in page.results] == [
        ("q1", True, "キズナゲームス株式会社"),
        ("chat", False, None),
        ("c-off", True, "キズナゲームス株式会社"),
    ]
    assert check.reads == [(["chat", "q1"], ["c-off"])]  # the official post's community is in the same read


# --- one community --------------------------------------------------------------------------


def test_a_community_search_filters_on_the_community_and_has_its_own_cursors() -> None:
    index = ranked("p0", "p1", "p2")
    s = service(index)
    page = s.search(caller_of(ALICE), "ds", "all", None, 1, "c1")
    assert {"term": {"community_id": "c1"}} in query_bool(index.bodies[0])["filter"]
    assert s.search(caller_of(ALICE), "ds", "all", page.next_cursor, 1, "c1").results[0].id == "p1"
    for other in ("c2", None):
        with pytest.raises(errors.InvalidInput) as exc:
            s.search(caller_of(ALICE), "ds", "all", page.next_cursor, 1, other)
        assert exc.value.code == "invalid_cursor"
    unscoped = search(s, limit=1).next_cursor
    with pytest.raises(errors.InvalidInput):
        s.search(caller_of(ALICE), "ds", "all", unscoped, 1, "c1")
    assert not any(f.get("term", {}).get("community_id") for f in query_bool(index.bodies[-1])["filter"])
