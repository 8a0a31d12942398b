"""Invitations: the only way in."""

from datetime import datetime
from typing import Annotated, Literal
from urllib.parse import quote

from msgspec import Struct
from pydantic import Field, StringConstraints

from chalicelib.kernel import Schema, Strict

InviteStatus = Literal["active", "used", "revoked", "expired"]


class Invite(Struct):
    """A single-use invitation code sent by one member."""

    code: str
    inviter_id: str
    inviter_handle: str
    note: str | None
    status: Literal["active", "used", "revoked"]
    created_at: datetime
    expires_at: datetime
    used_by: str | None = None

    def status_at(self, now: datetime) -> InviteStatus:
        """The status a user sees: an unused code past its expiry is ``expired``."""
        if self.status == "active" and now >= self.expires_at:
            return "expired"
        return self.status


class InviteCreate(Strict):
    note: Annotated[str, StringConstraints(max_length=200)] | None = None


class InviteOut(Schema):
    code: str
    note: str | None
    status: InviteStatus
    created_at: datetime
    expires_at: datetime
    used_by: str | None = None
    url: str = Field(description="The invite link: it opens the web client's signup with the code filled in.")

    @classmethod
    def of(cls, invite: Invite, now: datetime, web_url: str = "") -> "InviteOut":
        return cls(
            url=f"{web_url}/#/signup?code={quote(invite.code, safe='')}",
            code=invite.code,
            note=invite.note,
            status=invite.status_at(now),
            created_at=invite.created_at,
            expires_at=invite.expires_at,
            used_by=invite.used_by,
        )
