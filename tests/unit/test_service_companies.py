"""Company use cases (registration, staff, the inquiry inbox, public metrics) over in-memory ports."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta

import pytest

from chalicelib import errors
from chalicelib.companies.models import Company, CompanyCreate, Staff
from chalicelib.companies.service import CompanyService
from chalicelib.kernel import WITHDRAWN_NAME, Member, new_id
from chalicelib.pagination import Slice
from chalicelib.posts.models import Post
from tests.unit.fakes import T0, FakeClock, FakeMembers, caller_of, member

HOUR_S = 3600


@dataclasses.dataclass
class FakeCompanyStore:
    by_id: dict[str, Company] = dataclasses.field(default_factory=dict)
    staff_of: dict[tuple[str, str], Staff] = dataclasses.field(default_factory=dict)

    def create(self, company: Company) -> None:
        self.by_id[company.id] = company

    def get(self, company_id: str) -> Company | None:
        return self.by_id.get(company_id)

    def staff(self, company_id: str, member_id: str) -> Staff | None:
        return self.staff_of.get((company_id, member_id))

    def is_staff(self, company_id: str, member_id: str) -> bool:
        return (company_id, member_id) in self.staff_of

    def companies_of(self, member_id: str) -> list[tuple[Company, Staff]]:
        return [(self.by_id[c], s) for (c, m), s in self.staff_of.items() if m == member_id]

    def put_staff(self, staff: Staff) -> Staff:
        self.staff_of[staff.company_id, staff.member_id] = staff
        return staff

    def remove_staff(self, company_id: str, member_id: str) -> None:
        self.staff_of.pop((company_id, member_id), None)


@dataclasses.dataclass
class FakeInquiries:
    """A company's inquiries as posts; counts and durations are set by the test."""

    posts: list[Post] = dataclasses.field(default_factory=list)
    counts: dict[str, int] = dataclasses.field(default_factory=dict)
    durations: list[int] = dataclasses.field(default_factory=list)

    def inquiries(self, company_id: str, status: str, limit: int, cursor: str | None) -> Slice[Post]:
        found = sorted(
            (p for p in self.posts if p.company_id == company_id and p.status == status), key=lambda p: p.created_at
        )
        start = int(cursor or 0)
        end = start + limit
        return Slice(found[start:end], str(end) if end < len(found) else None)

    def inquiry_counts(self, company_id: str) -> dict[str, int]:
        return self.counts

    def first_response_times(self, company_id: str) -> list[int]:
        return self.durations

    def count_open_since(self, company_id: str, before: datetime) -> int:
        return sum(1 for p in self.posts if p.company_id == company_id and p.status == "open" and p.created_at < before)


ACME = Company(id="acme", name="Acme Tea", website="https://acme.example", created_at=T0)


def inquiry(author: Member, created_at: datetime, status: str = "open", first_response_s: int | None = None) -> Post:
    return Post(
        id=new_id(),
        kind="inquiry",
        author_id=author.id,
        author_handle=author.handle,
        title="Where is my tea?",
        body="It did not arrive.",
        visibility="members",
        community_id="c-acme",
        community_name="Acme",
        company_id=ACME.id,
        status=status,  # type: ignore[arg-type]
        created_at=created_at,
        updated_at=created_at,
        first_response_s=first_response_s,
    )


@dataclasses.dataclass
class World:
    clock: FakeClock
    members: FakeMembers
    companies: FakeCompanyStore
    posts: FakeInquiries
    service: CompanyService
    admin: Member
    boss: Member
    agent: Member
    bob: Member


@pytest.fixture
def world() -> World:
    clock, companies, posts = FakeClock(), FakeCompanyStore(), FakeInquiries()
    admin = member("root", roles=("member", "admin"))
    boss, agent, bob = member("boss"), member("agent"), member("bob", display_name="Bob B")
    members = FakeMembers().add(admin, boss, agent, bob)
    companies.create(ACME)
    companies.put_staff(Staff(ACME.id, boss.id, boss.handle, "owner", T0))
    companies.put_staff(Staff(ACME.id, agent.id, agent.handle, "agent", T0))
    service = CompanyService(companies, posts, members, clock)
    return World(clock, members, companies, posts, service, admin, boss, agent, bob)


# --- registration and staff ----------------------------------------------------------------------


def test_an_admin_registers_a_company(world: World) -> None:
    out = world.service.create(caller_of(world.admin), CompanyCreate(name=" Beta Co ", website="https://beta.example"))

    assert (out.name, out.website, out.created_at) == ("Beta Co", "https://beta.example", T0)
    assert world.service.get(out.id) == out


def test_only_an_admin_registers_companies(world: World) -> None:
    with pytest.raises(errors.Forbidden) as exc:
        world.service.create(caller_of(world.boss), CompanyCreate(name="Beta", website="https://beta.example"))

    assert exc.value.code == "admin_only"
    assert list(world.companies.by_id) == [ACME.id]


def test_get_of_an_unknown_company_is_not_found(world: World) -> None:
    with pytest.raises(errors.NotFound):
        world.service.get("nope")


@pytest.mark.parametrize("who", ["admin", "boss"])
def test_an_admin_or_the_companys_owner_names_staff(world: World, who: str) -> None:
    world.clock.advance(60)
    caller = caller_of(getattr(world, who))

    out = world.service.put_staff(caller, ACME.id, "BOB", "advertiser")

    assert (out.handle, out.display_name, out.role) == ("bob", "Bob B", "advertiser")
    assert out.since == T0 + timedelta(seconds=60)
    assert world.companies.is_staff(ACME.id, world.bob.id)


@pytest.mark.parametrize("who", ["agent", "bob"])
def test_agents_and_outsiders_cannot_manage_staff(world: World, who: str) -> None:
    caller = caller_of(getattr(world, who))

    with pytest.raises(errors.Forbidden) as exc:
        world.service.put_staff(caller, ACME.id, "bob", "owner")
    with pytest.raises(errors.Forbidden):
        world.service.remove_staff(caller, ACME.id, "boss")

    assert exc.value.code == "not_company_owner"
    assert world.companies.staff(ACME.id, world.bob.id) is None
    assert world.companies.staff(ACME.id, world.boss.id) is not None


def test_an_owner_of_another_company_cannot_manage_this_ones_staff(world: World) -> None:
    world.companies.create(Company(id="beta", name="Beta", website="https://beta.example", created_at=T0))
    world.companies.put_staff(Staff("beta", world.bob.id, "bob", "owner", T0))

    with pytest.raises(errors.Forbidden):
        world.service.put_staff(caller_of(world.bob), ACME.id, "bob", "owner")


def test_naming_staff_of_an_unknown_company_or_a_withdrawn_member_is_not_found(world: World) -> None:
    world.members.add(member("gone", status="withdrawn"))

    with pytest.raises(errors.NotFound):
        world.service.put_staff(caller_of(world.admin), "nope", "bob", "agent")
    with pytest.raises(errors.NotFound):
        world.service.put_staff(caller_of(world.admin), ACME.id, "gone", "agent")


def test_owner_removes_staff(world: World) -> None:
    world.service.remove_staff(caller_of(world.boss), ACME.id, "agent")
    world.service.remove_staff(caller_of(world.boss), ACME.id, "agent")

    assert not world.companies.is_staff(ACME.id, world.agent.id)


def test_mine_lists_the_callers_companies_with_roles(world: World) -> None:
    assert [(c.id, c.name, c.role) for c in world.service.mine(caller_of(world.agent)).items] == [
        ("acme", "Acme Tea", "agent")
    ]
    assert world.service.mine(caller_of(world.bob)).items == []


# --- inbox ---------------------------------------------------------------------------------------


def test_inbox_is_for_the_companys_staff_only(world: World) -> None:
    with pytest.raises(errors.Forbidden) as exc:
        world.service.inbox(caller_of(world.bob), ACME.id, "open", 10, None)

    assert exc.value.code == "not_company_staff"
    with pytest.raises(errors.Forbidden):
        world.service.inbox(caller_of(world.admin), ACME.id, "open", 10, None)


def test_inbox_of_an_unknown_company_is_not_found(world: World) -> None:
    with pytest.raises(errors.NotFound):
        world.service.inbox(caller_of(world.agent), "nope", "open", 10, None)


def test_inbox_waiting_time_runs_until_now_for_open_inquiries(world: World) -> None:
    world.posts.posts = [
        inquiry(world.bob, T0 - timedelta(hours=2)),
        inquiry(world.bob, T0 - timedelta(minutes=5)),
        inquiry(world.bob, T0 + timedelta(seconds=30)),  # a clock skew: never negative
        inquiry(world.bob, T0 - timedelta(hours=9), status="answered", first_response_s=600),
    ]

    page = world.service.inbox(caller_of(world.agent), ACME.id, "open", 10, None)
    assert [e.waiting_s for e in page.items] == [2 * HOUR_S, 300, 0]

    world.clock.advance(HOUR_S)
    later = world.service.inbox(caller_of(world.agent), ACME.id, "open", 10, None)
    assert [e.waiting_s for e in later.items] == [3 * HOUR_S, HOUR_S + 300, HOUR_S - 30]


def test_inbox_waiting_time_of_an_answered_inquiry_is_its_first_response_time(world: World) -> None:
    world.posts.posts = [inquiry(world.bob, T0 - timedelta(hours=9), status="answered", first_response_s=600)]

    [entry] = world.service.inbox(caller_of(world.boss), ACME.id, "answered", 10, None).items

    assert entry.waiting_s == 600
    assert (entry.inquiry.kind, entry.inquiry.status, entry.inquiry.title) == (
        "inquiry",
        "answered",
        "Where is my tea?",
    )
    assert (entry.inquiry.author.handle, entry.inquiry.author.display_name) == ("bob", "Bob B")


def test_inbox_shows_a_withdrawn_author_and_pages(world: World) -> None:
    gone = member("gone", status="withdrawn")
    world.members.add(gone)
    world.posts.posts = [inquiry(gone, T0 - timedelta(hours=3)), inquiry(world.bob, T0 - timedelta(hours=1))]

    first = world.service.inbox(caller_of(world.agent), ACME.id, "open", 1, None)
    second = world.service.inbox(caller_of(world.agent), ACME.id, "open", 1, first.next_cursor)

    assert [(e.inquiry.author.handle, e.inquiry.author.display_name) for e in first.items] == [(None, WITHDRAWN_NAME)]
    assert first.next_cursor is not None
    assert [e.inquiry.author.handle for e in second.items] == ["bob"]
    assert second.next_cursor is None


# --- metrics -------------------------------------------------------------------------------------


def test_metrics_from_counts_durations_and_overdue_open_inquiries(world: World) -> None:
    world.posts.counts = {"open": 2, "answered": 3, "resolved": 1}
    world.posts.durations = [60, 600, 3600, 90_000]
    world.posts.posts = [
        inquiry(world.bob, T0 - timedelta(hours=25)),  # open for more than a day: counts against
        inquiry(world.bob, T0 - timedelta(hours=23)),  # still within the day: not judged yet
    ]

    m = world.service.metrics(ACME.id)

    assert (m.open, m.answered, m.resolved) == (2, 3, 1)
    assert m.median_first_response_s == 600
    assert m.p90_first_response_s == 90_000
    assert m.answered_within_24h_ratio == 0.6, "3 within a day of 4 answered + 1 overdue"


def test_metrics_count_an_open_inquiry_as_overdue_once_a_day_has_passed(world: World) -> None:
    world.posts.durations = [60]
    world.posts.posts = [inquiry(world.bob, T0 - timedelta(hours=23))]
    assert world.service.metrics(ACME.id).answered_within_24h_ratio == 1.0

    world.clock.advance(2 * HOUR_S)

    assert world.service.metrics(ACME.id).answered_within_24h_ratio == 0.5


def test_metrics_of_a_company_without_inquiries(world: World) -> None:
    m = world.service.metrics(ACME.id)

    assert m.model_dump() == {
        "open": 0,
        "answered": 0,
        "resolved": 0,
        "median_first_response_s": None,
        "p90_first_response_s": None,
        "answered_within_24h_ratio": None,
    }


def test_metrics_of_an_unknown_company_is_not_found(world: World) -> None:
    with pytest.raises(errors.NotFound):
        world.service.metrics("nope")
