"""DynamoDB store of posts (topics, inquiries, diary entries) and their comments.

Every list is a Query: a community's topics on ``by_community``, a diary on the sparse
``diary_*`` index for the reader's audience, a company's inquiries per status on
``inquiries_by_status``, comments on the comments table's own key. Comment counts and the
per-company inquiry status counts change in the same transaction as the item they count.

A held post or comment (issue 9) is written with its entry in the review queue (``HeldItem``, in the
same transaction) and counted nowhere: no post count, comment count, inquiry counter, inbox key or
friends/members diary key until it is approved (``held_store.HeldStore``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from msgspec import structs
from pynamodb.exceptions import DoesNotExist, UpdateError
from pynamodb.expressions.update import Action

from chalicelib import errors
from chalicelib.adapters.dynamodb.base import Store, Transaction, is_condition_failure, set_or_remove, update_if
from chalicelib.adapters.dynamodb.member_store import Stat
from chalicelib.adapters.dynamodb.tables import CommentItem, HeldItem, PostItem
from chalicelib.pagination import Slice
from chalicelib.posts.models import Comment, Post

DIARY_INDEXES = {
    "all": ("diary_all", PostItem.diary_all_index),
    "friends": ("diary_friends", PostItem.diary_friends_index),
    "members": ("diary_members", PostItem.diary_members_index),
}


def inquiry_counter(company_id: str, status: str) -> str:
    """The name of the counter of a company's inquiries in ``status``."""
    return f"company.{company_id}.inquiries.{status}"


def _inbox_key(company_id: str, status: str) -> str:
    """The partition of a company's inquiries in one status."""
    return f"{company_id}#{status}"


def _diary_keys(post: Post) -> dict[str, str | None]:
    """The sparse diary index keys: the author id where the audience may read the entry (a held one: the author)."""
    if post.kind != "diary":
        return {"diary_all": None, "diary_friends": None, "diary_members": None}
    shown = not post.held
    return {
        "diary_all": post.author_id,
        "diary_friends": post.author_id if shown and post.visibility in ("members", "friends") else None,
        "diary_members": post.author_id if shown and post.visibility == "members" else None,
    }


def held_queue(community_id: str | None) -> str:
    """The review queue of an item: its community's, or ``diary`` (admins review diary entries)."""
    return f"community#{community_id}" if community_id else "diary"


def _spam_attributes(item: Post | Comment) -> dict[str, Any]:
    """The held flag and the spam check's score and signals (stored when held or when any signal fired)."""
    verdict = item.spam
    if verdict is None or not (item.held or verdict.signals):
        return {}
    return {
        "held": True if item.held else None,
        "held_id": item.held_id if item.held else None,
        "spam_score": verdict.score,
        "spam_signals": json.dumps(verdict.signals, ensure_ascii=False),
    }


def _held_entry(post: Post, comment: Comment | None = None) -> HeldItem:
    """The review-queue entry of a held post, or of a held comment on ``post``."""
    item: Post | Comment = comment or post
    verdict = item.spam
    assert item.held_id is not None and verdict is not None, "a held item has its held_id and verdict"
    return HeldItem(
        item.held_id,
        item_type="comment" if comment else "post",
        post_id=post.id,
        comment_id=comment.id if comment else None,
        community_id=post.community_id,
        author_id=item.author_id,
        author_handle=item.author_handle,
        title=post.title,
        body=comment.body if comment else post.body,
        created_at=item.created_at,
        score=verdict.score,
        threshold=verdict.threshold,
        signals=json.dumps(verdict.signals, ensure_ascii=False),
        status="held",
        queue=held_queue(post.community_id),
        pending="held",
        version=1,
    )


def _post(item: PostItem) -> Post:
    return Post(
        id=item.post_id,
        kind=item.kind,  # type: ignore[arg-type]
        author_id=item.author_id,
        author_handle=item.author_handle,
        title=item.title,
        body=item.body,
        visibility=item.visibility,  # type: ignore[arg-type]
        community_id=item.community_id,
        community_name=item.community_name,
        company_id=item.company_id,
        status=item.status,  # type: ignore[arg-type]
        created_at=item.created_at,
        updated_at=item.updated_at,
        comment_count=int(item.comment_count),
        first_response_s=None if item.first_response_s is None else int(item.first_response_s),
        first_response_at=item.first_response_at,
        accepted_comment_id=item.accepted_comment_id,
        version=int(item.version),
        held=bool(item.held),
        held_id=item.held_id,
        author_hidden=bool(item.author_hidden),
    )


def _comment(item: CommentItem) -> Comment:
    return Comment(
        post_id=item.post_id,
        id=item.comment_id,
        author_id=item.author_id,
        author_handle=item.author_handle,
        body=item.body,
        official=bool(item.official),
        created_at=item.created_at,
        held=bool(item.held),
        held_id=item.held_id,
        edited_at=item.edited_at,
    )


class PostStore(Store):
    """Posts, comments and the counts that go with them."""

    def create(self, post: Post) -> None:
        """Store a new post and count it (and, for an inquiry, count it open); a held one is queued instead."""

        diary = _diary_keys(post)
        counted = not post.held
        inbox_key = _inbox_key(post.company_id, post.status) if counted and post.company_id and post.status else None

        def write(tx: Transaction) -> None:
            tx.save(
                PostItem(
                    post.id,
                    kind=post.kind,
                    author_id=post.author_id,
                    author_handle=post.author_handle,
                    title=post.title,
                    body=post.body,
                    visibility=post.visibility,
                    community_id=post.community_id,
                    community_name=post.community_name,
                    company_id=post.company_id,
                    status=post.status,
                    inbox_key=inbox_key,
                    comment_count=0,
                    created_at=post.created_at,
                    updated_at=post.updated_at,
                    version=1,
                    diary_all=diary["diary_all"],
                    diary_friends=diary["diary_friends"],
                    diary_members=diary["diary_members"],
                    **_spam_attributes(post),
                ),
                condition=PostItem.post_id.does_not_exist(),
                label="post",
            )
            if not counted:
                tx.save(_held_entry(post), condition=HeldItem.held_id.does_not_exist(), label="held")
                return
            self.counters.add(tx, Stat.POSTS, 1)
            if post.kind == "inquiry" and post.company_id and post.status:
                self.counters.add(tx, inquiry_counter(post.company_id, post.status), 1)

        failed = self.transact(write)
        if failed is not None:
            raise RuntimeError(f"post creation failed on its {failed} condition")

    def get(self, post_id: str) -> Post | None:
        """A post by id (consistent read)."""
        try:
            return _post(PostItem.get(post_id, consistent_read=True))
        except DoesNotExist:
            return None

    def get_many(self, post_ids: Sequence[str]) -> dict[str, Post]:
        """The posts that exist, by id (strongly consistent)."""
        ids = sorted(set(post_ids))
        return {item.post_id: _post(item) for item in PostItem.batch_get(ids, consistent_read=True)} if ids else {}

    def list_community(self, community_id: str, limit: int, cursor: str | None) -> Slice[Post]:
        """A community's posts, newest first."""
        return self.page(
            f"posts:community:{community_id}",
            PostItem.by_community.query,
            _post,
            cursor,
            limit,
            hash_key=community_id,
            scan_index_forward=False,
        )

    def list_diary(self, author_id: str, audience: str, limit: int, cursor: str | None) -> Slice[Post]:
        """An author's diary entries that ``audience`` (all, friends, members) may read, newest first."""
        key, index = DIARY_INDEXES[audience]
        return self.page(
            f"posts:{key}:{author_id}",
            index.query,
            _post,
            cursor,
            limit,
            hash_key=author_id,
            scan_index_forward=False,
        )

    def update(self, post: Post, changes: dict[str, Any], now: datetime) -> Post:
        """Apply ``changes`` (title, body, visibility) if nobody changed the post since it was read."""
        item = PostItem(post.id)
        actions: list[Action] = [getattr(PostItem, k).set(v) for k, v in changes.items()]
        if "visibility" in changes:
            edited = structs.replace(post, visibility=changes["visibility"])
            for name, value in _diary_keys(edited).items():
                actions += set_or_remove(getattr(PostItem, name), value)
        try:
            item.update(
                actions=[*actions, PostItem.updated_at.set(now), PostItem.version.add(1)],
                condition=PostItem.version == post.version,
                add_version_condition=False,
            )
        except UpdateError as exc:
            if is_condition_failure(exc):
                raise errors.Conflict("The post changed meanwhile; reload and retry.", code="edit_conflict") from None
            raise
        return _post(item)

    def delete(self, post: Post) -> bool:
        """Delete a post as read (same status), uncounting it; False if it changed or is gone."""

        def write(tx: Transaction) -> None:
            condition = PostItem.post_id.exists()
            if post.status is not None:
                condition &= PostItem.status == post.status
            if post.held:  # never counted: only the post and its place in the review queue go
                tx.delete(PostItem(post.id), condition=condition & (PostItem.held == True), label="post")  # noqa: E712
                if post.held_id:
                    tx.delete(HeldItem(post.held_id), label="held")
                return
            tx.delete(PostItem(post.id), condition=condition, label="post")
            self.counters.add(tx, Stat.POSTS, -1)
            if post.kind == "inquiry" and post.company_id and post.status:
                self.counters.add(tx, inquiry_counter(post.company_id, post.status), -1)

        if self.transact(write) is not None:
            return False
        self._delete_comments(post.id)
        return True

    def _delete_comments(self, post_id: str) -> None:
        # The post is gone, so no read path reaches these any more; this only frees the space.
        found = list(CommentItem.query(post_id, attributes_to_get=["comment_id", "held_id"]))
        with CommentItem.batch_write() as batch:
            for c in found:
                batch.delete(CommentItem(post_id, c.comment_id))
        with HeldItem.batch_write() as held:  # held comments leave the review queue with their post
            for c in found:
                if c.held_id:
                    held.delete(HeldItem(c.held_id))

    def add_comment(self, post: Post, comment: Comment, answers: bool) -> bool:
        """Store a comment and count it; with ``answers`` it is the first official answer of an open inquiry.

        False when the post is gone or (with ``answers``) no longer open: re-read and decide again.
        """

        def write(tx: Transaction) -> None:
            tx.save(
                CommentItem(
                    comment.post_id,
                    comment.id,
                    author_id=comment.author_id,
                    author_handle=comment.author_handle,
                    body=comment.body,
                    official=comment.official,
                    created_at=comment.created_at,
                    version=1,
                    **_spam_attributes(comment),
                ),
                condition=CommentItem.comment_id.does_not_exist(),
                label="comment",
            )
            if comment.held:  # queued, not counted: the post is only checked, not changed
                tx.save(_held_entry(post, comment), condition=HeldItem.held_id.does_not_exist(), label="held")
                tx.condition_check(PostItem, post.id, condition=PostItem.post_id.exists(), label="post")
                return
            actions: list[Action] = [PostItem.comment_count.add(1), PostItem.version.add(1)]
            condition = PostItem.post_id.exists()
            if answers and post.company_id:
                first_response_s = max(0, int((comment.created_at - post.created_at).total_seconds()))
                actions += [
                    PostItem.status.set("answered"),
                    PostItem.inbox_key.set(_inbox_key(post.company_id, "answered")),
                    PostItem.first_response_at.set(comment.created_at),
                    PostItem.first_response_s.set(first_response_s),
                    PostItem.responded_company_id.set(post.company_id),
                ]
                condition &= PostItem.status == "open"
                self.counters.add(tx, inquiry_counter(post.company_id, "open"), -1)
                self.counters.add(tx, inquiry_counter(post.company_id, "answered"), 1)
            tx.update(PostItem(post.id), actions, condition=condition, label="post")

        return self.transact(write) is None

    def delete_comment(self, comment: Comment) -> bool:
        """Delete a comment and uncount it in one transaction; False if it or its post is gone.

        A held comment was never counted: it goes with its place in the review queue (False once approved).
        """

        def write(tx: Transaction) -> None:
            if comment.held:
                held = CommentItem.comment_id.exists() & (CommentItem.held == True)  # noqa: E712
                tx.delete(CommentItem(comment.post_id, comment.id), condition=held, label="comment")
                if comment.held_id:
                    tx.delete(HeldItem(comment.held_id), label="held")
                return
            tx.delete(
                CommentItem(comment.post_id, comment.id), condition=CommentItem.comment_id.exists(), label="comment"
            )
            tx.update(
                PostItem(comment.post_id),
                [PostItem.comment_count.add(-1), PostItem.version.add(1)],
                condition=PostItem.post_id.exists(),
                label="post",
            )

        return self.transact(write) is None

    def update_comment(self, comment: Comment, body: str, now: datetime) -> Comment | None:
        """Its author's new text; None when the comment is gone meanwhile."""
        item = CommentItem(comment.post_id, comment.id)
        actions = [CommentItem.body.set(body), CommentItem.edited_at.set(now), CommentItem.version.add(1)]
        return _comment(item) if update_if(item, actions, CommentItem.comment_id.exists()) else None

    def get_comment(self, post_id: str, comment_id: str) -> Comment | None:
        """A comment of a post (consistent read)."""
        try:
            return _comment(CommentItem.get(post_id, comment_id, consistent_read=True))
        except DoesNotExist:
            return None

    def list_comments(self, post_id: str, limit: int, cursor: str | None) -> Slice[Comment]:
        """A post's comments, oldest first."""
        return self.page(f"comments:{post_id}", CommentItem.query, _comment, cursor, limit, hash_key=post_id)

    def resolve(self, post: Post, comment_id: str) -> bool:
        """Mark an inquiry resolved by ``comment_id`` if its status is still as read."""
        if not (post.company_id and post.status):
            return False
        company_id, status = post.company_id, post.status

        def write(tx: Transaction) -> None:
            tx.update(
                PostItem(post.id),
                [
                    PostItem.status.set("resolved"),
                    PostItem.inbox_key.set(_inbox_key(company_id, "resolved")),
                    PostItem.accepted_comment_id.set(comment_id),
                    PostItem.version.add(1),
                ],
                condition=PostItem.post_id.exists() & (PostItem.status == status),
                label="post",
            )
            self.counters.add(tx, inquiry_counter(company_id, status), -1)
            self.counters.add(tx, inquiry_counter(company_id, "resolved"), 1)

        return self.transact(write) is None

    def hide_author(self, author_id: str, hidden: bool) -> int:
        """Mark every post of the author hidden, or shown again; each change reaches the index by the stream."""
        changed = 0
        for key in PostItem.by_author.query(author_id):
            mark = PostItem.author_hidden.set(True) if hidden else PostItem.author_hidden.remove()
            # A post deleted meanwhile fails the condition and is skipped.
            changed += update_if(PostItem(key.post_id), [mark, PostItem.version.add(1)], PostItem.post_id.exists())
        return changed

    def inquiries(self, company_id: str, status: str, limit: int, cursor: str | None) -> Slice[Post]:
        """A company's inquiries in ``status``, oldest first."""
        key = _inbox_key(company_id, status)
        return self.page(f"inbox:{key}", PostItem.inquiries_by_status.query, _post, cursor, limit, hash_key=key)

    def inquiry_counts(self, company_id: str) -> dict[str, int]:
        """How many of the company's inquiries are open, answered and resolved."""
        names = {s: inquiry_counter(company_id, s) for s in ("open", "answered", "resolved")}
        totals = self.counters.read(names.values())
        return {s: totals[n] for s, n in names.items()}

    def first_response_times(self, company_id: str) -> list[int]:
        """Every first-response duration of the company's inquiries, ascending (keys-only index)."""
        return [
            int(item.first_response_s) for item in PostItem.inquiries_by_response_time.query(company_id, page_size=1000)
        ]

    def count_open_since(self, company_id: str, before: datetime) -> int:
        """How many inquiries opened before ``before`` are still waiting for an answer."""
        return int(PostItem.inquiries_by_status.count(_inbox_key(company_id, "open"), PostItem.created_at < before))
