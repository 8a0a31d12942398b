"""Friend links ("my mixi"): mutual, made by requesting each other."""

from datetime import datetime
from typing import Literal

from msgspec import Struct
from pydantic import ConfigDict, Field

from chalicelib.kernel import Schema
from chalicelib.pagination import PageQuery

FriendState = Literal["requested", "pending", "friends"]


class Friendship(Struct):
    """One side's view of a link: ``requested`` (I asked), ``pending`` (they asked), ``friends``."""

    member_id: str
    other_id: str
    other_handle: str
    state: FriendState
    since: datetime


class FriendOut(Schema):
    handle: str
    display_name: str
    state: FriendState = Field(description="requested: you asked; pending: they asked you; friends: both.")
    since: datetime

    @classmethod
    def of(cls, link: Friendship, display_name: str) -> "FriendOut":
        return cls(handle=link.other_handle, display_name=display_name, state=link.state, since=link.since)


class FriendQuery(PageQuery):
    model_config = ConfigDict(extra="ignore")

    state: FriendState | None = None
