"""What the invitation use cases need from the outside world (implemented in ``chalicelib.adapters``)."""

from __future__ import annotations

from typing import Protocol

from chalicelib.invites.models import Invite
from chalicelib.pagination import Slice


class InviteStore(Protocol):
    """Invitation codes, taken from and given back to the inviter's quota."""

    def create(self, invite: Invite) -> None:
        """Store the invite and take one from the quota; Forbidden ``invite_quota_exhausted``."""
        ...

    def get(self, code: str) -> Invite | None: ...

    def list_by_inviter(self, inviter_id: str, limit: int, cursor: str | None) -> Slice[Invite]: ...

    def revoke(self, code: str, inviter_id: str) -> bool:
        """Revoke an unused code of the inviter and give the quota back; False if not revocable."""
        ...
