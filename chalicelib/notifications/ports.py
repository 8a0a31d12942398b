"""What notifications need from storage and from other domains (implemented in ``chalicelib.adapters``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from chalicelib.companies.models import Company
from chalicelib.kernel import Caller
from chalicelib.notifications.models import FeedEntry, Notification
from chalicelib.pagination import Slice
from chalicelib.posts.models import PostOut


class NotificationStore(Protocol):
    def deliver(self, notifications: Sequence[Notification]) -> None:
        """Write each one unless it is there already (a replay keeps its read state)."""

    def add_to_feeds(self, entry: FeedEntry, member_ids: Sequence[str]) -> None:
        """Put a friend's diary entry into each member's feed (idempotent)."""

    def list(self, member_id: str, limit: int, cursor: str | None) -> Slice[Notification]:
        """A member's notifications, newest first."""

    def unread(self, member_id: str, cap: int) -> int:
        """How many are unread, counted up to ``cap``."""

    def mark_read(self, member_id: str, ids: Sequence[str] | None, cap: int) -> None:
        """Mark the named ones (or, with None, up to ``cap`` unread ones) read; unknown ids are ignored."""

    def feed(self, member_id: str, limit: int, cursor: str | None) -> Slice[str]:
        """The post ids in a member's friends' diary feed, newest first."""


class Recipients(Protocol):
    """Who hears of a notice addressed indirectly."""

    def post_author(self, post_id: str) -> tuple[str, str, str | None, str | None] | None:
        """A post's (author id, title, community id, company id); None when it is gone."""

    def staff_ids(self, company_id: str) -> list[str]: ...

    def member_id(self, handle: str) -> str | None: ...

    def friend_ids(self, member_id: str) -> Sequence[str]:
        """The member's friends (capped by the store)."""


class ReadablePosts(Protocol):
    """The posts domain's own reading rule, applied to a page of the feed."""

    def readable_many(self, caller: Caller, post_ids: Sequence[str]) -> list[PostOut]:
        """Those of the posts that the caller may read now, in the given order."""


class CompanyNames(Protocol):
    """The companies a page of notifications names (``companies.ports.CompanyStore`` has it)."""

    def get(self, company_id: str) -> Company | None: ...
