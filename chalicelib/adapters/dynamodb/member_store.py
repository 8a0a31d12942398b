"""DynamoDB store of members, their handles and the site statistics counted with them."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from pynamodb.exceptions import DoesNotExist, UpdateError

from chalicelib import errors
from chalicelib.adapters.dynamodb.base import Store, Transaction, is_condition_failure, update_if
from chalicelib.adapters.dynamodb.tables import FriendshipItem, HandleItem, InviteItem, MemberItem
from chalicelib.invites.models import Invite
from chalicelib.kernel import Member
from chalicelib.members.models import SiteTotals

BANNED = "banned"


class Stat:
    """Names of the site-wide counters (``GET /stats``)."""

    MEMBERS_CUMULATIVE = "members.cumulative"
    MEMBERS_ACTIVE = "members.active"
    MEMBERS_WITHDRAWN = "members.withdrawn"
    COMMUNITIES = "communities"
    POSTS = "posts"


def member_of(item: MemberItem) -> Member:
    return Member(
        id=item.member_id,
        handle=item.handle,
        display_name=item.display_name,
        email=item.email,
        password_hash=item.password_hash,
        roles=list(item.roles or []),
        invites_left=int(item.invites_left),
        invited_by=item.invited_by,
        status=item.status,  # type: ignore[arg-type]
        created_at=item.created_at,
        version=int(item.version),
        ban_count=int(item.ban_count or 0),
        banned_until=item.banned_until,
        ban_reason=item.ban_reason,
        invitee_bans=int(item.invitee_bans or 0),
        may_invite=not item.invites_revoked,
        bio=item.bio or "",
    )


class MemberStore(Store):
    """Members and their handles: a handle is taken once, forever."""

    def get(self, member_id: str) -> Member | None:
        """A member by id (consistent read)."""
        try:
            return member_of(MemberItem.get(member_id, consistent_read=True))
        except DoesNotExist:
            return None

    def get_many(self, member_ids: Iterable[str]) -> dict[str, Member]:
        """Members by id (missing ids are left out)."""
        ids = list(dict.fromkeys(member_ids))
        return {item.member_id: member_of(item) for item in MemberItem.batch_get(ids)} if ids else {}

    def get_by_handle(self, handle: str) -> Member | None:
        """A member by handle, whatever their status."""
        try:
            owner = HandleItem.get(handle.lower(), consistent_read=True)
        except DoesNotExist:
            return None
        return self.get(owner.member_id)

    def _put_member(self, tx: Transaction, member: Member) -> None:
        tx.save(
            MemberItem(
                member.id,
                handle=member.handle,
                display_name=member.display_name,
                email=member.email,
                password_hash=member.password_hash,
                roles=member.roles,
                invites_left=member.invites_left,
                invited_by=member.invited_by,
                status=member.status,
                created_at=member.created_at,
                version=1,
            ),
            condition=MemberItem.member_id.does_not_exist(),
            label="member",
        )
        tx.save(
            HandleItem(member.handle, member_id=member.id, version=1),
            condition=HandleItem.handle.does_not_exist(),
            label="handle",
        )
        self.counters.add(tx, Stat.MEMBERS_CUMULATIVE, 1)
        self.counters.add(tx, Stat.MEMBERS_ACTIVE, 1)

    def create(self, member: Member) -> None:
        """Create a member without an invite (the admin); Conflict if the handle is taken."""
        self._created(self.transact(lambda tx: self._put_member(tx, member)))

    def signup(self, member: Member, invite: Invite, now: datetime) -> None:
        """Create ``member`` with ``invite``, used up in the same transaction; befriend the inviter."""

        def write(tx: Transaction) -> None:
            tx.update(
                InviteItem(invite.code),
                [InviteItem.status.set("used"), InviteItem.used_by.set(member.handle), InviteItem.version.add(1)],
                condition=(InviteItem.status == "active") & (InviteItem.expires_at > now),
                label="invite",
            )
            # An invite of a member banned or withdrawn since it was made signs nobody up.
            tx.condition_check(MemberItem, invite.inviter_id, condition=MemberItem.status == "active", label="inviter")
            self._put_member(tx, member)
            for a, b, other_handle in (
                (member.id, invite.inviter_id, invite.inviter_handle),
                (invite.inviter_id, member.id, member.handle),
            ):
                tx.save(FriendshipItem(a, b, other_handle=other_handle, state="friends", since=now, version=1))

        self._created(self.transact(write))

    @staticmethod
    def _created(failed: str | None) -> None:
        if failed is None:
            return
        if failed == "invite":
            raise errors.Conflict("This invite has already been used.", code="invite_used")
        if failed == "inviter":
            raise errors.Forbidden("This invite is unknown, expired or revoked.", code="invite_invalid")
        if failed == "handle":
            raise errors.Conflict("This handle is taken; choose another.", code="handle_taken")
        raise RuntimeError(f"member creation failed on its {failed} condition")

    def update_profile(self, member: Member, changes: dict[str, Any]) -> Member:
        """Apply ``changes`` if nobody changed the member since it was read (else Conflict)."""
        item = MemberItem(member.id)
        actions = [getattr(MemberItem, k).set(v) for k, v in changes.items()]
        try:
            item.update(
                actions=[*actions, MemberItem.version.add(1)],
                condition=(MemberItem.version == member.version) & (MemberItem.status == "active"),
                add_version_condition=False,
            )
        except UpdateError as exc:
            if is_condition_failure(exc):
                raise errors.Conflict(
                    "The profile changed meanwhile; reload and retry.", code="edit_conflict"
                ) from None
            raise
        return member_of(item)

    def set_password(self, member: Member, password_hash: str) -> bool:
        """A new password hash, if the member is active and unchanged since read; False otherwise."""
        item = MemberItem(member.id)
        actions = [MemberItem.password_hash.set(password_hash), MemberItem.version.add(1)]
        return update_if(item, actions, (MemberItem.version == member.version) & (MemberItem.status == "active"))

    def end_membership(self, member_id: str, status: str) -> bool:
        """Mark an active member withdrawn or banned, with the counters; False if not active."""

        def write(tx: Transaction) -> None:
            tx.update(
                MemberItem(member_id),
                [MemberItem.status.set(status), MemberItem.version.add(1)],
                condition=MemberItem.status == "active",
                label="active",
            )
            self.counters.add(tx, Stat.MEMBERS_ACTIVE, -1)
            if status == "withdrawn":
                self.counters.add(tx, Stat.MEMBERS_WITHDRAWN, 1)

        return self.transact(write) is None

    def totals(self) -> SiteTotals:
        """The site statistics: members (cumulative, active, withdrawn), communities and posts."""
        c = self.counters.read(
            [Stat.MEMBERS_CUMULATIVE, Stat.MEMBERS_ACTIVE, Stat.MEMBERS_WITHDRAWN, Stat.COMMUNITIES, Stat.POSTS]
        )
        return SiteTotals(
            members_cumulative=c[Stat.MEMBERS_CUMULATIVE],
            members_active=c[Stat.MEMBERS_ACTIVE],
            members_withdrawn=c[Stat.MEMBERS_WITHDRAWN],
            communities=c[Stat.COMMUNITIES],
            posts=c[Stat.POSTS],
        )
