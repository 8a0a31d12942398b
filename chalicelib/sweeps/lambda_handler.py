"""The ``lift_ended_bans`` Lambda's handler (``chalicelib.sweeps.lambda_handler.handler``).

EventBridge runs it every 15 minutes (the stack parameter ``BanSweepSchedule``): it lifts every
time-limited ban that has ended, as ``ops lift-ended-bans`` does, so a member's posts come back
on time even if they never log in again (a login lifts its own ban too). Each lift is the same
conditional transaction as an admin's, so a sweep that overlaps a login or another sweep lifts
nothing twice, and the audit log records each one (actor ``system``).

Its own module so that a cold start loads the ban use cases and the five stores they touch, and
not ``app.py``, Chalice, OpenSearch or the composition root (which would read the signing key from
SSM: nothing here signs anything). ``tests/unit/test_template_bundle.py`` checks what it imports.
"""

from __future__ import annotations

import secrets
from functools import lru_cache
from typing import Any

from chalicelib.adapters.dynamodb import tables
from chalicelib.adapters.dynamodb.ban_store import AuditStore, BanStore
from chalicelib.adapters.dynamodb.base import Counters, Dynamo
from chalicelib.adapters.dynamodb.member_store import MemberStore
from chalicelib.adapters.dynamodb.post_store import PostStore
from chalicelib.adapters.dynamodb.session_store import SessionStore
from chalicelib.config import settings
from chalicelib.moderation.bans import Auditor, BanService
from chalicelib.observability import json_logger
from chalicelib.pagination import CursorCodec

SERVICE = "kizuna-ban-sweep"


@lru_cache(maxsize=1)
def sweeper() -> BanService:
    """The ban use cases over the stage's tables, built on the first run (as ``bootstrap.build`` wires them)."""
    s = settings()
    tables.bind(s)
    # The stores page nothing here, so their cursor key is a throw-away one (as the notifier's).
    dynamo = Dynamo(s, CursorCodec(secrets.token_bytes(32)), Counters(s.counter_shards))
    bans = BanStore(dynamo)
    return BanService(
        bans,
        MemberStore(dynamo),
        SessionStore(dynamo),
        PostStore(dynamo),
        bans,
        Auditor(AuditStore(dynamo)),
        revoke_after=s.invite_revoke_after,
    )


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Lift every ended ban; log and return how many (and whose)."""
    lifted = sweeper().lift_ended()
    json_logger(SERVICE).info(
        "ended bans lifted",
        extra={
            "lifted": len(lifted),
            "handles": lifted,
            "scheduled_at": event.get("time"),
            "request_id": getattr(context, "aws_request_id", None),
        },
    )
    return {"lifted": len(lifted), "handles": lifted}
