"""Use cases of invitations: create within quota, list with status, revoke."""

from __future__ import annotations

from datetime import timedelta

from chalicelib import errors
from chalicelib.invites.models import Invite, InviteOut
from chalicelib.invites.ports import InviteStore
from chalicelib.kernel import NO_LIMITS, Caller, Clock, RateLimiter, secret_token, utcnow
from chalicelib.pagination import Page


class InviteService:
    """Members invite others; each code is 128-bit random, single use and expires."""

    def __init__(
        self,
        invites: InviteStore,
        ttl_days: int,
        clock: Clock = utcnow,
        *,
        limiter: RateLimiter = NO_LIMITS,
        web_url: str = "",
    ):
        self.invites = invites
        self.web_url = web_url
        self.limiter = limiter
        self.ttl = timedelta(days=ttl_days)
        self.clock = clock

    def issue(self, caller: Caller, note: str | None) -> Invite:
        """A new invite of the caller's, taken from their quota."""
        if caller.member is not None and not caller.member.may_invite:
            raise errors.Forbidden(
                "You may not invite for now: too many of the members you invited were banned. An admin can restore it.",
                code="invite_rights_revoked",
            )
        self.limiter.hit(caller, "invite")
        now = self.clock()
        invite = Invite(
            code=secret_token(16),
            inviter_id=caller.member_id,
            inviter_handle=caller.handle,
            note=note,
            status="active",
            created_at=now,
            expires_at=now + self.ttl,
        )
        self.invites.create(invite)
        return invite

    def create(self, caller: Caller, note: str | None) -> InviteOut:
        """:meth:`issue`, as the caller sees it."""
        return InviteOut.of(self.issue(caller, note), self.clock(), self.web_url)

    def list(self, caller: Caller, limit: int, cursor: str | None) -> Page[InviteOut]:
        """The caller's codes with their status, newest first."""
        found = self.invites.list_by_inviter(caller.member_id, limit, cursor)
        now = self.clock()
        return Page[InviteOut](
            items=[InviteOut.of(i, now, self.web_url) for i in found.items], next_cursor=found.next_cursor
        )

    def revoke(self, caller: Caller, code: str) -> None:
        """Revoke one's own unused code; someone else's code is a 404, a used one a 409."""
        invite = self.invites.get(code)
        if invite is None or invite.inviter_id != caller.member_id:
            raise errors.NotFound("No such invite.")
        if invite.status == "revoked":
            return
        if invite.status == "used" or not self.invites.revoke(code, caller.member_id):
            raise errors.Conflict("This invite has already been used.", code="invite_used")
