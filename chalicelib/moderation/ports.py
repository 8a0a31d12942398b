"""What the moderation use cases need from the outside world and the other domains."""

from __future__ import annotations

from typing import Protocol

from chalicelib.kernel import Caller
from chalicelib.moderation.models import Report, Resolution
from chalicelib.pagination import Slice
from chalicelib.posts.models import Comment, Post


class ReportStore(Protocol):
    """Reports, the one-open-report-per-reporter reservations and the queues."""

    def create(self, report: Report) -> bool:
        """Store an open report; False when the reporter already has one open on the target."""
        ...

    def get(self, report_id: str) -> Report | None: ...

    def open_ids(self, target_key: str) -> list[str]: ...

    def resolve(self, report: Report, resolution: Resolution) -> Report | None:
        """Resolve an open report; None if it was no longer open."""
        ...

    def reopen(self, report: Report, resolution: Resolution) -> None: ...

    def by_status(self, status: str, limit: int, cursor: str | None) -> Slice[Report]: ...

    def by_community(self, community_id: str, status: str, limit: int, cursor: str | None) -> Slice[Report]: ...


class Content(Protocol):
    """The posts domain: what a member may read, and removing reported content."""

    def readable_post(self, caller: Caller, post_id: str) -> Post: ...

    def readable_comment(self, caller: Caller, post_id: str, comment_id: str) -> tuple[Post, Comment]: ...

    def remove_reported(self, caller: Caller, post_id: str) -> None: ...

    def remove_reported_comment(self, caller: Caller, post_id: str, comment_id: str) -> None: ...


class Bans(Protocol):
    """The members domain: ending a member's membership."""

    def ban_id(self, member_id: str) -> None: ...


class Moderators(Protocol):
    """Who moderates a community."""

    def moderates(self, community_id: str, member_id: str) -> bool: ...
