"""GET /search: the query string and the response shapes."""

from typing import Annotated, Literal

from pydantic import ConfigDict, Field, StringConstraints

from chalicelib.kernel import Id, Schema
from chalicelib.placements.models import SponsoredOut
from chalicelib.search.query import SearchType

ResultType = Literal["post", "community"]


class SearchQuery(Schema):
    model_config = ConfigDict(extra="ignore")

    q: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    type: SearchType = "all"
    cursor: str | None = Field(default=None, max_length=2048, description="Opaque cursor from next_cursor.")
    limit: int = Field(default=20, ge=1, le=50)
    community_id: Id | None = Field(
        default=None,
        description="Only this community's posts (no communities); an unknown community gives no results, not 404.",
    )


class ResultCommunity(Schema):
    id: str
    name: str


class SearchResult(Schema):
    type: ResultType
    id: str
    title: str = Field(description="Plain text (escape it when rendering); the title as it is now.")
    title_highlight: str = Field(
        description="HTML: the whole title, hits in <mark>, everything else escaped (as snippet)."
    )
    snippet: str = Field(description="HTML: hits in <mark>, everything else escaped.")
    community: ResultCommunity | None = Field(description="The community of a post; null for communities and diaries.")
    official: bool = Field(
        default=False, description="A verified company's official community, or a post in one (shown with 公式)."
    )
    company_name: str | None = Field(
        default=None, description="The company of an official result (shown beside 公式); null when not official."
    )


class SearchPage(Schema):
    query: str
    total: int | None = Field(
        default=None, description="About how many results the caller may read (the index's count; null if unknown)."
    )
    sponsored: list[SponsoredOut] = Field(default_factory=list, description="Sponsored placements (first page only).")
    results: list[SearchResult]
    next_cursor: str | None = None
