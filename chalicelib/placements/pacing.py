"""Pacing: a campaign spending ahead of an even daily curve sits out a share of auctions. Pure.

By ``fraction`` of the day an even spender has spent ``fraction × budget``. A campaign ahead of
that (beyond a small allowance, so the first clicks of the day do not throttle it) skips each
auction with a probability that grows with how far ahead it is, reaching MAX_SKIP when it is a
whole remaining-day's worth ahead. The random draw is injected, so tests are deterministic.
"""

from __future__ import annotations

#: Spend allowed ahead of the curve before pacing starts, as a share of the budget.
ALLOWANCE = 0.05
#: Never skip every auction: a campaign with budget left still shows sometimes.
MAX_SKIP = 0.95


def skip_share(spent: int, budget: int, fraction: float) -> float:
    """The share of auctions to skip (0 when on or behind the even curve)."""
    if budget <= 0:
        return 1.0
    fraction = min(1.0, max(0.0, fraction))
    ahead = spent / budget - fraction - ALLOWANCE
    if ahead <= 0:
        return 0.0
    return min(MAX_SKIP, ahead / max(1e-9, 1.0 - fraction))


def skips(spent: int, budget: int, fraction: float, draw: float) -> bool:
    """Whether to sit out this auction, given a uniform ``draw`` in [0, 1)."""
    return draw < skip_share(spent, budget, fraction)
