"""Use cases of communities: create (official for company staff), browse, join, leave, moderators."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import TYPE_CHECKING

from chalicelib import errors
from chalicelib.communities.models import Community, CommunityCreate, MemberRef, Membership
from chalicelib.members.models import WITHDRAWN_NAME, Caller
from chalicelib.members.service import Clock, active_member, utcnow

if TYPE_CHECKING:
    from chalicelib.adapters.community_store import CommunityStore
    from chalicelib.adapters.company_store import CompanyStore
    from chalicelib.adapters.dynamodb import MemberStore


def member_refs(members: MemberStore, member_ids: Iterable[str]) -> dict[str, MemberRef]:
    """How to show each member: current display name, or 'withdrawn member' without a handle."""
    ids = list(member_ids)
    found = members.get_many(ids)
    withdrawn = MemberRef(handle=None, display_name=WITHDRAWN_NAME)
    return {
        i: MemberRef(handle=found[i].handle, display_name=found[i].display_name)
        if i in found and found[i].active
        else withdrawn
        for i in ids
    }


class CommunityService:
    """Communities: the creator owns them; only a company's staff can make one official."""

    def __init__(
        self, communities: CommunityStore, companies: CompanyStore, members: MemberStore, clock: Clock = utcnow
    ):
        self.communities = communities
        self.companies = companies
        self.members = members
        self.clock = clock

    def refs(self, member_ids: Iterable[str]) -> dict[str, MemberRef]:
        """How to show the given members."""
        return member_refs(self.members, member_ids)

    def create(self, caller: Caller, req: CommunityCreate) -> Community:
        """Create a community with the caller as owner and first member."""
        company_name = None
        if req.company_id is not None:
            company = self.companies.get(req.company_id)
            if company is None:
                raise errors.NotFound("No such company.")
            if not self.companies.is_staff(company.id, caller.member_id):
                raise errors.Forbidden(
                    "Only the company's staff can create its official community.", code="not_company_staff"
                )
            company_name = company.name
        now = self.clock()
        community = Community(
            id=uuid.uuid4().hex,
            name=req.name,
            description=req.description,
            category=req.category,
            owner_id=caller.member_id,
            owner_handle=caller.handle,
            company_id=req.company_id,
            company_name=company_name,
            member_count=1,
            created_at=now,
            version=1,
        )
        owner = Membership(community.id, caller.member_id, caller.handle, "owner", now)
        self.communities.create(community, owner)
        return community

    def get(self, community_id: str) -> Community:
        community = self.communities.get(community_id)
        if community is None:
            raise errors.NotFound("No such community.")
        return community

    def role_of(self, community_id: str, member_id: str) -> Membership | None:
        return self.communities.membership(community_id, member_id)

    def browse(
        self, category: str | None, sort: str, limit: int, cursor: str | None
    ) -> tuple[list[Community], str | None]:
        return self.communities.browse(category, sort, limit, cursor)

    def join(self, caller: Caller, community_id: str) -> Community:
        """Join; joining again changes nothing (a missing community fails the write, then the read 404s)."""
        membership = Membership(community_id, caller.member_id, caller.handle, "member", self.clock())
        self.communities.join(membership)
        return self.get(community_id)

    def leave(self, caller: Caller, community_id: str) -> Community:
        """Leave; leaving again changes nothing. The owner cannot leave their community."""
        current = self.communities.membership(community_id, caller.member_id)
        if current is not None and current.role == "owner":
            raise errors.Conflict("The owner cannot leave their community.", code="owner_cannot_leave")
        if current is not None:
            self.communities.leave(community_id, caller.member_id)
        return self.get(community_id)

    def list_members(self, community_id: str, limit: int, cursor: str | None) -> tuple[list[Membership], str | None]:
        self.get(community_id)
        return self.communities.members(community_id, limit, cursor)

    def set_moderator(self, caller: Caller, community_id: str, handle: str, moderator: bool) -> Membership:
        """The owner names or un-names a moderator among the community's members."""
        community = self.get(community_id)
        if community.owner_id != caller.member_id:
            raise errors.Forbidden("Only the owner names moderators.", code="not_owner")
        target = active_member(self.members, handle)
        if target.id == community.owner_id:
            raise errors.InvalidInput("The owner already moderates.", code="owner_is_moderator")
        updated = self.communities.set_role(community_id, target.id, "moderator" if moderator else "member")
        if updated is None:
            raise errors.NotFound("That member has not joined this community.", code="not_a_member")
        return updated
