"""Opaque signed strings: ``base64url(payload).base64url(HMAC-SHA256 prefix)``. Pure (no I/O).

List cursors and impression tokens both use it, each with its own purpose label, so a key
derived for one can never verify the other (nor a JWT).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac


class Signer:
    """Seals payloads under a key derived from the app's signing key and a purpose label."""

    def __init__(self, key: bytes, purpose: bytes, signature_bytes: int):
        self._key = hashlib.sha256(purpose + key).digest()
        self._length = signature_bytes

    def _sign(self, payload: bytes) -> bytes:
        return hmac.new(self._key, payload, hashlib.sha256).digest()[: self._length]

    def seal(self, payload: bytes) -> str:
        return _b64(payload) + "." + _b64(self._sign(payload))

    def open(self, sealed: str) -> bytes:
        """The payload of a string this signer sealed; ValueError for anything else."""
        try:
            body, _, signature = sealed.partition(".")
            payload = _unb64(body)
            if not hmac.compare_digest(_unb64(signature), self._sign(payload)):
                raise ValueError("bad signature")
        except binascii.Error as exc:
            raise ValueError("not base64url") from exc
        return payload


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
