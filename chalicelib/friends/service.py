"""Use cases of friend links: request, accept by requesting back, list, remove."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib import errors
from chalicelib.friends.models import Friendship
from chalicelib.members.models import WITHDRAWN_NAME, Caller, Member
from chalicelib.members.service import Clock, active_member, utcnow

if TYPE_CHECKING:
    from chalicelib.adapters.dynamodb import FriendStore, MemberStore


class FriendService:
    """Mutual links: A asks B (A requested, B pending); B asks A back and both are friends."""

    def __init__(self, friends: FriendStore, members: MemberStore, clock: Clock = utcnow):
        self.friends = friends
        self.members = members
        self.clock = clock

    def _other(self, caller: Caller, handle: str) -> Member:
        other = active_member(self.members, handle)
        if other.id == caller.member_id:
            raise errors.InvalidInput("You cannot befriend yourself.", code="self_friendship")
        return other

    def request(self, caller: Caller, handle: str) -> tuple[Friendship, str]:
        """Send a request, or accept theirs; idempotent when already requested or friends."""
        other = self._other(caller, handle)
        current = self.friends.get(caller.member_id, other.id)
        if current is not None and current.state in ("requested", "friends"):
            return current, other.display_name
        mine, theirs = ("friends", "friends") if current is not None else ("requested", "pending")
        self.friends.link((caller.member_id, caller.handle), (other.id, other.handle), mine, theirs, self.clock())
        link = self.friends.get(caller.member_id, other.id)
        assert link is not None
        return link, other.display_name

    def remove(self, caller: Caller, handle: str) -> None:
        """Unfriend, cancel a request or decline one; idempotent."""
        other = self._other(caller, handle)
        self.friends.unlink(caller.member_id, other.id)

    def list(
        self, caller: Caller, state: str | None, limit: int, cursor: str | None
    ) -> tuple[list[tuple[Friendship, str]], str | None]:
        """Links with the other member's current display name."""
        links, next_cursor = self.friends.list(caller.member_id, state, limit, cursor)
        names = self.members.get_many(f.other_id for f in links)
        return [
            (f, names[f.other_id].display_name if f.other_id in names else WITHDRAWN_NAME) for f in links
        ], next_cursor
