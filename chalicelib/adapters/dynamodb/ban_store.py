"""DynamoDB store of bans and standing: the member's status and ladder, the list of bans in force.

A ban and its lift are each one transaction over the member (status as read), the active-members
counter and the ban's entry in the list; the inviter's charge is a separate conditional update
(it may not fail the ban: a ban without the charge is better than no ban).
"""

from __future__ import annotations

import json
from datetime import datetime

from chalicelib.adapters.dynamodb.base import Store, Transaction, set_or_remove, update_if
from chalicelib.adapters.dynamodb.member_store import BANNED, Stat, member_of
from chalicelib.adapters.dynamodb.tables import AuditItem, BanItem, InviteItem, MemberItem
from chalicelib.kernel import Member
from chalicelib.moderation.models import AuditEntry, Ban
from chalicelib.pagination import Slice

AUDIT_LOG = "audit"


class BanStore(Store):
    """Bans in force and each member's standing."""

    def ban(self, member: Member, ban: Ban) -> bool:
        """Mark an active member banned for ``ban``; False if they are not active any more."""

        def write(tx: Transaction) -> None:
            tx.update(
                MemberItem(member.id),
                [
                    MemberItem.status.set(BANNED),
                    MemberItem.ban_count.set(ban.level),
                    *set_or_remove(MemberItem.banned_until, ban.until),
                    MemberItem.ban_reason.set(ban.reason),
                    MemberItem.version.add(1),
                ],
                condition=MemberItem.status == "active",
                label="active",
            )
            self.counters.add(tx, Stat.MEMBERS_ACTIVE, -1)
            tx.save(
                BanItem(
                    BANNED,
                    member.id,
                    banned_at=ban.banned_at,
                    until=ban.until,
                    level=ban.level,
                    reason=ban.reason,
                    version=1,
                ),
                label="ban",
            )

        return self.transact(write) is None

    def lift(self, member_id: str) -> bool:
        """Make a banned member active again; False if they are not banned."""

        def write(tx: Transaction) -> None:
            tx.update(
                MemberItem(member_id),
                [MemberItem.status.set("active"), MemberItem.banned_until.remove(), MemberItem.version.add(1)],
                condition=MemberItem.status == BANNED,
                label="banned",
            )
            self.counters.add(tx, Stat.MEMBERS_ACTIVE, 1)
            tx.delete(BanItem(BANNED, member_id), label="ban")

        return self.transact(write) is None

    def charge_inviter(self, inviter_id: str, revoke_after: int | None) -> Member | None:
        """One invite less (never below zero) and one more invitee banned; at ``revoke_after``, no inviting."""
        item = MemberItem(inviter_id)
        if not update_if(
            item, [MemberItem.invitee_bans.add(1), MemberItem.version.add(1)], MemberItem.member_id.exists()
        ):
            return None
        revoke = revoke_after is not None and int(item.invitee_bans or 0) >= revoke_after
        revoked = [MemberItem.invites_revoked.set(True)] if revoke else []
        # The invite goes with the revocation; with no invite left, the revocation goes alone.
        taken = update_if(
            item, [MemberItem.invites_left.add(-1), *revoked, MemberItem.version.add(1)], MemberItem.invites_left > 0
        )
        if not taken and revoke:
            update_if(item, [*revoked, MemberItem.version.add(1)])
        return member_of(item)  # each update refreshed ``item`` with the stored attributes

    def restore_invite_rights(self, member_id: str) -> bool:
        """The inviter may invite again (the count of their invitees' bans stays on record)."""
        return update_if(
            MemberItem(member_id),
            [MemberItem.invites_revoked.remove(), MemberItem.version.add(1)],
            MemberItem.member_id.exists(),
        )

    def ended(self, now: datetime) -> list[str]:
        """Members whose time-limited ban has ended (one Query over the bans in force)."""
        return [b.member_id for b in BanItem.query(BANNED, filter_condition=BanItem.until <= now)]

    def invitee_handles(self, inviter_id: str, cap: int) -> list[str]:
        """Handles of the members who joined with the inviter's codes, oldest first (at most ``cap``)."""
        handles: list[str] = []
        for invite in InviteItem.by_inviter.query(inviter_id, filter_condition=InviteItem.status == "used"):
            if invite.used_by:
                handles.append(invite.used_by)
            if len(handles) >= cap:
                break
        return handles


class AuditStore(Store):
    """The audit log: one partition, entries keyed by a time-sortable id."""

    def record(self, entry: AuditEntry) -> None:
        AuditItem(
            AUDIT_LOG,
            entry.id,
            actor_id=entry.actor_id,
            actor_handle=entry.actor_handle,
            action=entry.action,
            target_type=entry.target_type,
            target_id=entry.target_id,
            reason=entry.reason,
            details=json.dumps(entry.details, ensure_ascii=False) if entry.details else None,
            at=entry.at,
            version=1,
        ).save(condition=AuditItem.entry_id.does_not_exist())

    def newest(self, limit: int, cursor: str | None) -> Slice[AuditEntry]:
        return self.page("audit", AuditItem.query, _entry, cursor, limit, hash_key=AUDIT_LOG, scan_index_forward=False)


def _entry(item: AuditItem) -> AuditEntry:
    return AuditEntry(
        id=item.entry_id,
        actor_id=item.actor_id,
        actor_handle=item.actor_handle,
        action=item.action,
        target_type=item.target_type,
        target_id=item.target_id,
        reason=item.reason,
        at=item.at,
        details=json.loads(item.details) if item.details else {},
    )
