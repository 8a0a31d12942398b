"""The port to the ``rank_placements`` auction: in-process locally and in tests, a Lambda in AWS."""

from __future__ import annotations

from typing import Any, Protocol

from chalicelib.ranking import rank_placements


class Ranker(Protocol):
    def rank(self, event: dict[str, Any]) -> dict[str, Any]:
        """Run the auction of DESIGN.md's event shape; returns its result shape."""
        ...


class InProcessRanker:
    """Calls the pure auction directly (the same code the Lambda runs)."""

    def rank(self, event: dict[str, Any]) -> dict[str, Any]:
        return rank_placements(event)
