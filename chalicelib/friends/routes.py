"""Routes of friend links: /friends."""

from __future__ import annotations

from chalice.app import Blueprint

from chalicelib.adapters.wiring import services
from chalicelib.friends.models import FriendOut, FriendQuery, Friendship
from chalicelib.http import Api
from chalicelib.members.models import Caller
from chalicelib.pagination import Page, PageOf

bp = Blueprint(__name__)
api = Api(bp, "friends")


def _out(link: Friendship, display_name: str) -> FriendOut:
    return FriendOut(handle=link.other_handle, display_name=display_name, state=link.state, since=link.since)


@api.route(
    "/friends/{handle}",
    "POST",
    summary="Ask to be friends, or accept their request.",
    response=FriendOut,
    errors_=(400, 404),
)
def request_friend(caller: Caller, handle: str) -> FriendOut:
    link, display_name = services().friends.request(caller, handle)
    return _out(link, display_name)


@api.route("/friends", "GET", summary="Your friends and requests.", query=FriendQuery, response=PageOf(FriendOut))
def list_friends(caller: Caller, query: FriendQuery) -> Page[FriendOut]:
    links, cursor = services().friends.list(caller, query.state, query.limit, query.cursor)
    return Page[FriendOut](items=[_out(link, name) for link, name in links], next_cursor=cursor)


@api.route("/friends/{handle}", "DELETE", summary="Unfriend, cancel or decline.", status=204, errors_=(404,))
def remove_friend(caller: Caller, handle: str) -> None:
    services().friends.remove(caller, handle)
