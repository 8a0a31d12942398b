"""Benchmarks of Kizuna: ``make bench`` (``python -m bench``).

Every benchmark measures a ratio against a baseline within one run, on this machine, and
prints it beside its target. It is a report, not a test: the exit code is 0 whatever the
figures say. Add a benchmark by writing a function ``fn(ctx) -> list[Row]`` and listing it
in :data:`bench.registry.BENCHMARKS`.
"""
