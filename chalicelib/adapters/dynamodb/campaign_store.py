"""DynamoDB store of campaigns, their daily budgets, placement clicks, the ledger and ad counters.

The charge of a click is one TransactWrite: the click record (``nonce`` does not exist yet: one
charge per token), the ledger entry, and the day's budget decremented under
``remaining >= :price`` (DynamoDB conditions cannot add, so ``remaining`` is kept rather than
``spent``), plus the report counters. Either all of it happens or none: spend never exceeds the
budget and the ledger always sums to the spend, whatever the concurrency.

The same transaction claims the member's charge on the campaign for 24 hours: an item keyed
(campaign, member) written under ``attribute_not_exists OR expires_at <= :now``. Two parallel
clicks of one member on one campaign through two tokens both write that item, so at most one of
them commits; the other is recorded as a ``duplicate`` and charged nothing.

A click that is not charged (duplicate, expired, own staff, paused, no budget) is recorded with
its reason in one transaction with its report counters: ``invalid`` per day and keyword, and
``invalid:<reason>`` per day (keyword ``*``), so the counters always equal the uncharged records.

Impression and click counts are sharded counters (``Counters``), so a popular campaign spreads
its writes over shards instead of one hot item.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

from pynamodb.exceptions import DoesNotExist, PutError

from chalicelib import errors
from chalicelib.adapters.dynamodb.base import Store, Transaction, batch_get_across, is_condition_failure
from chalicelib.adapters.dynamodb.tables import (
    BudgetItem,
    CampaignItem,
    ClickDedupItem,
    LedgerItem,
    PlacementClickItem,
)
from chalicelib.pagination import Slice
from chalicelib.placements.models import (
    ALL_KEYWORDS,
    DUPLICATE_CLICK_WINDOW,
    INVALID_REASONS,
    Budget,
    Campaign,
    Keyword,
    Target,
    ad_day,
)
from chalicelib.placements.tokens import Impression

#: A click's transaction loses races with other clicks on the same budget item: retry generously.
CLICK_ATTEMPTS = 25


def _day_budgets(items: Iterable[BudgetItem], campaigns: Sequence[Campaign], day: str) -> dict[str, Budget]:
    """Each campaign's budget of ``day`` from its budget item; a day without clicks yet has its whole budget."""
    found = {item.campaign_id: Budget(item.campaign_id, day, int(item.budget), int(item.remaining)) for item in items}
    return {c.id: found.get(c.id) or Budget(c.id, day, c.daily_budget, c.daily_budget) for c in campaigns}


def _campaign(item: CampaignItem) -> Campaign:
    return Campaign(
        id=item.campaign_id,
        company_id=item.company_id,
        company_name=item.company_name,
        name=item.name,
        target=Target(item.target_type, item.target_id),  # type: ignore[arg-type]
        headline=item.headline,
        text=item.text,
        keywords=[Keyword(k["text"], k["match"], int(k["max_cpc"])) for k in json.loads(item.keywords)],
        negative_keywords=list(item.negative_keywords or []),
        daily_budget=int(item.daily_budget),
        status=item.status,  # type: ignore[arg-type]
        created_at=item.created_at,
        updated_at=item.updated_at,
        version=int(item.version),
    )


def keywords_json(keywords: Iterable[Keyword]) -> str:
    return json.dumps([{"text": k.text, "match": k.match, "max_cpc": k.max_cpc} for k in keywords], ensure_ascii=False)


def counter(campaign_id: str, metric: str, day: str | None = None, keyword: str | None = None) -> str:
    """Counter names: ``ad:<cid>:<metric>`` (all time) or ``ad:<cid>:<day>:<keyword>:<metric>``."""
    if day is None:
        return f"ad:{campaign_id}:{metric}"
    return f"ad:{campaign_id}:{day}:{keyword}:{metric}"


class CampaignStore(Store):
    """Campaigns per company; budgets per campaign and day; one click record per impression token."""

    def create(self, campaign: Campaign) -> None:
        """Store a new campaign."""
        self._item(campaign).save(condition=CampaignItem.campaign_id.does_not_exist())

    def _item(self, c: Campaign) -> CampaignItem:
        return CampaignItem(
            c.company_id,
            c.id,
            company_name=c.company_name,
            name=c.name,
            target_type=c.target.type,
            target_id=c.target.id,
            headline=c.headline,
            text=c.text,
            keywords=keywords_json(c.keywords),
            negative_keywords=list(c.negative_keywords),
            daily_budget=c.daily_budget,
            status=c.status,
            created_at=c.created_at,
            updated_at=c.updated_at,
            version=c.version,
        )

    def get(self, company_id: str, campaign_id: str) -> Campaign | None:
        """A company's campaign (consistent read)."""
        try:
            return _campaign(CampaignItem.get(company_id, campaign_id, consistent_read=True))
        except DoesNotExist:
            return None

    def by_company(self, company_id: str, limit: int, cursor: str | None) -> Slice[Campaign]:
        """A company's campaigns, newest first."""
        return self.page(
            f"campaigns:{company_id}",
            CampaignItem.query,
            _campaign,
            cursor,
            limit,
            hash_key=company_id,
            scan_index_forward=False,
        )

    def replace(self, campaign: Campaign, read_version: int) -> None:
        """Write the edited campaign if nobody changed it since ``read_version`` (else Conflict)."""
        try:
            self._item(campaign).save(condition=CampaignItem.version == read_version)
        except PutError as exc:
            if is_condition_failure(exc):
                raise errors.Conflict(
                    "The campaign changed meanwhile; reload and retry.", code="edit_conflict"
                ) from None
            raise

    def bidding(self, keys: Iterable[tuple[str, str]], day: str) -> dict[str, tuple[Campaign, Budget]]:
        """Campaigns by (company id, campaign id), each with its budget of ``day``, in one read.

        The auction's read: campaigns and their day's budget items in one BatchGetItem (a budget
        item is read for a paused campaign too; cheaper than a second round trip).
        """
        keys = list(dict.fromkeys(keys))
        found = batch_get_across(
            [
                (CampaignItem, [{"company_id": {"S": company}, "campaign_id": {"S": cid}} for company, cid in keys]),
                (BudgetItem, [{"campaign_id": {"S": cid}, "day": {"S": day}} for _, cid in keys]),
            ]
        )
        campaigns = [_campaign(CampaignItem.from_raw_data(raw)) for raw in found[CampaignItem.Meta.table_name]]
        items = map(BudgetItem.from_raw_data, found[BudgetItem.Meta.table_name])
        budgets = _day_budgets(items, campaigns, day)
        return {c.id: (c, budgets[c.id]) for c in campaigns}

    # --- budgets ---------------------------------------------------------------------------------

    def budgets(self, campaigns: Sequence[Campaign], day: str) -> dict[str, Budget]:
        """Each campaign's budget of ``day`` (a day without clicks yet has its whole budget)."""
        items = BudgetItem.batch_get([(c.id, day) for c in campaigns]) if campaigns else []
        return _day_budgets(items, campaigns, day)

    def _open_day(self, campaign: Campaign, day: str) -> None:
        """Create the day's budget item on its first click (a no-op when it exists)."""
        item = BudgetItem(campaign.id, day, budget=campaign.daily_budget, remaining=campaign.daily_budget, version=1)
        try:
            item.save(condition=BudgetItem.campaign_id.does_not_exist())
        except PutError as exc:
            if not is_condition_failure(exc):
                raise

    # --- clicks ----------------------------------------------------------------------------------

    def _click(self, impression: Impression, charged: bool, outcome: str, now: datetime) -> PlacementClickItem:
        return PlacementClickItem(
            impression.nonce,
            campaign_id=impression.campaign_id,
            member_id=impression.member_id,
            keyword=impression.keyword,
            price=impression.price if charged else 0,
            charged=charged,
            outcome=outcome,
            clicked_at=now,
            version=1,
        )

    def record(self, impression: Impression, outcome: str, now: datetime) -> bool:
        """Record a click that is not charged, with its report counters; False when the token was already clicked."""
        day = ad_day(now)

        def write(tx: Transaction) -> None:
            tx.save(
                self._click(impression, False, outcome, now),
                condition=PlacementClickItem.nonce.does_not_exist(),
                label="click",
            )
            self.counters.add(tx, counter(impression.campaign_id, "invalid", day, impression.keyword), 1)
            self.counters.add(tx, counter(impression.campaign_id, f"invalid:{outcome}", day, ALL_KEYWORDS), 1)

        return self.transact(write) is None

    def charge(self, impression: Impression, campaign: Campaign, day: str, now: datetime) -> str:
        """Charge a click: ``charged``, ``replay`` (token already clicked), ``duplicate`` (the member's
        click on this campaign was charged within :data:`DUPLICATE_CLICK_WINDOW`) or ``budget_exhausted``.
        """
        price = impression.price
        now_s = int(now.timestamp())
        expires = now.astimezone(UTC) + DUPLICATE_CLICK_WINDOW

        def write(tx: Transaction) -> None:
            tx.save(
                self._click(impression, True, "charged", now),
                condition=PlacementClickItem.nonce.does_not_exist(),
                label="click",
            )
            tx.save(
                LedgerItem(
                    campaign.id,
                    f"{day}#{impression.nonce}",
                    amount=price,
                    keyword=impression.keyword,
                    member_id=impression.member_id,
                    charged_at=now,
                    version=1,
                ),
                condition=LedgerItem.entry_id.does_not_exist(),
                label="ledger",
            )
            # Before the budget: a duplicate is a duplicate whatever the budget says.
            tx.update(
                ClickDedupItem(campaign.id, impression.member_id),
                [
                    ClickDedupItem.nonce.set(impression.nonce),
                    ClickDedupItem.expires_at.set(int(expires.timestamp())),
                    ClickDedupItem.ttl.set(expires),
                    ClickDedupItem.version.add(1),
                ],
                condition=ClickDedupItem.campaign_id.does_not_exist() | (ClickDedupItem.expires_at <= now_s),
                label="dedup",
            )
            tx.update(
                BudgetItem(campaign.id, day),
                [BudgetItem.remaining.add(-price), BudgetItem.version.add(1)],
                condition=BudgetItem.remaining >= price,
                label="budget",
            )
            self.counters.add(tx, counter(campaign.id, "clicks"), 1)
            self.counters.add(tx, counter(campaign.id, "clicks", day, impression.keyword), 1)
            self.counters.add(tx, counter(campaign.id, "spend", day, impression.keyword), price)

        failed = self.transact(write, attempts=CLICK_ATTEMPTS)
        if failed == "budget":
            # No budget item yet (the day's first click) fails like an exhausted budget: open the
            # day and try once more. Opening it before every click cost a failed write each time.
            self._open_day(campaign, day)
            failed = self.transact(write, attempts=CLICK_ATTEMPTS)
        if failed is None:
            return "charged"
        if failed in ("click", "ledger"):
            return "replay"
        outcome = "duplicate" if failed == "dedup" else "budget_exhausted"
        return outcome if self.record(impression, outcome, now) else "replay"

    def ledger(self, campaign_id: str, day: str) -> list[int]:
        """The amounts charged to a campaign on ``day`` (reports and audits)."""
        return [int(e.amount) for e in LedgerItem.query(campaign_id, LedgerItem.entry_id.startswith(f"{day}#"))]

    # --- counters --------------------------------------------------------------------------------

    def count_impressions(self, shown: Sequence[tuple[str, str, str]]) -> None:
        """Add one impression per (campaign id, day, keyword) shown, in one transaction."""
        if not shown:
            return

        def write(tx: Transaction) -> None:
            for campaign_id, day, keyword in shown:
                self.counters.add(tx, counter(campaign_id, "impressions"), 1)
                self.counters.add(tx, counter(campaign_id, "impressions", day, keyword), 1)

        self.transact(write)

    def history(self, campaign_ids: Iterable[str]) -> dict[str, tuple[int, int]]:
        """All-time (impressions, clicks) per campaign, the auction's CTR evidence."""
        ids = list(campaign_ids)
        totals = self.counters.read([counter(c, m) for c in ids for m in ("impressions", "clicks")])
        return {c: (totals[counter(c, "impressions")], totals[counter(c, "clicks")]) for c in ids}

    def report(self, campaign_id: str, days: Sequence[str], keywords: Sequence[str]) -> dict[tuple[str, str, str], int]:
        """Counter values keyed by (day, keyword, metric): impressions, clicks, spend and invalid per
        keyword, and ``invalid:<reason>`` per day under the keyword ``*``."""
        names = {
            (day, kw, metric): counter(campaign_id, metric, day, kw)
            for day in days
            for kw in keywords
            for metric in ("impressions", "clicks", "spend", "invalid")
        }
        names |= {
            (day, ALL_KEYWORDS, f"invalid:{reason}"): counter(campaign_id, f"invalid:{reason}", day, ALL_KEYWORDS)
            for day in days
            for reason in INVALID_REASONS
        }
        values = self.counters.read(names.values())
        return {key: values[name] for key, name in names.items()}
