"""The indexer under replays and reordering: the index always ends equal to the table."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import pytest
from content_helpers import create_community

from chalicelib import ops
from chalicelib.streams.handler import handle
from local.relay import StreamRelay
from tests.conftest import drain


class Capture:
    """The real stream handler, keeping a copy of every event it acknowledged."""

    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []

    def __call__(self, event: dict[str, Any], context: Any) -> Mapping[str, Any]:
        result = handle(event, context)
        self.events.append(event)
        return result


@pytest.fixture
def captured(local_stack: Any, tmp_path: Any) -> Iterator[tuple[StreamRelay, Capture]]:
    capture = Capture()
    with StreamRelay(capture, tmp_path / "state.json", backoff_base=0.02, idle_sleep=0.02) as relay:
        # A new relay starts at the beginning of every stream: let it catch up with the session's
        # history first (both consumers, all idempotent), so the test sees its own batches only.
        drain(relay, timeout=180)
        capture.events.clear()
        yield relay, capture


def _content_events(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [e for e in events if any("-posts/stream/" in r["eventSourceARN"] for r in e["Records"])]


def test_replayed_and_reordered_batches_leave_the_index_equal_to_the_table(api, new_member, captured, capsys):
    relay, capture = captured
    member = new_member()
    community = create_community(api, member, name="リプレイ検証")
    ids = []
    for i in range(4):
        res = api.call(
            "POST", f"/communities/{community['id']}/posts", {"title": f"投稿{i}", "body": "本文"}, token=member.token
        )
        ids.append(res.json_body["id"])
    for i in range(3):
        api.call("PATCH", f"/posts/{ids[0]}", {"title": f"編集{i}"}, token=member.token)
    api.call("DELETE", f"/posts/{ids[1]}", token=member.token)
    api.call("PUT", f"/communities/{community['id']}/membership", token=new_member().token)
    drain(relay)
    assert ops.main(["check-index"]) == 0
    events = _content_events(capture.events)
    assert events

    # The same batches again, in order, then every batch (and every record in it) in reverse.
    for event in events:
        assert handle(event, None) == {"batchItemFailures": []}
    for event in reversed(events):
        backwards = {"Records": list(reversed(event["Records"]))}
        assert handle(backwards, None) == {"batchItemFailures": []}
    one_batch = {"Records": [r for e in reversed(events) for r in reversed(e["Records"])]}
    assert handle(one_batch, None) == {"batchItemFailures": []}

    capsys.readouterr()
    assert ops.main(["check-index"]) == 0, capsys.readouterr().out
