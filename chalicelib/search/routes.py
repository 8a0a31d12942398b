"""Routes of search: GET /search."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from chalice.app import Blueprint

from chalicelib.http import Api
from chalicelib.kernel import Caller

if TYPE_CHECKING:
    from chalicelib.search.models import SearchPage, SearchQuery
    from chalicelib.search.service import SearchService

bp = Blueprint(__name__)
api = Api(bp, "search", models="chalicelib.search.models")
search_service: Callable[[], SearchService] = api.service("search")


@api.route(
    "/search",
    "GET",
    summary="Search posts and communities you may read (Japanese and English); community_id: one community's posts.",
    query="SearchQuery",
    response="SearchPage",
    errors_=(400, 429),
)
def search(caller: Caller, query: SearchQuery) -> SearchPage:
    return search_service().search(caller, query.q, query.type, query.cursor, query.limit, query.community_id)
