"""The scheduled ban sweep (``chalicelib.sweeps.lambda_handler``) against DynamoDB Local.

The handler runs as EventBridge runs it (a scheduled event, no API around it): a time-limited ban
whose end has passed is lifted, with the member's posts shown again; one still running is not.
Every DynamoDB call the sweep makes is recorded and checked against its role's policy in the
template, so a new call in ``BanService.lift_ended`` fails here until ``SWEEP_ACCESS`` grants it.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pynamodb.connection.base import Connection

from chalicelib.adapters.dynamodb.member_store import BANNED
from chalicelib.adapters.dynamodb.tables import BanItem, MemberItem, PostItem
from chalicelib.config import settings
from chalicelib.sweeps import lambda_handler as sweep
from infra import template as infra
from tests.stream_events import load_event
from tests.unit.test_infra import allows, arn

#: DynamoDB operation -> the IAM action it needs (a transaction: each of its items' actions).
ACTIONS = {
    "GetItem": "GetItem", "Query": "Query", "Scan": "Scan", "PutItem": "PutItem", "UpdateItem": "UpdateItem",
    "DeleteItem": "DeleteItem", "BatchGetItem": "BatchGetItem", "BatchWriteItem": "BatchWriteItem",
    "DescribeTable": "DescribeTable",
}  # fmt: skip
TRANSACT_ACTIONS = {
    "Put": "PutItem",
    "Update": "UpdateItem",
    "Delete": "DeleteItem",
    "ConditionCheck": "ConditionCheckItem",
}


class CallLog:
    """Wraps every PynamoDB connection's ``dispatch``: (IAM action, table or table/index/name) per call."""

    def __init__(self, dispatch: Any):
        self._dispatch = dispatch
        self.calls: list[tuple[str, str]] = []

    def __call__(self, connection: Connection, operation: str, kwargs: dict[str, Any]) -> Any:
        if operation == "TransactWriteItems":
            for item in kwargs["TransactItems"]:
                ((kind, body),) = item.items()
                self.calls.append((TRANSACT_ACTIONS[kind], body["TableName"]))
        elif operation in ("BatchGetItem", "BatchWriteItem"):
            self.calls += [(ACTIONS[operation], table) for table in kwargs["RequestItems"]]
        else:
            index = kwargs.get("IndexName")
            self.calls.append((ACTIONS[operation], kwargs["TableName"] + (f"/index/{index}" if index else "")))
        return self._dispatch(connection, operation, kwargs)


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> Iterator[CallLog]:
    log = CallLog(Connection.dispatch)
    monkeypatch.setattr(Connection, "dispatch", lambda self, op, kwargs: log(self, op, kwargs))
    yield log


@pytest.fixture
def logged() -> Iterator[io.StringIO]:
    """What the handler logs (Powertools writes JSON lines to its stream handler)."""
    handler = sweep.json_logger(sweep.SERVICE).registered_handler
    buffer = io.StringIO()
    previous = handler.setStream(buffer)
    yield buffer
    handler.setStream(previous)


def ban(api: Any, admin: Any, member: Any) -> None:
    res = api.call("POST", f"/admin/members/{member.handle}/ban", {"reason": "spam"}, token=admin.token)
    assert res.status_code == 200, res.body


def end_ban(member_id: str) -> None:
    """As if the ban's time had passed: both the member's record and the bans in force say so."""
    past = datetime.now(UTC) - timedelta(minutes=1)
    MemberItem(member_id).update(actions=[MemberItem.banned_until.set(past)])
    BanItem(BANNED, member_id).update(actions=[BanItem.until.set(past)])


def status(member_id: str) -> str:
    return str(MemberItem.get(member_id, consistent_read=True).status)


def test_the_scheduled_sweep_lifts_ended_bans_and_only_those(api, admin, new_member, calls, logged):
    ended, ongoing = new_member(), new_member()
    diary = api.call("POST", "/diary", {"title": "日記", "body": "本文", "visibility": "members"}, token=ended.token)
    assert diary.status_code == 201, diary.body
    ban(api, admin, ended)
    ban(api, admin, ongoing)
    assert PostItem.get(diary.json_body["id"]).author_hidden is True
    end_ban(ended.id)

    calls.calls.clear()
    sweep.sweeper.cache_clear()
    try:
        result = sweep.handler(load_event("eventbridge_scheduled"), None)
    finally:
        sweep.sweeper.cache_clear()

    assert ended.handle in result["handles"] and ongoing.handle not in result["handles"]
    assert status(ended.id) == "active" and status(ongoing.id) == BANNED
    assert PostItem.get(diary.json_body["id"]).author_hidden is None, "the member's diary is shown again"
    assert not BanItem.count(BANNED, BanItem.member_id == ended.id)
    assert BanItem.count(BANNED, BanItem.member_id == ongoing.id) == 1
    # One JSON line says how many it lifted.
    (line,) = [json.loads(raw) for raw in logged.getvalue().splitlines() if "ended bans lifted" in raw]
    assert line["level"] == "INFO" and line["service"] == "kizuna-ban-sweep"
    assert line["lifted"] == result["lifted"] >= 1 and ended.handle in line["handles"]
    assert line["scheduled_at"] == "2026-12-02T03:15:00Z"

    # A second run finds nothing more to do for these two.
    again = sweep.handler(load_event("eventbridge_scheduled"), None)
    assert ended.handle not in again["handles"] and ongoing.handle not in again["handles"]
    assert status(ongoing.id) == BANNED


def test_every_call_the_sweep_makes_is_granted_to_its_role(api, admin, new_member, calls):
    member = new_member()
    assert api.call("POST", "/diary", {"title": "日記", "body": "本文", "visibility": "members"},
                    token=member.token).status_code == 201  # fmt: skip
    ban(api, admin, member)
    end_ban(member.id)
    calls.calls.clear()
    sweep.handler(load_event("eventbridge_scheduled"), None)

    prefix = settings().table_prefix
    made = {(action, table.removeprefix(prefix)) for action, table in calls.calls}
    # Each kind of call the sweep is known to make happened (so the check below checked them).
    assert {("Query", "bans"), ("GetItem", "members"), ("UpdateItem", "members"), ("DeleteItem", "bans"),
            ("Query", "posts/index/by_author"), ("UpdateItem", "posts"), ("PutItem", "audit_log")} <= made  # fmt: skip
    policy = infra.for_template(infra.sweep_policy(infra.load_stage("prod")))
    refused = sorted(
        (action, table)
        for action, table in made
        if not allows(policy, f"dynamodb:{action}", arn("dynamodb", f"table/kizuna-prod-{table}"))
    )
    assert not refused, f"the sweep's role lacks {refused}: add them to infra.template.SWEEP_ACCESS"
