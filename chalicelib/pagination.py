"""Cursor pagination shared by every list: ``?cursor=&limit=`` in, ``{items, next_cursor}`` out."""

from __future__ import annotations

from typing import Generic, TypeVar

from pydantic import ConfigDict, Field

from chalicelib.schema import Schema

T = TypeVar("T")

MAX_LIMIT = 100


class PageQuery(Schema):
    """The query string of a list route."""

    model_config = ConfigDict(extra="ignore")

    cursor: str | None = Field(default=None, max_length=2048, description="Opaque cursor from next_cursor.")
    limit: int = Field(default=20, ge=1, le=MAX_LIMIT)


class Page(Schema, Generic[T]):
    """One page of a list."""

    items: list[T]
    next_cursor: str | None = None
