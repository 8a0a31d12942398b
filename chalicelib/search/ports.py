"""What the search use case needs from the outside world (implemented in ``chalicelib.adapters``)."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any, Protocol

from chalicelib.communities.models import Community
from chalicelib.kernel import Caller
from chalicelib.placements.models import Sponsored
from chalicelib.posts.models import Post
from chalicelib.search.documents import Change


class SearchIndex(Protocol):
    """The read model in OpenSearch."""

    def search(self, body: dict[str, Any]) -> dict[str, Any]: ...


class IndexWriter(Protocol):
    """Writing changes into the read model (the stream indexer)."""

    def apply(self, changes: list[Change]) -> set[str]:
        """Write the changes; the doc ids that failed (to be retried)."""
        ...


class ItemCheck(Protocol):
    """The items behind a page of hits as they are now in DynamoDB (the source of truth, not the index)."""

    def current(
        self, post_ids: Collection[str], community_ids: Collection[str]
    ) -> tuple[dict[str, Post], dict[str, Community]]:
        """The posts and communities that exist, by id (strongly consistent reads); a missing id is gone."""
        ...


class FriendIds(Protocol):
    """Whose friends-only posts the caller may find."""

    def friend_ids(self, member_id: str, cap: int = 1000) -> tuple[str, ...]: ...


class SponsoredPlacements(Protocol):
    """The auction above the first page (the placements domain)."""

    def sponsored(self, caller: Caller, q: str) -> list[Sponsored]: ...
