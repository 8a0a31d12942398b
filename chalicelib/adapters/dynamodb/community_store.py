"""DynamoDB store of communities and their memberships.

``member_count`` lives on the community item and changes only in the same transaction that
writes or deletes the membership item (conditionally), so it is exact under any concurrency:
a join that loses a race is retried, a repeated join or leave changes nothing.

Why not a sharded counter: the count is also the sort key of the ``sort=members`` indexes,
and an index can only sort by an attribute of the item. Joins are human-paced: even a
community with tens of thousands of members gains them over months, far below the
~1,000 writes/s a single item sustains, and posting and commenting never touch the community
item. If one community ever needed more, the move is: membership + a sharded
``Counters`` shard in the transaction, and a periodic roll-up of the sum into the sort key.
"""

from __future__ import annotations

from typing import Any

from pynamodb.exceptions import DoesNotExist, UpdateError

from chalicelib.adapters.dynamodb.base import Store, Transaction, is_condition_failure
from chalicelib.adapters.dynamodb.member_store import Stat
from chalicelib.adapters.dynamodb.tables import CommunityItem, CommunityMemberItem
from chalicelib.communities.models import Community, Membership
from chalicelib.pagination import Slice

LISTING = "all"


def _community(item: CommunityItem) -> Community:
    return Community(
        id=item.community_id,
        name=item.name,
        description=item.description,
        category=item.category,
        owner_id=item.owner_id,
        owner_handle=item.owner_handle,
        company_id=item.company_id,
        company_name=item.company_name,
        member_count=int(item.member_count),
        created_at=item.created_at,
        version=int(item.version),
    )


def _membership(item: CommunityMemberItem) -> Membership:
    return Membership(
        community_id=item.community_id,
        member_id=item.member_id,
        handle=item.handle,
        role=item.role,  # type: ignore[arg-type]
        joined_at=item.joined_at,
    )


def _membership_item(m: Membership) -> CommunityMemberItem:
    return CommunityMemberItem(
        m.community_id, m.member_id, handle=m.handle, role=m.role, joined_at=m.joined_at, version=1
    )


class CommunityStore(Store):
    """Communities, memberships and the exact member counts."""

    def create(self, community: Community, owner: Membership) -> None:
        """Store a community with its owner as first member, and count it."""

        def write(tx: Transaction) -> None:
            tx.save(
                CommunityItem(
                    community.id,
                    name=community.name,
                    description=community.description,
                    category=community.category,
                    listing=LISTING,
                    owner_id=community.owner_id,
                    owner_handle=community.owner_handle,
                    company_id=community.company_id,
                    company_name=community.company_name,
                    member_count=1,
                    created_at=community.created_at,
                    version=1,
                ),
                condition=CommunityItem.community_id.does_not_exist(),
                label="community",
            )
            tx.save(_membership_item(owner), condition=CommunityMemberItem.member_id.does_not_exist(), label="owner")
            self.counters.add(tx, Stat.COMMUNITIES, 1)

        failed = self.transact(write)
        if failed is not None:
            raise RuntimeError(f"community creation failed on its {failed} condition")

    def get(self, community_id: str) -> Community | None:
        """A community by id (consistent read)."""
        try:
            return _community(CommunityItem.get(community_id, consistent_read=True))
        except DoesNotExist:
            return None

    def browse(self, category: str | None, sort: str, limit: int, cursor: str | None) -> Slice[Community]:
        """Communities, biggest or newest first, in one category or all."""
        index: Any
        if category:
            index = CommunityItem.by_category_members if sort == "members" else CommunityItem.by_category_new
            partition = category
        else:
            index = CommunityItem.by_members if sort == "members" else CommunityItem.by_new
            partition = LISTING
        return self.page(
            f"communities:{sort}:{partition}",
            index.query,
            _community,
            cursor,
            limit,
            hash_key=partition,
            scan_index_forward=False,
        )

    def of_company(self, company_id: str, limit: int, cursor: str | None) -> Slice[Community]:
        """A company's official communities, oldest first."""
        return self.page(
            f"company-communities:{company_id}",
            CommunityItem.by_company.query,
            _community,
            cursor,
            limit,
            hash_key=company_id,
        )

    def membership(self, community_id: str, member_id: str) -> Membership | None:
        """The member's place in the community, or None."""
        try:
            return _membership(CommunityMemberItem.get(community_id, member_id, consistent_read=True))
        except DoesNotExist:
            return None

    def moderates(self, community_id: str, member_id: str) -> bool:
        """Whether the member is the community's owner or one of its moderators."""
        membership = self.membership(community_id, member_id)
        return membership is not None and membership.moderates

    def join(self, membership: Membership) -> bool:
        """Add a member and count them; False if already a member (or the community is gone)."""

        def write(tx: Transaction) -> None:
            tx.save(_membership_item(membership), condition=CommunityMemberItem.member_id.does_not_exist(), label="new")
            tx.update(
                CommunityItem(membership.community_id),
                [CommunityItem.member_count.add(1), CommunityItem.version.add(1)],
                condition=CommunityItem.community_id.exists(),
                label="community",
            )

        return self.transact(write) is None

    def leave(self, community_id: str, member_id: str) -> bool:
        """Remove a non-owner member and uncount them; False if they were not a member."""

        def write(tx: Transaction) -> None:
            tx.delete(
                CommunityMemberItem(community_id, member_id),
                condition=CommunityMemberItem.member_id.exists() & (CommunityMemberItem.role != "owner"),
                label="member",
            )
            tx.update(
                CommunityItem(community_id),
                [CommunityItem.member_count.add(-1), CommunityItem.version.add(1)],
                condition=CommunityItem.community_id.exists(),
                label="community",
            )

        return self.transact(write) is None

    def members(self, community_id: str, limit: int, cursor: str | None) -> Slice[Membership]:
        """A community's members, in id order."""
        return self.page(
            f"community-members:{community_id}",
            CommunityMemberItem.query,
            _membership,
            cursor,
            limit,
            hash_key=community_id,
        )

    def of_member(self, member_id: str, limit: int, cursor: str | None) -> Slice[tuple[Community, Membership]]:
        """A member's communities with their membership, latest joined first (gone ones left out)."""
        found = self.page(
            f"member-communities:{member_id}",
            CommunityMemberItem.by_member.query,
            _membership,
            cursor,
            limit,
            hash_key=member_id,
            scan_index_forward=False,
        )
        ids = sorted({m.community_id for m in found.items})
        communities = {item.community_id: _community(item) for item in CommunityItem.batch_get(ids)} if ids else {}
        pairs = [(communities[m.community_id], m) for m in found.items if m.community_id in communities]
        return Slice(pairs, found.next_cursor)

    def set_role(self, community_id: str, member_id: str, role: str) -> Membership | None:
        """Make a member moderator or plain member (never touches the owner); None if not a member."""
        item = CommunityMemberItem(community_id, member_id)
        try:
            item.update(
                actions=[CommunityMemberItem.role.set(role), CommunityMemberItem.version.add(1)],
                condition=CommunityMemberItem.member_id.exists() & (CommunityMemberItem.role != "owner"),
                add_version_condition=False,
            )
        except UpdateError as exc:
            if is_condition_failure(exc):
                return None
            raise
        return _membership(item)
