"""Use cases of moderation: members report content or members; moderators resolve the reports.

Who sees what: an admin sees every report; a community's owner and moderators see the reports
about posts in their community and comments on them. Reports about diary entries (and their
comments) and about members are for admins only, as is banning.

Resolving claims the report first (a conditional write: of two moderators, one wins and the
other gets 409), then acts; if the action fails, the report is reopened. Resolving a report
also resolves every other open report about the same target, with the same action and note:
once a post is removed, a member banned or a report dismissed, the others ask the same question.
"""

from __future__ import annotations

from chalicelib import errors
from chalicelib.kernel import NO_LIMITS, Caller, Clock, MemberDirectory, RateLimiter, active_member, new_id, utcnow
from chalicelib.moderation.models import Report, ReportCreate, ReportDetail, ReportOut, Resolution, ResolveReport
from chalicelib.moderation.ports import NO_AUDIT, Audit, Bans, Content, Moderators, ReportStore
from chalicelib.pagination import Page


class ModerationService:
    """Reports: filing, the moderation queues, and resolving with dismiss, remove_content or ban_member."""

    def __init__(
        self,
        reports: ReportStore,
        posts: Content,
        bans: Bans,
        communities: Moderators,
        members: MemberDirectory,
        clock: Clock = utcnow,
        *,
        limiter: RateLimiter = NO_LIMITS,
        audit: Audit = NO_AUDIT,
    ):
        self.audit = audit
        self.reports = reports
        self.limiter = limiter
        self.posts = posts
        self.bans = bans
        self.communities = communities
        self.members = members
        self.clock = clock

    def report(self, caller: Caller, req: ReportCreate) -> ReportOut:
        """File a report about something the caller may read (anything else is NotFound)."""
        self.limiter.hit(caller, "report")
        target_id, target_key, accused_id, community_id = self._target(caller, req)
        if accused_id == caller.member_id:
            raise errors.InvalidInput("You cannot report yourself or your own content.", code="cannot_report_self")
        report = Report(
            id=new_id(),
            target_type=req.target_type,
            target_id=target_id,
            target_key=target_key,
            accused_id=accused_id,
            reason=req.reason,
            reporter_id=caller.member_id,
            reporter_handle=caller.handle,
            community_id=community_id,
            status="open",
            created_at=self.clock(),
        )
        if not self.reports.create(report):
            raise errors.Conflict(
                "You have already reported this; a moderator will look at it.", code="already_reported"
            )
        return ReportOut.of(report)

    def _target(self, caller: Caller, req: ReportCreate) -> tuple[str, str, str, str | None]:
        """(target_id, target_key, accused member id, community id) of a target the caller may read."""
        if req.target_type == "post":
            post = self.posts.readable_post(caller, req.target_id)
            return post.id, f"post#{post.id}", post.author_id, post.community_id
        if req.target_type == "comment":
            post_id, _, comment_id = req.target_id.partition("/")
            post, found = self.posts.readable_comment(caller, post_id, comment_id)
            target_id = f"{post.id}/{found.id}"
            return target_id, f"comment#{target_id}", found.author_id, post.community_id
        member = active_member(self.members, req.target_id)
        return member.handle, f"member#{member.id}", member.id, None

    def queue(
        self, caller: Caller, status: str, community_id: str | None, limit: int, cursor: str | None
    ) -> Page[ReportDetail]:
        """Every report (admins), or one moderated community's reports, oldest first."""
        if community_id is None:
            if not caller.is_admin:
                raise errors.Forbidden(
                    "Only admins see every report; community moderators give community_id.", code="not_a_moderator"
                )
            found = self.reports.by_status(status, limit, cursor)
        elif not self._moderates(caller, community_id):
            raise errors.Forbidden("You do not moderate this community.", code="not_a_moderator")
        else:
            found = self.reports.by_community(community_id, status, limit, cursor)
        return Page[ReportDetail](items=[ReportDetail.of(r) for r in found.items], next_cursor=found.next_cursor)

    def _moderates(self, caller: Caller, community_id: str | None) -> bool:
        if caller.is_admin:
            return True
        return community_id is not None and self.communities.moderates(community_id, caller.member_id)

    def resolve(self, caller: Caller, report_id: str, req: ResolveReport) -> ReportDetail:
        """Resolve an open report with its action; a report the caller may not moderate is Forbidden to non-admins."""
        report = self.reports.get(report_id)
        if not caller.is_admin and (report is None or not self._moderates(caller, report.community_id)):
            # The same answer for a missing report and another community's: nothing is revealed.
            raise errors.Forbidden("You do not moderate this report.", code="not_a_moderator")
        if report is None:
            raise errors.NotFound("No such report.")
        if req.action == "ban_member" and not caller.is_admin:
            raise errors.Forbidden("Only admins ban members.", code="admin_only")
        if req.action == "remove_content" and report.target_type == "member":
            raise errors.InvalidInput("A report about a member has no content to remove.", code="nothing_to_remove")
        if req.action == "ban_member" and report.accused_id == caller.member_id:
            raise errors.InvalidInput("You cannot ban yourself.", code="cannot_ban_self")
        if report.status != "open":
            raise errors.Conflict("This report is already resolved.", code="already_resolved")
        resolution = Resolution(req.action, req.note or None, caller.member_id, caller.handle, self.clock())
        resolved = self.reports.resolve(report, resolution)
        if resolved is None:
            raise errors.Conflict("This report is already resolved.", code="already_resolved")
        try:
            self._act(caller, report, req.action)
        except Exception:
            self.reports.reopen(report, resolution)
            raise
        self._resolve_others(report, resolution)
        self.audit(
            caller,
            f"report_{req.action}",
            report.target_type,
            report.target_id,
            req.note or None,
            report=report.id,
            community_id=report.community_id,
        )
        return ReportDetail.of(resolved)

    def _act(self, caller: Caller, report: Report, action: str) -> None:
        try:
            if action == "remove_content" and report.target_type == "post":
                self.posts.remove_reported(caller, report.target_id)
            elif action == "remove_content" and report.target_type == "comment":
                post_id, _, comment_id = report.target_id.partition("/")
                self.posts.remove_reported_comment(caller, post_id, comment_id)
        except errors.NotFound:
            pass  # already deleted (by its author or another moderator): the content is gone either way
        if action == "ban_member":
            self.bans.ban_member(caller, report.accused_id, f"report {report.id}: {report.reason}")

    def _resolve_others(self, report: Report, resolution: Resolution) -> None:
        for other_id in self.reports.open_ids(report.target_key):
            other = self.reports.get(other_id)
            if other is not None and other.id != report.id and other.status == "open":
                self.reports.resolve(other, resolution)
