"""Routes of communities: /communities, membership, members and moderators."""

from __future__ import annotations

from chalice.app import Blueprint

from chalicelib.adapters.wiring import services
from chalicelib.communities.models import Community, CommunityCreate, CommunityMemberOut, CommunityOut, CommunityQuery
from chalicelib.http import Api
from chalicelib.members.models import Caller
from chalicelib.pagination import Page, PageOf, PageQuery

bp = Blueprint(__name__)
api = Api(bp, "communities")


def _out(caller: Caller, community: Community, with_role: bool = True) -> CommunityOut:
    svc = services().communities
    owner = svc.refs([community.owner_id])[community.owner_id]
    membership = svc.role_of(community.id, caller.member_id) if with_role else None
    return CommunityOut.of(community, owner, membership.role if membership else None)


@api.route(
    "/communities",
    "POST",
    summary="Create a community (with company_id: the company's official community, staff only).",
    status=201,
    body=CommunityCreate,
    response=CommunityOut,
    errors_=(400, 403, 404),
)
def create_community(caller: Caller, body: CommunityCreate) -> CommunityOut:
    return _out(caller, services().communities.create(caller, body))


@api.route(
    "/communities",
    "GET",
    summary="Browse communities, biggest or newest first, optionally in one category.",
    query=CommunityQuery,
    response=PageOf(CommunityOut),
)
def list_communities(caller: Caller, query: CommunityQuery) -> Page[CommunityOut]:
    svc = services().communities
    items, cursor = svc.browse(query.category, query.sort, query.limit, query.cursor)
    owners = svc.refs(c.owner_id for c in items)
    return Page[CommunityOut](items=[CommunityOut.of(c, owners[c.owner_id]) for c in items], next_cursor=cursor)


@api.route("/communities/{community_id}", "GET", summary="A community.", response=CommunityOut, errors_=(404,))
def get_community(caller: Caller, community_id: str) -> CommunityOut:
    return _out(caller, services().communities.get(community_id))


@api.route(
    "/communities/{community_id}/membership",
    "PUT",
    summary="Join a community (idempotent).",
    response=CommunityOut,
    errors_=(404,),
)
def join_community(caller: Caller, community_id: str) -> CommunityOut:
    return _out(caller, services().communities.join(caller, community_id))


@api.route(
    "/communities/{community_id}/membership",
    "DELETE",
    summary="Leave a community (idempotent; the owner cannot leave).",
    response=CommunityOut,
    errors_=(404, 409),
)
def leave_community(caller: Caller, community_id: str) -> CommunityOut:
    return _out(caller, services().communities.leave(caller, community_id))


@api.route(
    "/communities/{community_id}/members",
    "GET",
    summary="The members of a community.",
    query=PageQuery,
    response=PageOf(CommunityMemberOut),
    errors_=(404,),
)
def list_members(caller: Caller, community_id: str, query: PageQuery) -> Page[CommunityMemberOut]:
    svc = services().communities
    items, cursor = svc.list_members(community_id, query.limit, query.cursor)
    refs = svc.refs(m.member_id for m in items)
    return Page[CommunityMemberOut](
        items=[
            CommunityMemberOut(
                handle=refs[m.member_id].handle,
                display_name=refs[m.member_id].display_name,
                role=m.role,
                joined_at=m.joined_at,
            )
            for m in items
        ],
        next_cursor=cursor,
    )


def _member_out(caller: Caller, community_id: str, handle: str, moderator: bool) -> CommunityMemberOut:
    svc = services().communities
    m = svc.set_moderator(caller, community_id, handle, moderator)
    ref = svc.refs([m.member_id])[m.member_id]
    return CommunityMemberOut(handle=ref.handle, display_name=ref.display_name, role=m.role, joined_at=m.joined_at)


@api.route(
    "/communities/{community_id}/moderators/{handle}",
    "PUT",
    summary="The owner names a member moderator.",
    response=CommunityMemberOut,
    errors_=(400, 403, 404),
)
def add_moderator(caller: Caller, community_id: str, handle: str) -> CommunityMemberOut:
    return _member_out(caller, community_id, handle, True)


@api.route(
    "/communities/{community_id}/moderators/{handle}",
    "DELETE",
    summary="The owner makes a moderator a plain member again.",
    response=CommunityMemberOut,
    errors_=(400, 403, 404),
)
def remove_moderator(caller: Caller, community_id: str, handle: str) -> CommunityMemberOut:
    return _member_out(caller, community_id, handle, False)
