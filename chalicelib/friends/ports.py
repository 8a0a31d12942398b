"""What the friend-link use cases need from the outside world (implemented in ``chalicelib.adapters``)."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from chalicelib.friends.models import Friendship
from chalicelib.pagination import Slice


class FriendStore(Protocol):
    """Both sides of every link, written and removed together."""

    def get(self, member_id: str, other_id: str) -> Friendship | None: ...

    def link(self, me: tuple[str, str], other: tuple[str, str], my_state: str, their_state: str, now: datetime) -> None:
        """Write both sides; ``me`` and ``other`` are (id, handle)."""
        ...

    def unlink(self, member_id: str, other_id: str) -> None: ...

    def list(self, member_id: str, state: str | None, limit: int, cursor: str | None) -> Slice[Friendship]: ...
