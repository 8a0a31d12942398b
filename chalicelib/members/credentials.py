"""Passwords (argon2id) and bearer tokens (JWT bound to a server-side session)."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from chalicelib import errors

# OWASP's minimum for argon2id: m=19 MiB, t=2, p=1.
_HASHER = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)

ALGORITHM = "HS256"


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    # Verified against when the handle is unknown, so both answers take the same time.
    return _HASHER.hash(secrets.token_urlsafe(16))


@lru_cache(maxsize=1)
def _common_passwords() -> frozenset[str]:
    # zxcvbn ships the 30,000 most common passwords of leaked lists; loaded on first signup only.
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"])


def check_password_policy(password: str, handle: str) -> None:
    """8 to 128 characters (checked at the edge), not a common password, not the handle."""
    lowered = password.lower()
    if lowered in _common_passwords() or lowered == handle.lower():
        raise errors.InvalidInput(
            "This password is too common; choose another.",
            code="weak_password",
            details=[{"path": "password", "message": "too common", "type": "weak_password"}],
        )


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True if ``password`` matches; with no hash, burns the same time and answers False."""
    try:
        return _HASHER.verify(password_hash or _dummy_hash(), password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


class TokenIssuer:
    """Signs and checks JWTs: HS256 only, with exp, iss, aud and the session id."""

    def __init__(self, key: str, issuer: str, audience: str, ttl_s: int):
        self._key = key
        self.issuer = issuer
        self.audience = audience
        self.ttl = timedelta(seconds=ttl_s)

    def issue(self, member_id: str, session_id: str, now: datetime | None = None) -> tuple[str, datetime]:
        now = now or datetime.now(UTC)
        expires_at = (now + self.ttl).replace(microsecond=0)
        claims = {
            "sub": member_id,
            "sid": session_id,
            "iss": self.issuer,
            "aud": self.audience,
            "iat": int(now.timestamp()),
            "exp": int(expires_at.timestamp()),
        }
        return jwt.encode(claims, self._key, algorithm=ALGORITHM), expires_at

    def verify(self, token: str) -> dict[str, Any]:
        """The claims of a valid token, or Unauthenticated."""
        try:
            return jwt.decode(
                token,
                self._key,
                algorithms=[ALGORITHM],
                audience=self.audience,
                issuer=self.issuer,
                options={"require": ["exp", "iat", "iss", "aud", "sub", "sid"]},
            )
        except jwt.PyJWTError:
            raise errors.Unauthenticated("The token is invalid or expired.", code="token_invalid") from None
