"""``import app`` in a fresh interpreter vs importing only the third-party code it loads.

The baseline is derived, not hand-written: a child process imports ``app`` and reports every
third-party module (not stdlib, not ``app``/``chalicelib``/``local``/``bench``) that the import
added to ``sys.modules``, in load order. The baseline child imports exactly those, so both
sides load the same third-party code and the ratio is what the app's own modules cost at a
cold start: their bytecode, their stdlib imports, the pydantic and PynamoDB models and the
dataclasses they build, the Chalice routes they register. Runs alternate between the two.

A second pair of rows, for reference and not judged, does the same for ``import app`` followed
by wiring every service of the composition root (no I/O): the whole API's own code, which no one
request needs, and which ``import app`` alone loaded before services were wired on first use.

Bytecode: both sides read ``.pyc`` files from one throw-away ``PYTHONPYCACHEPREFIX`` filled by
the warm-up runs, so neither pays for compiling source (``PYTHONDONTWRITEBYTECODE`` would
otherwise leave the app's modules uncompiled while site-packages has ``.pyc`` from pip).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bench.report import ROOT, Row
from bench.stats import median

if TYPE_CHECKING:
    from bench.runner import Context

NAME = "import app"
TARGET = 1.15
RUNS = 15
WARMUP = 2
PROJECT = ("app", "chalicelib", "local", "bench")
TIMEOUT_S = 60

# Shared prologue: what counts as third-party, and a snapshot of sys.modules before the import.
_PROLOGUE = textwrap.dedent(
    f"""
    import sys, time, json, importlib
    PROJECT = {PROJECT!r}
    def third_party(name):
        top = name.partition(".")[0]
        if top.startswith("__") or top.startswith("_sysconfigdata"):  # __main__/__mp_main__; stdlib's data
            return False
        return top not in sys.stdlib_module_names and top not in PROJECT
    import gc
    gc_pauses = []
    def on_gc(phase, info, started=[0.0]):
        if phase == "start":
            started[0] = time.perf_counter()
        else:
            gc_pauses.append((info["generation"], time.perf_counter() - started[0]))
    gc.callbacks.append(on_gc)
    def report(seconds, cpu, before):
        new = [m for m in sys.modules if m not in before]
        print(json.dumps({{
            "seconds": seconds,
            "cpu": cpu,
            "gc": sum(p for _, p in gc_pauses),
            "full_gc": sum(1 for g, _ in gc_pauses if g == 2),
            "third_party": [m for m in new if third_party(m)],
            "stdlib": sorted(m for m in new if not third_party(m) and m.partition(".")[0] not in PROJECT),
        }}))
    before = set(sys.modules)
    """
)

_APP = _PROLOGUE + textwrap.dedent(
    """
    c0, t0 = time.process_time(), time.perf_counter()
    import app
    t1, c1 = time.perf_counter(), time.process_time()
    report(t1 - t0, c1 - c0, before)
    """
)

# The whole API's own code, as a cold start that reaches every domain pays for it: ``import app``
# and then every service of the composition root wired (no I/O: the stores and the search client
# connect on first use). Before services were wired on first use, ``import app`` alone did this.
_WIRED = _PROLOGUE + textwrap.dedent(
    """
    import os
    os.environ.setdefault("KIZUNA_JWT_SECRET", "bench-only-not-a-secret")
    c0, t0 = time.process_time(), time.perf_counter()
    import app
    from functools import cached_property
    from chalicelib import bootstrap
    wired = bootstrap.build(bootstrap.settings())
    for name, member in vars(bootstrap.Services).items():
        if isinstance(member, cached_property):
            getattr(wired, name)
    t1, c1 = time.perf_counter(), time.process_time()
    report(t1 - t0, c1 - c0, before)
    """
)

_DEPS = _PROLOGUE + textwrap.dedent(
    """
    names = json.loads(sys.argv[1])
    c0, t0 = time.process_time(), time.perf_counter()
    for name in names:
        if name not in sys.modules:
            importlib.import_module(name)
    t1, c1 = time.perf_counter(), time.process_time()
    report(t1 - t0, c1 - c0, before)
    """
)

_PROBE = textwrap.dedent(
    """
    import importlib, json, sys
    ok = []
    for name in json.loads(sys.argv[1]):
        try:
            if name not in sys.modules:
                importlib.import_module(name)
        except Exception:
            continue
        ok.append(name)
    print(json.dumps({"ok": ok}))
    """
)


class _Children:
    """Fresh interpreters in the repo root, sharing one private bytecode cache."""

    def __init__(self, cache_dir: str):
        self.env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        self.env["PYTHONPYCACHEPREFIX"] = cache_dir

    def run(self, code: str, *args: str) -> dict[str, Any]:
        return run_child([sys.executable, "-c", code, *args], ROOT, self.env)


def run_child(cmd: list[str], cwd: Any, env: dict[str, str]) -> dict[str, Any]:
    """Run a measuring child interpreter; the JSON object on its last line of output."""
    res = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=TIMEOUT_S, check=False)
    if res.returncode != 0:
        raise RuntimeError(f"child failed ({res.returncode}): {res.stderr.strip()[-600:]}")
    return dict(json.loads(res.stdout.strip().splitlines()[-1]))


def run(ctx: Context) -> list[Row]:
    cache_dir = tempfile.mkdtemp(prefix="kizuna-bench-pycache-")
    try:
        children = _Children(cache_dir)
        return _measure(children) + _wired(children)
    finally:
        shutil.rmtree(cache_dir, ignore_errors=True)


def _wired(children: _Children) -> list[Row]:
    """For reference: ``import app`` plus every service wired, against its own dependencies."""
    sides = _alternate(children, _WIRED)
    a, d = median(sides.times["app"]), median(sides.times["deps"])
    last, same = sides.last, sides.same_third_party
    note = "for reference, not judged: every domain's models, stores and services, as no one request needs"
    return [
        Row(NAME, "import app + all services wired", a, "ms", note=f"{RUNS} fresh interpreters each, alternating"),
        Row(NAME, "their deps alone", d, "ms", note=f"{len(last['deps']['third_party'])} third-party modules"),
        Row(NAME, "all wired/deps", a / d, "x", note=note if same else note + "; third-party sets differ"),
    ]


@dataclass
class _Sides:
    """Per side ("app", "deps"): wall and CPU milliseconds and GC pauses per run, the last report."""

    times: dict[str, list[float]]
    cpu: dict[str, list[float]]
    gc_ms: dict[str, list[float]]
    full_gcs: dict[str, int]
    last: dict[str, dict[str, Any]]
    same_third_party: bool


def _alternate(children: _Children, app_code: str) -> _Sides:
    """Median inputs of ``app_code`` vs the third-party modules it loads, in alternating fresh runs."""
    found = children.run(app_code)
    loaded: list[str] = found["third_party"]
    # Keep the load order; drop names a plain import cannot produce (aliases, if any).
    deps: list[str] = children.run(_PROBE, json.dumps(loaded))["ok"]
    arg = json.dumps(deps)

    for _ in range(WARMUP):
        children.run(app_code)
        children.run(_DEPS, arg)

    times: dict[str, list[float]] = {"app": [], "deps": []}
    cpu: dict[str, list[float]] = {"app": [], "deps": []}
    gc_ms: dict[str, list[float]] = {"app": [], "deps": []}
    full_gcs: dict[str, int] = {"app": 0, "deps": 0}
    last: dict[str, dict[str, Any]] = {}
    same_third_party = True
    for i in range(RUNS):
        order = ["app", "deps"] if i % 2 == 0 else ["deps", "app"]
        for side in order:
            out = children.run(app_code) if side == "app" else children.run(_DEPS, arg)
            times[side].append(out["seconds"] * 1000)
            cpu[side].append(out["cpu"] * 1000)
            gc_ms[side].append(out["gc"] * 1000)
            full_gcs[side] += out["full_gc"]
            last[side] = out
        same_third_party &= set(last["app"]["third_party"]) == set(last["deps"]["third_party"])

    return _Sides(times, cpu, gc_ms, full_gcs, last, same_third_party)


def _measure(children: _Children) -> list[Row]:
    sides = _alternate(children, _APP)
    times, cpu, gc_ms, full_gcs, last = sides.times, sides.cpu, sides.gc_ms, sides.full_gcs, sides.last
    same_third_party, loaded = sides.same_third_party, sides.last["app"]["third_party"]
    a, d = median(times["app"]), median(times["deps"])
    app_tp, deps_tp = set(last["app"]["third_party"]), set(last["deps"]["third_party"])
    stdlib_only_app = sorted(set(last["app"]["stdlib"]) - set(last["deps"]["stdlib"]))
    tops = sorted({m.partition(".")[0] for m in loaded if not m.startswith("_")})
    if same_third_party:
        set_note = f"both sides load the same {len(app_tp)} third-party modules"
    else:
        only_app, only_deps = sorted(app_tp - deps_tp)[:4], sorted(deps_tp - app_tp)[:4]
        set_note = f"third-party sets differ: only app {only_app}, only deps {only_deps}"
    extra = f"stdlib only app loads: {', '.join(stdlib_only_app[:6]) or 'none'}"
    return [
        Row(NAME, "import app median", a, "ms", note=f"{RUNS} fresh interpreters each, alternating, .pyc cached"),
        Row(NAME, "import deps median", d, "ms", note=f"{len(tops)} packages: {', '.join(tops[:8])}, …"),
        Row(NAME, "app - deps", a - d, "ms", note=extra),
        Row(
            NAME,
            "GC pauses in app import",
            median(gc_ms["app"]),
            "ms",
            note=f"median; deps alone: {median(gc_ms['deps']):.2f} ms; "
            f"full (gen 2) collections per run: app {full_gcs['app'] / RUNS:g}, deps {full_gcs['deps'] / RUNS:g}",
        ),
        Row(NAME, "app/deps", a / d, "x", TARGET, note=set_note),
        Row(
            NAME,
            "app/deps, CPU time",
            median(cpu["app"]) / median(cpu["deps"]),
            "x",
            note="for reference, not judged: less sensitive to other load on the machine",
        ),
    ]
