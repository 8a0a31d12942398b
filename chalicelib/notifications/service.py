"""Notifications: delivering what the stream consumer found, and each member's list, count and feed."""

from __future__ import annotations

from collections.abc import Iterable

from chalicelib.communities.models import CompanyRef
from chalicelib.kernel import Caller, MemberDirectory, member_views
from chalicelib.notifications.models import (
    MARK_READ_MAX,
    FeedEntry,
    MarkRead,
    Notice,
    Notification,
    NotificationOut,
    UnreadCount,
    entry_id,
)
from chalicelib.notifications.ports import CompanyNames, NotificationStore, ReadablePosts, Recipients
from chalicelib.pagination import Page
from chalicelib.posts.models import PostOut

#: The kinds whose notification names its company: the one that answered, the one that was asked.
COMPANY_KINDS = frozenset({"official_answer", "new_inquiry"})
#: The unread badge counts up to this many.
UNREAD_CAP = 1000


class NotificationDelivery:
    """The stream consumer's use case: a change's notices, written to the members they concern."""

    def __init__(self, store: NotificationStore, recipients: Recipients):
        self.store = store
        self.recipients = recipients

    def deliver(self, notices: Iterable[Notice], feed: Iterable[FeedEntry] = ()) -> None:
        """Resolve each notice's recipients and write it to them; nobody hears of their own doing."""
        out: list[Notification] = []
        for n in notices:
            title, community_id, company_id = n.title, n.community_id, n.company_id
            to: list[str] = []
            if n.to:
                to = [n.to]
            elif n.to_post_author_of:
                found = self.recipients.post_author(n.to_post_author_of)
                if found is not None:
                    author, title, community_id, company_id = found
                    to = [author]
            elif n.to_staff_of:
                to = self.recipients.staff_ids(n.to_staff_of)
            elif n.to_handle:
                inviter = self.recipients.member_id(n.to_handle)
                to = [inviter] if inviter else []
            for member_id in to:
                if member_id == n.actor_id:
                    continue
                out.append(
                    Notification(
                        member_id=member_id,
                        id=entry_id(n.at, n.key),
                        kind=n.kind,
                        created_at=n.at,
                        actor_id=n.actor_id,
                        post_id=n.post_id,
                        comment_id=n.comment_id,
                        title=title,
                        community_id=community_id,
                        company_id=company_id,
                    )
                )
        if out:
            self.store.deliver(out)
        for entry in feed:
            friends = [f for f in self.recipients.friend_ids(entry.author_id) if f != entry.author_id]
            if friends:
                self.store.add_to_feeds(entry, friends)


class NotificationService:
    """A member's notifications (list, unread count, mark read) and friends' diary feed."""

    def __init__(
        self, store: NotificationStore, members: MemberDirectory, posts: ReadablePosts, companies: CompanyNames
    ):
        self.store = store
        self.members = members
        self.posts = posts
        self.companies = companies

    def list(self, caller: Caller, limit: int, cursor: str | None) -> Page[NotificationOut]:
        """The caller's notifications, newest first; an official answer names its company as it is called now."""
        found = self.store.list(caller.member_id, limit, cursor)
        refs, _ = member_views(self.members, (n.actor_id for n in found.items if n.actor_id))
        named = {n.id: n.company_id for n in found.items if n.company_id and n.kind in COMPANY_KINDS}
        companies = {
            c.id: CompanyRef(id=c.id, name=c.name) for c in map(self.companies.get, sorted(set(named.values()))) if c
        }
        return Page[NotificationOut](
            items=[
                NotificationOut.of(n, refs.get(n.actor_id) if n.actor_id else None, companies.get(named.get(n.id, "")))
                for n in found.items
            ],
            next_cursor=found.next_cursor,
        )

    def unread(self, caller: Caller) -> UnreadCount:
        return UnreadCount(count=self.store.unread(caller.member_id, UNREAD_CAP))

    def mark_read(self, caller: Caller, req: MarkRead) -> UnreadCount:
        """Mark the named notifications, or every unread one (up to 100 a call), read; the count after."""
        self.store.mark_read(caller.member_id, None if req.all else (req.ids or []), MARK_READ_MAX)
        return self.unread(caller)

    def feed(self, caller: Caller, limit: int, cursor: str | None) -> Page[PostOut]:
        """Friends' diary entries, newest first, as the caller may read them now (edits and unfriending included)."""
        found = self.store.feed(caller.member_id, limit, cursor)
        return Page[PostOut](items=self.posts.readable_many(caller, found.items), next_cursor=found.next_cursor)
