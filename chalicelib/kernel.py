"""The shared kernel: what every domain speaks of. Pure: no I/O, no HTTP, no storage.

* who is asking (:class:`Caller`) and the member record behind every identity (:class:`Member`);
* how a member is shown (:class:`MemberRef`) and found (:class:`MemberDirectory`, the one port
  every domain shares, with :func:`active_member` and :func:`member_refs` over it);
* time (:data:`Clock`, :func:`utcnow`) and ids: one way to mint each kind (:func:`new_id`,
  :func:`sortable_id`, :func:`secret_token`) and one :data:`Id` type to accept them at the edge;
* the pydantic bases: :class:`Schema` for every shape, :class:`Strict` for request bodies;
* the :class:`Metrics` port through which use cases count business events;
* the :class:`RateLimiter` port every write use case calls first (policy in ``chalicelib.limits``).
"""

from __future__ import annotations

import secrets
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from typing import Annotated, Literal, Protocol

from msgspec import Struct, field
from pydantic import BaseModel, ConfigDict, StringConstraints

from chalicelib import errors

# --- time ----------------------------------------------------------------------------------------

Clock = Callable[[], datetime]


def utcnow() -> datetime:
    """Now, in UTC (the default clock of every service; tests pass their own)."""
    return datetime.now(UTC)


# --- ids -----------------------------------------------------------------------------------------

#: Every id the API hands out matches this: opaque, URL-safe, at most 64 characters.
ID_PATTERN = r"^[A-Za-z0-9_-]{1,64}$"
Id = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=ID_PATTERN)]


def new_id() -> str:
    """An opaque entity id (members, communities, posts, companies, campaigns, reports)."""
    return uuid.uuid4().hex


def sortable_id() -> str:
    """An opaque id that sorts by creation time (milliseconds, then 64 random bits): comments."""
    return f"{time.time_ns() // 1_000_000:012x}{secrets.token_hex(8)}"


def secret_token(nbytes: int = 16) -> str:
    """A random, URL-safe secret of ``nbytes`` bytes (16 = 128 bits): invite codes, session ids."""
    return secrets.token_urlsafe(nbytes)


# --- business metrics ----------------------------------------------------------------------------


class Metrics(Protocol):
    """Counts of what happened in the business (signups, posts, answers, clicks, spend)."""

    def record(self, name: str, value: float = 1) -> None: ...


class NoMetrics:
    """Records nothing: the default of every service, and what unit tests use."""

    def record(self, name: str, value: float = 1) -> None:
        return None


NO_METRICS = NoMetrics()


# --- rate limits ---------------------------------------------------------------------------------


class RateLimiter(Protocol):
    """Counts a member's actions; a use case calls :meth:`hit` before it writes anything.

    ``action`` is one of ``chalicelib.limits.ACTIONS`` (post, comment, diary, invite, report,
    search, click, friend_request).
    """

    def hit(self, caller: Caller, action: str) -> None:
        """Count one ``action`` of the caller; ``errors.RateLimited`` (nothing counted) over the limit."""
        ...


class NoLimits:
    """Limits nothing: the default of every service, and what unit tests use."""

    def hit(self, caller: Caller, action: str) -> None:
        return None


NO_LIMITS = NoLimits()


# --- pydantic bases ------------------------------------------------------------------------------


class Schema(BaseModel):
    """A pydantic model whose validators are built on first use, not at import.

    A Lambda cold start imports every route module; building all schemas up front cost more
    than the app's own code otherwise does (see ``make bench``, import app vs its deps).
    """

    model_config = ConfigDict(defer_build=True)


class Strict(Schema):
    """Request bodies: unknown fields and type coercions are errors."""

    model_config = ConfigDict(extra="forbid", strict=True)


# --- members, as every domain sees them ----------------------------------------------------------

MemberStatus = Literal["active", "withdrawn", "banned"]
WITHDRAWN_NAME = "withdrawn member"


class Member(Struct):
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
    # Standing (issue 9): how many times banned, the current ban's end (None: none or permanent)
    # and reason; bans among the member's invitees and whether they may still invite.
    ban_count: int = 0
    banned_until: datetime | None = None
    ban_reason: str | None = None
    invitee_bans: int = 0
    may_invite: bool = True
    bio: str = ""

    @property
    def active(self) -> bool:
        return self.status == "active"


class Caller(Struct, frozen=True):
    """The authenticated member behind a request."""

    member_id: str
    handle: str
    session_id: str
    roles: tuple[str, ...] = field(default=())
    # The member as authentication just read it (consistently), so a use case need not read it again.
    member: Member | None = None

    @property
    def is_admin(self) -> bool:
        return "admin" in self.roles

    @classmethod
    def acting_as(cls, member: Member, session_id: str) -> Caller:
        """A caller for a member without a request (operator commands, the demo seed)."""
        return cls(member.id, member.handle, session_id, tuple(member.roles), member)


class MemberRef(Schema):
    """Who wrote or owns something; a withdrawn member shows as 'withdrawn member' without a handle."""

    handle: str | None
    display_name: str


class MemberDirectory(Protocol):
    """Finding members: the port that every domain's service shares."""

    def get(self, member_id: str) -> Member | None: ...

    def get_by_handle(self, handle: str) -> Member | None: ...

    def get_many(self, member_ids: Iterable[str]) -> Mapping[str, Member]: ...


def active_member(members: MemberDirectory, handle: str) -> Member:
    """An active member by handle; withdrawn, banned and unknown are all the same 404."""
    member = members.get_by_handle(handle)
    if member is None or not member.active:
        raise errors.NotFound("No such member.")
    return member


def member_refs(members: MemberDirectory, member_ids: Iterable[str]) -> dict[str, MemberRef]:
    """How to show each member: current display name, or 'withdrawn member' without a handle."""
    return member_views(members, member_ids)[0]


def member_views(members: MemberDirectory, member_ids: Iterable[str]) -> tuple[dict[str, MemberRef], set[str]]:
    """:func:`member_refs`, and which of the members are banned now (their content is hidden), in one read."""
    ids = list(dict.fromkeys(member_ids))
    found = members.get_many(ids) if ids else {}
    withdrawn = MemberRef(handle=None, display_name=WITHDRAWN_NAME)
    refs = {
        i: MemberRef(handle=found[i].handle, display_name=found[i].display_name)
        if i in found and found[i].active
        else withdrawn
        for i in ids
    }
    return refs, {i for i, m in found.items() if m.status == "banned"}
