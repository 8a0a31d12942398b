"""Members, sessions and the site statistics: domain types and the shapes at the HTTP edge."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Annotated, Literal

from pydantic import ConfigDict, Field, StringConstraints, model_validator

from chalicelib.schema import Schema

HANDLE_PATTERN = r"^[A-Za-z0-9_]{3,20}$"
EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"

MemberStatus = Literal["active", "withdrawn", "banned"]
WITHDRAWN_NAME = "withdrawn member"

Handle = Annotated[str, StringConstraints(pattern=HANDLE_PATTERN)]
DisplayName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50)]
Email = Annotated[str, StringConstraints(strip_whitespace=True, max_length=254, pattern=EMAIL_PATTERN)]
Password = Annotated[str, StringConstraints(min_length=8, max_length=128)]


@dataclass
class Member:
    """A member of the network. ``handle`` is stored lower-cased and never reused."""

    id: str
    handle: str
    display_name: str
    email: str
    password_hash: str
    roles: list[str]
    invites_left: int
    invited_by: str | None
    status: MemberStatus
    created_at: datetime
    version: int = 0

    @property
    def active(self) -> bool:
        return self.status == "active"


@dataclass(frozen=True)
class Caller:
    """The authenticated member behind a request."""

    member_id: str
    handle: str
    session_id: str
    roles: tuple[str, ...] = field(default=())
    # The member as authentication just read it (consistently), so a use case need not read it again.
    member: Member | None = field(default=None, compare=False, repr=False)

    @property
    def is_admin(self) -> bool:
        return "admin" in self.roles


class Strict(Schema):
    """Request bodies: unknown fields and type coercions are errors."""

    model_config = ConfigDict(extra="forbid", strict=True)


class SignupRequest(Strict):
    invite_code: Annotated[str, StringConstraints(min_length=1, max_length=128)]
    handle: Handle
    display_name: DisplayName
    password: Password
    email: Email


class LoginRequest(Strict):
    handle: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    password: Annotated[str, StringConstraints(min_length=1, max_length=128)]


class ProfileUpdate(Strict):
    display_name: DisplayName | None = None
    email: Email | None = None

    @model_validator(mode="after")
    def _something_to_change(self) -> ProfileUpdate:
        if self.display_name is None and self.email is None:
            raise ValueError("give display_name or email")
        return self


class MemberSelf(Schema):
    """The caller's own profile."""

    id: str
    handle: str
    display_name: str
    email: str
    roles: list[str]
    invites_left: int
    invited_by: str | None = Field(description="Handle of the member who sent the invite; null for the first admin.")
    created_at: datetime

    @classmethod
    def of(cls, m: Member) -> MemberSelf:
        return cls(
            id=m.id,
            handle=m.handle,
            display_name=m.display_name,
            email=m.email,
            roles=m.roles,
            invites_left=m.invites_left,
            invited_by=m.invited_by,
            created_at=m.created_at,
        )


class MemberPublic(Schema):
    """What any member may see of another."""

    handle: str
    display_name: str
    joined_at: datetime

    @classmethod
    def of(cls, m: Member) -> MemberPublic:
        return cls(handle=m.handle, display_name=m.display_name, joined_at=m.created_at)


class SignupResponse(Schema):
    member: MemberSelf
    token: str


class TokenResponse(Schema):
    token: str
    expires_at: datetime


class MemberCounts(Schema):
    cumulative: int = Field(description="Every signup ever, withdrawals included (as mixi reported).")
    active: int
    withdrawn: int


class Stats(Schema):
    members: MemberCounts
    communities: int
    posts: int
