"""``python -m bench [NAME ...]``: run the benchmarks (all of them by default) and print a table."""

from __future__ import annotations

import sys

from bench.runner import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
