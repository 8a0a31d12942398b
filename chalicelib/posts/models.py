"""Posts (community topics, inquiries, diary entries) and comments: domain types and edge shapes."""

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any, Literal

from msgspec import Struct, field
from pydantic import AfterValidator, Field, StringConstraints, model_validator
from pydantic_core import PydanticCustomError

from chalicelib.kernel import Id, MemberRef, Schema, Strict

PostKind = Literal["topic", "inquiry", "diary"]
Visibility = Literal["members", "friends", "private"]
InquiryStatus = Literal["open", "answered", "resolved"]


def _not_blank(value: str) -> str:
    # Bodies keep their own line breaks and indentation, so they are not stripped; but a body of
    # only spaces, newlines or full-width spaces says nothing and is refused like an empty one,
    # with its own error type (``blank``) so that a client can say so at the field.
    if not value.strip():
        raise PydanticCustomError("blank", "must not be blank")
    return value


Title = Annotated[
    str, StringConstraints(min_length=1, max_length=100), AfterValidator(_not_blank), AfterValidator(str.strip)
]


Body = Annotated[str, StringConstraints(min_length=1, max_length=10_000), AfterValidator(_not_blank)]
CommentBody = Annotated[str, StringConstraints(min_length=1, max_length=5_000), AfterValidator(_not_blank)]


class SpamSubject(Struct, frozen=True):
    """What a spam check is told about a new post or comment (the posts service knows all of it)."""

    text: str
    author_id: str
    author_age_days: float
    #: The post a comment answers (title and body); None for a post.
    parent_text: str | None = None
    #: The company's own website host(s) in its official community: links there are never a signal.
    company_hosts: tuple[str, ...] = ()


class SpamVerdict(Struct, frozen=True):
    """A spam check's answer: held or not, the score against its threshold, and why (JSON-ready signals)."""

    held: bool
    score: float
    threshold: float
    #: ``{"name", "weight", "detail"}`` of each signal that fired, heaviest first.
    signals: list[dict[str, Any]] = field(default_factory=list)


class Post(Struct):
    """Any post. An ``inquiry`` is a member's topic in an official community and has a ``status``."""

    id: str
    kind: PostKind
    author_id: str
    author_handle: str
    title: str
    body: str
    visibility: Visibility
    community_id: str | None
    community_name: str | None
    company_id: str | None
    status: InquiryStatus | None
    created_at: datetime
    updated_at: datetime
    comment_count: int = 0
    first_response_s: int | None = None
    first_response_at: datetime | None = None
    accepted_comment_id: str | None = None
    version: int = 0
    #: While the author is banned the post is shown to nobody but admins (kept for appeal).
    author_hidden: bool = False
    # Held for review (issue 9): only the author sees it, and it counts nowhere until approved.
    held: bool = False
    held_id: str | None = None
    spam: SpamVerdict | None = None

    def readable_by(self, member_id: str, is_friend: Callable[[], bool], *, admin: bool = False) -> bool:
        """The one reading rule of a post, as it is now (pages, lists, search results).

        A banned author's post: admins only (kept for appeal); a held one: its author only; then
        by visibility: every member, the author's friends (``is_friend`` is asked only then), or
        the author alone.
        """
        own = self.author_id == member_id
        if (self.author_hidden and not admin) or (self.held and not own):
            return False
        if self.visibility == "members" or own:
            return True
        return self.visibility == "friends" and is_friend()


class Comment(Struct):
    """A comment; ``official`` when written by staff of the company that owns the community."""

    post_id: str
    id: str
    author_id: str
    author_handle: str
    body: str
    official: bool
    created_at: datetime
    # Held for review (issue 9): only the author sees it, and it counts nowhere until approved.
    held: bool = False
    held_id: str | None = None
    spam: SpamVerdict | None = None
    edited_at: datetime | None = None


class PostCreate(Strict):
    title: Title
    body: Body


class DiaryCreate(PostCreate):
    visibility: Visibility = "members"


class PostUpdate(Strict):
    title: Title | None = None
    body: Body | None = None
    visibility: Visibility | None = None

    @model_validator(mode="after")
    def _something_to_change(self) -> "PostUpdate":
        if self.title is None and self.body is None and self.visibility is None:
            raise ValueError("give title, body or visibility")
        return self


class CommentCreate(Strict):
    body: CommentBody


class CommentUpdate(Strict):
    body: CommentBody


class ResolveRequest(Strict):
    comment_id: Id


HELD_HELP = "Waiting for review: only its author sees it until a moderator approves it (then it appears as written)."


class CommunityRef(Schema):
    id: str
    name: str


class PostOut(Schema):
    id: str
    kind: PostKind
    title: str
    body: str
    author: MemberRef
    community: CommunityRef | None
    visibility: Visibility
    status: InquiryStatus | None
    comment_count: int
    accepted_comment_id: str | None
    created_at: datetime
    updated_at: datetime
    held: bool = Field(default=False, description=HELD_HELP)

    @classmethod
    def of(cls, p: Post, author: MemberRef) -> "PostOut":
        return cls(
            id=p.id,
            kind=p.kind,
            title=p.title,
            body=p.body,
            author=author,
            community=CommunityRef(id=p.community_id, name=p.community_name or "") if p.community_id else None,
            visibility=p.visibility,
            status=p.status,
            comment_count=p.comment_count,
            accepted_comment_id=p.accepted_comment_id,
            created_at=p.created_at,
            updated_at=p.updated_at,
            held=p.held,
        )


class CommentOut(Schema):
    id: str
    post_id: str
    body: str
    author: MemberRef
    official: bool
    created_at: datetime
    edited_at: datetime | None = Field(default=None, description="When its author last edited it; null if never.")
    held: bool = Field(default=False, description=HELD_HELP)

    @classmethod
    def of(cls, c: Comment, author: MemberRef) -> "CommentOut":
        return cls(
            id=c.id,
            post_id=c.post_id,
            body=c.body,
            author=author,
            official=c.official,
            created_at=c.created_at,
            edited_at=c.edited_at,
            held=c.held,
        )
