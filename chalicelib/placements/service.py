"""Use cases of sponsored placements: campaigns, the auction above search, clicks and reports.

Days are Japan days (UTC+9, no daylight saving): budgets, pacing and reports reset at midnight
in Tokyo, where the members and the advertisers are.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from msgspec import structs

from chalicelib import errors
from chalicelib.kernel import NO_LIMITS, NO_METRICS, Caller, Clock, Metrics, RateLimiter, sortable_id, utcnow
from chalicelib.pagination import Page
from chalicelib.placements import matching, pacing
from chalicelib.placements.models import (
    ALL_KEYWORDS,
    INVALID_REASONS,
    JST,
    Campaign,
    CampaignCreate,
    CampaignOut,
    CampaignReport,
    CampaignUpdate,
    ClickOut,
    ClickOutcome,
    InvalidClickReasons,
    Keyword,
    ReportRow,
    ReportTotals,
    Sponsored,
    Target,
    TargetIn,
    TargetOut,
    ad_day,
    report_window,
)
from chalicelib.placements.ports import (
    CampaignStore,
    CandidateIndex,
    CommunityLookup,
    CompanyStaff,
    PostLookup,
    Ranker,
)
from chalicelib.placements.retrieval import candidates_body
from chalicelib.placements.tokens import ImpressionTokens

log = logging.getLogger(__name__)

__all__ = ["CampaignService", "PlacementService", "ad_day", "day_fraction", "keyword_label"]

#: Staff roles that manage a company's campaigns.
CAMPAIGN_ROLES = ("owner", "advertiser")
#: The click outcome of a campaign that is not active, by its status (any other status: ended).
INACTIVE_OUTCOMES = {"paused": "campaign_paused"}


def day_fraction(now: datetime) -> float:
    """How much of the Japan day has passed, in [0, 1)."""
    local = now.astimezone(UTC) + JST
    return (local.hour * 3600 + local.minute * 60 + local.second) / 86400


def keyword_label(keyword: Keyword | dict[str, Any]) -> str:
    """How a keyword is named in tokens and reports: ``<match>:<text>``."""
    if isinstance(keyword, Keyword):
        return f"{keyword.match}:{keyword.text}"
    return f"{keyword['match']}:{keyword['text']}"


class CampaignService:
    """A company's owners and advertisers create, edit, pause, list and report on campaigns."""

    def __init__(
        self,
        campaigns: CampaignStore,
        companies: CompanyStaff,
        communities: CommunityLookup,
        posts: PostLookup,
        clock: Clock = utcnow,
    ):
        self.campaigns = campaigns
        self.companies = companies
        self.communities = communities
        self.posts = posts
        self.clock = clock

    def _require_manager(self, caller: Caller, company_id: str) -> str:
        """The company's name, if the caller is its owner or advertiser."""
        company = self.companies.get(company_id)
        if company is None:
            raise errors.NotFound("No such company.")
        staff = self.companies.staff(company_id, caller.member_id)
        if staff is None or staff.role not in CAMPAIGN_ROLES:
            raise errors.Forbidden(
                "Only the company's owner or advertisers manage its campaigns.", code="not_campaign_manager"
            )
        return company.name

    def _target(self, company_id: str, target: TargetIn) -> Target:
        """The target if it is this company's official community or one of its official topics."""
        if target.type == "community":
            community = self.communities.get(target.id)
            ok = community is not None and community.company_id == company_id
        else:
            post = self.posts.get(target.id)
            ok = post is not None and post.kind == "topic" and post.company_id == company_id
        if not ok:
            raise errors.InvalidInput(
                "The target must be this company's official community or one of its posts.",
                code="invalid_target",
                details=[{"path": "target.id", "message": "not a target of this company", "type": "foreign_target"}],
            )
        return Target(target.type, target.id)

    def create(self, caller: Caller, company_id: str, req: CampaignCreate) -> CampaignOut:
        """A new campaign of the company."""
        company_name = self._require_manager(caller, company_id)
        now = self.clock()
        campaign = Campaign(
            id=sortable_id(),
            company_id=company_id,
            company_name=company_name,
            name=req.name,
            target=self._target(company_id, req.target),
            headline=req.headline,
            text=req.text,
            keywords=[Keyword(k.text, k.match, k.max_cpc) for k in req.keywords],
            negative_keywords=list(req.negative_keywords),
            daily_budget=req.daily_budget,
            status=req.status,
            created_at=now,
            updated_at=now,
        )
        self.campaigns.create(campaign)
        return CampaignOut.of(campaign)

    def _campaign(self, caller: Caller, company_id: str, campaign_id: str) -> Campaign:
        self._require_manager(caller, company_id)
        campaign = self.campaigns.get(company_id, campaign_id)
        if campaign is None:
            raise errors.NotFound("No such campaign.")
        return campaign

    def get(self, caller: Caller, company_id: str, campaign_id: str) -> CampaignOut:
        """One campaign of the company."""
        return CampaignOut.of(self._campaign(caller, company_id, campaign_id))

    def list(self, caller: Caller, company_id: str, limit: int, cursor: str | None) -> Page[CampaignOut]:
        """The company's campaigns, newest first."""
        self._require_manager(caller, company_id)
        found = self.campaigns.by_company(company_id, limit, cursor)
        return Page[CampaignOut](items=[CampaignOut.of(c) for c in found.items], next_cursor=found.next_cursor)

    def update(self, caller: Caller, company_id: str, campaign_id: str, req: CampaignUpdate) -> CampaignOut:
        """Edit, pause or resume; a new daily budget applies from the next day's first click."""
        campaign = self._campaign(caller, company_id, campaign_id)
        changes: dict[str, Any] = {
            name: getattr(req, name)
            for name in ("name", "headline", "text", "negative_keywords", "daily_budget", "status")
            if name in req.model_fields_set and getattr(req, name) is not None
        }
        if req.target is not None:
            changes["target"] = self._target(company_id, req.target)
        if req.keywords is not None:
            changes["keywords"] = [Keyword(k.text, k.match, k.max_cpc) for k in req.keywords]
        if not changes:
            return CampaignOut.of(campaign)
        edited = structs.replace(campaign, **changes, updated_at=self.clock(), version=campaign.version + 1)
        self.campaigns.replace(edited, campaign.version)
        return CampaignOut.of(edited)

    def report(
        self, caller: Caller, company_id: str, campaign_id: str, start: date | None, end: date | None
    ) -> CampaignReport:
        """Impressions, clicks (charged), invalid clicks, CTR, spend and average CPC per day and keyword.

        The totals sum the rows and break the window's invalid clicks down by reason.
        """
        # The window first: a bad one is a 400 whatever the caller may see, as a bad query string is.
        start, end = report_window(start, end, date.fromisoformat(ad_day(self.clock())))
        campaign = self._campaign(caller, company_id, campaign_id)
        days = [(start + timedelta(days=i)).isoformat() for i in range((end - start).days + 1)]
        labels = [keyword_label(k) for k in campaign.keywords]
        values = self.campaigns.report(campaign.id, days, labels)
        rows = []
        for day in days:
            for label in labels:
                impressions = values[(day, label, "impressions")]
                clicks = values[(day, label, "clicks")]
                spend = values[(day, label, "spend")]
                invalid = values.get((day, label, "invalid"), 0)
                rows.append(
                    ReportRow(
                        day=day,
                        keyword=label.partition(":")[2],
                        match=label.partition(":")[0],  # type: ignore[arg-type]
                        impressions=impressions,
                        clicks=clicks,
                        ctr=round(clicks / impressions, 4) if impressions else None,
                        spend=spend,
                        average_cpc=round(spend / clicks, 2) if clicks else None,
                        invalid_clicks=invalid,
                    )
                )
        reasons = {r: sum(values.get((day, ALL_KEYWORDS, f"invalid:{r}"), 0) for day in days) for r in INVALID_REASONS}
        totals = ReportTotals(
            impressions=sum(r.impressions for r in rows),
            clicks=sum(r.clicks for r in rows),
            spend=sum(r.spend for r in rows),
            invalid_clicks=sum(r.invalid_clicks for r in rows),
            invalid_reasons=InvalidClickReasons(**reasons),
        )
        return CampaignReport(campaign_id=campaign.id, rows=rows, totals=totals)


class PlacementService:
    """Runs the auction for a search and turns clicks into charges."""

    def __init__(
        self,
        campaigns: CampaignStore,
        companies: CompanyStaff,
        index: CandidateIndex,
        ranker: Ranker,
        tokens: ImpressionTokens,
        slots: int,
        reserve_price: int,
        clock: Clock = utcnow,
        draw: Callable[[], float] = random.random,
        history_ttl_s: float = 60.0,
        metrics: Metrics = NO_METRICS,
        *,
        limiter: RateLimiter = NO_LIMITS,
    ):
        self.metrics = metrics
        self.limiter = limiter
        self.campaigns = campaigns
        self.companies = companies
        self.index = index
        self.history_ttl_s = history_ttl_s
        self._history: dict[str, tuple[float, tuple[int, int]]] = {}
        self.ranker = ranker
        self.tokens = tokens
        self.slots = slots
        self.reserve_price = reserve_price
        self.clock = clock
        self.draw = draw

    def sponsored(self, caller: Caller, q: str) -> list[Sponsored]:
        """At most ``slots`` placements for the query, each with a fresh impression token."""
        query = matching.normalise(q)
        if not query or self.slots <= 0:
            return []
        matched: dict[str, tuple[dict[str, Any], float]] = {}
        keys = []
        for hit in self.index.search(candidates_body(q))["hits"]["hits"]:
            source = hit.get("_source") or {}
            best = matching.best_keyword(source, query)
            if best is not None:
                matched[str(source["id"])] = best
                keys.append((str(source["company_id"]), str(source["id"])))
        if not matched:
            return []
        # DynamoDB, not the index, decides who may bid: a pause or an exhausted budget counts at once.
        now = self.clock()
        day, fraction = ad_day(now), day_fraction(now)
        bidding = [(c, b) for c, b in self.campaigns.bidding(keys, day).values() if c.status == "active"]
        campaigns = [c for c, _ in bidding]
        budgets = {c.id: b for c, b in bidding}
        history = self._click_history([c.id for c in campaigns])
        candidates, by_id = [], {}
        for campaign in campaigns:
            keyword, relevance = matched[campaign.id]
            budget = budgets[campaign.id]
            bid = min(int(keyword["max_cpc"]), budget.remaining)  # never a price the budget cannot pay
            if bid < self.reserve_price or pacing.skips(budget.spent, budget.budget, fraction, self.draw()):
                continue
            impressions, clicks = history[campaign.id]
            candidates.append(
                {"ad_id": campaign.id, "bid": bid, "impressions": impressions, "clicks": clicks, "relevance": relevance}
            )
            by_id[campaign.id] = (campaign, keyword_label(keyword))
        if not candidates:
            return []
        event = {"query": query, "slots": self.slots, "reserve_price": self.reserve_price, "candidates": candidates}
        result = self.ranker.rank(event)
        self.metrics.record("Auctions")
        shown = []
        for placement in result["placements"][: self.slots]:
            campaign, label = by_id[placement["ad_id"]]
            price = int(placement["price"])
            token, _ = self.tokens.issue(
                campaign.id, campaign.company_id, label, price, caller.member_id, now.timestamp()
            )
            shown.append(Sponsored(campaign, label, int(placement["slot"]), price, token))
        self.campaigns.count_impressions([(s.campaign.id, day, s.keyword) for s in shown])
        return shown

    def _click_history(self, campaign_ids: list[str]) -> dict[str, tuple[int, int]]:
        """(impressions, clicks) per campaign, cached for ``history_ttl_s``.

        They only feed the smoothed CTR, which a minute of lag barely moves, while reading them
        sums every shard of two counters per campaign: without the cache that read was most of
        the sponsored part of a search (make bench, search-ads).
        """
        now = time.monotonic()
        stale = [c for c in campaign_ids if self._history.get(c, (0.0, (0, 0)))[0] <= now]
        if stale:
            for campaign_id, evidence in self.campaigns.history(stale).items():
                self._history[campaign_id] = (now + self.history_ttl_s, evidence)
        return {c: self._history[c][1] for c in campaign_ids}

    def follow(self, caller: Caller, token: str) -> ClickOut:
        """:meth:`click`, as the member sees it: where the placement leads."""
        outcome = self.click(caller, token)
        return ClickOut(target=TargetOut(type=outcome.target.type, id=outcome.target.id))

    def click(self, caller: Caller, token: str) -> ClickOutcome:
        """Record a click on a placement; charge it at most once, never beyond the day's budget.

        A click is charged only on an active campaign, and only the first of a member's clicks on a
        campaign within 24 hours (``duplicate`` after that, whichever token: the store decides in
        the charge's transaction). Every other click on a token of the caller is recorded with why it
        was not charged and counted in the report; the member is led to the target either way.
        Every click counts against the caller's ``click`` rate limit first (:meth:`follow` too, once).
        """
        self.limiter.hit(caller, "click")
        impression = self.tokens.verify(token)
        campaign = self.campaigns.get(impression.company_id, impression.campaign_id)
        if campaign is None:
            raise errors.NotFound("No such placement.", code="placement_not_found")
        now = self.clock()
        if impression.member_id != caller.member_id:
            # Shown to someone else: follow the link, but neither record nor charge (the nonce stays theirs).
            return ClickOutcome(campaign.target, False, "other_member")
        if impression.expired(now.timestamp()):
            outcome = "expired"
        elif self.companies.is_staff(campaign.company_id, caller.member_id):
            outcome = "own_staff"
        elif campaign.status != "active":
            # A consistent read just before: a pause counts from the next click, as in the auction.
            outcome = INACTIVE_OUTCOMES.get(campaign.status, "campaign_ended")
        else:
            outcome = self.campaigns.charge(impression, campaign, ad_day(now), now)
            charged = outcome == "charged"
            if charged:
                self.metrics.record("ClicksCharged")
                self.metrics.record("Spend", impression.price)
            return ClickOutcome(campaign.target, charged, outcome, impression.price if charged else 0)
        if not self.campaigns.record(impression, outcome, now):
            outcome = "replay"
        return ClickOutcome(campaign.target, False, outcome)
