"""Routes of invitations: /invites."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from chalice.app import Blueprint

from chalicelib.http import Api
from chalicelib.kernel import Caller
from chalicelib.pagination import Page, PageOf, PageQuery

if TYPE_CHECKING:
    from chalicelib.invites.models import InviteCreate, InviteOut
    from chalicelib.invites.service import InviteService

bp = Blueprint(__name__)
api = Api(bp, "invites", models="chalicelib.invites.models")
invites: Callable[[], InviteService] = api.service("invites")


@api.route(
    "/invites",
    "POST",
    summary="Create an invite code (uses one of your invites).",
    status=201,
    body="InviteCreate",
    response="InviteOut",
    errors_=(400, 403, 429),
)
def create_invite(caller: Caller, body: InviteCreate) -> InviteOut:
    return invites().create(caller, body.note)


@api.route(
    "/invites",
    "GET",
    summary="Your invite codes with their status, newest first.",
    query=PageQuery,
    response=PageOf("InviteOut"),
)
def list_invites(caller: Caller, query: PageQuery) -> Page[InviteOut]:
    return invites().list(caller, query.limit, query.cursor)


@api.route(
    "/invites/{code}",
    "DELETE",
    summary="Revoke an unused invite; the quota comes back.",
    status=204,
    errors_=(404, 409),
)
def revoke_invite(caller: Caller, code: str) -> None:
    invites().revoke(caller, code)
