"""Routes of friend links: /friends."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from chalice.app import Blueprint

from chalicelib.http import Api
from chalicelib.kernel import Caller
from chalicelib.pagination import Page, PageOf, PageQuery

if TYPE_CHECKING:
    from chalicelib.friends.models import FriendOut, FriendQuery
    from chalicelib.friends.service import FriendService

bp = Blueprint(__name__)
api = Api(bp, "friends", models="chalicelib.friends.models")
friends: Callable[[], FriendService] = api.service("friends")


@api.route(
    "/friends/{handle}",
    "POST",
    summary="Ask to be friends, or accept their request.",
    response="FriendOut",
    errors_=(400, 404, 409, 429),
)
def request_friend(caller: Caller, handle: str) -> FriendOut:
    return friends().request(caller, handle)


@api.route("/friends", "GET", summary="Your friends and requests.", query="FriendQuery", response=PageOf("FriendOut"))
def list_friends(caller: Caller, query: FriendQuery) -> Page[FriendOut]:
    return friends().list(caller, query.state, query.limit, query.cursor)


@api.route(
    "/members/{handle}/friends",
    "GET",
    summary="A member's friends (マイミク), as their profile shows them.",
    query=PageQuery,
    response=PageOf("FriendOut"),
    errors_=(404,),
)
def member_friends(caller: Caller, handle: str, query: PageQuery) -> Page[FriendOut]:
    return friends().friends_of(handle, query.limit, query.cursor)


@api.route("/friends/{handle}", "DELETE", summary="Unfriend, cancel or decline.", status=204, errors_=(400, 404))
def remove_friend(caller: Caller, handle: str) -> None:
    friends().remove(caller, handle)
