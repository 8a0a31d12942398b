"""Cursor pagination shared by every list: ``?cursor=&limit=`` in, ``{items, next_cursor}`` out.

A cursor is a position in one list, sealed with a ``scope`` that names the list exactly (which
list, and whose: ``invites:<member id>``, ``posts:community:<id>``). :meth:`CursorCodec.decode`
only opens a cursor issued for the same scope, so a cursor from another list, another
community or another member is a 400 ``invalid_cursor`` on every list, never a storage error.
Pure: no I/O.
"""

from __future__ import annotations

import importlib
import json
from functools import cache
from typing import Any, Generic, TypeVar

from msgspec import Struct
from pydantic import BaseModel, ConfigDict, Field

from chalicelib import errors
from chalicelib.kernel import Schema
from chalicelib.signing import Signer

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


#: A pydantic model, or where it is defined: ``"chalicelib.posts.models:PostOut"``. A route names its
#: models this way so that a cold start defines only the models its first request uses (every
#: domain's models together were about half of the app's own import time).
ModelRef = type[BaseModel] | str


def resolve_model(ref: ModelRef) -> type[BaseModel]:
    """The model ``ref`` names, importing its module on first use."""
    return ref if not isinstance(ref, str) else _named_model(ref)


@cache  # a route resolves its models on every request: look each name up once per process
def _named_model(ref: str) -> type[BaseModel]:
    module, _, name = ref.partition(":")
    model = getattr(importlib.import_module(module), name)
    if not (isinstance(model, type) and issubclass(model, BaseModel)):
        raise TypeError(f"{ref} is not a pydantic model")
    return model


class PageOf(Struct, frozen=True):
    """Declares a ``Page[item]`` response without building the generic class at import.

    Parametrising a pydantic generic rebuilds it at once, whatever ``defer_build`` says; a route
    table of them was a measurable share of a cold start. The OpenAPI document resolves it.
    """

    item: ModelRef

    def model(self) -> type[BaseModel]:
        return Page[resolve_model(self.item)]  # type: ignore[misc,return-value]


class Slice(Struct, Generic[T], frozen=True):
    """What a store returns for one page: the items and the cursor of the next page (None: the end)."""

    items: list[T]
    next_cursor: str | None = None


def invalid_cursor() -> errors.InvalidInput:
    return errors.InvalidInput("The cursor is not valid; start again without it.", code="invalid_cursor")


class CursorCodec:
    """Turns a position in one list into an opaque, tamper-proof string and back."""

    def __init__(self, key: bytes):
        self._signer = Signer(key, b"cursor:", 16)

    def encode(self, scope: str, position: dict[str, Any] | None) -> str | None:
        """The cursor of ``position`` in the list ``scope``; None (no more pages) stays None."""
        if not position:
            return None
        sealed = json.dumps([scope, position], separators=(",", ":"), sort_keys=True, ensure_ascii=False)
        return self._signer.seal(sealed.encode())

    def decode(self, scope: str, cursor: str | None) -> dict[str, Any] | None:
        """The position, or InvalidInput for a cursor we did not issue for this very list."""
        if not cursor:
            return None
        try:
            issued_for, position = json.loads(self._signer.open(cursor))
        except (ValueError, TypeError):
            raise invalid_cursor() from None
        if issued_for != scope or not isinstance(position, dict):
            raise invalid_cursor()
        return position
