"""Routes of communities: /communities, membership, members and moderators.

A community's posts (``/communities/{id}/posts``) belong to the posts blueprint (see app.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from chalice.app import Blueprint

from chalicelib.http import Api
from chalicelib.kernel import Caller
from chalicelib.pagination import Page, PageOf, PageQuery

if TYPE_CHECKING:
    from chalicelib.communities.models import CommunityCreate, CommunityMemberOut, CommunityOut, CommunityQuery
    from chalicelib.communities.service import CommunityService

bp = Blueprint(__name__)
api = Api(bp, "communities", models="chalicelib.communities.models")
communities: Callable[[], CommunityService] = api.service("communities")


@api.route(
    "/communities",
    "POST",
    summary="Create a community (with company_id: the company's official community, staff only).",
    status=201,
    body="CommunityCreate",
    response="CommunityOut",
    errors_=(400, 403, 404),
)
def create_community(caller: Caller, body: CommunityCreate) -> CommunityOut:
    return communities().create(caller, body)


@api.route(
    "/communities",
    "GET",
    summary="Browse communities, biggest or newest first, optionally in one category.",
    query="CommunityQuery",
    response=PageOf("CommunityOut"),
)
def list_communities(caller: Caller, query: CommunityQuery) -> Page[CommunityOut]:
    return communities().browse(query.category, query.sort, query.limit, query.cursor)


@api.route(
    "/members/{handle}/communities",
    "GET",
    summary="A member's communities, latest joined first (your own with your role in each).",
    query=PageQuery,
    response=PageOf("CommunityOut"),
    errors_=(404,),
)
def member_communities(caller: Caller, handle: str, query: PageQuery) -> Page[CommunityOut]:
    return communities().of_member(caller, handle, query.limit, query.cursor)


@api.route(
    "/companies/{company_id}/communities",
    "GET",
    summary="A company's official communities, oldest first (with your role in each).",
    query=PageQuery,
    response=PageOf("CommunityOut"),
    errors_=(404,),
)
def company_communities(caller: Caller, company_id: str, query: PageQuery) -> Page[CommunityOut]:
    return communities().of_company(caller, company_id, query.limit, query.cursor)


@api.route("/communities/{community_id}", "GET", summary="A community.", response="CommunityOut", errors_=(404,))
def get_community(caller: Caller, community_id: str) -> CommunityOut:
    return communities().get(caller, community_id)


@api.route(
    "/communities/{community_id}/membership",
    "PUT",
    summary="Join a community (idempotent).",
    response="CommunityOut",
    errors_=(404,),
)
def join_community(caller: Caller, community_id: str) -> CommunityOut:
    return communities().join(caller, community_id)


@api.route(
    "/communities/{community_id}/membership",
    "DELETE",
    summary="Leave a community (idempotent; the owner cannot leave).",
    response="CommunityOut",
    errors_=(404, 409),
)
def leave_community(caller: Caller, community_id: str) -> CommunityOut:
    return communities().leave(caller, community_id)


@api.route(
    "/communities/{community_id}/members",
    "GET",
    summary="The members of a community.",
    query=PageQuery,
    response=PageOf("CommunityMemberOut"),
    errors_=(404,),
)
def list_members(caller: Caller, community_id: str, query: PageQuery) -> Page[CommunityMemberOut]:
    return communities().list_members(community_id, query.limit, query.cursor)


@api.route(
    "/communities/{community_id}/moderators/{handle}",
    "PUT",
    summary="The owner names a member moderator.",
    response="CommunityMemberOut",
    errors_=(400, 403, 404),
)
def add_moderator(caller: Caller, community_id: str, handle: str) -> CommunityMemberOut:
    return communities().set_moderator(caller, community_id, handle, True)


@api.route(
    "/communities/{community_id}/moderators/{handle}",
    "DELETE",
    summary="The owner makes a moderator a plain member again.",
    response="CommunityMemberOut",
    errors_=(400, 403, 404),
)
def remove_moderator(caller: Caller, community_id: str, handle: str) -> CommunityMemberOut:
    return communities().set_moderator(caller, community_id, handle, False)
