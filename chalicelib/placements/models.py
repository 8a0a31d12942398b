"""Campaigns, placements and their reports: domain types and the shapes at the HTTP edge."""

import datetime as dt
from typing import Annotated, Literal

from msgspec import Struct, field
from pydantic import ConfigDict, Field, StringConstraints, model_validator

from chalicelib import errors
from chalicelib.kernel import Id, Schema, Strict

MatchType = Literal["exact", "phrase", "broad"]
TargetType = Literal["community", "post"]
CampaignStatus = Literal["active", "paused"]

#: Max CPC and daily budgets are integer yen.
MAX_CPC_YEN = 100_000
MAX_DAILY_BUDGET_YEN = 100_000_000
MAX_REPORT_DAYS = 31
DEFAULT_REPORT_DAYS = 7
# No campaign has data before 2000 or plans past 2100: a day outside is a typo (0001, 20266) and
# gets a 400 that says so, not an empty report. The bounds also keep the default from (to minus
# 6 days) away from date.min: to=0001-01-01 was a 500.
FIRST_REPORT_DAY = dt.date(2000, 1, 1)
LAST_REPORT_DAY = dt.date(2100, 12, 31)

#: Days are Japan days (UTC+9, no daylight saving): budgets, pacing and reports reset at midnight in Tokyo.
JST = dt.timedelta(hours=9)

#: A member's further clicks on a campaign within this time of a charged click are charged nothing.
DUPLICATE_CLICK_WINDOW = dt.timedelta(hours=24)

#: The keyword under which the report counts invalid clicks per day and reason (a label is ``<match>:<text>``).
ALL_KEYWORDS = "*"

#: Why a recorded click was not charged (the report's ``invalid_reasons``), in the order they are checked.
InvalidReason = Literal["expired", "own_staff", "campaign_paused", "campaign_ended", "duplicate", "budget_exhausted"]
INVALID_REASONS: tuple[InvalidReason, ...] = (
    "expired",
    "own_staff",
    "campaign_paused",
    "campaign_ended",
    "duplicate",
    "budget_exhausted",
)


def ad_day(now: dt.datetime) -> str:
    """The Japan day of ``now``, e.g. ``2026-11-26``."""
    return (now.astimezone(dt.UTC) + JST).date().isoformat()


KeywordText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50)]
Headline = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=30)]
AdText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=90)]
CampaignName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]


class Target(Struct, frozen=True):
    """What a placement leads to: the company's official community or one of its posts."""

    type: TargetType
    id: str


class Keyword(Struct, frozen=True):
    text: str
    match: MatchType
    max_cpc: int


class Campaign(Struct):
    """A company's campaign: its ad, the keywords it bids on and its daily budget."""

    id: str
    company_id: str
    company_name: str
    name: str
    target: Target
    headline: str
    text: str
    keywords: list[Keyword]
    negative_keywords: list[str]
    daily_budget: int
    status: CampaignStatus
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int = 1


class Budget(Struct, frozen=True):
    """A campaign's budget of one day."""

    campaign_id: str
    day: str
    budget: int
    remaining: int

    @property
    def spent(self) -> int:
        return self.budget - self.remaining


class ClickOutcome(Struct, frozen=True):
    """What a click did: ``charged``, or why not.

    Recorded and counted in the report (:data:`INVALID_REASONS`): ``expired``, ``own_staff``,
    ``campaign_paused``, ``campaign_ended``, ``duplicate`` (the member's click on this campaign was
    charged less than :data:`DUPLICATE_CLICK_WINDOW` ago), ``budget_exhausted``. Neither recorded
    nor counted: ``replay`` (the token was clicked before) and ``other_member`` (not their token).
    """

    target: Target
    charged: bool
    outcome: str
    price: int = 0


class Sponsored(Struct):
    """A placement chosen by the auction, ready to be shown with its token."""

    campaign: Campaign
    keyword: str
    slot: int
    price: int
    token: str = ""
    extras: dict[str, object] = field(default_factory=dict)


class TargetIn(Strict):
    type: TargetType
    id: Id


class KeywordIn(Strict):
    text: KeywordText
    match: MatchType
    max_cpc: int = Field(ge=1, le=MAX_CPC_YEN, description="Max cost per click, integer yen.")


def _unique_keywords(keywords: list[KeywordIn] | None) -> None:
    if keywords is None:
        return
    seen = set()
    for k in keywords:
        key = (k.text.casefold(), k.match)
        if key in seen:
            raise ValueError(f"keyword {k.text!r} ({k.match}) is listed twice")
        seen.add(key)


class CampaignCreate(Strict):
    name: CampaignName
    target: TargetIn
    headline: Headline = Field(description="At most 30 characters.")
    text: AdText = Field(description="At most 90 characters.")
    keywords: list[KeywordIn] = Field(min_length=1, max_length=50)
    negative_keywords: list[KeywordText] = Field(default_factory=list, max_length=50)
    daily_budget: int = Field(ge=1, le=MAX_DAILY_BUDGET_YEN, description="Integer yen per day.")
    status: CampaignStatus = "active"

    @model_validator(mode="after")
    def _keywords_unique(self) -> "CampaignCreate":
        _unique_keywords(self.keywords)
        return self


class CampaignUpdate(Strict):
    """Any subset of the fields; ``status`` pauses or resumes."""

    name: CampaignName | None = None
    target: TargetIn | None = None
    headline: Headline | None = None
    text: AdText | None = None
    keywords: list[KeywordIn] | None = Field(default=None, min_length=1, max_length=50)
    negative_keywords: list[KeywordText] | None = Field(default=None, max_length=50)
    daily_budget: int | None = Field(default=None, ge=1, le=MAX_DAILY_BUDGET_YEN)
    status: CampaignStatus | None = None

    @model_validator(mode="after")
    def _keywords_unique(self) -> "CampaignUpdate":
        _unique_keywords(self.keywords)
        return self


class TargetOut(Schema):
    type: TargetType
    id: str


class KeywordOut(Schema):
    text: str
    match: MatchType
    max_cpc: int


class CampaignOut(Schema):
    id: str
    company_id: str
    name: str
    target: TargetOut
    headline: str
    text: str
    keywords: list[KeywordOut]
    negative_keywords: list[str]
    daily_budget: int
    status: CampaignStatus
    created_at: dt.datetime
    updated_at: dt.datetime

    @classmethod
    def of(cls, c: Campaign) -> "CampaignOut":
        return cls(
            id=c.id,
            company_id=c.company_id,
            name=c.name,
            target=TargetOut(type=c.target.type, id=c.target.id),
            headline=c.headline,
            text=c.text,
            keywords=[KeywordOut(text=k.text, match=k.match, max_cpc=k.max_cpc) for k in c.keywords],
            negative_keywords=list(c.negative_keywords),
            daily_budget=c.daily_budget,
            status=c.status,
            created_at=c.created_at,
            updated_at=c.updated_at,
        )


class SponsoredCompany(Schema):
    id: str
    name: str


class SponsoredOut(Schema):
    """One sponsored placement above the results of GET /search."""

    ad_id: str
    headline: str
    text: str
    company: SponsoredCompany
    target: TargetOut
    label: Literal["Sponsored"] = "Sponsored"
    click_token: str = Field(description="POST /placements/{click_token}/click when the member follows it.")

    @classmethod
    def of(cls, s: Sponsored) -> "SponsoredOut":
        c = s.campaign
        return cls(
            ad_id=c.id,
            headline=c.headline,
            text=c.text,
            company=SponsoredCompany(id=c.company_id, name=c.company_name),
            target=TargetOut(type=c.target.type, id=c.target.id),
            click_token=s.token,
        )


class ClickOut(Schema):
    target: TargetOut


class ReportQuery(Schema):
    model_config = ConfigDict(extra="ignore")

    start: dt.date | None = Field(
        default=None,
        alias="from",
        ge=FIRST_REPORT_DAY,
        le=LAST_REPORT_DAY,
        description=f"First day (JST, 2000-01-01 to 2100-12-31), default 6 days before to; "
        f"from to to is at most {MAX_REPORT_DAYS} days, both included.",
    )
    end: dt.date | None = Field(
        default=None,
        alias="to",
        ge=FIRST_REPORT_DAY,
        le=LAST_REPORT_DAY,
        description="Last day (JST, 2000-01-01 to 2100-12-31), default today.",
    )


def report_window(start: dt.date | None, end: dt.date | None, today: dt.date) -> tuple[dt.date, dt.date]:
    """The first and last day of a report: ``to`` defaults to today, ``from`` to 6 days before ``to``."""
    end = end or today
    start = start or end - dt.timedelta(days=DEFAULT_REPORT_DAYS - 1)
    # Checked after the defaults, since today is the service's clock: "from" alone used to ask for
    # any number of days (one row per day and keyword). Only a given "from" can be out of range.
    if end < start:
        problem = "from must be on or before to (today when to is not given)"
    elif (end - start).days >= MAX_REPORT_DAYS:
        problem = f"from must be at most {MAX_REPORT_DAYS - 1} days before to (today when to is not given)"
    else:
        return start, end
    detail = {"path": "from", "message": problem, "type": "date_range"}
    raise errors.InvalidInput("The query string is invalid.", details=[detail])


class ReportRow(Schema):
    day: str
    keyword: str
    match: MatchType
    impressions: int
    clicks: int
    ctr: float | None = Field(description="clicks / impressions, null without impressions.")
    spend: int
    average_cpc: float | None = Field(description="spend / clicks in yen, null without clicks.")
    invalid_clicks: int = Field(
        default=0,
        description="Clicks recorded but not charged (duplicates, a paused or ended campaign, expired tokens, "
        "the company's own staff, no budget left); clicks counts only the charged ones.",
    )


class InvalidClickReasons(Schema):
    """Clicks recorded but not charged, by reason."""

    expired: int = Field(default=0, description="The placement's token had expired.")
    own_staff: int = Field(default=0, description="Clicked by the company's own staff.")
    campaign_paused: int = Field(default=0, description="The campaign was paused.")
    campaign_ended: int = Field(default=0, description="The campaign had ended.")
    duplicate: int = Field(
        default=0, description="The member's click on this campaign was already charged within 24 hours."
    )
    budget_exhausted: int = Field(default=0, description="The day's budget could not pay the price.")


class ReportTotals(Schema):
    """The rows summed, and the invalid clicks of the window by reason."""

    impressions: int
    clicks: int
    spend: int
    invalid_clicks: int = Field(description="The rows' invalid_clicks summed.")
    invalid_reasons: InvalidClickReasons = Field(
        description="Invalid clicks of the window by reason, over every keyword (a keyword since removed "
        "included, so after a keyword edit they may add up to more than invalid_clicks)."
    )


class CampaignReport(Schema):
    campaign_id: str
    rows: list[ReportRow]
    totals: ReportTotals
