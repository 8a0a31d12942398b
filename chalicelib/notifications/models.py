"""Notifications: what happened that concerns a member, and the friends' diary feed.

Both are written by the stream consumer (``chalicelib.notifications.consumer``) after the write that
caused them, never by the request itself: a notification can never block or fail a comment.
"""

from datetime import datetime
from typing import Annotated, Literal

from msgspec import Struct
from pydantic import Field, StringConstraints, model_validator

from chalicelib.communities.models import CompanyRef
from chalicelib.kernel import MemberRef, Schema, Strict

NoticeKind = Literal[
    "comment",
    "official_answer",
    "friend_request",
    "friend_accepted",
    "invitee_joined",
    "held_approved",
    "held_rejected",
    "new_inquiry",
]

#: How many notifications one ``POST /notifications/read`` names at most, or marks with ``all``.
MARK_READ_MAX = 100


def entry_id(at: datetime, key: str) -> str:
    """The sort key of a notification or feed entry: its time, then what it is (stable across replays)."""
    return f"{at.strftime('%Y%m%dT%H%M%S%f')}.{key}"


class Notice(Struct, frozen=True):
    """Something a member should hear of, before its recipients are known (from one stream record).

    ``to`` names the recipient directly (a member id), or how to find them: ``post_author`` (of
    ``post_id``), ``company_staff`` (of ``company_id``), ``inviter`` (``to_handle``).
    ``key`` is unique per event and recipient kind, so a replayed record writes the same item.
    """

    kind: NoticeKind
    at: datetime
    key: str
    actor_id: str | None = None
    to: str | None = None
    to_post_author_of: str | None = None
    to_staff_of: str | None = None
    to_handle: str | None = None
    post_id: str | None = None
    comment_id: str | None = None
    title: str | None = None
    community_id: str | None = None
    company_id: str | None = None


class FeedEntry(Struct, frozen=True):
    """A friend's new diary entry, to go into each friend's feed (``author_id``'s friends)."""

    author_id: str
    post_id: str
    at: datetime


class Notification(Struct, frozen=True):
    """A notice delivered to one member; ``id`` sorts newest last and is stable across replays."""

    member_id: str
    id: str
    kind: NoticeKind
    created_at: datetime
    read: bool = False
    actor_id: str | None = None
    post_id: str | None = None
    comment_id: str | None = None
    title: str | None = None
    community_id: str | None = None
    company_id: str | None = None


class NotificationOut(Schema):
    id: str
    kind: NoticeKind
    created_at: datetime
    read: bool
    actor: MemberRef | None = Field(description="Who did it (a friend, a commenter, staff); null for none.")
    post_id: str | None = None
    comment_id: str | None = None
    title: str | None = Field(default=None, description="The post's title when it happened (member text).")
    community_id: str | None = None
    company_id: str | None = None
    company: CompanyRef | None = Field(
        default=None,
        description="The company that answered (official_answer) or was asked (new_inquiry), by its current name.",
    )

    @classmethod
    def of(cls, n: Notification, actor: MemberRef | None, company: CompanyRef | None = None) -> "NotificationOut":
        return cls(
            id=n.id,
            kind=n.kind,
            created_at=n.created_at,
            read=n.read,
            actor=actor,
            post_id=n.post_id,
            comment_id=n.comment_id,
            title=n.title,
            community_id=n.community_id,
            company_id=n.company_id,
            company=company,
        )


class UnreadCount(Schema):
    count: int = Field(description="Unread notifications (counted up to 1000).")


NotificationId = Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=r"^[A-Za-z0-9_.:#+-]+$")]


class MarkRead(Strict):
    ids: list[NotificationId] | None = Field(default=None, max_length=MARK_READ_MAX)
    all: bool = Field(default=False, description=f"Mark every unread one read (up to {MARK_READ_MAX} per call).")

    @model_validator(mode="after")
    def _one_of(self) -> "MarkRead":
        if (self.ids is None) == (not self.all):
            raise ValueError("give ids or all: true")
        return self
