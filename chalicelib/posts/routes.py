"""Routes of posts: community topics, diary entries, /posts/{id}, comments and resolving inquiries.

Diary entries are posts too, so ``/diary`` and ``/members/{handle}/diary`` live here (see app.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from chalice.app import Blueprint

from chalicelib.http import Api
from chalicelib.kernel import Caller
from chalicelib.pagination import Page, PageOf, PageQuery

if TYPE_CHECKING:
    from chalicelib.posts.models import (
        CommentCreate,
        CommentOut,
        CommentUpdate,
        DiaryCreate,
        PostCreate,
        PostOut,
        PostUpdate,
        ResolveRequest,
    )
    from chalicelib.posts.service import PostService

bp = Blueprint(__name__)
api = Api(bp, "posts", models="chalicelib.posts.models")
posts: Callable[[], PostService] = api.service("posts")


@api.route(
    "/communities/{community_id}/posts",
    "POST",
    summary="Post a topic (members of the community; in an official community it is an inquiry).",
    status=201,
    body="PostCreate",
    response="PostOut",
    errors_=(400, 403, 404, 429),
)
def create_topic(caller: Caller, community_id: str, body: PostCreate) -> PostOut:
    return posts().create_topic(caller, community_id, body)


@api.route(
    "/communities/{community_id}/posts",
    "GET",
    summary="A community's posts, newest first.",
    query=PageQuery,
    response=PageOf("PostOut"),
    errors_=(404,),
)
def list_topics(caller: Caller, community_id: str, query: PageQuery) -> Page[PostOut]:
    return posts().list_community(caller, community_id, query.limit, query.cursor)


@api.route(
    "/diary",
    "POST",
    summary="Write a diary entry for members, friends or yourself.",
    status=201,
    body="DiaryCreate",
    response="PostOut",
    errors_=(400, 429),
)
def create_diary(caller: Caller, body: DiaryCreate) -> PostOut:
    return posts().create_diary(caller, body)


@api.route(
    "/members/{handle}/diary",
    "GET",
    summary="A member's diary entries that you may read, newest first.",
    query=PageQuery,
    response=PageOf("PostOut"),
    errors_=(404,),
)
def list_diary(caller: Caller, handle: str, query: PageQuery) -> Page[PostOut]:
    return posts().list_diary(caller, handle, query.limit, query.cursor)


@api.route("/posts/{post_id}", "GET", summary="A post you may read.", response="PostOut", errors_=(404,))
def get_post(caller: Caller, post_id: str) -> PostOut:
    return posts().get(caller, post_id)


@api.route(
    "/posts/{post_id}",
    "PATCH",
    summary="Edit your post (visibility: diary entries only).",
    body="PostUpdate",
    response="PostOut",
    errors_=(400, 403, 404, 409),
)
def update_post(caller: Caller, post_id: str, body: PostUpdate) -> PostOut:
    return posts().update(caller, post_id, body)


@api.route(
    "/posts/{post_id}",
    "DELETE",
    summary="Delete a post (author, community owner or moderator, admin).",
    status=204,
    errors_=(403, 404, 409),
)
def delete_post(caller: Caller, post_id: str) -> None:
    posts().delete(caller, post_id)


@api.route(
    "/posts/{post_id}/comments",
    "POST",
    summary="Comment on a post you may read (company staff answer officially).",
    status=201,
    body="CommentCreate",
    response="CommentOut",
    errors_=(400, 404, 409, 429),
)
def create_comment(caller: Caller, post_id: str, body: CommentCreate) -> CommentOut:
    return posts().comment(caller, post_id, body)


@api.route(
    "/posts/{post_id}/comments",
    "GET",
    summary="A post's comments, oldest first.",
    query=PageQuery,
    response=PageOf("CommentOut"),
    errors_=(404,),
)
def list_comments(caller: Caller, post_id: str, query: PageQuery) -> Page[CommentOut]:
    return posts().comments(caller, post_id, query.limit, query.cursor)


@api.route(
    "/posts/{post_id}/comments/{comment_id}",
    "PATCH",
    summary="Edit your comment's text.",
    body="CommentUpdate",
    response="CommentOut",
    errors_=(400, 403, 404, 429),
)
def update_comment(caller: Caller, post_id: str, comment_id: str, body: CommentUpdate) -> CommentOut:
    return posts().update_comment(caller, post_id, comment_id, body)


@api.route(
    "/posts/{post_id}/comments/{comment_id}",
    "DELETE",
    summary="Delete a comment (its author, the community's owner or moderators, an admin).",
    status=204,
    errors_=(403, 404),
)
def delete_comment(caller: Caller, post_id: str, comment_id: str) -> None:
    posts().delete_comment(caller, post_id, comment_id)


@api.route(
    "/posts/{post_id}/resolve",
    "POST",
    summary="Accept a comment as the answer to an inquiry (its author or the company's staff).",
    body="ResolveRequest",
    response="PostOut",
    errors_=(400, 403, 404, 409),
)
def resolve_inquiry(caller: Caller, post_id: str, body: ResolveRequest) -> PostOut:
    return posts().resolve(caller, post_id, body.comment_id)
