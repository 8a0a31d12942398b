"""Verified companies, their staff, the inquiry inbox and public response metrics."""

import math
from datetime import datetime
from typing import Annotated, Literal

from msgspec import Struct
from pydantic import ConfigDict, Field, StringConstraints

from chalicelib.kernel import Schema, Strict
from chalicelib.pagination import PageQuery
from chalicelib.posts.models import InquiryStatus, PostOut

StaffRole = Literal["owner", "agent", "advertiser"]

DAY_S = 24 * 3600


class Company(Struct):
    """A company verified by an admin."""

    id: str
    name: str
    website: str
    created_at: datetime


class Staff(Struct):
    """A member working for a company."""

    company_id: str
    member_id: str
    handle: str
    role: StaffRole
    since: datetime


class CompanyCreate(Strict):
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
    website: Annotated[str, StringConstraints(max_length=200, pattern=r"^https?://[^\s/]+\.[^\s]+$")]


class StaffPut(Strict):
    role: StaffRole


class CompanyOut(Schema):
    id: str
    name: str
    website: str
    created_at: datetime

    @classmethod
    def of(cls, c: Company) -> "CompanyOut":
        return cls(id=c.id, name=c.name, website=c.website, created_at=c.created_at)


class MyCompanyOut(Schema):
    """A company the caller works for, and as what."""

    id: str
    name: str
    role: StaffRole


class MyCompanies(Schema):
    items: list[MyCompanyOut]


class StaffOut(Schema):
    handle: str
    display_name: str
    role: StaffRole
    since: datetime

    @classmethod
    def of(cls, s: Staff, display_name: str) -> "StaffOut":
        return cls(handle=s.handle, display_name=display_name, role=s.role, since=s.since)


class InboxQuery(PageQuery):
    model_config = ConfigDict(extra="ignore")

    status: InquiryStatus = "open"


class InboxEntry(Schema):
    inquiry: PostOut
    waiting_s: int = Field(description="Seconds from the inquiry to its first official answer, or until now.")


class Metrics(Schema):
    """A company's public response record."""

    open: int = Field(description="Inquiries waiting for a first official answer.")
    answered: int = Field(description="Inquiries answered officially, not yet resolved.")
    resolved: int = Field(description="Inquiries with an accepted answer.")
    median_first_response_s: int | None = Field(description="Nearest-rank median time to the first official answer.")
    p90_first_response_s: int | None = Field(description="Nearest-rank 90th percentile of the same.")
    answered_within_24h_ratio: float | None = Field(
        description="Inquiries answered within 24 h / (inquiries answered + inquiries still open after 24 h)."
    )


def percentile(sorted_values: list[int], p: float) -> int | None:
    """Nearest-rank percentile of ascending values (None when empty)."""
    if not sorted_values:
        return None
    rank = max(1, math.ceil(p / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


def response_metrics(counts: dict[str, int], first_response_s: list[int], open_over_24h: int) -> Metrics:
    """The public metrics from status counts, ascending first-response durations and overdue open inquiries."""
    within = sum(1 for s in first_response_s if s <= DAY_S)
    judged = len(first_response_s) + open_over_24h
    return Metrics(
        open=counts.get("open", 0),
        answered=counts.get("answered", 0),
        resolved=counts.get("resolved", 0),
        median_first_response_s=percentile(first_response_s, 50),
        p90_first_response_s=percentile(first_response_s, 90),
        answered_within_24h_ratio=round(within / judged, 4) if judged else None,
    )
