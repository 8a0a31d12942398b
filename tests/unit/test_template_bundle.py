"""The Lambda bundle (``infra/bundle.py``) and the light handler modules the template names."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from infra import bundle
from infra import template as infra

ROOT = Path(__file__).resolve().parents[2]
AWS_AND_SEARCH_CLIENTS = ("boto3", "botocore", "pynamodb", "opensearchpy")


def modules_after(module: str) -> set[str]:
    """Every module a fresh interpreter holds after importing ``module``."""
    code = f"import json, sys; import {module}; print(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    return set(json.loads(out.stdout))


def loaded_by(module: str) -> set[str]:
    """Top-level packages a fresh interpreter holds after importing ``module``."""
    return {m.split(".")[0] for m in modules_after(module)}


def forbidden(module: str, packages: tuple[str, ...], prefixes: tuple[str, ...]) -> list[str]:
    """What of ``packages`` (top level) and ``prefixes`` (of project modules) importing ``module`` loads."""
    return sorted(m for m in modules_after(module) if m.split(".")[0] in packages or m.startswith(prefixes))


def test_the_ranking_handler_imports_no_aws_sdk_storage_or_search_client() -> None:
    loaded = loaded_by("chalicelib.ranking.lambda_handler")
    assert not loaded & {*AWS_AND_SEARCH_CLIENTS, "pydantic", "chalice", "app", "urllib3"}, sorted(loaded)


def test_the_stream_handler_skips_the_api_and_the_composition_root() -> None:
    assert (
        forbidden("chalicelib.streams.lambda_handler", ("app", "pynamodb", "chalice"), ("chalicelib.bootstrap",)) == []
    )


def test_the_ban_sweep_handler_skips_the_api_search_and_the_composition_root() -> None:
    project = ("chalicelib.bootstrap", "chalicelib.adapters.opensearch", "chalicelib.http")
    assert forbidden("chalicelib.sweeps.lambda_handler", ("app", "chalice", "opensearchpy"), project) == []


def test_the_api_skips_what_only_the_stream_lambda_reads() -> None:
    # Powertools' stream record classes are ~30 ms of a cold start; the API never gets a record.
    assert forbidden("app", (), ("aws_lambda_powertools.utilities.data_classes",)) == []


@pytest.mark.parametrize("function", sorted(infra.HANDLERS))
def test_the_template_names_importable_handlers(function: str) -> None:
    module, _, name = infra.HANDLERS[function].rpartition(".")
    assert callable(getattr(importlib.import_module(module), name))


def test_the_ranking_handler_runs_the_auction() -> None:
    from chalicelib.ranking.lambda_handler import handler

    ad = {"impressions": 0, "clicks": 0, "relevance": 1.0}
    event = {"query": "q", "slots": 1, "reserve_price": 1, "candidates": [{"ad_id": "a", "bid": 9, **ad}]}
    assert [p["ad_id"] for p in handler(event, None)["placements"]] == ["a"]


def test_the_stream_handler_acknowledges_tables_it_does_not_index(monkeypatch: pytest.MonkeyPatch) -> None:
    from chalicelib.streams import lambda_handler

    monkeypatch.setenv("KIZUNA_STAGE", "prod")
    lambda_handler.indexer.cache_clear()
    arn = "arn:aws:dynamodb:ap-northeast-1:1:table/kizuna-prod-counters/stream/2026"
    record = {
        "eventID": "1",
        "eventName": "MODIFY",
        "eventSource": "aws:dynamodb",
        "eventSourceARN": arn,
        "dynamodb": {"Keys": {"id": {"S": "x"}}, "SequenceNumber": "100", "StreamViewType": "NEW_AND_OLD_IMAGES"},
    }
    try:
        assert lambda_handler.handler({"Records": [record]}, None) == {"batchItemFailures": []}
    finally:
        lambda_handler.indexer.cache_clear()


def fake_bundle(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("botocore/__init__.py", "x = 1\n")
        z.writestr("botocore-1.0.dist-info/METADATA", "")
        z.writestr("app.py", "VALUE = 41 + 1\n")
        z.writestr("chalicelib/__init__.py", "")
        z.writestr("lib/__init__.py", "ANSWER = 'yes'\n")
        z.writestr("lib/stub.pyi", "")
        z.writestr("lib/data.txt", "keep")
    return path


def test_slimming_drops_runtime_packages_and_adds_bytecode(tmp_path: Path) -> None:
    path = fake_bundle(tmp_path / "deployment.zip")
    report = bundle.slim(path)
    names = set(zipfile.ZipFile(path).namelist())
    assert report.dropped == 3 and not any(n.startswith("botocore") for n in names)
    assert {
        "app.py",
        f"__pycache__/app.{sys.implementation.cache_tag}.pyc",
        "lib/__init__.pyc",
        "lib/data.txt",
    } <= names
    assert "lib/__init__.py" not in names  # third-party: sourceless bytecode
    unpacked = tmp_path / "task"
    zipfile.ZipFile(path).extractall(unpacked)
    code = "import app, lib; print(app.VALUE, lib.ANSWER, app.__cached__ is not None)"
    out = subprocess.run(
        [sys.executable, "-I", "-c", f"import sys; sys.path.insert(0, {str(unpacked)!r}); {code}"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert out.stdout.split() == ["42", "yes", "True"]
    again = fake_bundle(tmp_path / "again.zip")
    bundle.slim(again)
    assert again.read_bytes() == path.read_bytes(), "deterministic: the same input gives the same zip"
    bundle.slim(again)  # slimming twice keeps the sourceless modules
    assert "lib/__init__.pyc" in zipfile.ZipFile(again).namelist()


def test_bytecode_is_only_built_for_the_runtime_of_the_template(tmp_path: Path) -> None:
    sam = tmp_path / "sam.json"
    other = "python3.9" if bundle.expected_runtime() != "python3.9" else "python3.12"
    sam.write_text(
        json.dumps({"Resources": {"F": {"Type": "AWS::Serverless::Function", "Properties": {"Runtime": other}}}})
    )
    with pytest.raises(bundle.BundleError, match="bytecode"):
        bundle.check_runtime(sam)
