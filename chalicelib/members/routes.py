"""Routes of membership: /auth/*, /me, /members/{handle}, /stats."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from chalice.app import Blueprint

from chalicelib.http import Api
from chalicelib.kernel import Caller

if TYPE_CHECKING:
    from chalicelib.members.models import (
        LoginRequest,
        MemberPublic,
        MemberSelf,
        PasswordChange,
        ProfileUpdate,
        SignupRequest,
        SignupResponse,
        Stats,
        TokenResponse,
    )
    from chalicelib.members.service import AuthService, MemberService

bp = Blueprint(__name__)
api = Api(bp, "members", models="chalicelib.members.models")
auth: Callable[[], AuthService] = api.service("auth")
members: Callable[[], MemberService] = api.service("members")


@api.route(
    "/auth/signup",
    "POST",
    summary="Join with an invite code.",
    status=201,
    body="SignupRequest",
    response="SignupResponse",
    public=True,
    errors_=(400, 403, 409),
)
def signup(body: SignupRequest) -> SignupResponse:
    return auth().signup(body)


@api.route(
    "/auth/login",
    "POST",
    summary="Log in with handle and password.",
    body="LoginRequest",
    response="TokenResponse",
    public=True,
    errors_=(400, 401, 429),
)
def login(body: LoginRequest, source_ip: str) -> TokenResponse:
    return auth().login(body, source_ip=source_ip)


@api.route("/auth/logout", "POST", summary="End this session; the token stops working at once.", status=204)
def logout(caller: Caller) -> None:
    auth().logout(caller)


@api.route("/me", "GET", summary="Your own profile.", response="MemberSelf")
def get_me(caller: Caller) -> MemberSelf:
    return members().me(caller)


@api.route(
    "/me",
    "PATCH",
    summary="Change your display name, email or bio.",
    body="ProfileUpdate",
    response="MemberSelf",
    errors_=(400, 409),
)
def patch_me(caller: Caller, body: ProfileUpdate) -> MemberSelf:
    return members().update_me(caller, body)


@api.route(
    "/me/password",
    "POST",
    summary="Change your password (give the current one).",
    body="PasswordChange",
    status=204,
    errors_=(400, 409, 429),
)
def change_password(caller: Caller, body: PasswordChange) -> None:
    auth().change_password(caller, body)


@api.route("/me", "DELETE", summary="Withdraw from the network.", status=204)
def delete_me(caller: Caller) -> None:
    members().withdraw(caller)


@api.route("/members/{handle}", "GET", summary="A member's public profile.", response="MemberPublic", errors_=(404,))
def get_member(caller: Caller, handle: str) -> MemberPublic:
    return members().public_profile(caller, handle)


@api.route("/stats", "GET", summary="Member, community and post counts.", response="Stats")
def stats(caller: Caller) -> Stats:
    return members().stats()
