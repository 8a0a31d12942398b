"""DynamoDB store of failed logins in a fixed window, so guessing passwords gets slow.

Failures count per (handle, source address) and per source address over every handle, never per
handle alone: a stranger guessing at a member's handle locks only their own address out, and the
member still logs in from theirs.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from pynamodb.exceptions import UpdateError

from chalicelib.adapters.dynamodb.base import is_condition_failure
from chalicelib.adapters.dynamodb.tables import LoginAttemptItem


def pair_key(handle: str, address: str) -> str:
    """The item counting one handle's failures from one address."""
    return f"{handle.lower()}@{address}"


def address_key(address: str) -> str:
    """The item counting every failure from one address."""
    return f"@{address}"


class LoginAttemptStore:
    """Counts failed logins (known handles or not) per handle and address, and per address; items expire by TTL."""

    def __init__(self, max_failures: int, window_s: int, max_failures_per_address: int | None = None):
        self.max_failures = max_failures
        self.max_failures_per_address = max_failures_per_address or max_failures * 5
        self.window = timedelta(seconds=window_s)

    def blocked_for(self, handle: str, address: str, now: datetime) -> tuple[int, bool]:
        """Seconds until ``handle`` may try again from ``address`` (0: not blocked), and whether
        failures of that handle from that address are on record."""
        limits = {pair_key(handle, address): self.max_failures, address_key(address): self.max_failures_per_address}
        wait_s, failed_before = 0, False
        for item in LoginAttemptItem.batch_get(list(limits), consistent_read=True):
            if item.handle == pair_key(handle, address):
                failed_before = True
            if int(item.failures) >= limits[item.handle] and item.window_ends > now:
                wait_s = max(wait_s, max(1, math.ceil((item.window_ends - now).total_seconds())))
        return wait_s, failed_before

    def record_failure(self, handle: str, address: str, now: datetime) -> None:
        """One more failure of the pair and of the address in the current window, or the first of a new one."""
        for key in (pair_key(handle, address), address_key(address)):
            self._add(key, now)

    def _add(self, key: str, now: datetime) -> None:
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

    def clear(self, handle: str, address: str) -> None:
        """Forget the failures of ``handle`` from ``address`` (after a successful login there).

        The address's own count stays: logging in to one's own account must not reset it.
        """
        LoginAttemptItem(pair_key(handle, address)).delete(add_version_condition=False)
