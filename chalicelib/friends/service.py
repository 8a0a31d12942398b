"""Use cases of friend links: request, accept by requesting back, list, remove."""

from __future__ import annotations

from chalicelib import errors
from chalicelib.friends.models import FriendOut
from chalicelib.friends.ports import FriendStore
from chalicelib.kernel import (
    NO_LIMITS,
    Caller,
    Clock,
    Member,
    MemberDirectory,
    RateLimiter,
    active_member,
    member_refs,
    member_views,
    utcnow,
)
from chalicelib.pagination import Page


class FriendService:
    """Mutual links: A asks B (A requested, B pending); B asks A back and both are friends."""

    def __init__(
        self, friends: FriendStore, members: MemberDirectory, clock: Clock = utcnow, *, limiter: RateLimiter = NO_LIMITS
    ):
        self.friends = friends
        self.limiter = limiter
        self.members = members
        self.clock = clock

    def _other(self, caller: Caller, handle: str) -> Member:
        other = active_member(self.members, handle)
        if other.id == caller.member_id:
            raise errors.InvalidInput("You cannot befriend yourself.", code="self_friendship")
        return other

    def request(self, caller: Caller, handle: str) -> FriendOut:
        """Send a request, or accept theirs; idempotent when already requested or friends."""
        self.limiter.hit(caller, "friend_request")
        other = self._other(caller, handle)
        current = self.friends.get(caller.member_id, other.id)
        if current is not None and current.state in ("requested", "friends"):
            return FriendOut.of(current, other.display_name)
        mine, theirs = ("friends", "friends") if current is not None else ("requested", "pending")
        self.friends.link((caller.member_id, caller.handle), (other.id, other.handle), mine, theirs, self.clock())
        link = self.friends.get(caller.member_id, other.id)
        if link is None:  # unlinked by the other side in between: as if they declined at once
            raise errors.Conflict("The link changed meanwhile; retry.", code="edit_conflict")
        return FriendOut.of(link, other.display_name)

    def remove(self, caller: Caller, handle: str) -> None:
        """Unfriend, cancel a request or decline one; idempotent."""
        other = self._other(caller, handle)
        self.friends.unlink(caller.member_id, other.id)

    def friends_of(self, handle: str, limit: int, cursor: str | None) -> Page[FriendOut]:
        """A member's friends (マイミク), as a profile shows them to any member; requests stay private."""
        member = active_member(self.members, handle)
        found = self.friends.list(member.id, "friends", limit, cursor)
        refs, banned = member_views(self.members, (f.other_id for f in found.items))
        return Page[FriendOut](
            items=[FriendOut.of(f, refs[f.other_id].display_name) for f in found.items if f.other_id not in banned],
            next_cursor=found.next_cursor,
        )

    def list(self, caller: Caller, state: str | None, limit: int, cursor: str | None) -> Page[FriendOut]:
        """The caller's links with the other member's current display name."""
        found = self.friends.list(caller.member_id, state, limit, cursor)
        refs = member_refs(self.members, (f.other_id for f in found.items))
        return Page[FriendOut](
            items=[FriendOut.of(f, refs[f.other_id].display_name) for f in found.items],
            next_cursor=found.next_cursor,
        )
