"""Notifications and friends' diary feeds in one table (``notifications``), and who receives them.

A member's notifications are the partition ``<member id>``; their feed is ``feed#<member id>``.
Writes come from the stream consumer only: a notification is put under ``attribute_not_exists``,
so a replayed record leaves it (and its read state) alone; feed entries carry no state and are
simply written again. Unread notifications carry ``unread_member``, the key of the sparse
``unread`` index, which the badge counts and "mark all read" walks.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from pynamodb.exceptions import PutError
from pynamodb.expressions.update import Action

from chalicelib.adapters.dynamodb.base import Store, is_condition_failure, update_if
from chalicelib.adapters.dynamodb.company_store import CompanyStore
from chalicelib.adapters.dynamodb.friend_store import FriendStore
from chalicelib.adapters.dynamodb.member_store import MemberStore
from chalicelib.adapters.dynamodb.post_store import PostStore
from chalicelib.adapters.dynamodb.tables import NotificationItem
from chalicelib.notifications.models import FeedEntry, Notification, entry_id
from chalicelib.pagination import Slice

#: Notifications and feed entries are kept this long.
KEEP = timedelta(days=90)
FEED = "feed#"


def _notification(item: NotificationItem) -> Notification:
    return Notification(
        member_id=item.owner,
        id=item.notification_id,
        kind=item.kind,  # type: ignore[arg-type]
        created_at=item.created_at,
        read=item.unread_member is None,
        actor_id=item.actor_id,
        post_id=item.post_id,
        comment_id=item.comment_id,
        title=item.title,
        community_id=item.community_id,
        company_id=item.company_id,
    )


class NotificationStore(Store):
    def deliver(self, notifications: Sequence[Notification]) -> None:
        for n in notifications:
            item = NotificationItem(
                n.member_id,
                n.id,
                kind=n.kind,
                created_at=n.created_at,
                unread_member=n.member_id,
                actor_id=n.actor_id,
                post_id=n.post_id,
                comment_id=n.comment_id,
                title=n.title,
                community_id=n.community_id,
                company_id=n.company_id,
                ttl=n.created_at + KEEP,
                version=1,
            )
            try:
                item.save(condition=NotificationItem.owner.does_not_exist(), add_version_condition=False)
            except PutError as exc:
                if not is_condition_failure(exc):
                    raise

    def add_to_feeds(self, entry: FeedEntry, member_ids: Sequence[str]) -> None:
        sort_key = entry_id(entry.at, entry.post_id)
        with NotificationItem.batch_write() as batch:
            for member_id in member_ids:
                batch.save(
                    NotificationItem(
                        f"{FEED}{member_id}",
                        sort_key,
                        kind="diary",
                        created_at=entry.at,
                        actor_id=entry.author_id,
                        post_id=entry.post_id,
                        ttl=entry.at + KEEP,
                        version=1,
                    )
                )

    def list(self, member_id: str, limit: int, cursor: str | None) -> Slice[Notification]:
        return self.page(
            f"notifications:{member_id}",
            NotificationItem.query,
            _notification,
            cursor,
            limit,
            hash_key=member_id,
            scan_index_forward=False,
        )

    def unread(self, member_id: str, cap: int) -> int:
        return int(NotificationItem.unread.count(member_id, limit=cap))

    def mark_read(self, member_id: str, ids: Sequence[str] | None, cap: int) -> None:
        if ids is None:
            ids = [item.notification_id for item in NotificationItem.unread.query(member_id, limit=cap)]
        for notification_id in dict.fromkeys(ids):
            actions: list[Action] = [NotificationItem.unread_member.remove(), NotificationItem.version.add(1)]
            update_if(NotificationItem(member_id, notification_id), actions, NotificationItem.owner.exists())

    def feed(self, member_id: str, limit: int, cursor: str | None) -> Slice[str]:
        return self.page(
            f"feed:{member_id}",
            NotificationItem.query,
            lambda item: str(item.post_id),
            cursor,
            limit,
            hash_key=f"{FEED}{member_id}",
            scan_index_forward=False,
        )


class NoticeRecipients:
    """Who hears of a notice addressed to a post's author, a company's staff or an inviter."""

    def __init__(self, posts: PostStore, companies: CompanyStore, members: MemberStore, friends: FriendStore):
        self.posts = posts
        self.companies = companies
        self.members = members
        self.friends = friends

    def post_author(self, post_id: str) -> tuple[str, str, str | None, str | None] | None:
        post = self.posts.get(post_id)
        return None if post is None else (post.author_id, post.title, post.community_id, post.company_id)

    def staff_ids(self, company_id: str) -> list[str]:
        return self.companies.staff_ids(company_id)

    def member_id(self, handle: str) -> str | None:
        member = self.members.get_by_handle(handle)
        return member.id if member else None

    def friend_ids(self, member_id: str) -> Sequence[str]:
        return self.friends.friend_ids(member_id)
