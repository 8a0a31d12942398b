"""Community use cases (create, official by staff, join, leave, moderators, members) over in-memory ports."""

from __future__ import annotations

import dataclasses

import pytest
from msgspec import structs

from chalicelib import errors
from chalicelib.communities.models import Community, CommunityCreate, Membership
from chalicelib.communities.service import CommunityService
from chalicelib.companies.models import Company
from chalicelib.kernel import WITHDRAWN_NAME, Member
from chalicelib.pagination import Slice
from tests.unit.fakes import T0, FakeClock, FakeMembers, caller_of, member


@dataclasses.dataclass
class FakeCommunityStore:
    """Communities and memberships, with the member count kept in step."""

    by_id: dict[str, Community] = dataclasses.field(default_factory=dict)
    memberships: dict[tuple[str, str], Membership] = dataclasses.field(default_factory=dict)

    def create(self, community: Community, owner: Membership) -> None:
        self.by_id[community.id] = structs.replace(community)
        self.memberships[community.id, owner.member_id] = owner

    def get(self, community_id: str) -> Community | None:
        found = self.by_id.get(community_id)
        return None if found is None else structs.replace(found)

    def browse(self, category: str | None, sort: str, limit: int, cursor: str | None) -> Slice[Community]:
        found = sorted(
            (c for c in self.by_id.values() if category in (None, c.category)), key=lambda c: -c.member_count
        )
        return Slice(found[:limit], "more" if len(found) > limit else None)

    def membership(self, community_id: str, member_id: str) -> Membership | None:
        return self.memberships.get((community_id, member_id))

    def join(self, membership: Membership) -> bool:
        key = (membership.community_id, membership.member_id)
        if membership.community_id not in self.by_id or key in self.memberships:
            return False
        self.memberships[key] = membership
        self.by_id[membership.community_id].member_count += 1
        return True

    def leave(self, community_id: str, member_id: str) -> bool:
        if self.memberships.pop((community_id, member_id), None) is None:
            return False
        self.by_id[community_id].member_count -= 1
        return True

    def members(self, community_id: str, limit: int, cursor: str | None) -> Slice[Membership]:
        inside = [m for (c, _), m in self.memberships.items() if c == community_id]
        start = int(cursor or 0)
        end = start + limit
        return Slice(inside[start:end], str(end) if end < len(inside) else None)

    def set_role(self, community_id: str, member_id: str, role: str) -> Membership | None:
        found = self.memberships.get((community_id, member_id))
        if found is None:
            return None
        self.memberships[community_id, member_id] = structs.replace(found, role=role)  # type: ignore[arg-type]
        return self.memberships[community_id, member_id]


@dataclasses.dataclass
class FakeCompanies:
    by_id: dict[str, Company] = dataclasses.field(default_factory=dict)
    staff: set[tuple[str, str]] = dataclasses.field(default_factory=set)

    def get(self, company_id: str) -> Company | None:
        return self.by_id.get(company_id)

    def is_staff(self, company_id: str, member_id: str) -> bool:
        return (company_id, member_id) in self.staff


@dataclasses.dataclass
class World:
    clock: FakeClock
    members: FakeMembers
    store: FakeCommunityStore
    companies: FakeCompanies
    service: CommunityService
    owner: Member
    bob: Member

    def community(self) -> str:
        return self.service.create(caller_of(self.owner), CommunityCreate(name="Tea", category="food")).id


@pytest.fixture
def world() -> World:
    clock, store, companies = FakeClock(), FakeCommunityStore(), FakeCompanies()
    owner, bob = member("olive"), member("bob")
    members = FakeMembers().add(owner, bob)
    return World(clock, members, store, companies, CommunityService(store, companies, members, clock), owner, bob)


ACME = Company(id="acme", name="Acme Tea", website="https://acme.example", created_at=T0)


def test_create_makes_the_caller_owner_and_first_member(world: World) -> None:
    out = world.service.create(
        caller_of(world.owner), CommunityCreate(name="  Tea lovers ", description="Sencha", category="food")
    )

    assert (out.name, out.description, out.category) == ("Tea lovers", "Sencha", "food")
    assert out.member_count == 1
    assert out.your_role == "owner"
    assert (out.official, out.company) == (False, None)
    assert (out.owner.handle, out.owner.display_name) == ("olive", "Olive")
    assert out.created_at == T0
    assert world.service.get(caller_of(world.owner), out.id).your_role == "owner"


def test_company_staff_create_an_official_community(world: World) -> None:
    world.companies.by_id[ACME.id] = ACME
    world.companies.staff.add((ACME.id, world.owner.id))

    out = world.service.create(
        caller_of(world.owner), CommunityCreate(name="Acme", category="business", company_id="acme")
    )

    assert out.official is True
    assert out.company is not None and (out.company.id, out.company.name) == ("acme", "Acme Tea")


def test_an_official_community_needs_the_companys_staff(world: World) -> None:
    world.companies.by_id[ACME.id] = ACME

    with pytest.raises(errors.Forbidden) as exc:
        world.service.create(caller_of(world.bob), CommunityCreate(name="Acme", category="business", company_id="acme"))

    assert exc.value.code == "not_company_staff"
    assert world.store.by_id == {}


def test_an_official_community_of_an_unknown_company_is_not_found(world: World) -> None:
    with pytest.raises(errors.NotFound):
        world.service.create(caller_of(world.owner), CommunityCreate(name="X", category="other", company_id="nope"))

    assert world.store.by_id == {}


def test_get_shows_the_callers_role_or_none(world: World) -> None:
    cid = world.community()
    carol = member("carol")
    world.members.add(carol)

    assert world.service.get(caller_of(world.bob), cid).your_role is None
    world.service.join(caller_of(world.bob), cid)
    assert world.service.get(caller_of(world.bob), cid).your_role == "member"
    world.service.set_moderator(caller_of(world.owner), cid, "bob", True)
    assert world.service.get(caller_of(world.bob), cid).your_role == "moderator"
    assert world.service.get(caller_of(carol), cid).your_role is None


def test_get_of_an_unknown_community_is_not_found(world: World) -> None:
    with pytest.raises(errors.NotFound):
        world.service.get(caller_of(world.owner), "nope")


def test_owner_shows_as_withdrawn_member_after_withdrawing(world: World) -> None:
    cid = world.community()
    world.members.by_id[world.owner.id] = structs.replace(world.owner, status="withdrawn")

    out = world.service.get(caller_of(world.bob), cid)

    assert (out.owner.handle, out.owner.display_name) == (None, WITHDRAWN_NAME)


def test_joining_twice_counts_the_member_once(world: World) -> None:
    cid = world.community()

    first = world.service.join(caller_of(world.bob), cid)
    again = world.service.join(caller_of(world.bob), cid)

    assert (first.member_count, first.your_role) == (2, "member")
    assert (again.member_count, again.your_role) == (2, "member")


def test_joining_an_unknown_community_is_not_found(world: World) -> None:
    with pytest.raises(errors.NotFound):
        world.service.join(caller_of(world.bob), "nope")


def test_owner_joining_their_own_community_stays_owner(world: World) -> None:
    cid = world.community()

    out = world.service.join(caller_of(world.owner), cid)

    assert (out.member_count, out.your_role) == (1, "owner")


def test_owner_cannot_leave(world: World) -> None:
    cid = world.community()

    with pytest.raises(errors.Conflict) as exc:
        world.service.leave(caller_of(world.owner), cid)

    assert exc.value.code == "owner_cannot_leave"
    assert world.service.get(caller_of(world.owner), cid).your_role == "owner"


def test_leaving_uncounts_the_member_once(world: World) -> None:
    cid = world.community()
    world.service.join(caller_of(world.bob), cid)

    left = world.service.leave(caller_of(world.bob), cid)
    again = world.service.leave(caller_of(world.bob), cid)

    assert (left.member_count, left.your_role) == (1, None)
    assert (again.member_count, again.your_role) == (1, None)


def test_leaving_an_unknown_community_is_not_found(world: World) -> None:
    with pytest.raises(errors.NotFound):
        world.service.leave(caller_of(world.bob), "nope")


def test_owner_names_and_unnames_a_moderator(world: World) -> None:
    cid = world.community()
    world.service.join(caller_of(world.bob), cid)

    named = world.service.set_moderator(caller_of(world.owner), cid, "BOB", True)
    unnamed = world.service.set_moderator(caller_of(world.owner), cid, "bob", False)

    assert (named.handle, named.display_name, named.role) == ("bob", "Bob", "moderator")
    assert unnamed.role == "member"
    assert world.service.get(caller_of(world.bob), cid).your_role == "member"


def test_only_the_owner_names_moderators(world: World) -> None:
    cid = world.community()
    carol = member("carol")
    world.members.add(carol)
    world.service.join(caller_of(world.bob), cid)
    world.service.join(caller_of(carol), cid)
    world.service.set_moderator(caller_of(world.owner), cid, "bob", True)

    with pytest.raises(errors.Forbidden) as exc:
        world.service.set_moderator(caller_of(world.bob), cid, "carol", True)

    assert exc.value.code == "not_owner"
    assert world.service.get(caller_of(carol), cid).your_role == "member"


def test_naming_a_non_member_moderator_is_not_found(world: World) -> None:
    cid = world.community()

    with pytest.raises(errors.NotFound) as exc:
        world.service.set_moderator(caller_of(world.owner), cid, "bob", True)

    assert exc.value.code == "not_a_member"


def test_the_owner_cannot_be_named_moderator(world: World) -> None:
    cid = world.community()

    with pytest.raises(errors.InvalidInput) as exc:
        world.service.set_moderator(caller_of(world.owner), cid, "olive", True)

    assert exc.value.code == "owner_is_moderator"
    assert world.service.get(caller_of(world.owner), cid).your_role == "owner"


def test_list_members_pages_through_the_stores_slices(world: World) -> None:
    cid = world.community()
    joiners = [member(h) for h in ("bob2", "carol", "dave", "erin")]
    world.members.add(*joiners)
    for m in joiners:
        world.clock.advance(60)
        world.service.join(caller_of(m), cid)
    world.members.by_id[joiners[1].id] = structs.replace(joiners[1], status="withdrawn")

    pages, cursor = [], None
    while True:
        page = world.service.list_members(cid, 2, cursor)
        pages.append([(m.handle, m.display_name, m.role) for m in page.items])
        cursor = page.next_cursor
        if cursor is None:
            break

    assert pages == [
        [("olive", "Olive", "owner"), ("bob2", "Bob2", "member")],
        [(None, WITHDRAWN_NAME, "member"), ("dave", "Dave", "member")],
        [("erin", "Erin", "member")],
    ]


def test_list_members_of_an_unknown_community_is_not_found(world: World) -> None:
    with pytest.raises(errors.NotFound):
        world.service.list_members("nope", 10, None)


def test_browse_shows_each_communitys_owner_and_no_role(world: World) -> None:
    tea = world.community()
    world.service.create(caller_of(world.bob), CommunityCreate(name="Go", category="games"))
    world.service.join(caller_of(world.bob), tea)

    page = world.service.browse(None, "members", 1, None)
    games = world.service.browse("games", "members", 10, None)

    assert [(c.name, c.owner.handle, c.member_count, c.your_role) for c in page.items] == [("Tea", "olive", 2, None)]
    assert page.next_cursor == "more"
    assert [(c.name, c.owner.handle) for c in games.items] == [("Go", "bob")]
    assert games.next_cursor is None
