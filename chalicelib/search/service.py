"""Use case of search: one page of what the caller may read, ranked, with marked snippets."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from msgspec import Struct

from chalicelib.communities.models import Community
from chalicelib.kernel import NO_LIMITS, Caller, RateLimiter
from chalicelib.pagination import CursorCodec, invalid_cursor
from chalicelib.placements.models import SponsoredOut
from chalicelib.posts.models import Post
from chalicelib.search import query as build
from chalicelib.search.models import ResultCommunity, SearchPage, SearchResult
from chalicelib.search.ports import FriendIds, ItemCheck, SearchIndex, SponsoredPlacements
from chalicelib.search.query import SearchType

log = logging.getLogger(__name__)

#: Friends whose friends-only posts a search may return (the filter is a terms clause).
FRIENDS_CAP = 1000
#: Re-fetches with a larger page when earlier-shown hits crowd out the new ones.
FETCH_ROUNDS = 4
#: Hits fetched (and re-checked) beyond ``limit + 1``, so that a few the check drops do not shorten the page.
CHECK_SPARE = 4

Checked = dict[str, SearchResult | None]


class Reader(Struct, frozen=True):
    """One search's reader: who reads, their friends now, and what of the query to mark."""

    member_id: str
    friends: frozenset[str]
    marks: build.Marks


#: Runs the sponsored step beside the friends read and the organic search: a few round trips to
#: DynamoDB, the index and the ranking Lambda that need nothing from them (threads: it is all I/O).
#: One pool per process, shared by every request (a Lambda keeps it between invocations).
BESIDE = ThreadPoolExecutor(max_workers=16, thread_name_prefix="search-beside")


def readable(post: Post, caller_id: str, friend_ids: frozenset[str]) -> bool:
    """Whether the caller may read ``post`` as it is now: the posts domain's rule, with the friends known."""
    return post.readable_by(caller_id, lambda: post.author_id in friend_ids)


def result(
    hit: Mapping[str, Any],
    post: Post | None = None,
    community: Community | None = None,
    marks: build.Marks = build.NO_MARKS,
) -> SearchResult:
    """A hit as a result; with the current ``post`` (and its community) or ``community``, as they are now.

    The snippet is always the index's highlight; the title is the current one. ``marks``: what of
    the query to mark where the engine could not (``query.query_marks``).
    """
    source = hit.get("_source") or {}
    kind = source.get("type", "post")
    title = str(source.get("title") or "")
    company_name: str | None = source.get("company_name")
    if kind == "post":
        community_id = post.community_id if post else source.get("community_id")
        name = (community.name if community else post.community_name if post else source.get("community_name")) or ""
        # A post is official where its community is (posts carry the community's company_id).
        official = bool(post.company_id if post else source.get("company_id"))
        title = post.title if post else title
        if community:
            company_name = community.company_name
        return SearchResult(
            type="post",
            id=str(source.get("id")),
            title=title,
            title_highlight=build.title_highlight(hit, title, marks),
            snippet=build.snippet(hit, marks),
            community=ResultCommunity(id=community_id, name=name) if community_id else None,
            official=official,
            company_name=company_name if official else None,
        )
    official = community.official if community else bool(source.get("official"))
    if community:
        title, company_name = community.name, community.company_name
    return SearchResult(
        type=kind,
        id=str(source.get("id")),
        title=title,
        title_highlight=build.title_highlight(hit, title, marks),
        snippet=build.snippet(hit, marks),
        community=None,
        official=official,
        company_name=company_name if official else None,
    )


def total_of(response: Mapping[str, Any]) -> int | None:
    """The index's count of matches (``hits.total``, a number or ``{value, relation}``), if it gave one."""
    total = (response.get("hits") or {}).get("total")
    if isinstance(total, dict):
        total = total.get("value")
    return int(total) if isinstance(total, int) else None


class SearchService:
    """Searches the index with the caller's visibility in the query."""

    def __init__(
        self,
        index: SearchIndex,
        friends: FriendIds,
        cursors: CursorCodec,
        placements: SponsoredPlacements | None = None,
        *,
        limiter: RateLimiter = NO_LIMITS,
        check: ItemCheck | None = None,
    ):
        self.index = index
        #: Re-reads the hits' items from DynamoDB (None: the index is trusted, as in unit tests of paging).
        self.check = check
        self.limiter = limiter
        self.friends = friends
        self.cursors = cursors
        self.placements = placements

    def _sponsored(self, caller: Caller, q: str) -> list[SponsoredOut]:
        """The first page's sponsored placements; a failing auction never fails the search."""
        if self.placements is None:
            return []
        try:
            return [SponsoredOut.of(s) for s in self.placements.sponsored(caller, q)]
        except Exception:
            log.exception("sponsored placements failed; searching without them")
            return []

    @staticmethod
    def _scope(caller: Caller, q: str, search_type: str, community_id: str | None = None) -> str:
        # One search of one member: another query, type, community or member's cursor is refused.
        if community_id:  # "search@" never begins a scope without a community (ids have no "@" or ":")
            return f"search@{community_id}:{caller.member_id}:{search_type}:{q}"
        return f"search:{caller.member_id}:{search_type}:{q}"

    def _after(self, scope: str, cursor: str | None) -> tuple[float, str] | None:
        position = self.cursors.decode(scope, cursor)
        if position is None:
            return None
        try:
            return float(position["s"]), str(position["id"])
        except (KeyError, TypeError, ValueError):
            raise invalid_cursor() from None

    def _check(self, hits: list[Mapping[str, Any]], checked: Checked, reader: Reader) -> None:
        """Record each hit's result as the caller may read it now (None: not readable), one batch read for all."""
        if self.check is None:
            checked.update({build.position(h)[1]: result(h, marks=reader.marks) for h in hits})
            return
        sources = [(h, h.get("_source") or {}) for h in hits]
        post_ids = {str(s.get("id")) for _, s in sources if s.get("type") == "post"}
        community_ids = {str(s.get("id")) for _, s in sources if s.get("type") == "community"}
        # The community of an official post names its company (one more key in the same read).
        community_ids |= {str(s["community_id"]) for _, s in sources if s.get("company_id") and s.get("community_id")}
        posts, communities = self.check.current(sorted(post_ids), sorted(community_ids))
        for hit, source in sources:
            item_id = str(source.get("id"))
            found: SearchResult | None
            if source.get("type") == "post":
                post = posts.get(item_id)
                ok = post is not None and readable(post, reader.member_id, reader.friends)
                community = communities.get(post.community_id or "") if post else None
                found = result(hit, post, community, reader.marks) if post and ok else None
            elif source.get("type") == "community":
                community = communities.get(item_id)
                found = result(hit, community=community, marks=reader.marks) if community else None
            else:
                found = result(hit, marks=reader.marks)
            checked[build.position(hit)[1]] = found

    def _survivors(
        self, fresh: list[Mapping[str, Any]], want: int, checked: Checked, reader: Reader
    ) -> list[tuple[Mapping[str, Any], SearchResult]]:
        """The first ``want`` readable hits of ``fresh`` in rank order, checking only as far as needed."""
        survivors: list[tuple[Mapping[str, Any], SearchResult]] = []
        at = 0
        while at < len(fresh) and len(survivors) < want:
            window = fresh[at : at + want - len(survivors) + CHECK_SPARE]
            self._check([h for h in window if build.position(h)[1] not in checked], checked, reader)
            for hit in window:
                at += 1
                found = checked[build.position(hit)[1]]
                if found is not None:
                    survivors.append((hit, found))
                    if len(survivors) == want:
                        break
        return survivors

    def search(
        self,
        caller: Caller,
        q: str,
        search_type: SearchType,
        cursor: str | None,
        limit: int,
        community_id: str | None = None,
    ) -> SearchPage:
        """One page of results for ``q``; only what the caller may read now (every page counts as a search).

        The index finds and ranks; DynamoDB decides: the hits of the page are re-read in one batch and
        those the caller may no longer read (deleted, banned author, held, re-scoped diary, gone community)
        are dropped before the page is filled, whatever the index lag. The cursor is the last shown hit.
        """
        self.limiter.hit(caller, "search")  # before any port: a refused search costs no reads
        scope = self._scope(caller, q, search_type, community_id)
        after = self._after(scope, cursor)
        # Only a first page that may be shown gets placements (after the limit and the cursor passed):
        # the auction runs while the friends are read and the organic page is found and checked,
        # and never fails the search.
        auction = BESIDE.submit(self._sponsored, caller, q) if after is None else None
        friend_ids = self.friends.friend_ids(caller.member_id, FRIENDS_CAP)
        reader = Reader(caller.member_id, frozenset(friend_ids), build.query_marks(q))
        want = limit + 1
        fetch = want + (CHECK_SPARE if self.check is not None else 0)
        checked: Checked = {}
        fresh: list[Mapping[str, Any]] = []
        survivors: list[tuple[Mapping[str, Any], SearchResult]] = []
        total: int | None = None
        exhausted = True
        for _ in range(FETCH_ROUNDS):
            body = build.search_body(
                q, search_type, caller.member_id, friend_ids, fetch, after, community_id=community_id
            )
            response = self.index.search(body)
            hits = response["hits"]["hits"]
            total = total_of(response)
            fresh = [h for h in hits if not build.already_shown(h, after)]
            survivors = self._survivors(fresh, want, checked, reader)
            exhausted = len(hits) < fetch
            if len(survivors) >= want or exhausted:
                break
            fetch *= 4
        page = survivors[:limit]
        next_cursor = None
        last: Mapping[str, Any] | None = None
        if len(survivors) > limit:
            last = page[-1][0]
        elif not exhausted and fresh:
            # Every round was crowded out (ties, or hits the caller may not read): go on after all of them.
            last = fresh[-1]
        if last is not None:
            score, doc_id = build.position(last)
            next_cursor = self.cursors.encode(scope, {"s": score, "id": doc_id})
        if total is not None:  # the index counted what the check dropped
            total = max(0, total - sum(1 for found in checked.values() if found is None))
        sponsored = auction.result() if auction is not None else []
        return SearchPage(
            query=q, total=total, sponsored=sponsored, results=[r for _, r in page], next_cursor=next_cursor
        )
