"""The Lambda bundle as deployed: its zipped size, and each handler's cold import from it.

Reads ``build/package/deployment.zip`` (``make package`` writes it; run that first, the
benchmark does not package). The zip is unpacked into a throw-away directory, which then plays
``/var/task``: each child is a fresh ``python -I -S`` with ``sys.path`` = the bundle, the
standard library, and this virtualenv's site-packages after the bundle, standing in for the
Lambda runtime's botocore (the only packages the bundle leaves to the runtime). Bytecode comes
from the bundle's own ``.pyc`` files (``PYTHONDONTWRITEBYTECODE`` is set, so nothing is cached
between runs that the bundle does not ship).

* size: zipped bytes against 10 MiB (a ratio: size / 10 MiB, target <= 1.00);
* API: ``import app`` against importing the third-party modules it loads alone, from the same
  bundle, alternating (target <= 1.15, like ``bench import``);
* stream, ban sweep and ranking handlers: their median import time (the ranking one is on the search path:
  the API invokes it with a 1 s connect / 2 s read timeout); the ranking handler loading no AWS
  SDK, PynamoDB or opensearch-py is asserted in ``tests/unit/test_template_bundle.py``.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import sysconfig
import tempfile
import textwrap
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bench.import_time import run_child
from bench.report import ROOT, Row
from bench.stats import median

if TYPE_CHECKING:
    from bench.runner import Context

NAME = "bundle"
ZIP = ROOT / "build" / "package" / "deployment.zip"
TARGET_BYTES = 10 * 1024 * 1024
IMPORT_TARGET = 1.15
RUNS = 11
#: What a bare-bones ranking cold start must stay under on this machine (noted, not judged).
RANKING_CEILING_MS = 50.0
HANDLERS = {
    "api": "app",
    "stream": "chalicelib.streams.lambda_handler",
    "ranking": "chalicelib.ranking.lambda_handler",
    "sweep": "chalicelib.sweeps.lambda_handler",
}
PROJECT = ("app", "chalicelib")

_CHILD = textwrap.dedent(
    """
    import sys
    sys.path[:0] = [{task!r}]
    sys.path.append({site!r})
    import time, json, importlib
    PROJECT = {project!r}
    before = set(sys.modules)
    names = json.loads(sys.argv[1])
    t0 = time.perf_counter()
    for name in names:
        if name not in sys.modules:
            importlib.import_module(name)
    seconds = time.perf_counter() - t0
    def third_party(name):
        top = name.partition(".")[0]
        return not top.startswith("_") and top not in sys.stdlib_module_names and top not in PROJECT
    new = [m for m in sys.modules if m not in before]
    print(json.dumps({{"seconds": seconds, "third_party": [m for m in new if third_party(m)],
                      "tops": sorted({{m.partition(".")[0] for m in new}})}}))
    """
)


class _Bundle:
    def __init__(self, task: Path):
        self.code = _CHILD.format(task=str(task), site=sysconfig.get_paths()["purelib"], project=PROJECT)
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
        self.env["PYTHONDONTWRITEBYTECODE"] = "1"

    def run(self, names: list[str]) -> dict[str, Any]:
        return run_child([sys.executable, "-I", "-S", "-c", self.code, json.dumps(names)], "/", self.env)


def run(ctx: Context) -> list[Row]:
    if not ZIP.exists():
        return [Row(NAME, "bundle", None, note=f"{ZIP.relative_to(ROOT)} is missing: run make package", error=True)]
    task = Path(tempfile.mkdtemp(prefix="kizuna-bench-task-"))
    try:
        zipfile.ZipFile(ZIP).extractall(task)
        return _measure(_Bundle(task))
    finally:
        shutil.rmtree(task, ignore_errors=True)


def _measure(bundle: _Bundle) -> list[Row]:
    size = ZIP.stat().st_size
    rows = [
        Row(NAME, "zipped size", size / 1024 / 1024, "MiB", note=f"{ZIP.relative_to(ROOT)}"),
        Row(NAME, "zipped size / 10 MiB", size / TARGET_BYTES, "x", 1.0, note="Lambda bundle target"),
    ]
    found = bundle.run([HANDLERS["api"]])
    deps = found["third_party"]
    sides = {"api": [HANDLERS["api"]], "api deps": deps, **{k: [v] for k, v in HANDLERS.items() if k != "api"}}
    for names in sides.values():  # warm the page cache
        bundle.run(names)
    times: dict[str, list[float]] = {side: [] for side in sides}
    last: dict[str, dict[str, Any]] = {}
    for i in range(RUNS):
        order = list(sides) if i % 2 == 0 else list(reversed(sides))
        for side in order:
            out = bundle.run(sides[side])
            times[side].append(out["seconds"] * 1000)
            last[side] = out
    api, api_deps = median(times["api"]), median(times["api deps"])
    ranking = median(times["ranking"])
    clients = sorted(set(last["ranking"]["tops"]) & {"boto3", "botocore", "pynamodb", "opensearchpy"})
    rows += [
        Row(NAME, "API import app (from the bundle)", api, "ms", note=f"{RUNS} fresh interpreters, alternating"),
        Row(NAME, "API third-party deps alone", api_deps, "ms", note=f"{len(deps)} modules"),
        Row(NAME, "API app/deps", api / api_deps, "x", IMPORT_TARGET, note="the app's own modules' cold cost"),
        Row(
            NAME,
            "stream handler import",
            median(times["stream"]),
            "ms",
            note=f"loads {len(last['stream']['third_party'])} third-party modules (Powertools, opensearch adapter)",
        ),
        Row(
            NAME,
            "ban sweep handler import",
            median(times["sweep"]),
            "ms",
            note=f"loads {len(last['sweep']['third_party'])} third-party modules (PynamoDB, Powertools); "
            "no app.py, Chalice or OpenSearch",
        ),
        Row(
            NAME,
            "ranking handler import",
            ranking,
            "ms",
            note=f"ceiling {RANKING_CEILING_MS:g} ms; AWS/search clients loaded: {', '.join(clients) or 'none'}",
        ),
    ]
    return rows
