"""What the moderation use cases need from the outside world and the other domains."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from chalicelib.kernel import Caller, Member
from chalicelib.moderation.models import AuditEntry, Ban, Report, Resolution
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
    """Banning the member a report accuses (the next step of their ladder)."""

    def ban_member(self, caller: Caller, member_id: str, reason: str) -> None: ...


class Moderators(Protocol):
    """Who moderates a community."""

    def moderates(self, community_id: str, member_id: str) -> bool: ...


class BanStore(Protocol):
    """Bans in force and each member's standing (the members table and the list of bans)."""

    def ban(self, member: Member, ban: Ban) -> bool:
        """Mark the member, active as read, banned; False if they are no longer active."""
        ...

    def lift(self, member_id: str) -> bool:
        """Make a banned member active again; False if they are not banned."""
        ...

    def charge_inviter(self, inviter_id: str, revoke_after: int | None) -> Member | None:
        """Count a ban among the inviter's invitees: one invite less, and at ``revoke_after`` bans
        (None: never) no right to invite; the inviter as now, or None if unknown."""
        ...

    def restore_invite_rights(self, member_id: str) -> bool:
        """Give an inviter back the right to invite; False if unknown."""
        ...

    def ended(self, now: datetime) -> list[str]:
        """The ids of members whose time-limited ban has ended by ``now``."""
        ...


class AuthoredPosts(Protocol):
    """The posts domain's storage: hiding an author's posts everywhere, and showing them again."""

    def hide_author(self, author_id: str, hidden: bool) -> int:
        """Mark every post of the author hidden (or not); how many posts changed."""
        ...


class SessionEnd(Protocol):
    def delete_all(self, member_id: str) -> int: ...


class Invitees(Protocol):
    """Who joined with a member's invites."""

    def invitee_handles(self, inviter_id: str, cap: int) -> list[str]:
        """Handles of the members who signed up with the inviter's codes (at most ``cap``)."""
        ...


class AuditLog(Protocol):
    """The append-only log of moderation actions."""

    def record(self, entry: AuditEntry) -> None: ...

    def newest(self, limit: int, cursor: str | None) -> Slice[AuditEntry]: ...


class Audit(Protocol):
    """Writing one audit entry: ``audit(caller, action, target_type, target_id, reason, **details)``."""

    def __call__(
        self, caller: Caller, action: str, target_type: str, target_id: str, reason: str | None = None, **details: Any
    ) -> None: ...


class _NoAudit:
    def __call__(
        self, caller: Caller, action: str, target_type: str, target_id: str, reason: str | None = None, **details: Any
    ) -> None:
        return None


NO_AUDIT: Audit = _NoAudit()
