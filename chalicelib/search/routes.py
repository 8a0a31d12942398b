"""Routes of search: GET /search."""

from __future__ import annotations

from chalice.app import Blueprint

from chalicelib.adapters.wiring import services
from chalicelib.http import Api
from chalicelib.members.models import Caller
from chalicelib.search.models import SearchPage, SearchQuery

bp = Blueprint(__name__)
api = Api(bp, "search")


@api.route(
    "/search",
    "GET",
    summary="Search posts and communities you may read (Japanese and English).",
    query=SearchQuery,
    response=SearchPage,
    errors_=(400,),
)
def search(caller: Caller, query: SearchQuery) -> SearchPage:
    return services().search.search(caller, query.q, query.type, query.cursor, query.limit)
