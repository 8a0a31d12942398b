"""Stream records -> notices and feed entries: the one place that decides who hears of what.

Pure: no I/O. Works on deserialised DynamoDB images (what Powertools' ``new_image`` gives). A notice
is produced by the change that makes something visible, never by a later edit, so replays and the
second record of an approve-after-hold produce the same ``key`` and write nothing new:

- a comment becomes visible (inserted, or approved after a hold): ``comment`` to the post's author,
  ``official_answer`` when staff answered (the posts store marks ``official``);
- a post becomes visible: an inquiry -> ``new_inquiry`` to the company's staff; a diary entry for
  friends or members -> a feed entry for each of the author's friends;
- a friendship item appears as ``pending`` (received) -> ``friend_request``; one goes from
  ``requested`` to ``friends`` -> ``friend_accepted`` to the one who asked;
- a member joins with an inviter -> ``invitee_joined`` to the inviter;
- a held item is reviewed -> ``held_approved`` / ``held_rejected`` to its author.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from chalicelib.notifications.models import FeedEntry, Notice

Image = Mapping[str, Any]

#: PynamoDB's UTCDateTimeAttribute format.
_TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%f%z"


def parse_time(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value
    try:
        return datetime.strptime(str(value), _TIME_FORMAT)
    except ValueError:
        return datetime.fromisoformat(str(value)).astimezone(UTC)


def _shown(image: Image | None) -> bool:
    return image is not None and not image.get("held") and not image.get("author_hidden")


def _became_visible(new: Image | None, old: Image | None) -> bool:
    """Visible now and not before: inserted as it is, or released from a hold."""
    return _shown(new) and (old is None or bool(old.get("held")))


def of_comment(new: Image | None, old: Image | None) -> list[Notice]:
    if new is None or not _became_visible(new, old):
        return []
    official = bool(new.get("official"))
    return [
        Notice(
            kind="official_answer" if official else "comment",
            at=parse_time(new["created_at"]),
            key=f"comment:{new['post_id']}:{new['comment_id']}",
            actor_id=str(new["author_id"]),
            to_post_author_of=str(new["post_id"]),
            post_id=str(new["post_id"]),
            comment_id=str(new["comment_id"]),
        )
    ]


def of_post(new: Image | None, old: Image | None) -> tuple[list[Notice], list[FeedEntry]]:
    if new is None or not _became_visible(new, old):
        return [], []
    at = parse_time(new["created_at"])
    post_id, author_id = str(new["post_id"]), str(new["author_id"])
    if new.get("kind") == "inquiry" and new.get("company_id"):
        notice = Notice(
            kind="new_inquiry",
            at=at,
            key=f"inquiry:{post_id}",
            actor_id=author_id,
            to_staff_of=str(new["company_id"]),
            post_id=post_id,
            title=str(new.get("title") or ""),
            community_id=new.get("community_id"),
            company_id=str(new["company_id"]),
        )
        return [notice], []
    if new.get("kind") == "diary" and new.get("visibility") in ("friends", "members"):
        return [], [FeedEntry(author_id=author_id, post_id=post_id, at=at)]
    return [], []


def of_friendship(new: Image | None, old: Image | None) -> list[Notice]:
    if new is None:
        return []
    me, other = str(new["member_id"]), str(new["other_id"])
    state, before = new.get("state"), (old or {}).get("state")
    if state == "pending" and before is None:
        return [Notice("friend_request", parse_time(new["since"]), f"friend-request:{other}", other, to=me)]
    if state == "friends" and before == "requested":
        return [Notice("friend_accepted", parse_time(new["since"]), f"friend-accepted:{other}", other, to=me)]
    return []


def of_member(new: Image | None, old: Image | None) -> list[Notice]:
    if new is None or old is not None or not new.get("invited_by"):
        return []
    member_id = str(new["member_id"])
    at = parse_time(new["created_at"])
    return [Notice("invitee_joined", at, f"joined:{member_id}", member_id, to_handle=str(new["invited_by"]))]


def of_held(new: Image | None, old: Image | None) -> list[Notice]:
    if new is None or old is None or old.get("status") != "held":
        return []
    decision = new.get("status")
    if decision not in ("approved", "rejected"):
        return []
    return [
        Notice(
            kind="held_approved" if decision == "approved" else "held_rejected",
            at=parse_time(new.get("reviewed_at") or new["created_at"]),
            key=f"held:{new['held_id']}",
            to=str(new["author_id"]),
            post_id=str(new["post_id"]),
            comment_id=new.get("comment_id"),
            title=str(new.get("title") or ""),
            community_id=new.get("community_id"),
        )
    ]


def changes_of(table: str, new: Image | None, old: Image | None) -> tuple[list[Notice], list[FeedEntry]]:
    """The notices and feed entries of one change to the logical table ``table`` (e.g. ``comments``)."""
    if table == "comments":
        return of_comment(new, old), []
    if table == "posts":
        return of_post(new, old)
    if table == "friendships":
        return of_friendship(new, old), []
    if table == "members":
        return of_member(new, old), []
    if table == "held_items":
        return of_held(new, old), []
    return [], []


#: The tables whose streams the notifier reads (``infra`` maps each one to the stream Lambda).
NOTIFYING_TABLES = ("comments", "posts", "friendships", "members", "held_items")
