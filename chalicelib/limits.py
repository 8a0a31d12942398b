"""Rate limits per member and action: the policy (pure) and the limiter the services call.

Every write a person makes by hand (a topic, a comment, a diary entry, an invite, a report, a
search, a click on a placement, a friend request) counts in a fixed window of its action: at most
``count`` per ``window_s`` seconds, fewer for members in their first ``sandbox_days`` days (the
sandbox), none for admins. The limits are configuration (``KIZUNA_RATE_LIMITS``,
``KIZUNA_SANDBOX_RATE_LIMITS``, ``KIZUNA_SANDBOX_DAYS``; see :func:`parse_limits` and
``chalicelib.config``); the defaults are far above what a person typing reaches and far below
"55 topics and 105 comments in a few seconds".

The counting is behind :class:`WindowCounter` (``adapters/dynamodb/rate_limits.py``: one
conditional UpdateItem per hit, so limits hold across Lambda instances and under any concurrency).
Services see only the kernel's :class:`chalicelib.kernel.RateLimiter`, which :class:`PolicyLimiter` is.
This module imports no adapter and no domain (nor, at run time, the kernel: ``config`` imports it).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Protocol

from msgspec import Struct

from chalicelib import errors

if TYPE_CHECKING:  # config imports this module: keep the kernel (and pydantic) out of its import
    from chalicelib.kernel import Caller


class Limit(Struct, frozen=True):
    """At most ``count`` hits per fixed window of ``window_s`` seconds."""

    count: int
    window_s: int

    def __str__(self) -> str:
        return f"{self.count}/{self.window_s}"


#: The actions that count, as the services name them.
ACTIONS = ("post", "comment", "diary", "invite", "report", "search", "click", "friend_request")

#: Everyone but admins and the sandbox (per member and action).
DEFAULT_LIMITS: dict[str, Limit] = {
    "post": Limit(10, 600),  # community topics and inquiries: 10 per 10 minutes
    "comment": Limit(30, 300),  # 30 per 5 minutes: one every 10 s, for 5 minutes
    "diary": Limit(10, 600),
    "invite": Limit(20, 3600),  # the quota limits them too
    "report": Limit(20, 3600),
    "search": Limit(60, 60),  # every page of every search
    "click": Limit(30, 60),  # clicks on sponsored placements
    "friend_request": Limit(30, 3600),
}

#: Members in their first ``sandbox_days`` days, instead of :data:`DEFAULT_LIMITS`.
DEFAULT_SANDBOX_LIMITS: dict[str, Limit] = {
    "post": Limit(3, 600),
    "comment": Limit(10, 300),
    "diary": Limit(5, 600),
    "invite": Limit(3, 3600),
    "report": Limit(5, 3600),
    "search": Limit(30, 60),
    "click": Limit(10, 60),
    "friend_request": Limit(10, 3600),
}

DEFAULT_SANDBOX_DAYS = 3

#: The value of an action that is not limited (``search=off``).
OFF = "off"


def parse_limits(text: str, base: Mapping[str, Limit | None]) -> dict[str, Limit | None]:
    """``base`` with the overrides in ``text``: ``action=count/window_s`` entries, comma-separated.

    ``action=off`` lifts the limit of one action; ``*=count/window_s`` (or ``*=off``) sets every
    action, and the named entries apply over it. An empty ``text`` is ``base`` as it is. Anything
    else (an unknown action, a count or window that is not a positive integer) is a ValueError.
    """
    limits: dict[str, Limit | None] = dict(base)
    entries: list[tuple[str, Limit | None]] = []
    for raw in text.split(","):
        entry = raw.strip()
        if not entry:
            continue
        action, sep, value = (part.strip() for part in entry.partition("="))
        if not sep or (action != "*" and action not in ACTIONS):
            raise ValueError(f"rate limit {entry!r}: expected action=count/window_s, action one of {ACTIONS}")
        entries.append((action, _limit(entry, value)))
    for action, limit in sorted(entries, key=lambda e: e[0] != "*"):  # the wildcard first
        for name in ACTIONS if action == "*" else (action,):
            limits[name] = limit
    return limits


def _limit(entry: str, value: str) -> Limit | None:
    if value.lower() == OFF:
        return None
    count, sep, window = value.partition("/")
    try:
        limit = Limit(int(count), int(window))
    except ValueError:
        limit = None
    if not sep or limit is None or limit.count < 1 or limit.window_s < 1:
        raise ValueError(f"rate limit {entry!r}: expected count/window_s with positive integers, or {OFF}")
    return limit


def format_limits(limits: Mapping[str, Limit | None]) -> str:
    """The inverse of :func:`parse_limits` over an empty base."""
    return ",".join(f"{a}={limits[a] if limits[a] is not None else OFF}" for a in ACTIONS if a in limits)


class RatePolicy(Struct, frozen=True):
    """Which limit applies to an action of a caller (None: not limited)."""

    limits: Mapping[str, Limit | None]
    sandbox: Mapping[str, Limit | None]
    sandbox_days: int = DEFAULT_SANDBOX_DAYS

    def sandboxed(self, caller: Caller, now: datetime) -> bool:
        """Whether the caller is in their first ``sandbox_days`` days.

        Decided from the member record authentication read (``caller.member``); a caller without
        one (an operator's command) is not sandboxed.
        """
        member = caller.member
        return (
            member is not None and self.sandbox_days > 0 and now - member.created_at < timedelta(days=self.sandbox_days)
        )

    def limit_for(self, caller: Caller, action: str, now: datetime) -> Limit | None:
        """The limit of ``action`` for ``caller`` now; admins have none."""
        if action not in ACTIONS:
            raise ValueError(f"unknown rate-limited action {action!r}")
        if caller.is_admin:
            return None
        if self.sandboxed(caller, now):
            return self.sandbox.get(action)
        return self.limits.get(action)


DEFAULT_POLICY = RatePolicy(DEFAULT_LIMITS, DEFAULT_SANDBOX_LIMITS, DEFAULT_SANDBOX_DAYS)


class WindowCounter(Protocol):
    """Counters in fixed windows, shared by every process (``adapters/dynamodb/rate_limits.py``)."""

    def hit(self, key: str, limit: Limit, now: datetime) -> int:
        """Count one hit of ``key`` in the window of ``now`` unless ``limit.count`` are counted already.

        0 when counted; else the seconds until the window ends (at least 1), and nothing is counted.
        """
        ...


class PolicyLimiter:
    """The :class:`chalicelib.kernel.RateLimiter` of the app: the policy over shared counters."""

    def __init__(self, policy: RatePolicy, counter: WindowCounter, clock: Callable[[], datetime] | None = None):
        self.policy = policy
        self.counter = counter
        self.clock = clock or (lambda: datetime.now(UTC))

    def hit(self, caller: Caller, action: str) -> None:
        """Count one ``action`` of the caller, or RateLimited (with Retry-After) when over the limit."""
        now = self.clock()
        limit = self.policy.limit_for(caller, action, now)
        if limit is None:
            return
        wait_s = self.counter.hit(f"{action}#{caller.member_id}", limit, now)
        if wait_s:
            raise errors.RateLimited(
                f"Too many at once ({action.replace('_', ' ')}: at most {limit.count} in {limit.window_s} s); "
                "try again later.",
                retry_after_s=wait_s,
            )
