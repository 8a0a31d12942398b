"""PynamoDB models: the only place that knows how items are laid out in DynamoDB.

Every item carries an integer ``version`` bumped on each write (plain NumberAttribute, managed
by the stores, so counters can ADD it without a read). Physical table names and the endpoint
are bound at run time by :func:`bind` from the settings, never at import.
"""

from __future__ import annotations

from typing import Any

from pynamodb.attributes import (
    ListAttribute,
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex, KeysOnlyProjection
from pynamodb.models import Model

from chalicelib.config import Settings

STREAM = "NEW_AND_OLD_IMAGES"


class _Meta:
    billing_mode = "PAY_PER_REQUEST"
    table_name = "unbound"
    max_retry_attempts = 3
    connect_timeout_seconds = 2
    read_timeout_seconds = 5


class MemberItem(Model):
    """A member; ``status`` is active, withdrawn or banned."""

    class Meta(_Meta):
        base_name = "members"
        stream_view_type = STREAM

    member_id = UnicodeAttribute(hash_key=True)
    handle = UnicodeAttribute()
    display_name = UnicodeAttribute()
    email = UnicodeAttribute()
    password_hash = UnicodeAttribute()
    roles: ListAttribute[str] = ListAttribute(of=UnicodeAttribute)
    invites_left = NumberAttribute()
    invited_by = UnicodeAttribute(null=True)
    status = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    version = NumberAttribute()


class HandleItem(Model):
    """Reserves a lower-cased handle for one member, forever (withdrawn handles are not reused)."""

    class Meta(_Meta):
        base_name = "handles"

    handle = UnicodeAttribute(hash_key=True)
    member_id = UnicodeAttribute()
    version = NumberAttribute()


class InvitesByInviter(GlobalSecondaryIndex["InviteItem"]):
    class Meta:
        index_name = "by_inviter"
        projection = AllProjection()

    inviter_id = UnicodeAttribute(hash_key=True)
    created_at = UTCDateTimeAttribute(range_key=True)


class InviteItem(Model):
    """An invitation code; single use, expires, revocable by its inviter."""

    class Meta(_Meta):
        base_name = "invites"

    code = UnicodeAttribute(hash_key=True)
    inviter_id = UnicodeAttribute()
    inviter_handle = UnicodeAttribute()
    note = UnicodeAttribute(null=True)
    status = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    expires_at = UTCDateTimeAttribute()
    used_by = UnicodeAttribute(null=True)
    version = NumberAttribute()
    by_inviter = InvitesByInviter()


class SessionsByMember(GlobalSecondaryIndex["SessionItem"]):
    class Meta:
        index_name = "by_member"
        projection = KeysOnlyProjection()

    member_id = UnicodeAttribute(hash_key=True)


class SessionItem(Model):
    """A server-side session; a token works only while its session item exists."""

    class Meta(_Meta):
        base_name = "sessions"

    session_id = UnicodeAttribute(hash_key=True)
    member_id = UnicodeAttribute()
    expires_at = UTCDateTimeAttribute()
    ttl = TTLAttribute()
    version = NumberAttribute()
    by_member = SessionsByMember()


class FriendshipItem(Model):
    """One direction of a friend link: ``state`` is requested (sent), pending (received) or friends."""

    class Meta(_Meta):
        base_name = "friendships"

    member_id = UnicodeAttribute(hash_key=True)
    other_id = UnicodeAttribute(range_key=True)
    other_handle = UnicodeAttribute()
    state = UnicodeAttribute()
    since = UTCDateTimeAttribute()
    version = NumberAttribute()


class CounterItem(Model):
    """One shard of a sharded counter; a counter's value is the sum of its shards."""

    class Meta(_Meta):
        base_name = "counters"
        stream_view_type = STREAM

    name = UnicodeAttribute(hash_key=True)
    shard = NumberAttribute(range_key=True)
    value = NumberAttribute(default=0)
    version = NumberAttribute(default=0)


ALL_MODELS: list[type[Model]] = [MemberItem, HandleItem, InviteItem, SessionItem, FriendshipItem, CounterItem]


def bind(settings: Settings, models: list[type[Model]] | None = None) -> None:
    """Point every model at its physical table and endpoint (called by the composition root)."""
    for model in models or ALL_MODELS:
        meta: Any = model.Meta
        meta.table_name = settings.table_name(meta.base_name)
        meta.host = settings.dynamodb_endpoint
        meta.region = settings.region
        model._connection = None


def create_tables(models: list[type[Model]] | None = None) -> list[str]:
    """Create the missing tables (idempotent); returns the names created."""
    created = []
    for model in models or ALL_MODELS:
        if not model.exists():
            model.create_table(wait=True)
            created.append(model.Meta.table_name)
        if model is SessionItem:
            _enable_ttl(model, "ttl")
    return created


def _enable_ttl(model: type[Model], attribute: str) -> None:
    client = model._get_connection().connection.client
    status = client.describe_time_to_live(TableName=model.Meta.table_name)["TimeToLiveDescription"]
    if status.get("TimeToLiveStatus") in ("ENABLED", "ENABLING"):
        return
    client.update_time_to_live(
        TableName=model.Meta.table_name,
        TimeToLiveSpecification={"Enabled": True, "AttributeName": attribute},
    )


def delete_tables(models: list[type[Model]] | None = None) -> None:
    """Drop the tables (tests and benchmarks only)."""
    for model in models or ALL_MODELS:
        if model.exists():
            model.delete_table()
