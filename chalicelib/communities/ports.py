"""What the community use cases need from the outside world (implemented in ``chalicelib.adapters``)."""

from __future__ import annotations

from typing import Protocol

from chalicelib.communities.models import Community, Membership
from chalicelib.companies.models import Company
from chalicelib.pagination import Slice


class CommunityStore(Protocol):
    """Communities, memberships and their exact member counts."""

    def create(self, community: Community, owner: Membership) -> None: ...

    def get(self, community_id: str) -> Community | None: ...

    def browse(self, category: str | None, sort: str, limit: int, cursor: str | None) -> Slice[Community]: ...

    def of_company(self, company_id: str, limit: int, cursor: str | None) -> Slice[Community]:
        """A company's official communities, oldest first."""

    def membership(self, community_id: str, member_id: str) -> Membership | None: ...

    def join(self, membership: Membership) -> bool:
        """Add and count a member; False if already a member or the community is gone."""
        ...

    def leave(self, community_id: str, member_id: str) -> bool:
        """Remove and uncount a non-owner member; False if they were not a member."""
        ...

    def members(self, community_id: str, limit: int, cursor: str | None) -> Slice[Membership]: ...

    def of_member(self, member_id: str, limit: int, cursor: str | None) -> Slice[tuple[Community, Membership]]:
        """A member's communities with their membership, latest joined first."""

    def set_role(self, community_id: str, member_id: str, role: str) -> Membership | None:
        """Make a member moderator or plain member (never the owner); None if not a member."""
        ...


class CompanyLookup(Protocol):
    """Who may make a community official."""

    def get(self, company_id: str) -> Company | None: ...

    def is_staff(self, company_id: str, member_id: str) -> bool: ...
