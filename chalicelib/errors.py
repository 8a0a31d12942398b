"""The domain error tree. No HTTP here: ``chalicelib.http`` maps each class to a status."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """Base of every error a user may see; ``code`` is the stable snake_case identifier."""

    code = "error"

    def __init__(self, message: str, *, code: str | None = None, details: list[dict[str, Any]] | None = None):
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.details = details or []


class InvalidInput(DomainError):
    """Malformed or invalid input."""

    code = "invalid_request"


class Unauthenticated(DomainError):
    """No credentials, or credentials that no longer work."""

    code = "unauthenticated"


class Forbidden(DomainError):
    """Authenticated, but not allowed."""

    code = "forbidden"


class NotFound(DomainError):
    """Missing, or not visible to the caller (never reveals existence)."""

    code = "not_found"


class Conflict(DomainError):
    """The request clashes with the current state (taken, used, changed meanwhile)."""

    code = "conflict"


class RateLimited(DomainError):
    """Too many requests; retry after ``retry_after_s`` seconds."""

    code = "rate_limited"

    def __init__(self, message: str, *, retry_after_s: int, code: str | None = None):
        super().__init__(message, code=code)
        self.retry_after_s = retry_after_s
