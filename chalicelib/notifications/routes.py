"""Routes of notifications and the friends' diary feed: /notifications, /diary/feed."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from chalice.app import Blueprint

from chalicelib.http import Api
from chalicelib.kernel import Caller
from chalicelib.pagination import Page, PageOf, PageQuery

if TYPE_CHECKING:
    from chalicelib.notifications.models import MarkRead, NotificationOut, UnreadCount
    from chalicelib.notifications.service import NotificationService
    from chalicelib.posts.models import PostOut

bp = Blueprint(__name__)
api = Api(bp, "notifications", models="chalicelib.notifications.models")
notifications: Callable[[], NotificationService] = api.service("notifications")


@api.route(
    "/notifications",
    "GET",
    summary="Your notifications, newest first.",
    query=PageQuery,
    response=PageOf("NotificationOut"),
)
def list_notifications(caller: Caller, query: PageQuery) -> Page[NotificationOut]:
    return notifications().list(caller, query.limit, query.cursor)


@api.route("/notifications/unread", "GET", summary="How many notifications are unread.", response="UnreadCount")
def unread_notifications(caller: Caller) -> UnreadCount:
    return notifications().unread(caller)


@api.route(
    "/notifications/read",
    "POST",
    summary="Mark notifications read (by id, or all: true); returns the unread count after.",
    body="MarkRead",
    response="UnreadCount",
    errors_=(400,),
)
def mark_read(caller: Caller, body: MarkRead) -> UnreadCount:
    return notifications().mark_read(caller, body)


@api.route(
    "/diary/feed",
    "GET",
    summary="Your friends' diary entries, newest first.",
    query=PageQuery,
    response=PageOf("chalicelib.posts.models:PostOut"),
)
def diary_feed(caller: Caller, query: PageQuery) -> Page[PostOut]:
    return notifications().feed(caller, query.limit, query.cursor)
