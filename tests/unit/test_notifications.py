"""Notifications: which change tells whom (pure mapping), delivery with fakes, and the consumer in the handler."""

from __future__ import annotations

import copy
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from chalicelib.notifications.consumer import Notifier
from chalicelib.notifications.events import changes_of
from chalicelib.notifications.models import FeedEntry, Notice, Notification
from chalicelib.notifications.service import NotificationDelivery
from chalicelib.search.indexer import Indexer
from chalicelib.streams.handler import handle
from tests.stream_events import load_event
from tests.unit.test_stream_handler import FakeIndex

AT = "2026-12-02T01:02:03.456000+0000"


def comment(**extra: Any) -> dict[str, Any]:
    return {"post_id": "p1", "comment_id": "c1", "author_id": "bob", "official": False, "created_at": AT, **extra}


def post(**extra: Any) -> dict[str, Any]:
    base = {"post_id": "p1", "author_id": "alice", "kind": "topic", "title": "T", "created_at": AT}
    return {**base, **extra}


def test_a_new_comment_tells_the_posts_author_and_an_official_one_is_an_answer() -> None:
    (notice,), _ = changes_of("comments", comment(), None)
    assert (notice.kind, notice.to_post_author_of, notice.actor_id) == ("comment", "p1", "bob")
    assert notice.at == datetime(2026, 12, 2, 1, 2, 3, 456000, tzinfo=UTC)
    (answer,), _ = changes_of("comments", comment(official=True), None)
    assert answer.kind == "official_answer"


def test_a_held_comment_tells_nobody_until_approved_and_an_edit_never_does() -> None:
    assert changes_of("comments", comment(held=True), None) == ([], [])
    released, _ = changes_of("comments", comment(), comment(held=True))
    assert [n.key for n in released] == ["comment:p1:c1"]
    assert changes_of("comments", comment(body="edited"), comment()) == ([], [])
    assert changes_of("comments", None, comment()) == ([], [])  # deleted


def test_an_inquiry_tells_the_company_staff_and_a_diary_entry_feeds_friends() -> None:
    (notice,), _ = changes_of("posts", post(kind="inquiry", company_id="co1", community_id="k1"), None)
    assert (notice.kind, notice.to_staff_of, notice.company_id, notice.title) == ("new_inquiry", "co1", "co1", "T")
    _, (entry,) = changes_of("posts", post(kind="diary", visibility="friends"), None)
    assert entry == FeedEntry("alice", "p1", notice.at)
    assert changes_of("posts", post(kind="diary", visibility="private"), None) == ([], [])
    assert changes_of("posts", post(), None) == ([], [])  # a topic: its comments notify, not itself


def test_friend_requests_and_acceptances_tell_the_other_side() -> None:
    received = {"member_id": "bob", "other_id": "alice", "state": "pending", "since": AT}
    (request,), _ = changes_of("friendships", received, None)
    assert (request.kind, request.to, request.actor_id) == ("friend_request", "bob", "alice")
    asked = {"member_id": "alice", "other_id": "bob", "state": "requested", "since": AT}
    (accepted,), _ = changes_of("friendships", {**asked, "state": "friends"}, asked)
    assert (accepted.kind, accepted.to, accepted.actor_id) == ("friend_accepted", "alice", "bob")
    assert changes_of("friendships", asked, None) == ([], [])  # the asker's own side


def test_an_invitee_joining_and_a_review_tell_the_inviter_and_the_author() -> None:
    (joined,), _ = changes_of("members", {"member_id": "m2", "invited_by": "alice", "created_at": AT}, None)
    assert (joined.kind, joined.to_handle, joined.actor_id) == ("invitee_joined", "alice", "m2")
    held = {"held_id": "h1", "author_id": "bob", "post_id": "p1", "title": "T", "status": "held", "created_at": AT}
    (approved,), _ = changes_of("held_items", {**held, "status": "approved", "reviewed_at": AT}, held)
    assert (approved.kind, approved.to, approved.post_id) == ("held_approved", "bob", "p1")
    (rejected,), _ = changes_of("held_items", {**held, "status": "rejected", "reviewed_at": AT}, held)
    assert rejected.kind == "held_rejected"
    assert changes_of("held_items", {**held, "status": "gone"}, held) == ([], [])


class FakeStore:
    def __init__(self) -> None:
        self.items: dict[tuple[str, str], Notification] = {}
        self.feeds: dict[str, list[str]] = {}

    def deliver(self, notifications: Sequence[Notification]) -> None:
        for n in notifications:
            self.items.setdefault((n.member_id, n.id), n)

    def add_to_feeds(self, entry: FeedEntry, member_ids: Sequence[str]) -> None:
        for m in member_ids:
            if entry.post_id not in self.feeds.setdefault(m, []):
                self.feeds[m].append(entry.post_id)


class FakeRecipients:
    def post_author(self, post_id: str) -> tuple[str, str, str | None, str | None] | None:
        return ("alice", "ラーメン", "k1", None) if post_id == "p1" else None

    def staff_ids(self, company_id: str) -> list[str]:
        return ["staff1", "staff2"]

    def member_id(self, handle: str) -> str | None:
        return {"alice": "alice"}.get(handle)

    def friend_ids(self, member_id: str) -> Sequence[str]:
        return ["bob", "carol"]


def test_delivery_resolves_recipients_skips_the_actor_and_is_idempotent() -> None:
    store = FakeStore()
    delivery = NotificationDelivery(store, FakeRecipients())  # type: ignore[arg-type]
    (on_post,), _ = changes_of("comments", comment(), None)
    (own,), _ = changes_of("comments", comment(author_id="alice", comment_id="c2"), None)
    (inquiry,), _ = changes_of("posts", post(kind="inquiry", company_id="co1", author_id="staff2"), None)

    for _ in range(2):  # a replay writes nothing new
        delivery.deliver([on_post, own, inquiry], [FeedEntry("alice", "d1", on_post.at)])

    by_member = sorted((m, n.kind, n.title) for (m, _), n in store.items.items())
    assert by_member == [("alice", "comment", "ラーメン"), ("staff1", "new_inquiry", "T")]
    assert store.feeds == {"bob": ["d1"], "carol": ["d1"]}


class FailingDelivery:
    def __init__(self) -> None:
        self.calls = 0

    def deliver(self, notices: Iterable[Notice], feed: Iterable[FeedEntry] = ()) -> None:
        self.calls += 1
        raise ConnectionError("DynamoDB unreachable")


def test_a_record_whose_notification_failed_is_reported_for_retry_though_it_was_indexed() -> None:
    topic = load_event("dynamodb_stream_post_insert")["Records"][0]
    inquiry = copy.deepcopy(topic)
    inquiry["dynamodb"]["SequenceNumber"] = str(int(topic["dynamodb"]["SequenceNumber"]) + 1)
    for image in (inquiry["dynamodb"]["Keys"], inquiry["dynamodb"]["NewImage"]):
        image["post_id"] = {"S": "inquiry1"}
    inquiry["dynamodb"]["NewImage"]["kind"] = {"S": "inquiry"}
    inquiry["dynamodb"]["NewImage"]["company_id"] = {"S": "co1"}
    delivery = FailingDelivery()
    index = FakeIndex()

    result = handle(
        {"Records": [topic, inquiry]}, None, Indexer(index, "kizuna-dev-"), Notifier(delivery, "kizuna-dev-")
    )

    assert delivery.calls == 1  # the topic notifies nobody
    assert result == {"batchItemFailures": [{"itemIdentifier": inquiry["dynamodb"]["SequenceNumber"]}]}
    assert "post-inquiry1" in index.written  # indexed all the same; the retry rewrites it at the same version


def test_records_of_other_stages_and_silent_tables_are_not_delivered() -> None:
    delivery = FailingDelivery()
    notifier = Notifier(delivery, "kizuna-prod-")
    assert notifier.failures([]) == set()
    event = load_event("dynamodb_stream_post_insert")  # a topic of kizuna-dev-
    assert handle(event, None, Indexer(FakeIndex(), "kizuna-dev-"), notifier) == {"batchItemFailures": []}
    assert delivery.calls == 0
