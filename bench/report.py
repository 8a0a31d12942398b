"""Result rows, the machine facts of the header and the plain-text table."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Row:
    """One printed figure. A row with a ``target`` is a ratio that should be at most that target."""

    bench: str
    metric: str
    value: float | None
    unit: str = ""
    target: float | None = None
    note: str = ""
    error: bool = False

    @property
    def verdict(self) -> str:
        if self.error:
            return "ERROR"
        if self.target is None or self.value is None:
            return ""
        return "[PASS]" if self.value <= self.target else "[FAIL]"

    def shown_value(self) -> str:
        if self.value is None:
            return "-"
        if self.unit == "x":
            return f"{self.value:.2f}x"
        if self.unit == "ms":
            return f"{self.value:.2f} ms"
        if self.unit == "":
            return f"{self.value:g}"
        return f"{self.value:.2f} {self.unit}"

    def shown_target(self) -> str:
        return "" if self.target is None else f"<= {self.target:.2f}x"


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _commit() -> str:
    # Read-only: names the commit the figures belong to.
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, timeout=5, check=False
        )
        return out.stdout.strip() or "unknown"
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "-"


def _busy_jiffies() -> int | None:
    """CPU time spent busy by the whole machine since boot, in clock ticks (Linux), or None."""
    try:
        fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except (OSError, ValueError):
        return None
    user, nice, system, _idle, _iowait, irq, softirq, steal = (fields + [0] * 8)[:8]
    return user + nice + system + irq + softirq + steal


def _own_cpu_s() -> float:
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


class Interference:
    """How much CPU other processes took while we measured (ours includes reaped children: the stack, the
    import-time interpreters)."""

    def __init__(self) -> None:
        self.wall0 = time.monotonic()
        self.busy0 = _busy_jiffies()
        self.own0 = _own_cpu_s()

    def share(self) -> float | None:
        """Other processes' CPU as a share of all CPUs over the run so far (0..1), or None if unknown."""
        busy1 = _busy_jiffies()
        if self.busy0 is None or busy1 is None:
            return None
        ticks = os.sysconf("SC_CLK_TCK")
        others = (busy1 - self.busy0) / ticks - (_own_cpu_s() - self.own0)
        capacity = (time.monotonic() - self.wall0) * (os.cpu_count() or 1)
        return max(0.0, others / capacity) if capacity > 0 else None


def header() -> str:
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    packages = ", ".join(f"{d} {_version(d)}" for d in ("chalice", "pynamodb", "pydantic", "botocore", "PyJWT"))
    lines = [
        "Kizuna benchmarks",
        f"  when      {datetime.now(UTC).strftime('%Y-%m-%d %H:%M:%S')} UTC, commit {_commit()}",
        f"  python    {platform.python_implementation()} {platform.python_version()} ({sys.executable})",
        f"  machine   {platform.system()} {platform.release()} {platform.machine()}, {_cpu_model()}",
        f"  cpus      {os.cpu_count()} logical, {usable} usable by this process; load average {_loadavg()}",
        f"  packages  {packages}",
    ]
    return "\n".join(lines)


def _loadavg() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


def table(rows: list[Row]) -> str:
    """Rows as an aligned plain-text table; notes go on the right."""
    head = ("benchmark", "metric", "value", "target", "", "note")
    cells = [head] + [(r.bench, r.metric, r.shown_value(), r.shown_target(), r.verdict, r.note) for r in rows]
    widths = [max(len(c[i]) for c in cells) for i in range(len(head))]
    right = {2, 3}  # numbers are right-aligned

    def fmt(c: tuple[str, ...]) -> str:
        parts = [c[i].rjust(widths[i]) if i in right else c[i].ljust(widths[i]) for i in range(len(c))]
        return "  ".join(parts).rstrip()

    rule = "  ".join("-" * w for w in widths).rstrip()
    out = [fmt(head), rule]
    previous = None
    for c in cells[1:]:
        if previous is not None and c[0] != previous:
            out.append("")
        out.append(fmt(c))
        previous = c[0]
    return "\n".join(out)


def footer(rows: list[Row], seconds: float, others: float | None) -> str:
    judged = [r for r in rows if r.verdict in ("[PASS]", "[FAIL]")]
    failed = [r for r in judged if r.verdict == "[FAIL]"]
    errors = [r for r in rows if r.error]
    summary = f"{len(judged) - len(failed)}/{len(judged)} ratios within target"
    if errors:
        summary += f", {len(errors)} benchmark(s) errored"
    lines = [f"{summary}; whole run {seconds:.1f} s."]
    if others is not None:
        lines.append(f"Other processes used {others:.0%} of this machine's CPU during the run.")
        if others > 0.10:
            lines.append("WARNING: the machine was busy with other work; the figures, p95s above all, are noisy.")
    return "\n".join(
        [
            *lines,
            "Figures are from ONE run on this machine: each ratio compares two measurements taken",
            "interleaved in the same run, so it carries over between machines better than the",
            "absolute times do. This is a report, not a test: the exit code is 0 either way.",
        ]
    )
