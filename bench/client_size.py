"""The web client's first load: the JS and CSS a browser fetches before the first screen, gzip'd.

Reads ``web/dist`` (``make web`` writes it; run that first, the benchmark does not build). The
first load is every JS and CSS file ``index.html`` references (``<script src>``, ``<link
rel=stylesheet>``, ``<link rel=modulepreload>``) and, recursively, the static imports of those
JS files (``import ... from "./x.js"``, ``import "./x.js"``, ``export ... from "./x.js"``: what
Vite writes at the top of a chunk). Chunks loaded by a dynamic ``import("./x.js")`` (the
dashboard with Chart.js, the moderation screens), the CSS Vite's ``__vite__mapDeps`` preloads
with them, and their own static imports are not first load unless the first load reaches them
statically too: they are summed in a separate row, without a target.

Each file is gzip'd alone at level 9 (``gzip.compress``, no timestamp), as a static host or a
CDN would send it; the sizes are summed. kB are 1,000 bytes.

* first load / 150 kB: the ratio, target <= 1.00;
* first load and lazy chunks in kB, each file in the note.
"""

from __future__ import annotations

import gzip
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlsplit

from bench.report import ROOT, Row

NAME = "client-size"
DIST = ROOT / "web" / "dist"
KB = 1000
TARGET_BYTES = 150 * KB
LEVEL = 9
KINDS = (".js", ".mjs", ".css")

# A static import or re-export: at the start of the text or after a statement's end, ``import``
# or ``export``, then bindings (names, braces, ``as``, ``*``, commas; no quotes or brackets) and
# ``from``, or nothing (``import "./x.js"``), then the quoted specifier. Vite minifies these to
# ``import{a as b}from"./x.js";`` at the top of a chunk.
_STATIC = re.compile(
    r"""(?:^|(?<=[;}\n]))\s*(?:import|export)\s*(?:[\w$\s{},*]*?\s*from\s*)?(["'])([^"'\n]+)\1""",
)
# ``import("./x.js")`` with a literal specifier (Vite wraps it in ``__vitePreload(() => import(...))``).
_DYNAMIC = re.compile(r"""\bimport\s*\(\s*(["'])([^"'\n]+)\1\s*\)""")
# Vite's list of the files to preload beside dynamic imports: ``m.f=["./a.js","./a.css",...]``.
_MAP_DEPS = re.compile(r"""__vite__mapDeps\s*=[^\[;]*?\.f\s*=\s*\[([^\]]*)\]""")
_STRING = re.compile(r"""(["'])([^"'\n]+)\1""")


def static_imports(js: str) -> list[str]:
    """Specifiers of ``js``'s static imports and re-exports, in order."""
    return [m.group(2) for m in _STATIC.finditer(js)]


def dynamic_imports(js: str) -> list[str]:
    """Specifiers of ``js``'s dynamic imports and of the files Vite preloads beside them."""
    found = [m.group(2) for m in _DYNAMIC.finditer(js)]
    for deps in _MAP_DEPS.finditer(js):
        found += [m.group(2) for m in _STRING.finditer(deps.group(1))]
    return found


class _Refs(HTMLParser):
    """The JS and CSS files an HTML page loads: script src, link rel=stylesheet / modulepreload href."""

    def __init__(self) -> None:
        super().__init__()
        self.refs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "script" and a.get("src"):
            self.refs.append(a["src"])
        elif (
            tag == "link" and {"stylesheet", "modulepreload"} & set(a.get("rel", "").lower().split()) and a.get("href")
        ):
            self.refs.append(a["href"])


def html_refs(html: str) -> list[str]:
    parser = _Refs()
    parser.feed(html)
    parser.close()
    return parser.refs


@dataclass
class Split:
    """The files of a build, relative to its dist directory."""

    first: list[str] = field(default_factory=list)
    lazy: list[str] = field(default_factory=list)
    #: Referenced but not in the build (a stale index.html, an absolute URL we cannot resolve).
    missing: list[str] = field(default_factory=list)


def _resolve(base: PurePosixPath, ref: str) -> str | None:
    """``ref`` (from a file in ``base``, relative to ``dist``) as a path relative to ``dist``, or None if external."""
    url = urlsplit(ref)
    if url.scheme or url.netloc:
        return None  # http:, data:, //cdn...: not part of the build
    path = PurePosixPath(url.path)
    joined = PurePosixPath(*path.parts[1:]) if path.is_absolute() else base / path
    parts: list[str] = []
    for part in joined.parts:
        if part == "..":
            if parts:
                parts.pop()
        elif part != ".":
            parts.append(part)
    return "/".join(parts)


def split(dist: Path) -> Split:
    """Which JS/CSS files of ``dist`` the first load fetches, and which are loaded later (dynamically)."""
    out = Split()
    first: dict[str, None] = {}  # ordered sets
    lazy: dict[str, None] = {}

    Refs = list[tuple[PurePosixPath, str]]  # (the directory of the referring file, the reference)

    def walk(start: Refs, into: dict[str, None], skip: dict[str, None]) -> Refs:
        """Add ``start`` and their static imports to ``into``; returns the dynamic imports met on the way."""
        later: Refs = []
        todo = list(start)
        while todo:
            base, ref = todo.pop(0)
            rel = _resolve(base, ref)
            if rel is None or rel in into or rel in skip:
                continue
            path = dist / rel
            if not path.is_file():
                if ref not in out.missing:
                    out.missing.append(ref)
                continue
            if path.suffix not in KINDS:
                continue
            into[rel] = None
            if path.suffix == ".css":
                continue
            text = path.read_text(encoding="utf-8", errors="replace")
            here = PurePosixPath(rel).parent
            todo += [(here, s) for s in static_imports(text)]
            later += [(here, s) for s in dynamic_imports(text)]
        return later

    html = (dist / "index.html").read_text(encoding="utf-8")
    dynamic = walk([(PurePosixPath("."), r) for r in html_refs(html)], first, {})
    while dynamic:  # dynamic chunks may import further chunks dynamically
        dynamic = walk(dynamic, lazy, first)
    out.first, out.lazy = list(first), list(lazy)
    return out


def gzipped(path: Path) -> int:
    return len(gzip.compress(path.read_bytes(), compresslevel=LEVEL, mtime=0))


def _listing(files: list[str], sizes: dict[str, int]) -> str:
    return ", ".join(f"{Path(f).name} {sizes[f] / KB:.1f}" for f in sorted(files, key=lambda f: -sizes[f])) or "none"


def run(ctx: Any, dist: Path = DIST) -> list[Row]:
    index = dist / "index.html"
    if not index.is_file():
        return [Row(NAME, "first load", None, note=f"{_shown(index)} is missing: run make web first", error=True)]
    found = split(dist)
    sizes = {f: gzipped(dist / f) for f in [*found.first, *found.lazy]}
    raw = sum((dist / f).stat().st_size for f in found.first)
    first = sum(sizes[f] for f in found.first)
    lazy = sum(sizes[f] for f in found.lazy)
    missing = f"; MISSING from the build (stale? run make web): {', '.join(found.missing)}" if found.missing else ""
    rows = [
        Row(
            NAME,
            "first load JS+CSS gzip",
            first / KB,
            "kB",
            note=f"{len(found.first)} files, {raw / KB:.1f} kB raw; gzip -9 kB each: "
            f"{_listing(found.first, sizes)}{missing}",
        ),
        Row(
            NAME,
            "first load / 150 kB",
            first / TARGET_BYTES,
            "x",
            1.0,
            note=f"{_shown(index)} and the static imports of its scripts, each file gzip'd (level 9)",
        ),
        Row(
            NAME,
            "lazy chunks gzip",
            lazy / KB,
            "kB",
            note=f"dynamic import() only, not first load; {len(found.lazy)} files: {_listing(found.lazy, sizes)}",
        ),
    ]
    if found.missing:
        rows.append(Row(NAME, "missing files", float(len(found.missing)), note=", ".join(found.missing), error=True))
    return rows


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)
