"""DynamoDB store of server-side sessions: logout, withdrawal and bans delete them, and tokens stop at once."""

from __future__ import annotations

from datetime import datetime

from chalicelib.adapters.dynamodb.base import Store, batch_get_across
from chalicelib.adapters.dynamodb.member_store import member_of
from chalicelib.adapters.dynamodb.tables import MemberItem, SessionItem
from chalicelib.kernel import Member


class SessionStore(Store):
    """Sessions, keyed by a 128-bit random id; a token works only while its session item exists."""

    def create(self, session_id: str, member_id: str, expires_at: datetime) -> None:
        """Store a new session."""
        SessionItem(session_id, member_id=member_id, expires_at=expires_at, ttl=expires_at, version=1).save(
            condition=SessionItem.session_id.does_not_exist()
        )

    def live_member(self, session_id: str, member_id: str, now: datetime) -> Member | None:
        """The member behind a live session, read with the session in one consistent BatchGetItem.

        None when the session is missing, expired or another member's, or the member is gone.
        Every authenticated request comes through here, so it costs one round trip, not two.
        """
        sessions, members = SessionItem.Meta.table_name, MemberItem.Meta.table_name
        found = batch_get_across(
            [(SessionItem, [{"session_id": {"S": session_id}}]), (MemberItem, [{"member_id": {"S": member_id}}])],
            consistent=True,
        )
        if not found[sessions] or not found[members]:
            return None
        session = SessionItem.from_raw_data(found[sessions][0])
        if session.member_id != member_id or session.expires_at <= now:
            return None
        return member_of(MemberItem.from_raw_data(found[members][0]))

    def delete(self, session_id: str) -> None:
        """End one session."""
        SessionItem(session_id).delete(add_version_condition=False)

    def delete_all(self, member_id: str, keep: str | None = None) -> int:
        """End every session of a member but ``keep``; returns how many."""
        ids = [s.session_id for s in SessionItem.by_member.query(member_id) if s.session_id != keep]
        with SessionItem.batch_write() as batch:
            for sid in ids:
                batch.delete(SessionItem(sid))
        return len(ids)
