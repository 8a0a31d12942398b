"""DynamoDB store of failed logins per handle, in a fixed window, so guessing passwords gets slow."""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from pynamodb.exceptions import DoesNotExist, UpdateError

from chalicelib.adapters.dynamodb.base import is_condition_failure
from chalicelib.adapters.dynamodb.tables import LoginAttemptItem


class LoginAttemptStore:
    """Counts failed logins of one handle (known or not); the item expires by TTL."""

    def __init__(self, max_failures: int, window_s: int):
        self.max_failures = max_failures
        self.window = timedelta(seconds=window_s)

    def blocked_for(self, handle: str, now: datetime) -> tuple[int, bool]:
        """Seconds until ``handle`` may try again (0: not blocked), and whether failures are on record."""
        try:
            item = LoginAttemptItem.get(handle.lower(), consistent_read=True)
        except DoesNotExist:
            return 0, False
        if int(item.failures) < self.max_failures or item.window_ends <= now:
            return 0, True
        return max(1, math.ceil((item.window_ends - now).total_seconds())), True

    def record_failure(self, handle: str, now: datetime) -> None:
        """One more failure in the current window, or the first of a new one."""
        key = handle.lower()
        try:
            LoginAttemptItem(key).update(
                actions=[LoginAttemptItem.failures.add(1), LoginAttemptItem.version.add(1)],
                condition=LoginAttemptItem.window_ends > now,
                add_version_condition=False,
            )
        except UpdateError as exc:
            if not is_condition_failure(exc):
                raise
            ends = now + self.window
            LoginAttemptItem(key, failures=1, window_ends=ends, ttl=ends, version=1).save()

    def clear(self, handle: str) -> None:
        """Forget the failures of ``handle`` (after a successful login)."""
        LoginAttemptItem(handle.lower()).delete(add_version_condition=False)
