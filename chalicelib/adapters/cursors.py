"""Opaque, tamper-proof list cursors: a DynamoDB LastEvaluatedKey, base64url'd and HMAC-signed."""

from __future__ import annotations

import json
from typing import Any

from chalicelib.errors import InvalidInput
from chalicelib.signing import Signer


class CursorCodec:
    """Turns a position in a Query into an opaque string and back."""

    def __init__(self, key: bytes):
        self._signer = Signer(key, b"cursor:", 16)

    def encode(self, position: dict[str, Any] | None) -> str | None:
        """None (no more pages) stays None."""
        if not position:
            return None
        return self._signer.seal(json.dumps(position, separators=(",", ":"), sort_keys=True).encode())

    def decode(self, cursor: str | None) -> dict[str, Any] | None:
        """The position, or InvalidInput for a cursor we did not issue."""
        if not cursor:
            return None
        try:
            position = json.loads(self._signer.open(cursor))
            if not isinstance(position, dict):
                raise ValueError("not an object")
            return position
        except ValueError:
            raise InvalidInput("The cursor is not valid; start again without it.", code="invalid_cursor") from None
