"""Lambda event fixtures (JSON files in ``tests/events/``): Chalice has no stream event generator.

``tests/events/`` is deliberately not a package: a package named ``events`` on the test path
would shadow the ``events`` distribution that opensearch-py imports.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

EVENTS = Path(__file__).resolve().parent / "events"


def load_event(name: str) -> dict[str, Any]:
    """A fresh copy of the event ``name`` (with or without ``.json``), safe to mutate."""
    path = EVENTS / (name if name.endswith(".json") else f"{name}.json")
    event: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return event
