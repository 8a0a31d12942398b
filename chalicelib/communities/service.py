"""Use cases of communities: create (official for company staff), browse, join, leave, moderators."""

from __future__ import annotations

from chalicelib import errors
from chalicelib.communities.models import (
    Community,
    CommunityCreate,
    CommunityMemberOut,
    CommunityOut,
    Membership,
)
from chalicelib.communities.ports import CommunityStore, CompanyLookup
from chalicelib.kernel import (
    Caller,
    Clock,
    MemberDirectory,
    MemberRef,
    active_member,
    member_refs,
    new_id,
    utcnow,
)
from chalicelib.pagination import Page


class CommunityService:
    """Communities: the creator owns them; only a company's staff can make one official."""

    def __init__(
        self, communities: CommunityStore, companies: CompanyLookup, members: MemberDirectory, clock: Clock = utcnow
    ):
        self.communities = communities
        self.companies = companies
        self.members = members
        self.clock = clock

    def _out(self, community: Community, your_role: Membership | None) -> CommunityOut:
        owner = member_refs(self.members, [community.owner_id])[community.owner_id]
        return CommunityOut.of(community, owner, your_role.role if your_role else None)

    def _get(self, community_id: str) -> Community:
        community = self.communities.get(community_id)
        if community is None:
            raise errors.NotFound("No such community.")
        return community

    def create(self, caller: Caller, req: CommunityCreate) -> CommunityOut:
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
            id=new_id(),
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
        return self._out(community, owner)

    def get(self, caller: Caller, community_id: str) -> CommunityOut:
        """A community, with the caller's role in it."""
        community = self._get(community_id)
        return self._out(community, self.communities.membership(community_id, caller.member_id))

    def browse(self, category: str | None, sort: str, limit: int, cursor: str | None) -> Page[CommunityOut]:
        """Communities, biggest or newest first, in one category or all."""
        found = self.communities.browse(category, sort, limit, cursor)
        owners = member_refs(self.members, (c.owner_id for c in found.items))
        return Page[CommunityOut](
            items=[CommunityOut.of(c, owners[c.owner_id]) for c in found.items], next_cursor=found.next_cursor
        )

    def of_member(self, caller: Caller, handle: str, limit: int, cursor: str | None) -> Page[CommunityOut]:
        """A member's communities, latest joined first; on one's own list, with one's role in each."""
        member = active_member(self.members, handle)
        found = self.communities.of_member(member.id, limit, cursor)
        owners = member_refs(self.members, (c.owner_id for c, _ in found.items))
        own = member.id == caller.member_id
        return Page[CommunityOut](
            items=[CommunityOut.of(c, owners[c.owner_id], m.role if own else None) for c, m in found.items],
            next_cursor=found.next_cursor,
        )

    def of_company(self, caller: Caller, company_id: str, limit: int, cursor: str | None) -> Page[CommunityOut]:
        """A company's official communities (public, as each community is), with the caller's role in each."""
        if self.companies.get(company_id) is None:
            raise errors.NotFound("No such company.")
        found = self.communities.of_company(company_id, limit, cursor)
        owners = member_refs(self.members, (c.owner_id for c in found.items))
        items = []
        for c in found.items:
            role = self.communities.membership(c.id, caller.member_id)
            items.append(CommunityOut.of(c, owners[c.owner_id], role.role if role else None))
        return Page[CommunityOut](items=items, next_cursor=found.next_cursor)

    def join(self, caller: Caller, community_id: str) -> CommunityOut:
        """Join; joining again changes nothing (a missing community fails the write, then the read 404s)."""
        membership = Membership(community_id, caller.member_id, caller.handle, "member", self.clock())
        self.communities.join(membership)
        return self.get(caller, community_id)

    def leave(self, caller: Caller, community_id: str) -> CommunityOut:
        """Leave; leaving again changes nothing. The owner cannot leave their community."""
        current = self.communities.membership(community_id, caller.member_id)
        if current is not None and current.role == "owner":
            raise errors.Conflict("The owner cannot leave their community.", code="owner_cannot_leave")
        if current is not None:
            self.communities.leave(community_id, caller.member_id)
        return self._out(self._get(community_id), None)

    def list_members(self, community_id: str, limit: int, cursor: str | None) -> Page[CommunityMemberOut]:
        """The members of a community, with their roles."""
        self._get(community_id)
        found = self.communities.members(community_id, limit, cursor)
        refs = member_refs(self.members, (m.member_id for m in found.items))
        return Page[CommunityMemberOut](
            items=[CommunityMemberOut.of(m, refs[m.member_id]) for m in found.items], next_cursor=found.next_cursor
        )

    def set_moderator(self, caller: Caller, community_id: str, handle: str, moderator: bool) -> CommunityMemberOut:
        """The owner names or un-names a moderator among the community's members."""
        community = self._get(community_id)
        if community.owner_id != caller.member_id:
            raise errors.Forbidden("Only the owner names moderators.", code="not_owner")
        target = active_member(self.members, handle)
        if target.id == community.owner_id:
            raise errors.InvalidInput("The owner already moderates.", code="owner_is_moderator")
        updated = self.communities.set_role(community_id, target.id, "moderator" if moderator else "member")
        if updated is None:
            raise errors.NotFound("That member has not joined this community.", code="not_a_member")
        return CommunityMemberOut.of(updated, MemberRef(handle=target.handle, display_name=target.display_name))
