"""Reports and their resolution: domain types and the shapes at the HTTP edge."""

from datetime import datetime, timedelta
from typing import Annotated, Any, Literal

from msgspec import Struct, field
from pydantic import ConfigDict, Field, StringConstraints, ValidationInfo, field_validator

from chalicelib.kernel import Id, Member, MemberRef, Schema, Strict
from chalicelib.pagination import PageQuery

TargetType = Literal["post", "comment", "member"]
ReportStatus = Literal["open", "resolved"]
ResolveAction = Literal["dismiss", "remove_content", "ban_member"]

Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
Note = Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)]

TARGET_ID_HELP = (
    "post: the post id; comment: '<post_id>/<comment_id>' (comments are keyed under their post); "
    "member: the member's handle."
)


class Report(Struct):
    """A member's report of a post, comment or member, open until a moderator resolves it.

    ``community_id`` is set when the target is a community post or a comment on one: its
    moderators see and resolve the report. ``accused_id`` is the member reported or the author.
    """

    id: str
    target_type: TargetType
    target_id: str
    target_key: str
    accused_id: str
    reason: str
    reporter_id: str
    reporter_handle: str
    community_id: str | None
    status: ReportStatus
    created_at: datetime
    action: ResolveAction | None = None
    note: str | None = None
    resolved_by: str | None = None
    resolved_by_handle: str | None = None
    resolved_at: datetime | None = None


class Resolution(Struct, frozen=True):
    """What a moderator decided about a report."""

    action: ResolveAction
    note: str | None
    resolved_by: str
    resolved_by_handle: str
    resolved_at: datetime


class ReportCreate(Strict):
    target_type: TargetType
    target_id: Annotated[str, StringConstraints(min_length=1, max_length=130)] = Field(description=TARGET_ID_HELP)
    reason: Reason

    @field_validator("target_id")
    @classmethod
    def _comment_ids_name_their_post(cls, value: str, info: ValidationInfo) -> str:
        if info.data.get("target_type") == "comment":
            post_id, slash, comment_id = value.partition("/")
            if not (post_id and slash and comment_id) or "/" in comment_id:
                raise ValueError("a comment's target_id is '<post_id>/<comment_id>'")
        return value


class ResolveReport(Strict):
    action: ResolveAction = Field(
        description="dismiss and remove_content: admins and the community's moderators; ban_member: admins."
    )
    note: Note | None = None


class ReportQuery(PageQuery):
    model_config = ConfigDict(extra="ignore")

    status: ReportStatus = "open"
    community_id: Id | None = Field(
        default=None,
        description="The reports of one community you moderate; without it only admins may list (every report).",
    )


class ReportOut(Schema):
    """A report as its reporter sees it."""

    id: str
    target_type: TargetType
    target_id: str = Field(description=TARGET_ID_HELP)
    reason: str
    status: ReportStatus
    created_at: datetime

    @classmethod
    def of(cls, r: Report) -> "ReportOut":
        return cls(
            id=r.id,
            target_type=r.target_type,
            target_id=r.target_id,
            reason=r.reason,
            status=r.status,
            created_at=r.created_at,
        )


class ReportDetail(ReportOut):
    """A report as moderators see it: who reported, where, and how it was resolved."""

    reporter: str = Field(description="Handle of the reporting member.")
    community_id: str | None
    action: ResolveAction | None
    note: str | None
    resolved_by: str | None = Field(description="Handle of the moderator who resolved it.")
    resolved_at: datetime | None

    @classmethod
    def of(cls, r: Report) -> "ReportDetail":
        return cls(
            **ReportOut.of(r).model_dump(),
            reporter=r.reporter_handle,
            community_id=r.community_id,
            action=r.action,
            note=r.note,
            resolved_by=r.resolved_by_handle,
            resolved_at=r.resolved_at,
        )


# --- bans, standing up the invite tree, the audit log -----------------------------------------

#: The ladder of bans: the n-th ban of a member lasts this long; after the last step, forever.
BAN_LADDER = (timedelta(hours=24), timedelta(hours=72), timedelta(weeks=1), timedelta(days=30))


def ban_length(level: int, permanent: bool = False) -> timedelta | None:
    """How long the ``level``-th ban (1-based) lasts; None for a permanent one."""
    if permanent or level > len(BAN_LADDER):
        return None
    return BAN_LADDER[level - 1]


class Ban(Struct, frozen=True):
    """One ban of a member: its step on the ladder, its end (None: permanent) and why."""

    member_id: str
    level: int
    until: datetime | None
    reason: str
    banned_at: datetime


class AuditEntry(Struct, frozen=True):
    """One moderation action: who did what to which target, when and why."""

    id: str
    actor_id: str
    actor_handle: str
    action: str
    target_type: str
    target_id: str
    reason: str | None
    at: datetime
    details: dict[str, Any] = field(default_factory=dict)


class BanRequest(Strict):
    reason: Reason = Field(description="Why; the member's record and the audit log keep it.")
    permanent: bool = Field(
        default=False,
        description="Ban for good now; otherwise the ladder decides: 24 h, 72 h, 1 week, 30 days, then permanent.",
    )


class ReasonRequest(Strict):
    reason: Reason


class BanOut(Schema):
    handle: str
    level: int = Field(description="Which ban of this member this is (1 for the first).")
    until: datetime | None = Field(description="When the ban ends; null for a permanent ban.")
    permanent: bool
    reason: str
    banned_at: datetime


class Standing(Schema):
    """A member as an admin sees their standing."""

    handle: str
    display_name: str
    status: str
    joined_at: datetime
    invited_by: str | None
    ban_count: int
    banned_until: datetime | None
    ban_reason: str | None
    invitee_bans: int = Field(description="How many of the members this member invited have been banned.")
    may_invite: bool
    invites_left: int

    @classmethod
    def of(cls, m: Member) -> "Standing":
        return cls(
            handle=m.handle,
            display_name=m.display_name,
            status=m.status,
            joined_at=m.created_at,
            invited_by=m.invited_by,
            ban_count=m.ban_count,
            banned_until=m.banned_until,
            ban_reason=m.ban_reason,
            invitee_bans=m.invitee_bans,
            may_invite=m.may_invite,
            invites_left=m.invites_left,
        )


class TreeNode(Standing):
    invitees: list["TreeNode"] = Field(default_factory=list)


class InviteTree(Schema):
    root: TreeNode
    members: int = Field(description="How many members the tree shows, the root included.")
    truncated: bool = Field(description="True when the subtree is larger than one answer shows.")


class AuditOut(Schema):
    id: str
    actor: str = Field(description="Handle of who acted ('system' for the expiry of a ban).")
    action: str
    target_type: str
    target_id: str
    reason: str | None
    details: dict[str, Any]
    at: datetime

    @classmethod
    def of(cls, e: AuditEntry) -> "AuditOut":
        return cls(
            id=e.id,
            actor=e.actor_handle,
            action=e.action,
            target_type=e.target_type,
            target_id=e.target_id,
            reason=e.reason,
            details=e.details,
            at=e.at,
        )


# --- the review queue of held posts and comments (issue 9) -----------------------------------

HeldType = Literal["post", "comment"]
#: held: waiting; approved / rejected: reviewed; gone: the post or comment was deleted before review.
HeldStatus = Literal["held", "approved", "rejected", "gone"]
Decision = Literal["approved", "rejected"]


class HeldEntry(Struct):
    """A post or comment the spam check held, with its score and signals, waiting in its queue.

    ``community_id`` is None for a diary entry and comments on one: only admins review those.
    ``title`` is the post's (a comment's: the post it comments on).
    """

    id: str
    item_type: HeldType
    post_id: str
    comment_id: str | None
    community_id: str | None
    author_id: str
    author_handle: str
    title: str
    body: str
    created_at: datetime
    score: float
    threshold: float
    signals: list[dict[str, Any]]
    status: HeldStatus
    reviewed_by_handle: str | None = None
    reviewed_at: datetime | None = None


class Review(Struct, frozen=True):
    """What a moderator decided about a held item."""

    decision: Decision
    reviewed_by: str
    reviewed_by_handle: str
    reviewed_at: datetime


class HeldQuery(PageQuery):
    model_config = ConfigDict(extra="ignore")

    community_id: Id | None = Field(
        default=None,
        description=(
            "The held items of one community you moderate (or, in an official community, whose company you work "
            "for); without it only admins may list (every held item, diary entries included)."
        ),
    )


class HeldSignal(Schema):
    name: str
    weight: float
    detail: str


class HeldOut(Schema):
    """A held post or comment as its reviewers see it: what was written, by whom, and why it was held."""

    id: str
    type: HeldType
    post_id: str
    comment_id: str | None
    community_id: str | None
    author: MemberRef
    title: str = Field(description="The post's title; for a comment, the title of the post it comments on.")
    body: str
    created_at: datetime = Field(description="When it was written; approved, it appears at this time.")
    score: float
    threshold: float
    signals: list[HeldSignal] = Field(description="The spam signals that fired, heaviest first.")
    status: HeldStatus
    reviewed_by: str | None = Field(description="Handle of the moderator who approved or rejected it.")
    reviewed_at: datetime | None

    @classmethod
    def of(cls, h: HeldEntry, author: MemberRef) -> "HeldOut":
        return cls(
            id=h.id,
            type=h.item_type,
            post_id=h.post_id,
            comment_id=h.comment_id,
            community_id=h.community_id,
            author=author,
            title=h.title,
            body=h.body,
            created_at=h.created_at,
            score=h.score,
            threshold=h.threshold,
            signals=[HeldSignal(**s) for s in h.signals],
            status=h.status,
            reviewed_by=h.reviewed_by_handle,
            reviewed_at=h.reviewed_at,
        )
