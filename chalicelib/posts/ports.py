"""What the post use cases need from the outside world (implemented in ``chalicelib.adapters``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Protocol

from chalicelib.communities.models import Community, Membership
from chalicelib.pagination import Slice
from chalicelib.posts.models import Comment, Post, SpamSubject, SpamVerdict


class PostStore(Protocol):
    """Posts and comments, with the counts that go with them.

    A held post or comment (``held``) is stored with its place in the review queue and counted
    nowhere (no post count, comment count, inquiry counter or inbox entry) until it is approved.
    """

    def create(self, post: Post) -> None: ...

    def get(self, post_id: str) -> Post | None: ...

    def get_many(self, post_ids: Sequence[str]) -> dict[str, Post]:
        """The posts that exist, by id (strongly consistent)."""

    def list_community(self, community_id: str, limit: int, cursor: str | None) -> Slice[Post]: ...

    def list_diary(self, author_id: str, audience: str, limit: int, cursor: str | None) -> Slice[Post]:
        """An author's entries that ``audience`` (all, friends, members) may read, newest first."""
        ...

    def update(self, post: Post, changes: dict[str, Any], now: datetime) -> Post:
        """Apply changes if the post is unchanged since read; Conflict ``edit_conflict``."""
        ...

    def delete(self, post: Post) -> bool:
        """Delete the post as read; False if it changed or is gone."""
        ...

    def add_comment(self, post: Post, comment: Comment, answers: bool) -> bool:
        """Store a comment (with ``answers``, the first official answer); False if the post changed."""
        ...

    def delete_comment(self, comment: Comment) -> bool: ...

    def update_comment(self, comment: Comment, body: str, now: datetime) -> Comment | None:
        """Its author's new text; None when the comment is gone meanwhile."""

    def get_comment(self, post_id: str, comment_id: str) -> Comment | None: ...

    def list_comments(self, post_id: str, limit: int, cursor: str | None) -> Slice[Comment]: ...

    def resolve(self, post: Post, comment_id: str) -> bool:
        """Mark an inquiry resolved if its status is still as read."""
        ...


class CommunityAccess(Protocol):
    """Where a post is written and who moderates there."""

    def get(self, community_id: str) -> Community | None: ...

    def membership(self, community_id: str, member_id: str) -> Membership | None: ...

    def moderates(self, community_id: str, member_id: str) -> bool: ...


class StaffCheck(Protocol):
    """Whether a member answers for a company (official comments, inquiries)."""

    def is_staff(self, company_id: str, member_id: str) -> bool: ...

    def website_hosts(self, company_id: str) -> tuple[str, ...]:
        """The host(s) of the company's website (links there are the company's own, never spam)."""
        ...


class FriendCheck(Protocol):
    """Whether two members are friends (friends-only diary entries)."""

    def are_friends(self, member_id: str, other_id: str) -> bool: ...


class SpamCheck(Protocol):
    """Scores a new post or comment: whether it is held for review, and why."""

    def check(self, subject: SpamSubject) -> SpamVerdict: ...
