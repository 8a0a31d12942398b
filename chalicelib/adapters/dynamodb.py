"""DynamoDB stores for members, sessions, invites, friendships and counters.

Multi-item invariants (an invite used once, a handle taken once, counters that agree with the
members) are single TransactWrite calls, so a request that fails midway leaves nothing behind.
"""

from __future__ import annotations

import itertools
import math
import random
import time
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from pynamodb.connection import Connection
from pynamodb.exceptions import DoesNotExist, PynamoDBException, TransactWriteError, UpdateError
from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from chalicelib import errors
from chalicelib.adapters.cursors import CursorCodec
from chalicelib.adapters.tables import (
    BanItem,
    CounterItem,
    FriendshipItem,
    HandleItem,
    InviteItem,
    LoginAttemptItem,
    MemberItem,
    SessionItem,
)
from chalicelib.config import Settings
from chalicelib.friends.models import Friendship
from chalicelib.invites.models import Invite
from chalicelib.members.models import Member

TRANSACTION_ATTEMPTS = 5
BANNED = "banned"


def _member(item: MemberItem) -> Member:
    return Member(
        id=item.member_id,
        handle=item.handle,
        display_name=item.display_name,
        email=item.email,
        password_hash=item.password_hash,
        roles=list(item.roles or []),
        invites_left=int(item.invites_left),
        invited_by=item.invited_by,
        status=item.status,  # type: ignore[arg-type]
        created_at=item.created_at,
        version=int(item.version),
    )


def _invite(item: InviteItem) -> Invite:
    return Invite(
        code=item.code,
        inviter_id=item.inviter_id,
        inviter_handle=item.inviter_handle,
        note=item.note,
        status=item.status,  # type: ignore[arg-type]
        created_at=item.created_at,
        expires_at=item.expires_at,
        used_by=item.used_by,
    )


def _friendship(item: FriendshipItem) -> Friendship:
    return Friendship(
        member_id=item.member_id,
        other_id=item.other_id,
        other_handle=item.other_handle,
        state=item.state,  # type: ignore[arg-type]
        since=item.since,
    )


def _reasons(exc: TransactWriteError) -> list[str | None]:
    return [r.code if r else None for r in exc.cancellation_reasons]


def is_condition_failure(exc: PynamoDBException) -> bool:
    """True when a single-item write failed on its condition (not on anything else)."""
    return exc.cause_response_code == "ConditionalCheckFailedException"


def set_or_remove(attribute: Any, value: Any) -> list[Action]:
    """The update action that stores ``value``, or removes the attribute for None."""
    return [attribute.set(value)] if value is not None else [attribute.remove()]


def _is_conflict(exc: TransactWriteError) -> bool:
    return any(code == "TransactionConflict" for code in _reasons(exc))


class Counters:
    """Sharded counters: writes spread over shards, a read sums them (one BatchGet)."""

    MEMBERS_CUMULATIVE = "members.cumulative"
    MEMBERS_ACTIVE = "members.active"
    MEMBERS_WITHDRAWN = "members.withdrawn"
    COMMUNITIES = "communities"
    POSTS = "posts"

    def __init__(self, shards: int):
        self.shards = max(1, shards)

    def add(self, tx: TransactWrite, name: str, delta: int) -> None:
        """Add ``delta`` to counter ``name`` inside the transaction ``tx``."""
        shard = CounterItem(name, random.randrange(self.shards))
        tx.update(
            shard, actions=[CounterItem.value.add(delta), CounterItem.version.add(1)], add_version_condition=False
        )

    def read(self, names: Iterable[str]) -> dict[str, int]:
        """Current value of each counter."""
        names = list(names)
        totals = dict.fromkeys(names, 0)
        keys = [(n, s) for n in names for s in range(self.shards)]
        for item in CounterItem.batch_get(keys):
            totals[item.name] += int(item.value or 0)
        return totals


class Store:
    """Base of the stores: one botocore connection for transactions and the cursor codec."""

    def __init__(self, settings: Settings, cursors: CursorCodec, counters: Counters):
        self.settings = settings
        self.cursors = cursors
        self.counters = counters
        self._connection: Connection | None = None

    def transaction(self) -> TransactWrite:
        if self._connection is None:
            self._connection = Connection(region=self.settings.region, host=self.settings.dynamodb_endpoint)
        return TransactWrite(connection=self._connection)

    def _page(self, results: Any, convert: Any) -> tuple[list[Any], str | None]:
        items = [convert(i) for i in results]
        return items, self.cursors.encode(results.last_evaluated_key)

    def _start(self, cursor: str | None, names: Iterable[str], **partition: str) -> dict[str, Any] | None:
        """Decode ``cursor`` for a Query whose keys are ``names`` and whose partition is ``partition``.

        A cursor issued for another list (another community, index or sort) is an invalid cursor,
        not a DynamoDB error.
        """
        position = self.cursors.decode(cursor)
        if position is None:
            return None
        if set(position) != set(names) or any(position[k] != {"S": v} for k, v in partition.items()):
            raise errors.InvalidInput("The cursor is not valid; start again without it.", code="invalid_cursor")
        return position

    def _transact(self, write: Any, attempts: int = 10) -> list[str | None] | None:
        """Run ``write(tx)`` in one transaction, retrying lost races.

        Returns None when committed, or the cancellation reasons when a condition failed.
        """
        for attempt in range(attempts):
            try:
                with self.transaction() as tx:
                    write(tx)
                return None
            except TransactWriteError as exc:
                reasons = _reasons(exc)
                if "ConditionalCheckFailed" in reasons:
                    return reasons
                if not _is_conflict(exc) or attempt == attempts - 1:
                    raise
                random_backoff(attempt)
        raise ValueError("attempts must be at least 1")


class MemberStore(Store):
    """Members and their handles."""

    def get(self, member_id: str) -> Member | None:
        try:
            return _member(MemberItem.get(member_id, consistent_read=True))
        except DoesNotExist:
            return None

    def get_many(self, member_ids: Iterable[str]) -> dict[str, Member]:
        """Members by id (missing ids are left out)."""
        ids = list(dict.fromkeys(member_ids))
        return {item.member_id: _member(item) for item in MemberItem.batch_get(ids)} if ids else {}

    def get_by_handle(self, handle: str) -> Member | None:
        try:
            owner = HandleItem.get(handle.lower(), consistent_read=True)
        except DoesNotExist:
            return None
        return self.get(owner.member_id)

    def _put_member(self, tx: TransactWrite, member: Member) -> None:
        tx.save(
            MemberItem(
                member.id,
                handle=member.handle,
                display_name=member.display_name,
                email=member.email,
                password_hash=member.password_hash,
                roles=member.roles,
                invites_left=member.invites_left,
                invited_by=member.invited_by,
                status=member.status,
                created_at=member.created_at,
                version=1,
            ),
            condition=MemberItem.member_id.does_not_exist(),
        )
        tx.save(
            HandleItem(member.handle, member_id=member.id, version=1),
            condition=HandleItem.handle.does_not_exist(),
        )
        self.counters.add(tx, Counters.MEMBERS_CUMULATIVE, 1)
        self.counters.add(tx, Counters.MEMBERS_ACTIVE, 1)

    def create(self, member: Member) -> None:
        """Create a member without an invite (the admin); Conflict if the handle is taken."""
        # PynamoDB sends puts before updates: [member, handle, counters...].
        self._run(lambda tx: self._put_member(tx, member), handle_index=1)

    def signup(self, member: Member, invite: Invite, now: datetime) -> None:
        """Create ``member`` with ``invite``, used up in the same transaction; befriend the inviter."""

        def write(tx: TransactWrite) -> None:
            tx.update(
                InviteItem(invite.code),
                actions=[
                    InviteItem.status.set("used"),
                    InviteItem.used_by.set(member.handle),
                    InviteItem.version.add(1),
                ],
                condition=(InviteItem.status == "active") & (InviteItem.expires_at > now),
                add_version_condition=False,
            )
            self._put_member(tx, member)
            for a, b, other_handle in (
                (member.id, invite.inviter_id, invite.inviter_handle),
                (invite.inviter_id, member.id, member.handle),
            ):
                tx.save(FriendshipItem(a, b, other_handle=other_handle, state="friends", since=now, version=1))

        # PynamoDB sends puts before updates: [member, handle, friend, friend, invite, counters...].
        self._run(write, handle_index=1, invite_index=4)

    def _run(self, write: Any, *, handle_index: int, invite_index: int | None = None) -> None:
        reasons = self._transact(write, attempts=TRANSACTION_ATTEMPTS)
        if reasons is None:
            return
        if invite_index is not None and reasons[invite_index] == "ConditionalCheckFailed":
            raise errors.Conflict("This invite has already been used.", code="invite_used")
        if reasons[handle_index] == "ConditionalCheckFailed":
            raise errors.Conflict("This handle is taken; choose another.", code="handle_taken")
        raise RuntimeError(f"signup transaction cancelled: {reasons}")

    def update_profile(self, member: Member, changes: dict[str, Any]) -> Member:
        """Apply ``changes`` if nobody changed the member since it was read (else Conflict)."""
        item = MemberItem(member.id)
        actions = [getattr(MemberItem, k).set(v) for k, v in changes.items()]
        try:
            item.update(
                actions=[*actions, MemberItem.version.add(1)],
                condition=(MemberItem.version == member.version) & (MemberItem.status == "active"),
                add_version_condition=False,
            )
        except UpdateError as exc:
            if is_condition_failure(exc):
                raise errors.Conflict(
                    "The profile changed meanwhile; reload and retry.", code="edit_conflict"
                ) from None
            raise
        return _member(item)

    def end_membership(self, member_id: str, status: str) -> bool:
        """Mark an active member withdrawn or banned, with the counters; False if not active."""

        def write(tx: TransactWrite) -> None:
            tx.update(
                MemberItem(member_id),
                actions=[MemberItem.status.set(status), MemberItem.version.add(1)],
                condition=MemberItem.status == "active",
                add_version_condition=False,
            )
            self.counters.add(tx, Counters.MEMBERS_ACTIVE, -1)
            if status == "withdrawn":
                self.counters.add(tx, Counters.MEMBERS_WITHDRAWN, 1)
            if status == "banned":
                tx.save(BanItem(BANNED, member_id, banned_at=datetime.now(UTC), version=1))

        # Only the member update has a condition: a failed condition means "not active".
        return self._transact(write, attempts=TRANSACTION_ATTEMPTS) is None

    def banned_ids(self) -> list[str]:
        """Every banned member's id (one Query on a single key; bans are rare)."""
        return [ban.member_id for ban in BanItem.query(BANNED)]


class SessionStore(Store):
    """Server-side sessions: logout, withdrawal and bans delete them, and tokens stop at once."""

    def create(self, session_id: str, member_id: str, expires_at: datetime) -> None:
        SessionItem(session_id, member_id=member_id, expires_at=expires_at, ttl=expires_at, version=1).save(
            condition=SessionItem.session_id.does_not_exist()
        )

    def live_member(self, session_id: str, member_id: str, now: datetime) -> Member | None:
        """The member behind a live session, read with the session in one consistent BatchGetItem.

        None when the session is missing, expired or another member's, or the member is gone.
        Every authenticated request comes through here, so it costs one round trip, not two.
        """
        sessions, members = SessionItem.Meta.table_name, MemberItem.Meta.table_name
        wanted: dict[str, Any] = {
            sessions: {"Keys": [{"session_id": {"S": session_id}}], "ConsistentRead": True},
            members: {"Keys": [{"member_id": {"S": member_id}}], "ConsistentRead": True},
        }
        found: dict[str, list[dict[str, Any]]] = {sessions: [], members: []}
        connection = SessionItem._get_connection().connection
        for attempt in range(TRANSACTION_ATTEMPTS):
            response = connection.dispatch("BatchGetItem", {"RequestItems": wanted})
            for table, items in response.get("Responses", {}).items():
                found[table] += items
            wanted = response.get("UnprocessedKeys") or {}
            if not wanted:
                break
            random_backoff(attempt)
        else:
            raise RuntimeError("DynamoDB left session keys unprocessed; try again")
        if not found[sessions] or not found[members]:
            return None
        session = SessionItem.from_raw_data(found[sessions][0])
        if session.member_id != member_id or session.expires_at <= now:
            return None
        return _member(MemberItem.from_raw_data(found[members][0]))

    def delete(self, session_id: str) -> None:
        SessionItem(session_id).delete(add_version_condition=False)

    def delete_all(self, member_id: str) -> int:
        """End every session of a member; returns how many."""
        ids = [s.session_id for s in SessionItem.by_member.query(member_id)]
        with SessionItem.batch_write() as batch:
            for sid in ids:
                batch.delete(SessionItem(sid))
        return len(ids)


class LoginAttemptStore:
    """Counts failed logins per handle in a fixed window, so guessing passwords gets slow."""

    def __init__(self, max_failures: int, window_s: int):
        self.max_failures = max_failures
        self.window = timedelta(seconds=window_s)

    def blocked_for(self, handle: str, now: datetime) -> tuple[int, bool]:
        """Seconds until ``handle`` may try again (0: not blocked), and whether failures are on record."""
        try:
            item = LoginAttemptItem.get(handle.lower(), consistent_read=True)
        except DoesNotExist:
            return 0, False
        if int(item.failures) < self.max_failures or item.window_ends <= now:
            return 0, True
        return max(1, math.ceil((item.window_ends - now).total_seconds())), True

    def record_failure(self, handle: str, now: datetime) -> None:
        """One more failure in the current window, or the first of a new one."""
        key = handle.lower()
        try:
            LoginAttemptItem(key).update(
                actions=[LoginAttemptItem.failures.add(1), LoginAttemptItem.version.add(1)],
                condition=LoginAttemptItem.window_ends > now,
                add_version_condition=False,
            )
        except UpdateError as exc:
            if not is_condition_failure(exc):
                raise
            ends = now + self.window
            LoginAttemptItem(key, failures=1, window_ends=ends, ttl=ends, version=1).save()

    def clear(self, handle: str) -> None:
        LoginAttemptItem(handle.lower()).delete(add_version_condition=False)


class InviteStore(Store):
    """Invitation codes and the inviter's quota."""

    def create(self, invite: Invite) -> None:
        """Store ``invite`` and take one from the inviter's quota, or Forbidden when none is left."""
        try:
            with self.transaction() as tx:
                tx.update(
                    MemberItem(invite.inviter_id),
                    actions=[MemberItem.invites_left.add(-1), MemberItem.version.add(1)],
                    condition=(MemberItem.invites_left > 0) & (MemberItem.status == "active"),
                    add_version_condition=False,
                )
                tx.save(
                    InviteItem(
                        invite.code,
                        inviter_id=invite.inviter_id,
                        inviter_handle=invite.inviter_handle,
                        note=invite.note,
                        status="active",
                        created_at=invite.created_at,
                        expires_at=invite.expires_at,
                        version=1,
                    ),
                    condition=InviteItem.code.does_not_exist(),
                )
        except TransactWriteError as exc:
            # PynamoDB sends puts before updates: [invite, member].
            if _reasons(exc)[1] == "ConditionalCheckFailed":
                raise errors.Forbidden("You have no invites left.", code="invite_quota_exhausted") from None
            raise

    def get(self, code: str) -> Invite | None:
        try:
            return _invite(InviteItem.get(code, consistent_read=True))
        except DoesNotExist:
            return None

    def list_by_inviter(self, inviter_id: str, limit: int, cursor: str | None) -> tuple[list[Invite], str | None]:
        """The inviter's codes, newest first."""
        results = InviteItem.by_inviter.query(
            inviter_id,
            scan_index_forward=False,
            limit=limit,
            page_size=limit,
            last_evaluated_key=self.cursors.decode(cursor),
        )
        return self._page(results, _invite)

    def revoke(self, code: str, inviter_id: str) -> bool:
        """Revoke an unused code of ``inviter_id`` and give the quota back; False if not revocable."""
        try:
            with self.transaction() as tx:
                tx.update(
                    InviteItem(code),
                    actions=[InviteItem.status.set("revoked"), InviteItem.version.add(1)],
                    condition=(InviteItem.inviter_id == inviter_id) & (InviteItem.status == "active"),
                    add_version_condition=False,
                )
                tx.update(
                    MemberItem(inviter_id),
                    actions=[MemberItem.invites_left.add(1), MemberItem.version.add(1)],
                    add_version_condition=False,
                )
        except TransactWriteError as exc:
            if _reasons(exc)[0] == "ConditionalCheckFailed":
                return False
            raise
        return True


class FriendStore(Store):
    """Both directions of every friend link, kept in step by transactions."""

    def get(self, member_id: str, other_id: str) -> Friendship | None:
        try:
            return _friendship(FriendshipItem.get(member_id, other_id, consistent_read=True))
        except DoesNotExist:
            return None

    def link(self, me: tuple[str, str], other: tuple[str, str], my_state: str, their_state: str, now: datetime) -> None:
        """Write both sides: ``me`` and ``other`` are (id, handle)."""
        with self.transaction() as tx:
            tx.save(FriendshipItem(me[0], other[0], other_handle=other[1], state=my_state, since=now, version=1))
            tx.save(FriendshipItem(other[0], me[0], other_handle=me[1], state=their_state, since=now, version=1))

    def unlink(self, member_id: str, other_id: str) -> None:
        with self.transaction() as tx:
            tx.delete(FriendshipItem(member_id, other_id), add_version_condition=False)
            tx.delete(FriendshipItem(other_id, member_id), add_version_condition=False)

    def list(
        self, member_id: str, state: str | None, limit: int, cursor: str | None
    ) -> tuple[list[Friendship], str | None]:
        results = FriendshipItem.query(
            member_id,
            filter_condition=(FriendshipItem.state == state) if state else None,
            limit=limit,
            page_size=limit,
            last_evaluated_key=self.cursors.decode(cursor),
        )
        return self._page(results, _friendship)

    def friend_ids(self, member_id: str, cap: int = 1000) -> tuple[str, ...]:
        """The ids of a member's friends, at most ``cap`` of them (the search visibility filter)."""
        links = FriendshipItem.query(
            member_id, filter_condition=FriendshipItem.state == "friends", page_size=min(cap, 1000)
        )
        return tuple(link.other_id for link in itertools.islice(links, cap))

    def unlink_all(self, member_id: str) -> None:
        """Remove every link of a member, both sides (on withdrawal or ban)."""
        others = [f.other_id for f in FriendshipItem.query(member_id)]
        with FriendshipItem.batch_write() as batch:
            for other in others:
                batch.delete(FriendshipItem(member_id, other))
                batch.delete(FriendshipItem(other, member_id))


def random_backoff(attempt: int) -> None:
    """Sleep a little before retrying a transaction that lost a race."""
    time.sleep(random.uniform(0, 0.02 * (2**attempt)))
