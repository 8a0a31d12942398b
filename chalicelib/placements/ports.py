"""What the sponsored-placement use cases need from the outside world (implemented in ``chalicelib.adapters``)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, Protocol

from chalicelib.communities.models import Community
from chalicelib.companies.models import Company, Staff
from chalicelib.pagination import Slice
from chalicelib.placements.models import Budget, Campaign
from chalicelib.placements.tokens import Impression
from chalicelib.posts.models import Post
from chalicelib.ranking import rank_placements


class CampaignStore(Protocol):
    """Campaigns, their daily budgets, clicks, the ledger and the report counters."""

    def create(self, campaign: Campaign) -> None: ...

    def get(self, company_id: str, campaign_id: str) -> Campaign | None: ...

    def by_company(self, company_id: str, limit: int, cursor: str | None) -> Slice[Campaign]: ...

    def replace(self, campaign: Campaign, read_version: int) -> None:
        """Write the edited campaign if unchanged since ``read_version``; Conflict ``edit_conflict``."""
        ...

    def bidding(self, keys: Iterable[tuple[str, str]], day: str) -> dict[str, tuple[Campaign, Budget]]:
        """Campaigns by (company id, campaign id), keyed by campaign id, each with its budget of
        ``day`` (a day without clicks has its whole budget); one read: the auction's."""
        ...

    def charge(self, impression: Impression, campaign: Campaign, day: str, now: datetime) -> str:
        """``charged``, ``replay``, ``duplicate`` or ``budget_exhausted``: never beyond the day's budget,
        once per token, and once per member and campaign within ``DUPLICATE_CLICK_WINDOW`` (even for
        parallel clicks through different tokens); an uncharged click is recorded as :meth:`record` does."""
        ...

    def record(self, impression: Impression, outcome: str, now: datetime) -> bool:
        """Record an uncharged click and count it in the report under ``outcome``; False when the
        token was already clicked (then nothing is counted)."""
        ...

    def count_impressions(self, shown: Sequence[tuple[str, str, str]]) -> None:
        """One impression per (campaign id, day, keyword) shown."""
        ...

    def history(self, campaign_ids: Iterable[str]) -> dict[str, tuple[int, int]]:
        """All-time (impressions, clicks) per campaign."""
        ...

    def report(self, campaign_id: str, days: Sequence[str], keywords: Sequence[str]) -> dict[tuple[str, str, str], int]:
        """Counter values keyed by (day, keyword label, metric): ``impressions``, ``clicks``, ``spend``,
        ``invalid``; and by (day, ``*``, ``invalid:<reason>``) for each of ``INVALID_REASONS``."""
        ...


class CompanyStaff(Protocol):
    """Which company, and who manages its campaigns."""

    def get(self, company_id: str) -> Company | None: ...

    def staff(self, company_id: str, member_id: str) -> Staff | None: ...

    def is_staff(self, company_id: str, member_id: str) -> bool: ...


class CommunityLookup(Protocol):
    def get(self, community_id: str) -> Community | None: ...


class PostLookup(Protocol):
    def get(self, post_id: str) -> Post | None: ...


class CandidateIndex(Protocol):
    """The search index, where the ads' keywords are retrieved from."""

    def search(self, body: dict[str, Any]) -> dict[str, Any]: ...


class Ranker(Protocol):
    """The ``rank_placements`` auction: in-process locally and in tests, a Lambda in AWS."""

    def rank(self, event: dict[str, Any]) -> dict[str, Any]:
        """Run the auction of DESIGN.md's event shape; returns its result shape."""
        ...


class InProcessRanker:
    """Calls the pure auction directly (the same code the Lambda runs)."""

    def rank(self, event: dict[str, Any]) -> dict[str, Any]:
        return rank_placements(event)
