"""DynamoDB store of failed logins in a fixed window, so guessing passwords gets slow.

Failures count per (handle, source address) and per source address over every handle, never per
handle alone: a stranger guessing at a member's handle locks only their own address out, and the
member still logs in from theirs.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from pynamodb.exceptions import PutError, UpdateError

from chalicelib.adapters.dynamodb.base import is_condition_failure
from chalicelib.adapters.dynamodb.tables import LoginAttemptItem

#: Rounds of (count in the live window, or start one) before an attempt that keeps losing races is refused.
RESERVE_ATTEMPTS = 4


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

    def begin(self, handle: str, address: str, now: datetime) -> int:
        """Count one attempt of the pair and of the address, or the seconds until the first full window ends.

        Each count is one conditional write (below its limit in a live window, or a new window), so
        parallel attempts are counted one by one and the limit holds however many arrive at once.
        """
        pair = pair_key(handle, address)
        wait_s = self._reserve(pair, self.max_failures, now)
        if wait_s:
            return wait_s
        wait_s = self._reserve(address_key(address), self.max_failures_per_address, now)
        if wait_s:
            self._give_back(pair)  # not an attempt after all: the address was locked
        return wait_s

    def _reserve(self, key: str, limit: int, now: datetime) -> int:
        for _ in range(RESERVE_ATTEMPTS):
            try:
                LoginAttemptItem(key).update(
                    actions=[LoginAttemptItem.failures.add(1), LoginAttemptItem.version.add(1)],
                    condition=(LoginAttemptItem.window_ends > now) & (LoginAttemptItem.failures < limit),
                    add_version_condition=False,
                )
                return 0
            except UpdateError as exc:
                if not is_condition_failure(exc):
                    raise
            # No live window (none yet, or it ended): start one; or the live one is full.
            ends = now + self.window
            try:
                LoginAttemptItem(key, failures=1, window_ends=ends, ttl=ends, version=1).save(
                    condition=LoginAttemptItem.handle.does_not_exist() | (LoginAttemptItem.window_ends <= now)
                )
                return 0
            except PutError as exc:
                if not is_condition_failure(exc):
                    raise
            try:
                item = LoginAttemptItem.get(key, consistent_read=True)
            except LoginAttemptItem.DoesNotExist:
                continue  # expired meanwhile
            if item.window_ends > now and int(item.failures) >= limit:
                return max(1, math.ceil((item.window_ends - now).total_seconds()))
            # Another attempt started the window between our two writes: count ours in it.
        return 1  # lost every race: refuse this one, briefly

    def _give_back(self, key: str) -> None:
        try:
            LoginAttemptItem(key).update(
                actions=[LoginAttemptItem.failures.add(-1), LoginAttemptItem.version.add(1)],
                condition=LoginAttemptItem.failures > 0,
                add_version_condition=False,
            )
        except UpdateError as exc:
            if not is_condition_failure(exc):  # gone (expired) or already at 0: nothing to give back
                raise

    def succeeded(self, handle: str, address: str) -> None:
        """Forget the failures of ``handle`` from ``address`` (a right password there), and give the
        address back the attempt just counted.

        The address's earlier failures stay: logging in to one's own account must not reset them.
        """
        LoginAttemptItem(pair_key(handle, address)).delete(add_version_condition=False)
        self._give_back(address_key(address))
