"""Runs the selected benchmarks, one throw-away stack shared by those that need it, and prints the report."""

from __future__ import annotations

import argparse
import signal
import sys
import time
import traceback

from bench.registry import BENCHMARKS, Benchmark
from bench.report import Interference, Row, footer, header, table
from bench.stack import BenchStack


class Context:
    """What a benchmark gets: the stack, started on first use and stopped by the runner."""

    def __init__(self) -> None:
        self._stack: BenchStack | None = None

    @property
    def stack(self) -> BenchStack:
        if self._stack is None:
            t0 = time.monotonic()
            _progress("starting DynamoDB Local and osmem-server…")
            self._stack = BenchStack().start()
            _progress(f"stack up in {time.monotonic() - t0:.1f} s (pids {', '.join(map(str, self._stack.pids()))})")
        return self._stack

    def close(self) -> None:
        if self._stack is not None:
            stack, self._stack = self._stack, None
            stack.stop()
            _progress("stack stopped")


def _progress(message: str) -> None:
    print(f"… {message}", file=sys.stderr, flush=True)


def _select(names: list[str]) -> list[Benchmark]:
    if not names:
        return list(BENCHMARKS)
    known = {b.name: b for b in BENCHMARKS}
    unknown = [n for n in names if n not in known]
    if unknown:
        raise SystemExit(f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(known)}")
    return [b for b in BENCHMARKS if b.name in names]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description="Kizuna benchmarks (a report, not a test).")
    parser.add_argument("names", nargs="*", help="benchmarks to run (default: all)")
    parser.add_argument("--list", action="store_true", help="list the benchmarks and exit")
    args = parser.parse_args(argv)
    if args.list:
        for b in BENCHMARKS:
            print(f"{b.name:10} {b.summary}")
        return 0

    selected = _select(args.names)
    # A SIGTERM unwinds like Ctrl-C does, so the finally below still stops the stack we started.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    print(header(), end="\n\n", flush=True)
    started = time.monotonic()
    interference = Interference()
    rows: list[Row] = []
    ctx = Context()
    try:
        for bench in selected:
            _progress(f"{bench.name}: {bench.summary}")
            t0 = time.monotonic()
            try:
                rows.extend(bench.run(ctx))
            except Exception as exc:  # a broken benchmark is reported, the others still run
                traceback.print_exc(file=sys.stderr)
                rows.append(Row(bench.name, "error", None, note=f"{type(exc).__name__}: {exc}"[:200], error=True))
            _progress(f"{bench.name}: {time.monotonic() - t0:.1f} s")
    finally:
        ctx.close()
    print(table(rows))
    print()
    print(footer(rows, time.monotonic() - started, interference.share()))
    return 0
