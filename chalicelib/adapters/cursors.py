"""Opaque, tamper-proof list cursors: a DynamoDB LastEvaluatedKey, base64url'd and HMAC-signed."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from typing import Any

from chalicelib.errors import InvalidInput


class CursorCodec:
    """Turns a position in a Query into an opaque string and back."""

    def __init__(self, key: bytes):
        self._key = hashlib.sha256(b"cursor:" + key).digest()

    def _sign(self, payload: bytes) -> bytes:
        return hmac.new(self._key, payload, hashlib.sha256).digest()[:16]

    def encode(self, position: dict[str, Any] | None) -> str | None:
        """None (no more pages) stays None."""
        if not position:
            return None
        payload = json.dumps(position, separators=(",", ":"), sort_keys=True).encode()
        return _b64(payload) + "." + _b64(self._sign(payload))

    def decode(self, cursor: str | None) -> dict[str, Any] | None:
        """The position, or InvalidInput for a cursor we did not issue."""
        if not cursor:
            return None
        try:
            body, _, sig = cursor.partition(".")
            payload = _unb64(body)
            if not hmac.compare_digest(_unb64(sig), self._sign(payload)):
                raise ValueError("bad signature")
            position = json.loads(payload)
            if not isinstance(position, dict):
                raise ValueError("not an object")
            return position
        except (ValueError, binascii.Error):
            raise InvalidInput("The cursor is not valid; start again without it.", code="invalid_cursor") from None


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
