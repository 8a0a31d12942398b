"""Routes of moderation: /reports and the moderators' /admin/reports."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from chalice.app import Blueprint

from chalicelib.http import Api
from chalicelib.kernel import Caller
from chalicelib.pagination import Page, PageOf, PageQuery

if TYPE_CHECKING:
    from chalicelib.moderation.bans import Auditor, BanService
    from chalicelib.moderation.models import (
        AuditOut,
        BanOut,
        BanRequest,
        HeldOut,
        HeldQuery,
        InviteTree,
        ReasonRequest,
        ReportCreate,
        ReportDetail,
        ReportOut,
        ReportQuery,
        ResolveReport,
        Standing,
    )
    from chalicelib.moderation.review import ReviewService
    from chalicelib.moderation.service import ModerationService

bp = Blueprint(__name__)
api = Api(bp, "moderation", models="chalicelib.moderation.models")
moderation: Callable[[], ModerationService] = api.service("moderation")


@api.route(
    "/reports",
    "POST",
    summary=(
        "Report a post, a comment or a member you can see (one open report per target). target_id: a post's id; "
        "for a comment '<post_id>/<comment_id>' (comments are keyed under their post); for a member their handle."
    ),
    status=201,
    body="ReportCreate",
    response="ReportOut",
    errors_=(400, 404, 409, 429),
)
def create_report(caller: Caller, body: ReportCreate) -> ReportOut:
    return moderation().report(caller, body)


@api.route(
    "/admin/reports",
    "GET",
    summary=(
        "Reports in a status, oldest first: every report for admins; with community_id, that community's reports "
        "for its owner and moderators."
    ),
    query="ReportQuery",
    response=PageOf("ReportDetail"),
    errors_=(400, 403),
)
def list_reports(caller: Caller, query: ReportQuery) -> Page[ReportDetail]:
    return moderation().queue(caller, query.status, query.community_id, query.limit, query.cursor)


@api.route(
    "/admin/reports/{report_id}/resolve",
    "POST",
    summary=(
        "Resolve an open report: dismiss or remove_content (admins, the community's moderators), ban_member (admins). "
        "Every other open report about the same target is resolved with it."
    ),
    body="ResolveReport",
    response="ReportDetail",
    errors_=(400, 403, 404, 409),
)
def resolve_report(caller: Caller, report_id: str, body: ResolveReport) -> ReportDetail:
    return moderation().resolve(caller, report_id, body)


bans: Callable[[], BanService] = api.service("bans")
audit: Callable[[], Auditor] = api.service("audit")


@api.route(
    "/admin/members/{handle}/ban",
    "POST",
    summary=(
        "Ban a member (admins), with a reason: the next step of their ladder (24 h, 72 h, 1 week, 30 days, then "
        "permanent) unless permanent. Their sessions end at once; their posts, comments and diary entries are hidden "
        "from everyone (kept for appeal); their unused invites stop working; their inviter loses one invite."
    ),
    body="BanRequest",
    response="BanOut",
    errors_=(400, 403, 404, 409),
)
def ban_member(caller: Caller, handle: str, body: BanRequest) -> BanOut:
    return bans().ban(caller, handle, body)


@api.route(
    "/admin/members/{handle}/unban",
    "POST",
    summary="Lift a member's ban (admins), with a reason: they may log in again and their content is shown again.",
    body="ReasonRequest",
    response="Standing",
    errors_=(400, 403, 404, 409),
)
def unban_member(caller: Caller, handle: str, body: ReasonRequest) -> Standing:
    return bans().lift(caller, handle, body)


@api.route(
    "/admin/members/{handle}/invite-rights",
    "POST",
    summary="Give back the right to invite (admins), taken after repeated bans among the member's invitees.",
    body="ReasonRequest",
    response="Standing",
    errors_=(400, 403, 404),
)
def restore_invite_rights(caller: Caller, handle: str, body: ReasonRequest) -> Standing:
    return bans().restore_invite_rights(caller, handle, body)


@api.route(
    "/admin/members/{handle}/tree",
    "GET",
    summary=(
        "A member's invite subtree (admins): who joined with their invites, and whom those invited, each with their "
        "standing (status, bans, bans among their invitees, whether they may invite). At most 500 members."
    ),
    response="InviteTree",
    errors_=(403, 404),
)
def invite_tree(caller: Caller, handle: str) -> InviteTree:
    return bans().tree(caller, handle)


@api.route(
    "/admin/audit",
    "GET",
    summary="The audit log of moderation actions, newest first (admins): who did what to which target, when and why.",
    query=PageQuery,
    response=PageOf("AuditOut"),
    errors_=(400, 403),
)
def audit_log(caller: Caller, query: PageQuery) -> Page[AuditOut]:
    return audit().page(caller, query.limit, query.cursor)


# --- the review queue of held posts and comments (issue 9) ---------------------------------------

review: Callable[[], ReviewService] = api.service("review")


@api.route(
    "/admin/held",
    "GET",
    summary=(
        "Posts and comments held by the spam check, oldest first, each with its score, threshold and signals: every "
        "held item for admins (diary entries are reviewed by admins only); with community_id, that community's for "
        "its owner and moderators and, in an official community, the company's staff."
    ),
    query="HeldQuery",
    response=PageOf("HeldOut"),
    errors_=(400, 403),
)
def list_held(caller: Caller, query: HeldQuery) -> Page[HeldOut]:
    return review().queue(caller, query.community_id, query.limit, query.cursor)


@api.route(
    "/admin/held/{held_id}/approve",
    "POST",
    summary="Approve a held post or comment: it appears at the time it was written and is counted from now.",
    response="HeldOut",
    errors_=(403, 404, 409),
)
def approve_held(caller: Caller, held_id: str) -> HeldOut:
    return review().approve(caller, held_id)


@api.route(
    "/admin/held/{held_id}/reject",
    "POST",
    summary="Reject a held post or comment: it is deleted (it was never shown or counted).",
    response="HeldOut",
    errors_=(403, 404, 409),
)
def reject_held(caller: Caller, held_id: str) -> HeldOut:
    return review().reject(caller, held_id)
