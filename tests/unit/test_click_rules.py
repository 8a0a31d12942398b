"""The rules of invalid clicks in PlacementService and CampaignService, over in-memory ports.

Which clicks are charged is decided in this order: another member's token (followed, nothing
recorded), an expired token, the company's own staff, a campaign that is not active
(``campaign_paused``, ``campaign_ended``), then the store's charge (``duplicate`` within 24 hours
of the member's charged click on the campaign, ``budget_exhausted``). The report shows the
uncharged ones beside the charged ones. The store's side (the conditional write in the charge's
transaction) is tested against DynamoDB Local in tests/api/test_invalid_clicks.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

import pytest

from chalicelib.companies.models import Company, Staff
from chalicelib.kernel import new_id
from chalicelib.placements.models import (
    INVALID_REASONS,
    Campaign,
    CampaignReport,
    InvalidClickReasons,
    Keyword,
    Target,
)
from chalicelib.placements.ports import InProcessRanker
from chalicelib.placements.service import CampaignService, PlacementService
from chalicelib.placements.tokens import Impression, ImpressionTokens
from tests.unit.fakes import T0, FakeClock, caller_of, member

COMPANY = "company-1"
TTL_S = 900
TODAY = "2026-11-26"  # T0 is 21:00 in Tokyo
LABEL = "broad:ds"


class Store:
    """The CampaignStore calls a click or a report makes, remembered."""

    def __init__(self, *campaigns: Campaign) -> None:
        self.campaigns = {(c.company_id, c.id): c for c in campaigns}
        self.recorded: dict[str, str] = {}
        self.charged: list[str] = []
        self.charge_outcome = "charged"
        self.counters: dict[tuple[str, str, str], int] = {}

    def get(self, company_id: str, campaign_id: str) -> Campaign | None:
        return self.campaigns.get((company_id, campaign_id))

    def charge(self, impression: Impression, campaign: Campaign, day: str, now: datetime) -> str:
        self.charged.append(impression.nonce)
        if self.charge_outcome != "charged":
            self.recorded[impression.nonce] = self.charge_outcome
        return self.charge_outcome

    def record(self, impression: Impression, outcome: str, now: datetime) -> bool:
        if impression.nonce in self.recorded:
            return False
        self.recorded[impression.nonce] = outcome
        return True

    def report(self, campaign_id: str, days: Sequence[str], keywords: Sequence[str]) -> dict[tuple[str, str, str], int]:
        # Like the store: every (day, keyword, metric) asked for, zero when never counted.
        values = {(d, k, m): 0 for d in days for k in keywords for m in ("impressions", "clicks", "spend", "invalid")}
        return values | {key: n for key, n in self.counters.items() if key[0] in days}


class Companies:
    def __init__(self, *staff: str) -> None:
        self.staff_ids = set(staff)

    def get(self, company_id: str) -> Company | None:
        return Company(company_id, "Company", "https://example.com", T0)

    def staff(self, company_id: str, member_id: str) -> Staff | None:
        return Staff(company_id, member_id, "h", "owner", T0) if member_id in self.staff_ids else None

    def is_staff(self, company_id: str, member_id: str) -> bool:
        return member_id in self.staff_ids


class Metrics:
    def __init__(self) -> None:
        self.names: list[str] = []

    def record(self, name: str, value: float = 1) -> None:
        self.names.append(name)


class NoIndex:
    def search(self, body: dict[str, Any]) -> dict[str, Any]:
        return {"hits": {"hits": []}}


SEEKER = member("seeker")
STAFFER = member("staffer")
OWNER = member("owner")


def campaign(status: str = "active") -> Campaign:
    return Campaign(new_id(), COMPANY, "Company", "Sale", Target("community", "community-1"), "Buy", "Cheap.",
                    [Keyword("ds", "broad", 100)], [], 10_000, status, T0, T0)  # type: ignore[arg-type]  # fmt: skip


class World:
    def __init__(self, status: str = "active") -> None:
        self.ad = campaign(status)
        self.store = Store(self.ad)
        self.clock = FakeClock()
        self.tokens = ImpressionTokens(b"k" * 32, TTL_S)
        self.metrics = Metrics()
        self.service = PlacementService(
            self.store,  # type: ignore[arg-type]
            Companies(STAFFER.id),
            NoIndex(),
            InProcessRanker(),
            self.tokens,
            2,
            10,
            self.clock,
            metrics=self.metrics,
        )

    def token(self, viewer_id: str = SEEKER.id) -> str:
        return self.tokens.issue(self.ad.id, COMPANY, LABEL, 40, viewer_id, self.clock().timestamp())[0]


@pytest.mark.parametrize(("status", "outcome"), [("paused", "campaign_paused"), ("ended", "campaign_ended")])
def test_a_click_on_a_campaign_that_is_not_active_is_recorded_not_charged(status: str, outcome: str) -> None:
    w = World(status)
    token = w.token()
    result = w.service.click(caller_of(SEEKER), token)
    assert (result.charged, result.outcome, result.price, result.target) == (False, outcome, 0, w.ad.target)
    assert list(w.store.recorded.values()) == [outcome]
    assert w.store.charged == []  # never reaches the charge, so it claims no 24 hours either
    assert w.service.click(caller_of(SEEKER), token).outcome == "replay"


def test_the_member_still_follows_a_paused_campaigns_placement() -> None:
    w = World("paused")
    out = w.service.follow(caller_of(SEEKER), w.token())
    assert (out.target.type, out.target.id) == (w.ad.target.type, w.ad.target.id)


def test_an_expired_token_on_a_paused_campaign_is_expired_and_staff_is_own_staff() -> None:
    w = World("paused")
    staff_token = w.token(STAFFER.id)
    old = w.token()
    w.clock.advance(TTL_S)
    assert w.service.click(caller_of(SEEKER), old).outcome == "expired"
    assert w.service.click(caller_of(STAFFER), staff_token).outcome == "expired"
    w.clock.advance(-TTL_S)
    assert w.service.click(caller_of(STAFFER), w.token(STAFFER.id)).outcome == "own_staff"


def test_another_members_token_on_a_paused_campaign_records_nothing() -> None:
    w = World("paused")
    assert w.service.click(caller_of(member("stranger")), w.token()).outcome == "other_member"
    assert w.store.recorded == {}


@pytest.mark.parametrize("outcome", ["duplicate", "budget_exhausted"])
def test_what_the_store_refuses_to_charge_is_followed_uncharged(outcome: str) -> None:
    w = World()
    w.store.charge_outcome = outcome
    result = w.service.click(caller_of(SEEKER), w.token())
    assert (result.charged, result.outcome, result.price, result.target) == (False, outcome, 0, w.ad.target)
    assert w.metrics.names == []  # neither ClicksCharged nor Spend


def test_an_active_campaigns_click_goes_to_the_charge() -> None:
    w = World()
    result = w.service.click(caller_of(SEEKER), w.token())
    assert (result.charged, result.outcome, result.price) == (True, "charged", 40)
    assert len(w.store.charged) == 1 and w.metrics.names == ["ClicksCharged", "Spend"]


def reporting(*counters: tuple[str, str, str, int]) -> tuple[CampaignReport, Store]:
    ad = campaign()
    ad.keywords.append(Keyword("nintendo ds", "phrase", 80))
    store = Store(ad)
    for day, label, metric, value in counters:
        store.counters[(day, label, metric)] = value
    service = CampaignService(store, Companies(OWNER.id), None, None, FakeClock())  # type: ignore[arg-type]
    return service.report(caller_of(OWNER), COMPANY, ad.id, date(2026, 11, 25), date(2026, 11, 26)), store


def test_the_report_shows_invalid_clicks_per_row_and_by_reason_in_the_totals() -> None:
    report, _ = reporting(
        ("2026-11-25", LABEL, "impressions", 100),
        ("2026-11-25", LABEL, "clicks", 2),
        ("2026-11-25", LABEL, "spend", 60),
        ("2026-11-25", LABEL, "invalid", 5),
        ("2026-11-26", "phrase:nintendo ds", "invalid", 1),
        ("2026-11-25", "*", "invalid:duplicate", 4),
        ("2026-11-25", "*", "invalid:own_staff", 1),
        ("2026-11-26", "*", "invalid:campaign_paused", 1),
        ("2026-11-24", "*", "invalid:duplicate", 9),  # outside the window
    )
    rows = [(r.day, r.match, r.clicks, r.average_cpc, r.invalid_clicks) for r in report.rows]
    assert rows == [
        ("2026-11-25", "broad", 2, 30.0, 5),  # the average CPC is over the charged clicks only
        ("2026-11-25", "phrase", 0, None, 0),
        ("2026-11-26", "broad", 0, None, 0),
        ("2026-11-26", "phrase", 0, None, 1),
    ]
    totals = report.totals
    assert (totals.impressions, totals.clicks, totals.spend, totals.invalid_clicks) == (100, 2, 60, 6)
    assert totals.invalid_reasons == InvalidClickReasons(duplicate=4, own_staff=1, campaign_paused=1)


def test_a_report_without_invalid_counters_has_zeros() -> None:
    report, _ = reporting((TODAY, LABEL, "impressions", 3), (TODAY, LABEL, "clicks", 1), (TODAY, LABEL, "spend", 5))
    assert [r.invalid_clicks for r in report.rows] == [0, 0, 0, 0]
    assert report.totals.invalid_clicks == 0 and report.totals.invalid_reasons == InvalidClickReasons()


def test_every_reason_has_its_field_in_the_report_schema() -> None:
    assert list(InvalidClickReasons.model_fields) == list(INVALID_REASONS)
    schema = CampaignReport.model_json_schema()
    assert "totals" in schema["required"]
    assert "invalid_clicks" in schema["$defs"]["ReportRow"]["properties"]
