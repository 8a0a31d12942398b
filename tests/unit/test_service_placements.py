"""CampaignService and PlacementService over in-memory ports: managing campaigns, the auction, clicks, reports."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from typing import Any

import pytest

from chalicelib import errors
from chalicelib.communities.models import Community
from chalicelib.companies.models import Company, Staff
from chalicelib.kernel import Member, new_id
from chalicelib.pagination import Slice
from chalicelib.placements.models import (
    MAX_REPORT_DAYS,
    Budget,
    Campaign,
    CampaignCreate,
    CampaignUpdate,
    Keyword,
    KeywordIn,
    Target,
    TargetIn,
)
from chalicelib.placements.ports import InProcessRanker
from chalicelib.placements.service import CampaignService, PlacementService
from chalicelib.placements.tokens import Impression, ImpressionTokens
from chalicelib.posts.models import Post
from tests.unit.fakes import T0, FakeClock, caller_of, member

COMPANY = "company-1"
OTHER_COMPANY = "company-2"
TTL_S = 900
#: T0 (12:00 UTC) is 21:00 in Tokyo, on the same day.
TODAY = "2026-11-26"

# --- fakes of the placements ports -------------------------------------------------------------


class FakeCampaigns:
    """CampaignStore over dicts: budgets left per campaign, one click per token nonce."""

    def __init__(self) -> None:
        self.campaigns: dict[tuple[str, str], Campaign] = {}
        self.remaining: dict[str, int] = {}
        self.clicks: dict[str, str] = {}
        self.charges: list[tuple[str, str, int]] = []
        self.shown: list[tuple[str, str, str]] = []
        self.replaced: list[tuple[Campaign, int]] = []
        self.history_of: dict[str, tuple[int, int]] = {}
        self.history_reads: list[list[str]] = []
        self.counters: dict[tuple[str, str, str, str], int] = {}
        self.charge_outcome = "charged"

    def create(self, campaign: Campaign) -> None:
        self.campaigns[(campaign.company_id, campaign.id)] = campaign

    def get(self, company_id: str, campaign_id: str) -> Campaign | None:
        return self.campaigns.get((company_id, campaign_id))

    def by_company(self, company_id: str, limit: int, cursor: str | None) -> Slice[Campaign]:
        return Slice([c for (co, _), c in self.campaigns.items() if co == company_id][:limit])

    def replace(self, campaign: Campaign, read_version: int) -> None:
        self.replaced.append((campaign, read_version))
        self.campaigns[(campaign.company_id, campaign.id)] = campaign

    def bidding(self, keys: Iterable[tuple[str, str]], day: str) -> dict[str, tuple[Campaign, Budget]]:
        found = [self.campaigns[k] for k in keys if k in self.campaigns]
        return {c.id: (c, Budget(c.id, day, c.daily_budget, self.remaining.get(c.id, c.daily_budget))) for c in found}

    def charge(self, impression: Impression, campaign: Campaign, day: str, now: datetime) -> str:
        if impression.nonce in self.clicks:
            return "replay"
        if self.charge_outcome != "charged":
            return self.charge_outcome
        self.clicks[impression.nonce] = "charged"
        self.charges.append((campaign.id, day, impression.price))
        return "charged"

    def record(self, impression: Impression, outcome: str, now: datetime) -> bool:
        if impression.nonce in self.clicks:
            return False
        self.clicks[impression.nonce] = outcome
        return True

    def count_impressions(self, shown: Sequence[tuple[str, str, str]]) -> None:
        self.shown.extend(shown)

    def history(self, campaign_ids: Iterable[str]) -> dict[str, tuple[int, int]]:
        ids = list(campaign_ids)
        self.history_reads.append(ids)
        return {c: self.history_of.get(c, (0, 0)) for c in ids}

    def report(self, campaign_id: str, days: Sequence[str], keywords: Sequence[str]) -> dict[tuple[str, str, str], int]:
        return {
            (d, k, m): self.counters.get((campaign_id, d, k, m), 0)
            for d in days
            for k in keywords
            for m in ("impressions", "clicks", "spend")
        }


class FakeCompanies:
    """CompanyStaff: two companies and their staff by role."""

    def __init__(self) -> None:
        self.companies = {
            c: Company(c, f"Company {c[-1]}", "https://example.com", T0) for c in (COMPANY, OTHER_COMPANY)
        }
        self.roles: dict[tuple[str, str], str] = {}

    def hire(self, m: Member, role: str, company_id: str = COMPANY) -> Member:
        self.roles[(company_id, m.id)] = role
        return m

    def get(self, company_id: str) -> Company | None:
        return self.companies.get(company_id)

    def staff(self, company_id: str, member_id: str) -> Staff | None:
        role = self.roles.get((company_id, member_id))
        return None if role is None else Staff(company_id, member_id, "h", role, T0)  # type: ignore[arg-type]

    def is_staff(self, company_id: str, member_id: str) -> bool:
        return (company_id, member_id) in self.roles


class ById:
    """CommunityLookup or PostLookup over a dict."""

    def __init__(self, *things: Any) -> None:
        self.things = {t.id: t for t in things}

    def get(self, thing_id: str) -> Any:
        return self.things.get(thing_id)


class FakeIndex:
    """The candidate index: every ad document, whatever the body (the service checks the keywords)."""

    def __init__(self, *docs: dict[str, Any]) -> None:
        self.docs = list(docs)
        self.bodies: list[dict[str, Any]] = []

    def search(self, body: dict[str, Any]) -> dict[str, Any]:
        self.bodies.append(body)
        return {"hits": {"hits": [{"_source": d} for d in self.docs]}}


class RecordingRanker(InProcessRanker):
    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []

    def rank(self, event: dict[str, Any]) -> dict[str, Any]:
        self.events.append(event)
        return super().rank(event)


# --- helpers -----------------------------------------------------------------------------------


def community_of(company_id: str | None) -> Community:
    return Community(new_id(), "Official", "", "games", "o", "o", company_id, None, 0, T0)


def post_of(company_id: str | None, kind: str = "topic") -> Post:
    return Post(
        new_id(),
        kind,  # type: ignore[arg-type]
        "author",
        "author",
        "t",
        "b",
        "members",
        "c",
        "c",
        company_id,
        "open" if kind == "inquiry" else None,
        T0,
        T0,
    )


def campaign(
    *keywords: tuple[str, str, int],
    company_id: str = COMPANY,
    budget: int = 10_000,
    status: str = "active",
    negative: Sequence[str] = (),
) -> Campaign:
    return Campaign(
        id=new_id(),
        company_id=company_id,
        company_name="Company",
        name="Winter sale",
        target=Target("community", "community-1"),
        headline="Buy a DS",
        text="Cheap.",
        keywords=[Keyword(t, m, c) for t, m, c in keywords or [("ds", "broad", 100)]],  # type: ignore[arg-type]
        negative_keywords=list(negative),
        daily_budget=budget,
        status=status,  # type: ignore[arg-type]
        created_at=T0,
        updated_at=T0,
    )


def ad_doc(c: Campaign) -> dict[str, Any]:
    """How the index holds an ad (it may lag DynamoDB: its status is not read)."""
    return {
        "id": c.id,
        "company_id": c.company_id,
        "ad_keywords": [{"text": k.text, "match": k.match, "max_cpc": k.max_cpc} for k in c.keywords],
        "negative_keywords": list(c.negative_keywords),
    }


# --- CampaignService ---------------------------------------------------------------------------


@dataclasses.dataclass
class Managers:
    service: CampaignService
    store: FakeCampaigns
    companies: FakeCompanies
    community: Community
    clock: FakeClock
    owner: Member
    advertiser: Member
    agent: Member
    outsider: Member


@pytest.fixture
def m() -> Managers:
    store, companies, clock = FakeCampaigns(), FakeCompanies(), FakeClock()
    community = community_of(COMPANY)
    service = CampaignService(store, companies, ById(community), ById(), clock)
    return Managers(
        service,
        store,
        companies,
        community,
        clock,
        companies.hire(member("owner"), "owner"),
        companies.hire(member("adv"), "advertiser"),
        companies.hire(member("agent"), "agent"),
        member("outsider"),
    )


def create_req(target_type: str = "community", target_id: str = "", **fields: Any) -> CampaignCreate:
    values: dict[str, Any] = {
        "name": "Winter sale",
        "target": TargetIn(type=target_type, id=target_id or "x"),  # type: ignore[arg-type]
        "headline": "Buy a DS",
        "text": "Cheap.",
        "keywords": [KeywordIn(text="ds", match="broad", max_cpc=50)],
        "daily_budget": 1000,
    }
    values.update(fields)
    return CampaignCreate(**values)


def test_the_owner_creates_a_campaign_for_the_companys_community(m: Managers) -> None:
    out = m.service.create(caller_of(m.owner), COMPANY, create_req(target_id=m.community.id))
    assert (out.company_id, out.target.type, out.target.id, out.status) == (
        COMPANY,
        "community",
        m.community.id,
        "active",
    )
    assert [(k.text, k.match, k.max_cpc) for k in out.keywords] == [("ds", "broad", 50)]
    stored = m.store.campaigns[(COMPANY, out.id)]
    assert stored.company_name == "Company 1"
    assert stored.created_at == stored.updated_at == T0


def test_an_advertiser_creates_campaigns_too(m: Managers) -> None:
    out = m.service.create(caller_of(m.advertiser), COMPANY, create_req(target_id=m.community.id))
    assert (COMPANY, out.id) in m.store.campaigns


@pytest.mark.parametrize("who", ["agent", "outsider"])
def test_only_owners_and_advertisers_manage_campaigns(m: Managers, who: str) -> None:
    caller = caller_of(getattr(m, who))
    with pytest.raises(errors.Forbidden) as exc:
        m.service.create(caller, COMPANY, create_req(target_id=m.community.id))
    assert exc.value.code == "not_campaign_manager"
    assert m.store.campaigns == {}
    with pytest.raises(errors.Forbidden):
        m.service.list(caller, COMPANY, 20, None)


def test_an_owner_of_another_company_cannot_manage_this_ones_campaigns(m: Managers) -> None:
    rival = m.companies.hire(member("rival"), "owner", OTHER_COMPANY)
    with pytest.raises(errors.Forbidden):
        m.service.create(caller_of(rival), COMPANY, create_req(target_id=m.community.id))


def test_campaigns_of_a_missing_company_are_not_found(m: Managers) -> None:
    with pytest.raises(errors.NotFound):
        m.service.create(caller_of(m.owner), "no-such-company", create_req(target_id=m.community.id))


@pytest.mark.parametrize(
    ("target_type", "which"),
    [
        ("community", "missing"),
        ("community", "other_company"),
        ("community", "unofficial"),
        ("post", "missing"),
        ("post", "inquiry"),
        ("post", "other_company"),
    ],
)
def test_the_target_must_be_the_companys_community_or_topic(target_type: str, which: str) -> None:
    targets: dict[str, Any] = {
        "community": {"other_company": community_of(OTHER_COMPANY), "unofficial": community_of(None)},
        "post": {"inquiry": post_of(COMPANY, "inquiry"), "other_company": post_of(OTHER_COMPANY)},
    }
    chosen = targets[target_type].get(which)
    lookup = ById(chosen) if chosen else ById()
    companies = FakeCompanies()
    owner = companies.hire(member("owner"), "owner")
    store = FakeCampaigns()
    service = CampaignService(store, companies, lookup, lookup, FakeClock())
    with pytest.raises(errors.InvalidInput) as exc:
        service.create(caller_of(owner), COMPANY, create_req(target_type, chosen.id if chosen else "missing"))
    assert exc.value.code == "invalid_target"
    assert [d["path"] for d in exc.value.details] == ["target.id"]
    assert store.campaigns == {}


def test_a_companys_topic_is_a_target() -> None:
    topic = post_of(COMPANY)
    companies = FakeCompanies()
    owner = companies.hire(member("owner"), "owner")
    service = CampaignService(FakeCampaigns(), companies, ById(), ById(topic), FakeClock())
    out = service.create(caller_of(owner), COMPANY, create_req("post", topic.id))
    assert (out.target.type, out.target.id) == ("post", topic.id)


def test_a_campaign_of_another_company_is_not_found(m: Managers) -> None:
    theirs = campaign(company_id=OTHER_COMPANY)
    m.store.create(theirs)
    with pytest.raises(errors.NotFound):
        m.service.get(caller_of(m.owner), COMPANY, theirs.id)


def test_an_update_without_changes_returns_the_campaign_unwritten(m: Managers) -> None:
    mine = campaign()
    m.store.create(mine)
    out = m.service.update(caller_of(m.owner), COMPANY, mine.id, CampaignUpdate())
    assert (out.id, out.name, out.updated_at) == (mine.id, mine.name, T0)
    assert m.store.replaced == []


def test_pausing_a_campaign_writes_it_against_the_version_read(m: Managers) -> None:
    mine = campaign()
    m.store.create(mine)
    m.clock.advance(60)
    out = m.service.update(caller_of(m.advertiser), COMPANY, mine.id, CampaignUpdate(status="paused", daily_budget=5))
    assert (out.status, out.daily_budget, out.name) == ("paused", 5, mine.name)
    assert out.updated_at == m.clock.now
    [(written, read_version)] = m.store.replaced
    assert (written.status, written.version, read_version) == ("paused", mine.version + 1, mine.version)


def test_an_update_to_a_foreign_target_is_invalid(m: Managers) -> None:
    mine = campaign()
    m.store.create(mine)
    with pytest.raises(errors.InvalidInput) as exc:
        m.service.update(
            caller_of(m.owner), COMPANY, mine.id, CampaignUpdate(target=TargetIn(type="community", id="elsewhere"))
        )
    assert exc.value.details[0]["path"] == "target.id"
    assert m.store.replaced == []


def test_an_agent_cannot_update_a_campaign(m: Managers) -> None:
    mine = campaign()
    m.store.create(mine)
    with pytest.raises(errors.Forbidden):
        m.service.update(caller_of(m.agent), COMPANY, mine.id, CampaignUpdate(status="paused"))
    assert m.store.replaced == []


def test_the_report_has_a_row_per_day_and_keyword_with_ctr_and_average_cpc(m: Managers) -> None:
    mine = campaign(("ds", "broad", 100), ("nintendo ds", "phrase", 80))
    m.store.create(mine)
    for metric, value in (("impressions", 200), ("clicks", 3), ("spend", 100)):
        m.store.counters[(mine.id, "2026-11-25", "broad:ds", metric)] = value
    m.store.counters[(mine.id, "2026-11-25", "phrase:nintendo ds", "impressions")] = 7
    report = m.service.report(caller_of(m.owner), COMPANY, mine.id, date(2026, 11, 24), date(2026, 11, 25))
    assert report.campaign_id == mine.id
    rows = [(r.day, r.keyword, r.match, r.impressions, r.clicks, r.ctr, r.spend, r.average_cpc) for r in report.rows]
    assert rows == [
        ("2026-11-24", "ds", "broad", 0, 0, None, 0, None),
        ("2026-11-24", "nintendo ds", "phrase", 0, 0, None, 0, None),
        ("2026-11-25", "ds", "broad", 200, 3, 0.015, 100, 33.33),
        ("2026-11-25", "nintendo ds", "phrase", 7, 0, 0.0, 0, None),
    ]


def test_the_report_defaults_to_the_last_seven_japan_days(m: Managers) -> None:
    mine = campaign()
    m.store.create(mine)
    m.clock.advance(4 * 3600)  # 16:00 UTC: already the next day in Tokyo
    report = m.service.report(caller_of(m.owner), COMPANY, mine.id, None, None)
    assert [r.day for r in report.rows] == [f"2026-11-{d}" for d in range(21, 28)]


def test_a_report_from_a_given_day_runs_to_today_for_at_most_the_allowed_days(m: Managers) -> None:
    mine = campaign()
    m.store.create(mine)
    today = date.fromisoformat(TODAY)
    longest = m.service.report(caller_of(m.owner), COMPANY, mine.id, today - timedelta(days=MAX_REPORT_DAYS - 1), None)
    days = [r.day for r in longest.rows]
    assert (len(days), days[-1]) == (MAX_REPORT_DAYS, TODAY)


@pytest.mark.parametrize("start", [date(2026, 11, 26) - timedelta(days=MAX_REPORT_DAYS), date(2026, 1, 1)])
def test_a_report_from_too_long_ago_is_invalid_even_without_an_end(m: Managers, start: date) -> None:
    # ReportQuery alone cannot see the window when only ``from`` is given: ``to`` is the service's today.
    mine = campaign()
    m.store.create(mine)
    with pytest.raises(errors.InvalidInput) as exc:
        m.service.report(caller_of(m.owner), COMPANY, mine.id, start, None)
    assert [d["path"] for d in exc.value.details] == ["from"]


def test_a_report_from_a_future_day_without_an_end_is_invalid(m: Managers) -> None:
    mine = campaign()
    m.store.create(mine)
    with pytest.raises(errors.InvalidInput):
        m.service.report(caller_of(m.owner), COMPANY, mine.id, date(2026, 12, 1), None)


def test_an_agent_cannot_read_a_report(m: Managers) -> None:
    mine = campaign()
    m.store.create(mine)
    with pytest.raises(errors.Forbidden):
        m.service.report(caller_of(m.agent), COMPANY, mine.id, None, None)


# --- PlacementService: the auction -------------------------------------------------------------


@dataclasses.dataclass
class Auction:
    store: FakeCampaigns
    companies: FakeCompanies
    index: FakeIndex
    ranker: RecordingRanker
    tokens: ImpressionTokens
    clock: FakeClock

    def service(self, slots: int = 2, reserve: int = 10, draw: float = 0.99, **kw: Any) -> PlacementService:
        return PlacementService(
            self.store,
            self.companies,
            self.index,
            self.ranker,
            self.tokens,
            slots,
            reserve,
            self.clock,
            lambda: draw,
            **kw,
        )

    def add(self, *campaigns: Campaign) -> list[Campaign]:
        for c in campaigns:
            self.store.create(c)
            self.index.docs.append(ad_doc(c))
        return list(campaigns)


@pytest.fixture
def a() -> Auction:
    return Auction(
        FakeCampaigns(),
        FakeCompanies(),
        FakeIndex(),
        RecordingRanker(),
        ImpressionTokens(b"k" * 32, TTL_S),
        FakeClock(),
    )


SEEKER = member("seeker")


def shown(placements: Sequence[Any]) -> list[tuple[str, int, int]]:
    return [(p.campaign.id, p.slot, p.price) for p in placements]


def test_matching_active_campaigns_are_shown_with_their_keyword(a: Auction) -> None:
    [ad] = a.add(campaign(("nintendo ds", "phrase", 100)))
    [placement] = a.service().sponsored(caller_of(SEEKER), "Buy  Nintendo DS lite")
    assert (placement.campaign.id, placement.keyword, placement.slot) == (ad.id, "phrase:nintendo ds", 1)
    assert "Buy  Nintendo DS lite" in str(a.index.bodies[0])
    assert a.store.shown == [(ad.id, TODAY, "phrase:nintendo ds")]


def test_a_hit_whose_keywords_do_not_match_is_no_candidate(a: Auction) -> None:
    a.add(campaign(("nintendo ds", "exact", 100)), campaign(("ds", "broad", 100), negative=["lite"]))
    assert a.service().sponsored(caller_of(SEEKER), "nintendo ds lite") == []
    assert a.ranker.events == []
    assert a.store.shown == []


def test_a_paused_campaign_is_excluded_even_if_the_index_lists_it(a: Auction) -> None:
    _paused, active = a.add(campaign(status="paused"), campaign())
    placements = a.service().sponsored(caller_of(SEEKER), "ds")
    assert [p.campaign.id for p in placements] == [active.id]
    assert [c["ad_id"] for c in a.ranker.events[0]["candidates"]] == [active.id]


def test_a_campaign_gone_from_the_store_is_excluded(a: Auction) -> None:
    [gone] = a.add(campaign())
    del a.store.campaigns[(gone.company_id, gone.id)]
    assert a.service().sponsored(caller_of(SEEKER), "ds") == []


def test_a_bid_is_capped_by_the_budget_left_today(a: Auction) -> None:
    rich_bid, modest = a.add(campaign(("ds", "broad", 1000)), campaign(("ds", "broad", 50)))
    a.store.remaining[rich_bid.id] = 30
    placements = a.service(slots=2, reserve=10).sponsored(caller_of(SEEKER), "ds")
    # Capped at 30 it ranks below the 50 bid, which pays just enough to stay above it.
    assert shown(placements) == [(modest.id, 1, 30), (rich_bid.id, 2, 10)]
    bids = {c["ad_id"]: c["bid"] for c in a.ranker.events[0]["candidates"]}
    assert bids == {rich_bid.id: 30, modest.id: 50}


def test_a_bid_capped_under_the_reserve_drops_out(a: Auction) -> None:
    broke, _too_cheap, ok = a.add(campaign(("ds", "broad", 1000)), campaign(("ds", "broad", 9)), campaign())
    a.store.remaining[broke.id] = 5
    placements = a.service(reserve=10).sponsored(caller_of(SEEKER), "ds")
    assert [p.campaign.id for p in placements] == [ok.id]
    assert [c["ad_id"] for c in a.ranker.events[0]["candidates"]] == [ok.id]


def test_nothing_is_auctioned_when_every_bid_drops_out(a: Auction) -> None:
    [broke] = a.add(campaign())
    a.store.remaining[broke.id] = 0
    assert a.service().sponsored(caller_of(SEEKER), "ds") == []
    assert a.ranker.events == []


def test_at_most_slots_placements_are_shown(a: Auction) -> None:
    a.add(campaign(("ds", "broad", 30)), campaign(("ds", "broad", 20)), campaign(("ds", "broad", 40)))
    placements = a.service(slots=2).sponsored(caller_of(SEEKER), "ds")
    assert [(p.slot, p.campaign.keywords[0].max_cpc) for p in placements] == [(1, 40), (2, 30)]
    assert len(a.store.shown) == 2


class GreedyRanker:
    """A ranker (say, a misconfigured Lambda) that places every candidate, ignoring ``slots``."""

    def rank(self, event: dict[str, Any]) -> dict[str, Any]:
        ranked = sorted(event["candidates"], key=lambda c: -c["bid"])
        return {"placements": [{"ad_id": c["ad_id"], "slot": i, "price": c["bid"]} for i, c in enumerate(ranked, 1)]}


def test_placements_beyond_the_slots_are_never_shown_whatever_the_ranker_says(a: Auction) -> None:
    a.add(*(campaign(("ds", "broad", bid)) for bid in (30, 20, 40)))
    service = PlacementService(a.store, a.companies, a.index, GreedyRanker(), a.tokens, 2, 10, a.clock, lambda: 0.99)
    placements = service.sponsored(caller_of(SEEKER), "ds")
    assert [(p.slot, p.price) for p in placements] == [(1, 40), (2, 30)]
    assert len(a.store.shown) == 2


def test_no_slots_or_an_empty_query_asks_nobody(a: Auction) -> None:
    a.add(campaign())
    assert a.service(slots=0).sponsored(caller_of(SEEKER), "ds") == []
    assert a.service().sponsored(caller_of(SEEKER), "   ") == []
    assert a.index.bodies == []


def test_each_placement_carries_a_token_of_its_price_keyword_and_member(a: Auction) -> None:
    a.add(campaign(("ds", "broad", 40)), campaign(("ds", "broad", 25)))
    placements = a.service().sponsored(caller_of(SEEKER), "ds")
    for p in placements:
        impression = a.tokens.verify(p.token)
        assert (impression.campaign_id, impression.company_id, impression.keyword, impression.price) == (
            p.campaign.id,
            COMPANY,
            "broad:ds",
            p.price,
        )
        assert impression.member_id == SEEKER.id
        assert impression.expires_at == int(T0.timestamp()) + TTL_S
    assert placements[0].token != placements[1].token


def test_click_history_feeds_the_auction(a: Auction) -> None:
    clicked, ignored = a.add(campaign(("ds", "broad", 50)), campaign(("ds", "broad", 60)))
    a.store.history_of = {clicked.id: (1000, 100), ignored.id: (1000, 0)}
    placements = a.service(slots=1).sponsored(caller_of(SEEKER), "ds")
    assert [p.campaign.id for p in placements] == [clicked.id]


def test_click_history_is_read_once_per_ttl(a: Auction) -> None:
    [ad] = a.add(campaign())
    cached = a.service(history_ttl_s=60.0)
    cached.sponsored(caller_of(SEEKER), "ds")
    cached.sponsored(caller_of(SEEKER), "ds")
    assert a.store.history_reads == [[ad.id]]
    uncached = a.service(history_ttl_s=0.0)
    uncached.sponsored(caller_of(SEEKER), "ds")
    uncached.sponsored(caller_of(SEEKER), "ds")
    assert a.store.history_reads == [[ad.id], [ad.id], [ad.id]]


def test_a_campaign_spending_ahead_of_the_day_sits_out_some_auctions(a: Auction) -> None:
    [ad] = a.add(campaign(budget=1000))
    a.store.remaining[ad.id] = 500  # half the budget spent
    a.clock.advance(4 * 3600)  # 01:00 in Tokyo: far ahead of an even spend
    assert a.service(draw=0.0).sponsored(caller_of(SEEKER), "ds") == []
    assert [p.campaign.id for p in a.service(draw=0.99).sponsored(caller_of(SEEKER), "ds")] == [ad.id]


# --- PlacementService: clicks ------------------------------------------------------------------


def one_token(a: Auction, service: PlacementService, viewer: Member = SEEKER) -> tuple[Campaign, str, int]:
    [ad] = a.add(campaign(("ds", "broad", 40)))
    [p] = service.sponsored(caller_of(viewer), "ds")
    return ad, p.token, p.price


def test_a_click_is_charged_once(a: Auction) -> None:
    service = a.service()
    ad, token, price = one_token(a, service)
    first = service.click(caller_of(SEEKER), token)
    assert (first.charged, first.outcome, first.price, first.target) == (True, "charged", price, ad.target)
    again = service.click(caller_of(SEEKER), token)
    assert (again.charged, again.outcome, again.price) == (False, "replay", 0)
    assert a.store.charges == [(ad.id, TODAY, price)]


def test_following_a_placement_leads_to_its_target(a: Auction) -> None:
    service = a.service()
    ad, token, _ = one_token(a, service)
    out = service.follow(caller_of(SEEKER), token)
    assert (out.target.type, out.target.id) == (ad.target.type, ad.target.id)


def test_another_members_token_is_followed_but_not_charged(a: Auction) -> None:
    service = a.service()
    ad, token, _ = one_token(a, service)
    stranger = member("stranger")
    outcome = service.click(caller_of(stranger), token)
    assert (outcome.charged, outcome.outcome, outcome.target) == (False, "other_member", ad.target)
    assert a.store.clicks == {}
    assert a.store.charges == []
    # The token is still the seeker's to click.
    assert service.click(caller_of(SEEKER), token).charged is True


def test_an_expired_token_is_recorded_as_expired_and_not_charged(a: Auction) -> None:
    service = a.service()
    _, token, _ = one_token(a, service)
    a.clock.advance(TTL_S)
    outcome = service.click(caller_of(SEEKER), token)
    assert (outcome.charged, outcome.outcome, outcome.price) == (False, "expired", 0)
    assert list(a.store.clicks.values()) == ["expired"]
    assert a.store.charges == []
    assert service.click(caller_of(SEEKER), token).outcome == "replay"


def test_a_click_by_the_companys_own_staff_is_not_charged(a: Auction) -> None:
    service = a.service()
    staffer = a.companies.hire(member("staffer"), "agent")
    _, token, _ = one_token(a, service, viewer=staffer)
    outcome = service.click(caller_of(staffer), token)
    assert (outcome.charged, outcome.outcome) == (False, "own_staff")
    assert list(a.store.clicks.values()) == ["own_staff"]
    assert a.store.charges == []


def test_a_click_the_budget_cannot_pay_is_not_charged(a: Auction) -> None:
    service = a.service()
    _, token, _ = one_token(a, service)
    a.store.charge_outcome = "budget_exhausted"
    outcome = service.click(caller_of(SEEKER), token)
    assert (outcome.charged, outcome.outcome, outcome.price) == (False, "budget_exhausted", 0)


def test_a_click_on_an_unknown_campaign_is_not_found(a: Auction) -> None:
    service = a.service()
    token, _ = a.tokens.issue("no-such-campaign", COMPANY, "broad:ds", 10, SEEKER.id, T0.timestamp())
    with pytest.raises(errors.NotFound) as exc:
        service.click(caller_of(SEEKER), token)
    assert exc.value.code == "placement_not_found"


def test_a_forged_token_is_not_found(a: Auction) -> None:
    service = a.service()
    ad, _, _ = one_token(a, service)
    forged, _ = ImpressionTokens(b"x" * 32, TTL_S).issue(ad.id, COMPANY, "broad:ds", 1, SEEKER.id, T0.timestamp())
    with pytest.raises(errors.NotFound):
        service.click(caller_of(SEEKER), forged)
    assert a.store.charges == []
