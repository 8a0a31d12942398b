"""Use cases of invitations: create within quota, list with status, revoke."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from chalicelib import errors
from chalicelib.invites.models import Invite
from chalicelib.members.credentials import new_secret_id
from chalicelib.members.models import Caller
from chalicelib.members.service import Clock, utcnow

if TYPE_CHECKING:
    from chalicelib.adapters.dynamodb import InviteStore


class InviteService:
    """Members invite others; each code is 128-bit random, single use and expires."""

    def __init__(self, invites: InviteStore, ttl_days: int, clock: Clock = utcnow):
        self.invites = invites
        self.ttl = timedelta(days=ttl_days)
        self.clock = clock

    def create(self, caller: Caller, note: str | None) -> Invite:
        now = self.clock()
        invite = Invite(
            code=new_secret_id(16),
            inviter_id=caller.member_id,
            inviter_handle=caller.handle,
            note=note,
            status="active",
            created_at=now,
            expires_at=now + self.ttl,
        )
        self.invites.create(invite)
        return invite

    def list(self, caller: Caller, limit: int, cursor: str | None) -> tuple[list[Invite], str | None]:
        return self.invites.list_by_inviter(caller.member_id, limit, cursor)

    def revoke(self, caller: Caller, code: str) -> None:
        """Revoke one's own unused code; someone else's code is a 404, a used one a 409."""
        invite = self.invites.get(code)
        if invite is None or invite.inviter_id != caller.member_id:
            raise errors.NotFound("No such invite.")
        if invite.status == "revoked":
            return
        if invite.status == "used" or not self.invites.revoke(code, caller.member_id):
            raise errors.Conflict("This invite has already been used.", code="invite_used")
