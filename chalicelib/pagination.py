"""Cursor pagination shared by every list: ``?cursor=&limit=`` in, ``{items, next_cursor}`` out."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

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


@dataclass(frozen=True)
class PageOf:
    """Declares a ``Page[item]`` response without building the generic class at import.

    Parametrising a pydantic generic rebuilds it at once, whatever ``defer_build`` says; a route
    table of them was a measurable share of a cold start. The OpenAPI document resolves it.
    """

    item: type[BaseModel]

    def model(self) -> type[BaseModel]:
        return Page[self.item]  # type: ignore[name-defined]
