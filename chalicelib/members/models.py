"""Members, sessions and the site statistics: domain types and the shapes at the HTTP edge.

The member record itself (:class:`chalicelib.kernel.Member`) is in the kernel: every domain reads it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from pydantic import Field, StringConstraints, model_validator

from chalicelib.kernel import Member, Schema, Strict

HANDLE_PATTERN = r"^[A-Za-z0-9_]{3,20}$"
EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"

Handle = Annotated[str, StringConstraints(pattern=HANDLE_PATTERN)]
DisplayName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50)]
Email = Annotated[str, StringConstraints(strip_whitespace=True, max_length=254, pattern=EMAIL_PATTERN)]
Password = Annotated[str, StringConstraints(min_length=8, max_length=128)]


@dataclass(frozen=True)
class SiteTotals:
    """The site-wide counts behind ``GET /stats``."""

    members_cumulative: int
    members_active: int
    members_withdrawn: int
    communities: int
    posts: int


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

    @classmethod
    def of(cls, t: SiteTotals) -> Stats:
        return cls(
            members=MemberCounts(
                cumulative=t.members_cumulative, active=t.members_active, withdrawn=t.members_withdrawn
            ),
            communities=t.communities,
            posts=t.posts,
        )
