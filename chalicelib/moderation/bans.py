"""Use cases of bans and standing: the ladder, hiding and restoring content, the invite tree, the audit log.

A ban ends the member's sessions at once and hides their posts from every list, page and search
result (the posts are marked, and the search index carries the mark); comments are hidden where
they are read. Nothing is deleted: lifting the ban, by an admin or when a time-limited ban ends,
shows everything again. Each ban climbs the ladder (24 h, 72 h, 1 week, 30 days, permanent).

The invitation network is accountable: a ban costs the inviter one invite, and after
``revoke_after`` bans among their invitees the inviter may not invite until an admin restores it.
Every action here is written to the audit log, with who, what, when and why.
"""

from __future__ import annotations

from collections import deque
from typing import Any

from chalicelib import errors
from chalicelib.kernel import Caller, Clock, Member, MemberDirectory, sortable_id, utcnow
from chalicelib.moderation.models import (
    AuditEntry,
    AuditOut,
    Ban,
    BanOut,
    BanRequest,
    InviteTree,
    ReasonRequest,
    Standing,
    TreeNode,
    ban_length,
)
from chalicelib.moderation.ports import AuditLog, AuthoredPosts, BanStore, Invitees, SessionEnd
from chalicelib.pagination import Page

#: Who lifts a ban whose time is up.
SYSTEM = Caller("system", "system", "", ("admin",))


def _admin(caller: Caller) -> None:
    if not caller.is_admin:
        raise errors.Forbidden("Only admins do this.", code="admin_only")


class Auditor:
    """Writes audit entries for the moderation use cases."""

    def __init__(self, log: AuditLog, clock: Clock = utcnow):
        self.log = log
        self.clock = clock

    def __call__(
        self,
        caller: Caller,
        action: str,
        target_type: str,
        target_id: str,
        reason: str | None = None,
        **details: Any,
    ) -> None:
        self.log.record(
            AuditEntry(
                id=sortable_id(),
                actor_id=caller.member_id,
                actor_handle=caller.handle,
                action=action,
                target_type=target_type,
                target_id=target_id,
                reason=reason,
                at=self.clock(),
                details={k: v for k, v in details.items() if v is not None},
            )
        )

    def page(self, caller: Caller, limit: int, cursor: str | None) -> Page[AuditOut]:
        """The audit log, newest first (admins)."""
        _admin(caller)
        found = self.log.newest(limit, cursor)
        return Page[AuditOut](items=[AuditOut.of(e) for e in found.items], next_cursor=found.next_cursor)


class BanService:
    """Admins ban and lift bans, see a member's invite subtree and restore an inviter's rights."""

    def __init__(
        self,
        bans: BanStore,
        members: MemberDirectory,
        sessions: SessionEnd,
        posts: AuthoredPosts,
        invitees: Invitees,
        audit: Auditor,
        clock: Clock = utcnow,
        *,
        revoke_after: int = 3,
        tree_cap: int = 500,
    ):
        self.bans = bans
        self.members = members
        self.sessions = sessions
        self.posts = posts
        self.invitees = invitees
        self.audit = audit
        self.clock = clock
        self.revoke_after = revoke_after
        self.tree_cap = tree_cap

    def _member(self, handle: str) -> Member:
        member = self.members.get_by_handle(handle)
        if member is None or member.status == "withdrawn":
            raise errors.NotFound("No such member.")
        return member

    # --- banning ------------------------------------------------------------------------------

    def ban(self, caller: Caller, handle: str, req: BanRequest) -> BanOut:
        """Ban a member for the next step of their ladder (or for good); 409 if already banned."""
        _admin(caller)
        return self._ban(caller, self._member(handle), req.reason, req.permanent)

    def ban_member(self, caller: Caller, member_id: str, reason: str) -> None:
        """A report's ``ban_member``: the accused climbs one step of the ladder."""
        _admin(caller)
        member = self.members.get(member_id)
        if member is not None and member.status == "active":  # withdrawn or banned meanwhile: nothing to do
            self._ban(caller, member, reason, False)

    def _ban(self, caller: Caller, member: Member, reason: str, permanent: bool) -> BanOut:
        if member.id == caller.member_id:
            raise errors.InvalidInput("You cannot ban yourself.", code="cannot_ban_self")
        if member.status == "banned":
            raise errors.Conflict("This member is already banned.", code="already_banned")
        now = self.clock()
        level = member.ban_count + 1
        length = ban_length(level, permanent)
        ban = Ban(member.id, level, None if length is None else now + length, reason, now)
        if not self.bans.ban(member, ban):
            raise errors.Conflict("This member is already banned.", code="already_banned")
        self.sessions.delete_all(member.id)
        hidden = self.posts.hide_author(member.id, True)
        self.audit(
            caller,
            "ban",
            "member",
            member.handle,
            reason,
            level=level,
            until=ban.until.isoformat() if ban.until else "permanent",
            posts_hidden=hidden,
        )
        self._charge_inviter(caller, member)
        return BanOut(
            handle=member.handle,
            level=level,
            until=ban.until,
            permanent=ban.until is None,
            reason=reason,
            banned_at=now,
        )

    def _charge_inviter(self, caller: Caller, member: Member) -> None:
        inviter = self.members.get_by_handle(member.invited_by) if member.invited_by else None
        if inviter is None:
            return
        was_allowed = inviter.may_invite
        # Admins invite the first members of the network: they keep the right whatever happens.
        revoke_after = None if "admin" in inviter.roles else self.revoke_after
        charged = self.bans.charge_inviter(inviter.id, revoke_after)
        if charged is not None and was_allowed and not charged.may_invite:
            self.audit(
                caller,
                "invite_rights_revoked",
                "member",
                inviter.handle,
                f"{charged.invitee_bans} of their invitees have been banned",
                last_banned=member.handle,
            )

    # --- lifting --------------------------------------------------------------------------------

    def lift(self, caller: Caller, handle: str, req: ReasonRequest) -> Standing:
        """An admin lifts a ban: the member may log in again and their content is shown again."""
        _admin(caller)
        member = self._member(handle)
        if member.status != "banned" or not self._lift(caller, member, req.reason):
            raise errors.Conflict("This member is not banned.", code="not_banned")
        return Standing.of(self._member(handle))

    def _lift(self, caller: Caller, member: Member, reason: str) -> bool:
        if not self.bans.lift(member.id):
            return False
        shown = self.posts.hide_author(member.id, False)
        self.audit(caller, "lift_ban", "member", member.handle, reason, posts_shown=shown)
        return True

    def lift_if_ended(self, member: Member) -> Member | None:
        """``member`` made active again if their time-limited ban has ended (a login asks), else None."""
        if member.status != "banned" or member.banned_until is None or member.banned_until > self.clock():
            return None
        self._lift(SYSTEM, member, "the ban ended")
        return self.members.get(member.id)

    def lift_ended(self) -> list[str]:
        """Lift every time-limited ban that has ended (a scheduled sweep); the handles lifted."""
        lifted = []
        for member_id in self.bans.ended(self.clock()):
            member = self.members.get(member_id)
            if member is not None and self.lift_if_ended(member) is not None:
                lifted.append(member.handle)
        return lifted

    # --- the invite tree ------------------------------------------------------------------------

    def restore_invite_rights(self, caller: Caller, handle: str, req: ReasonRequest) -> Standing:
        """An admin gives an inviter back the right to invite."""
        _admin(caller)
        member = self._member(handle)
        self.bans.restore_invite_rights(member.id)
        self.audit(caller, "restore_invite_rights", "member", member.handle, req.reason)
        return Standing.of(self._member(handle))

    def tree(self, caller: Caller, handle: str) -> InviteTree:
        """A member's invite subtree, breadth first, with each member's standing (admins)."""
        _admin(caller)
        root_member = self.members.get_by_handle(handle)
        if root_member is None:
            raise errors.NotFound("No such member.")
        root = TreeNode(**Standing.of(root_member).model_dump())
        queue: deque[tuple[TreeNode, Member]] = deque([(root, root_member)])
        seen, truncated = {root_member.id}, False
        while queue:
            node, member = queue.popleft()
            room = self.tree_cap - len(seen)
            handles = self.invitees.invitee_handles(member.id, max(room, 0) + 1)
            if len(handles) > room:
                truncated, handles = True, handles[: max(room, 0)]
            found = [self.members.get_by_handle(h) for h in handles]
            for child in (m for m in found if m is not None and m.id not in seen):
                seen.add(child.id)
                child_node = TreeNode(**Standing.of(child).model_dump())
                node.invitees.append(child_node)
                queue.append((child_node, child))
        return InviteTree(root=root, members=len(seen), truncated=truncated)
