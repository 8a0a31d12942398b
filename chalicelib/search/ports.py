"""What the search use case needs from the outside world (implemented in ``chalicelib.adapters``)."""

from __future__ import annotations

from typing import Any, Protocol

from chalicelib.kernel import Caller
from chalicelib.placements.models import Sponsored
from chalicelib.search.documents import Change


class SearchIndex(Protocol):
    """The read model in OpenSearch."""

    def search(self, body: dict[str, Any]) -> dict[str, Any]: ...


class IndexWriter(Protocol):
    """Writing changes into the read model (the stream indexer)."""

    def apply(self, changes: list[Change]) -> set[str]:
        """Write the changes; the doc ids that failed (to be retried)."""
        ...


class FriendIds(Protocol):
    """Whose friends-only posts the caller may find."""

    def friend_ids(self, member_id: str, cap: int = 1000) -> tuple[str, ...]: ...


class SponsoredPlacements(Protocol):
    """The auction above the first page (the placements domain)."""

    def sponsored(self, caller: Caller, q: str) -> list[Sponsored]: ...
