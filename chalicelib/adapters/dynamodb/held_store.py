"""DynamoDB store of the review queue: posts and comments the spam check held (issue 9).

``HeldItem`` is keyed by ``held_id`` (time-sortable); while held it carries ``queue``
(``community#<id>`` or ``diary``) and ``pending`` (the constant ``held``), so a community's queue and
the admins' queue of everything are sparse Queries, oldest first. The post or comment itself is
written with the entry by ``PostStore`` (one transaction) and counted nowhere.

Approving or rejecting is one transaction that first flips the entry from ``held`` (so of two
moderators one wins, the other gets ``already_reviewed``) and then:

* approve a post: it loses ``held`` and gains what a new post gets (its inbox key and open inquiry
  count, its friends/members diary keys, the post count); ``version`` goes up by 2, because the stream
  deleted its document at ``version + 1`` while it was held, and an external version must be above that;
* approve a comment: it loses ``held``, its post's ``comment_count`` goes up (a held comment is
  never an official answer: staff in their own community are never held, so nothing else changes);
* reject: the post (with its comments) or the comment is deleted; nothing was counted.

When the post or comment is gone (deleted by its author meanwhile), the entry is marked ``gone``.
"""

from __future__ import annotations

import json
from datetime import timedelta

from msgspec import structs
from pynamodb.exceptions import DoesNotExist, UpdateError
from pynamodb.expressions.update import Action

from chalicelib import errors
from chalicelib.adapters.dynamodb.base import Store, Transaction, is_condition_failure
from chalicelib.adapters.dynamodb.member_store import Stat
from chalicelib.adapters.dynamodb.post_store import _diary_keys, _inbox_key, _post, held_queue, inquiry_counter
from chalicelib.adapters.dynamodb.tables import CommentItem, HeldItem, PostItem
from chalicelib.moderation.models import HeldEntry, Review
from chalicelib.moderation.review import Outcome
from chalicelib.pagination import Slice
from chalicelib.posts.models import Post

#: How long a reviewed entry is kept (who decided what, and when) before its TTL removes it.
REVIEWED_TTL = timedelta(days=90)
#: How often an approval re-reads a post that changed between its read and its transaction.
APPROVE_ATTEMPTS = 3


def _entry(item: HeldItem) -> HeldEntry:
    return HeldEntry(
        id=item.held_id,
        item_type=item.item_type,  # type: ignore[arg-type]
        post_id=item.post_id,
        comment_id=item.comment_id,
        community_id=item.community_id,
        author_id=item.author_id,
        author_handle=item.author_handle,
        title=item.title,
        body=item.body,
        created_at=item.created_at,
        score=float(item.score),
        threshold=float(item.threshold),
        signals=list(json.loads(item.signals or "[]")),
        status=item.status,  # type: ignore[arg-type]
        reviewed_by_handle=item.reviewed_by_handle,
        reviewed_at=item.reviewed_at,
    )


class HeldStore(Store):
    """The review queues and the transactions that approve or reject a held post or comment."""

    def get(self, held_id: str) -> HeldEntry | None:
        """A held (or reviewed) entry by id (consistent read)."""
        try:
            return _entry(HeldItem.get(held_id, consistent_read=True))
        except DoesNotExist:
            return None

    def pending(self, limit: int, cursor: str | None) -> Slice[HeldEntry]:
        """Every held item, oldest first (admins)."""
        return self.page("held:all", HeldItem.pending_index.query, _entry, cursor, limit, hash_key="held")

    def in_community(self, community_id: str, limit: int, cursor: str | None) -> Slice[HeldEntry]:
        """A community's held posts and comments, oldest first."""
        queue = held_queue(community_id)
        return self.page(f"held:{queue}", HeldItem.by_queue.query, _entry, cursor, limit, hash_key=queue)

    def _close(self, tx: Transaction, entry: HeldEntry, review: Review) -> None:
        tx.update(
            HeldItem(entry.id),
            [
                HeldItem.status.set(review.decision),
                HeldItem.queue.remove(),
                HeldItem.pending.remove(),
                HeldItem.reviewed_by.set(review.reviewed_by),
                HeldItem.reviewed_by_handle.set(review.reviewed_by_handle),
                HeldItem.reviewed_at.set(review.reviewed_at),
                HeldItem.ttl.set(review.reviewed_at + REVIEWED_TTL),
                HeldItem.version.add(1),
            ],
            condition=HeldItem.status == "held",
            label="held",
        )

    def _outcome(self, entry: HeldEntry, failed: str | None) -> Outcome:
        if failed is None:
            return "done"
        if failed == "held":
            return "already_reviewed"
        self.mark_gone(entry.id)
        return "gone"

    def mark_gone(self, held_id: str) -> None:
        """Take an entry whose post or comment no longer exists out of the queues (if still held)."""
        try:
            HeldItem(held_id).update(
                actions=[HeldItem.status.set("gone"), HeldItem.queue.remove(), HeldItem.pending.remove()],
                condition=HeldItem.status == "held",
                add_version_condition=False,
            )
        except UpdateError as exc:
            if not is_condition_failure(exc):
                raise

    def approve(self, entry: HeldEntry, review: Review) -> Outcome:
        """Show the held post or comment as written (at its original time) and count it now."""
        if entry.item_type == "comment" and entry.comment_id:
            return self._approve_comment(entry, entry.comment_id, review)
        for _ in range(APPROVE_ATTEMPTS):
            try:
                post = _post(PostItem.get(entry.post_id, consistent_read=True))
            except DoesNotExist:
                return self._outcome(entry, "post")
            if not post.held or post.held_id != entry.id:
                return self._outcome(entry, "post")

            def write(tx: Transaction, post: Post = post) -> None:
                self._approve_post(tx, entry, post, review)

            failed = self.transact(write)
            if failed != "post":
                return self._outcome(entry, failed)
            # the author edited the entry's visibility or the inquiry moved on meanwhile: read it again
        raise errors.Conflict("The held post changed meanwhile; retry.", code="edit_conflict")

    def _approve_post(self, tx: Transaction, entry: HeldEntry, post: Post, review: Review) -> None:
        self._close(tx, entry, review)
        actions: list[Action] = [PostItem.held.remove(), PostItem.held_id.remove(), PostItem.version.add(2)]
        condition = PostItem.post_id.exists() & (PostItem.held == True)  # noqa: E712
        if post.kind == "inquiry" and post.company_id and post.status:
            actions.append(PostItem.inbox_key.set(_inbox_key(post.company_id, post.status)))
            condition &= PostItem.status == post.status
            self.counters.add(tx, inquiry_counter(post.company_id, post.status), 1)
        if post.kind == "diary":
            condition &= PostItem.visibility == post.visibility
            shown = _diary_keys(structs.replace(post, held=False))
            actions += [getattr(PostItem, k).set(v) for k, v in shown.items() if v is not None]
        tx.update(PostItem(post.id), actions, condition=condition, label="post")
        self.counters.add(tx, Stat.POSTS, 1)

    def _approve_comment(self, entry: HeldEntry, comment_id: str, review: Review) -> Outcome:
        def write(tx: Transaction) -> None:
            self._close(tx, entry, review)
            tx.update(
                CommentItem(entry.post_id, comment_id),
                [CommentItem.held.remove(), CommentItem.held_id.remove(), CommentItem.version.add(1)],
                condition=CommentItem.comment_id.exists() & (CommentItem.held == True),  # noqa: E712
                label="comment",
            )
            tx.update(
                PostItem(entry.post_id),
                [PostItem.comment_count.add(1), PostItem.version.add(1)],
                condition=PostItem.post_id.exists(),
                label="post",
            )

        return self._outcome(entry, self.transact(write))

    def reject(self, entry: HeldEntry, review: Review) -> Outcome:
        """Delete the held post (and its comments) or comment; nothing was counted, so nothing is uncounted."""

        def write(tx: Transaction) -> None:
            self._close(tx, entry, review)
            if entry.item_type == "comment" and entry.comment_id:
                key = CommentItem(entry.post_id, entry.comment_id)
                tx.delete(key, condition=CommentItem.held == True, label="comment")  # noqa: E712
            else:
                tx.delete(PostItem(entry.post_id), condition=PostItem.held == True, label="post")  # noqa: E712

        outcome = self._outcome(entry, self.transact(write))
        if outcome == "done" and entry.item_type == "post":
            self._delete_comments(entry.post_id)
        return outcome

    def _delete_comments(self, post_id: str) -> None:
        # Only the author could read a held post, so only the author's own comments can be under it.
        found = list(CommentItem.query(post_id, attributes_to_get=["comment_id", "held_id"]))
        with CommentItem.batch_write() as batch:
            for c in found:
                batch.delete(CommentItem(post_id, c.comment_id))
        for c in found:
            if c.held_id:
                self.mark_gone(c.held_id)
