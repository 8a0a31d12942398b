"""DynamoDB store of rate-limit counters in fixed windows, shared by every Lambda instance."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

from pynamodb.exceptions import UpdateError

from chalicelib.adapters.dynamodb.base import is_condition_failure
from chalicelib.adapters.dynamodb.tables import RateLimitItem
from chalicelib.limits import Limit

#: How long an ended window's item stays before its TTL (DynamoDB deletes expired items lazily anyway).
TTL_SLACK = timedelta(minutes=5)


class RateLimitStore:
    """The :class:`chalicelib.limits.WindowCounter` over the ``rate_limits`` table."""

    def hit(self, key: str, limit: Limit, now: datetime) -> int:
        """One conditional UpdateItem: ``ADD hits 1`` if the window's ``hits`` is missing or below the limit.

        Windows are aligned to multiples of ``limit.window_s`` since the epoch, and each window is
        its own item, so under any concurrency exactly ``limit.count`` hits succeed in a window.
        A failed condition is the limit: the seconds until the window ends (at least 1).
        """
        now_s = now.timestamp()
        start = int(now_s) // limit.window_s * limit.window_s
        ends = start + limit.window_s
        try:
            RateLimitItem(f"{key}#{start}").update(
                actions=[
                    RateLimitItem.hits.add(1),
                    RateLimitItem.ttl.set(datetime.fromtimestamp(ends, UTC) + TTL_SLACK),
                    RateLimitItem.version.add(1),
                ],
                condition=RateLimitItem.hits.does_not_exist() | (RateLimitItem.hits < limit.count),
                add_version_condition=False,
            )
        except UpdateError as exc:
            if not is_condition_failure(exc):
                raise
            return max(1, math.ceil(ends - now_s))
        return 0
