"""What the membership use cases need from the outside world (implemented in ``chalicelib.adapters``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from chalicelib.invites.models import Invite
from chalicelib.kernel import Member, MemberDirectory
from chalicelib.members.models import SiteTotals


class MemberStore(MemberDirectory, Protocol):
    """Members and their handles."""

    def create(self, member: Member) -> None:
        """Create a member without an invite; Conflict ``handle_taken``."""
        ...

    def signup(self, member: Member, invite: Invite, now: datetime) -> None:
        """Create a member, use up the invite and befriend the inviter, all or nothing."""
        ...

    def update_profile(self, member: Member, changes: dict[str, Any]) -> Member:
        """Apply changes if the member is unchanged since read; Conflict ``edit_conflict``."""
        ...

    def set_password(self, member: Member, password_hash: str) -> bool:
        """A new password hash, if the member is active and unchanged since read; False otherwise."""

    def end_membership(self, member_id: str, status: str) -> bool:
        """Withdraw an active member; False if not active."""
        ...

    def totals(self) -> SiteTotals: ...


class SessionStore(Protocol):
    """Server-side sessions behind the bearer tokens."""

    def create(self, session_id: str, member_id: str, expires_at: datetime) -> None: ...

    def live_member(self, session_id: str, member_id: str, now: datetime) -> Member | None:
        """The member behind a live session of theirs, or None."""
        ...

    def delete(self, session_id: str) -> None: ...

    def delete_all(self, member_id: str, keep: str | None = None) -> int:
        """End every session of a member but ``keep``; how many ended."""
        ...


class InviteLookup(Protocol):
    """Reading the invite a signup presents."""

    def get(self, code: str) -> Invite | None: ...


class LoginAttempts(Protocol):
    """Failed logins in a window, per (handle, source address) and per source address.

    An attempt is counted as a failure *before* its password is checked, and handed back when it
    was right: so attempts made in parallel can never check more passwords than the limit allows.
    """

    def begin(self, handle: str, address: str, now: datetime) -> int:
        """Count one attempt of the handle from the address, and of the address, unless either has
        reached its limit in the current window: then the seconds until that window ends, and
        nothing is counted. 0: counted, check the password."""
        ...

    def succeeded(self, handle: str, address: str) -> None:
        """The attempt begun was right: forget the handle's failures from the address and give the
        address its attempt back (the address's earlier failures stay)."""
        ...


class FriendLinks(Protocol):
    """Friend links as members see them: a profile's relation, and what ending a membership does."""

    def unlink_all(self, member_id: str) -> None: ...

    def state(self, member_id: str, other_id: str) -> str | None:
        """The link as ``member_id`` sees it: requested (sent), pending (received), friends, or None."""


class CompanyNames(Protocol):
    """The names of verified companies, which no member may take as a display name."""

    def is_company_name(self, name: str) -> bool:
        """Whether a verified company is called ``name`` (compared as ``members.models.name_key``)."""
        ...


class Tokens(Protocol):
    """Signing and checking bearer tokens."""

    def issue(self, member_id: str, session_id: str, now: datetime | None = None) -> tuple[str, datetime]: ...

    def verify(self, token: str) -> dict[str, Any]:
        """The claims of a valid token, or Unauthenticated."""
        ...


class BanExpiry(Protocol):
    """Moderation: lifting a time-limited ban that has ended."""

    def lift_if_ended(self, member: Member) -> Member | None:
        """The member made active again if their ban has ended, else None."""
        ...


class _NoBanExpiry:
    def lift_if_ended(self, member: Member) -> Member | None:
        return None


NO_BAN_EXPIRY: BanExpiry = _NoBanExpiry()
