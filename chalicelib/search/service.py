"""Use case of search: one page of what the caller may read, ranked, with marked snippets."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from chalicelib.kernel import NO_LIMITS, Caller, RateLimiter
from chalicelib.pagination import CursorCodec, invalid_cursor
from chalicelib.placements.models import SponsoredOut
from chalicelib.search import query as build
from chalicelib.search.models import ResultCommunity, SearchPage, SearchResult
from chalicelib.search.ports import FriendIds, SearchIndex, SponsoredPlacements
from chalicelib.search.query import SearchType

log = logging.getLogger(__name__)

#: Friends whose friends-only posts a search may return (the filter is a terms clause).
FRIENDS_CAP = 1000
#: Re-fetches with a larger page when earlier-shown hits crowd out the new ones.
FETCH_ROUNDS = 4


def result(hit: Mapping[str, Any]) -> SearchResult:
    source = hit.get("_source") or {}
    community = None
    if source.get("type") == "post" and source.get("community_id"):
        community = ResultCommunity(id=source["community_id"], name=source.get("community_name") or "")
    return SearchResult(
        type=source.get("type", "post"),
        id=str(source.get("id")),
        title=str(source.get("title") or ""),
        snippet=build.snippet(hit),
        community=community,
        # A community document says whether it is official; a post is official where its community is.
        official=bool(source.get("official")) or bool(source.get("type") == "post" and source.get("company_id")),
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
    ):
        self.index = index
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
    def _scope(caller: Caller, q: str, search_type: str) -> str:
        # One search of one member: another query, type or member's cursor is refused.
        return f"search:{caller.member_id}:{search_type}:{q}"

    def _after(self, scope: str, cursor: str | None) -> tuple[float, str] | None:
        position = self.cursors.decode(scope, cursor)
        if position is None:
            return None
        try:
            return float(position["s"]), str(position["id"])
        except (KeyError, TypeError, ValueError):
            raise invalid_cursor() from None

    def search(self, caller: Caller, q: str, search_type: SearchType, cursor: str | None, limit: int) -> SearchPage:
        """One page of results for ``q``; only what the caller may read (every page counts as a search)."""
        self.limiter.hit(caller, "search")
        scope = self._scope(caller, q, search_type)
        after = self._after(scope, cursor)
        friend_ids = self.friends.friend_ids(caller.member_id, FRIENDS_CAP)
        fetch = limit + 1
        fresh: list[Mapping[str, Any]] = []
        total: int | None = None
        for _ in range(FETCH_ROUNDS):
            body = build.search_body(q, search_type, caller.member_id, friend_ids, fetch, after)
            response = self.index.search(body)
            hits = response["hits"]["hits"]
            total = total_of(response)
            fresh = [h for h in hits if not build.already_shown(h, after)]
            if len(fresh) > limit or len(hits) < fetch:
                break
            fetch *= 4
        page = fresh[:limit]
        next_cursor = None
        if len(fresh) > limit and page:
            score, doc_id = build.position(page[-1])
            next_cursor = self.cursors.encode(scope, {"s": score, "id": doc_id})
        sponsored = self._sponsored(caller, q) if after is None else []
        return SearchPage(
            query=q, total=total, sponsored=sponsored, results=[result(h) for h in page], next_cursor=next_cursor
        )
