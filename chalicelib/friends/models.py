"""Friend links ("my mixi"): mutual, made by requesting each other."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from pydantic import ConfigDict, Field

from chalicelib.pagination import PageQuery
from chalicelib.schema import Schema

FriendState = Literal["requested", "pending", "friends"]


@dataclass
class Friendship:
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


class FriendQuery(PageQuery):
    model_config = ConfigDict(extra="ignore")

    state: FriendState | None = None
