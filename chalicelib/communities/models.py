"""Communities and their members: domain types and the shapes at the HTTP edge."""

from datetime import datetime
from typing import Annotated, Literal

from msgspec import Struct
from pydantic import ConfigDict, Field, StringConstraints, field_validator

from chalicelib.kernel import Id, MemberRef, Schema, Strict
from chalicelib.pagination import PageQuery

Category = Literal[
    "games",
    "anime_manga",
    "music",
    "movies_tv",
    "books",
    "sports",
    "food",
    "travel",
    "tech",
    "business",
    "hobbies",
    "local",
    "school",
    "other",
]
CommunityRole = Literal["owner", "moderator", "member"]
CommunitySort = Literal["members", "new"]

CommunityName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50)]
Description = Annotated[str, StringConstraints(max_length=2000)]


class Community(Struct):
    """A community; official when it belongs to a verified company."""

    id: str
    name: str
    description: str
    category: str
    owner_id: str
    owner_handle: str
    company_id: str | None
    company_name: str | None
    member_count: int
    created_at: datetime
    version: int = 0

    @property
    def official(self) -> bool:
        return self.company_id is not None


class Membership(Struct):
    """One member's place in one community."""

    community_id: str
    member_id: str
    handle: str
    role: CommunityRole
    joined_at: datetime

    @property
    def moderates(self) -> bool:
        return self.role in ("owner", "moderator")


class CommunityCreate(Strict):
    name: CommunityName
    description: Description = ""
    category: Category
    company_id: Id | None = Field(default=None, description="Only that company's staff; makes it official.")


class CommunityQuery(PageQuery):
    model_config = ConfigDict(extra="ignore")

    category: Category | None = None
    sort: CommunitySort = "members"

    @field_validator("category", mode="before")
    @classmethod
    def _empty_is_all(cls, value: object) -> object:
        return None if value == "" else value


class CompanyRef(Schema):
    id: str
    name: str


class CommunityOut(Schema):
    id: str
    name: str
    description: str
    category: str
    member_count: int
    official: bool
    company: CompanyRef | None
    owner: MemberRef
    created_at: datetime
    your_role: CommunityRole | None = Field(default=None, description="Your role here (single community reads).")

    @classmethod
    def of(cls, c: Community, owner: MemberRef, your_role: CommunityRole | None = None) -> "CommunityOut":
        return cls(
            id=c.id,
            name=c.name,
            description=c.description,
            category=c.category,
            member_count=c.member_count,
            official=c.official,
            company=CompanyRef(id=c.company_id, name=c.company_name or "") if c.company_id else None,
            owner=owner,
            created_at=c.created_at,
            your_role=your_role,
        )


class CommunityMemberOut(Schema):
    handle: str | None
    display_name: str
    role: CommunityRole
    joined_at: datetime

    @classmethod
    def of(cls, m: Membership, who: MemberRef) -> "CommunityMemberOut":
        return cls(handle=who.handle, display_name=who.display_name, role=m.role, joined_at=m.joined_at)
