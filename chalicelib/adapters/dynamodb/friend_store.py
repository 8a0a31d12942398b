"""DynamoDB store of friend links: both directions of every link, kept in step by transactions."""

from __future__ import annotations

import itertools
from datetime import datetime

from pynamodb.exceptions import DoesNotExist

from chalicelib.adapters.dynamodb.base import Store, Transaction
from chalicelib.adapters.dynamodb.tables import FriendshipItem
from chalicelib.friends.models import Friendship
from chalicelib.pagination import Slice


def _friendship(item: FriendshipItem) -> Friendship:
    return Friendship(
        member_id=item.member_id,
        other_id=item.other_id,
        other_handle=item.other_handle,
        state=item.state,  # type: ignore[arg-type]
        since=item.since,
    )


class FriendStore(Store):
    """Each link is two items, one per side, written and removed together."""

    def get(self, member_id: str, other_id: str) -> Friendship | None:
        """``member_id``'s side of the link with ``other_id``."""
        try:
            return _friendship(FriendshipItem.get(member_id, other_id, consistent_read=True))
        except DoesNotExist:
            return None

    def state(self, member_id: str, other_id: str) -> str | None:
        """The link as ``member_id`` sees it: requested (sent), pending (received), friends, or None."""
        found = self.get(member_id, other_id)
        return found.state if found else None

    def are_friends(self, member_id: str, other_id: str) -> bool:
        """Whether the two are friends (both asked)."""
        link = self.get(member_id, other_id)
        return link is not None and link.state == "friends"

    def link(self, me: tuple[str, str], other: tuple[str, str], my_state: str, their_state: str, now: datetime) -> None:
        """Write both sides: ``me`` and ``other`` are (id, handle)."""

        def write(tx: Transaction) -> None:
            tx.save(FriendshipItem(me[0], other[0], other_handle=other[1], state=my_state, since=now, version=1))
            tx.save(FriendshipItem(other[0], me[0], other_handle=me[1], state=their_state, since=now, version=1))

        self.transact(write)

    def unlink(self, member_id: str, other_id: str) -> None:
        """Remove both sides of a link (nothing when there is none)."""

        def write(tx: Transaction) -> None:
            tx.delete(FriendshipItem(member_id, other_id))
            tx.delete(FriendshipItem(other_id, member_id))

        self.transact(write)

    def list(self, member_id: str, state: str | None, limit: int, cursor: str | None) -> Slice[Friendship]:
        """A member's links, optionally in one state."""
        return self.page(
            f"friends:{member_id}:{state or 'all'}",
            FriendshipItem.query,
            _friendship,
            cursor,
            limit,
            hash_key=member_id,
            filter_condition=(FriendshipItem.state == state) if state else None,
        )

    def friend_ids(self, member_id: str, cap: int = 1000) -> tuple[str, ...]:
        """The ids of a member's friends, at most ``cap`` of them (the search visibility filter)."""
        links = FriendshipItem.query(
            member_id, filter_condition=FriendshipItem.state == "friends", page_size=min(cap, 1000)
        )
        return tuple(link.other_id for link in itertools.islice(links, cap))

    def unlink_all(self, member_id: str) -> None:
        """Remove every link of a member, both sides (on withdrawal or ban)."""
        others = [f.other_id for f in FriendshipItem.query(member_id)]
        with FriendshipItem.batch_write() as batch:
            for other in others:
                batch.delete(FriendshipItem(member_id, other))
                batch.delete(FriendshipItem(other, member_id))
