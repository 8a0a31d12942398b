"""DynamoDB store of invitation codes and the inviter's quota."""

from __future__ import annotations

from pynamodb.exceptions import DoesNotExist

from chalicelib import errors
from chalicelib.adapters.dynamodb.base import Store, Transaction
from chalicelib.adapters.dynamodb.tables import InviteItem, MemberItem
from chalicelib.invites.models import Invite
from chalicelib.pagination import Slice


def _invite(item: InviteItem) -> Invite:
    return Invite(
        code=item.code,
        inviter_id=item.inviter_id,
        inviter_handle=item.inviter_handle,
        note=item.note,
        status=item.status,  # type: ignore[arg-type]
        created_at=item.created_at,
        expires_at=item.expires_at,
        used_by=item.used_by,
    )


class InviteStore(Store):
    """Invites are created and revoked in one transaction with the inviter's quota."""

    def create(self, invite: Invite) -> None:
        """Store ``invite`` and take one from the inviter's quota, or Forbidden when none is left."""

        def write(tx: Transaction) -> None:
            tx.update(
                MemberItem(invite.inviter_id),
                [MemberItem.invites_left.add(-1), MemberItem.version.add(1)],
                condition=(MemberItem.invites_left > 0)
                & (MemberItem.status == "active")
                & MemberItem.invites_revoked.does_not_exist(),
                label="quota",
            )
            tx.save(
                InviteItem(
                    invite.code,
                    inviter_id=invite.inviter_id,
                    inviter_handle=invite.inviter_handle,
                    note=invite.note,
                    status="active",
                    created_at=invite.created_at,
                    expires_at=invite.expires_at,
                    version=1,
                ),
                condition=InviteItem.code.does_not_exist(),
                label="code",
            )

        failed = self.transact(write)
        if failed == "quota":
            raise errors.Forbidden(
                "You have no invites left (or may not invite for now).", code="invite_quota_exhausted"
            )
        if failed is not None:
            raise RuntimeError(f"invite creation failed on its {failed} condition")

    def get(self, code: str) -> Invite | None:
        """An invite by code (consistent read)."""
        try:
            return _invite(InviteItem.get(code, consistent_read=True))
        except DoesNotExist:
            return None

    def list_by_inviter(self, inviter_id: str, limit: int, cursor: str | None) -> Slice[Invite]:
        """The inviter's codes, newest first."""
        return self.page(
            f"invites:{inviter_id}",
            InviteItem.by_inviter.query,
            _invite,
            cursor,
            limit,
            hash_key=inviter_id,
            scan_index_forward=False,
        )

    def revoke(self, code: str, inviter_id: str) -> bool:
        """Revoke an unused code of ``inviter_id`` and give the quota back; False if not revocable."""

        def write(tx: Transaction) -> None:
            tx.update(
                InviteItem(code),
                [InviteItem.status.set("revoked"), InviteItem.version.add(1)],
                condition=(InviteItem.inviter_id == inviter_id) & (InviteItem.status == "active"),
                label="revocable",
            )
            tx.update(MemberItem(inviter_id), [MemberItem.invites_left.add(1), MemberItem.version.add(1)])

        return self.transact(write) is None
