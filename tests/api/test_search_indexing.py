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


def test_the_recorded_analyses_are_what_this_engine_does(api: Any, capsys: pytest.CaptureFixture[str]) -> None:
    """ops check-analysis, which an operator runs against Amazon OpenSearch Service after a deploy,
    passes against osmem-server: the recorded tokens are the ones every search test ran with."""
    assert ops.main(["check-analysis"]) == 0, capsys.readouterr().out
    assert "12 of 12 sample analyses as recorded" in capsys.readouterr().out


def test_check_analysis_names_each_text_an_engine_cuts_otherwise(
    api: Any, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from chalicelib.search.analysis import ANALYSIS_SAMPLES

    recorded = ANALYSIS_SAMPLES.tokens
    recorded["ja"] = dict(recorded["ja"], **{"京都駅から東京駅まで新幹線で行った": "京都駅 から 東京駅"})
    monkeypatch.setattr(type(ANALYSIS_SAMPLES), "tokens", property(lambda self: recorded))
    assert ops.main(["check-analysis"]) == 1
    out = capsys.readouterr().out
    assert "'京都駅から東京駅まで新幹線で行った'" in out and "11 of 12 sample analyses as recorded" in out
