"""bench client-size: which files of a Vite build are first load (static) and which are lazy (dynamic)."""

from __future__ import annotations

import gzip
from pathlib import Path

from bench import client_size

INDEX = """<!doctype html>
<html><head>
  <link rel="icon" href="data:,">
  <script type="module" crossorigin src="./assets/index-AAAA.js"></script>
  <link rel="modulepreload" crossorigin href="./assets/shared-BBBB.js">
  <link rel="stylesheet" crossorigin href="./assets/index-CCCC.css">
  <link rel="preconnect" href="https://example.com">
</head><body><div id="app"></div></body></html>
"""

# Minified, as Vite writes it: the preload map first, static imports, dynamic ones inside the code.
ENTRY = (
    'const __vite__mapDeps=(i,m=__vite__mapDeps,d=(m.f||(m.f=["./dash-DDDD.js","./chart-EEEE.js",'
    '"./dash-FFFF.css"])))=>i.map(i=>d[i]);'
    'import{a as x,b as y}from"./shared-BBBB.js";import"./side-GGGG.js";export{z}from"./reexp-HHHH.js";'
    'const s="no import here";'
    'const D=()=>P(()=>import("./dash-DDDD.js"),__vite__mapDeps([0,1,2]),import.meta.url);'
)
# Not minified, with a dynamic import of its own.
SHARED = 'import { c } from "./util-IIII.js";\nexport const a = c, b = 2;\nconst M = () => import("./mod-JJJJ.js");\n'
DASH = 'import{a}from"./shared-BBBB.js";import{C}from"./chart-EEEE.js";export default function(){return C(a)}'


def _dist(tmp_path: Path, files: dict[str, str]) -> Path:
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text(INDEX)
    for name, text in files.items():
        (dist / "assets" / name).write_text(text)
    return dist


def _build(tmp_path: Path) -> Path:
    return _dist(
        tmp_path,
        {
            "index-AAAA.js": ENTRY,
            "shared-BBBB.js": SHARED,
            "index-CCCC.css": "body{margin:0}" * 50,
            "dash-DDDD.js": DASH,
            "chart-EEEE.js": "export function C(x){return x}" * 200,
            "dash-FFFF.css": ".chart{width:100%}",
            "side-GGGG.js": "window.side=1;",
            "reexp-HHHH.js": "export const z=3;",
            "util-IIII.js": "export const c=1;",
            "mod-JJJJ.js": 'import{a}from"./shared-BBBB.js";export const m=a;',
            "unused-KKKK.js": "export const never=1;",
        },
    )


def test_static_and_dynamic_imports_are_told_apart() -> None:
    assert client_size.static_imports(ENTRY) == ["./shared-BBBB.js", "./side-GGGG.js", "./reexp-HHHH.js"]
    assert client_size.dynamic_imports(ENTRY) == [
        "./dash-DDDD.js",
        "./dash-DDDD.js",
        "./chart-EEEE.js",
        "./dash-FFFF.css",
    ]
    assert client_size.static_imports(SHARED) == ["./util-IIII.js"]
    assert client_size.dynamic_imports(SHARED) == ["./mod-JJJJ.js"]


def test_first_load_is_the_html_refs_and_their_static_imports_recursively(tmp_path: Path) -> None:
    found = client_size.split(_build(tmp_path))

    assert sorted(found.first) == [
        "assets/index-AAAA.js",
        "assets/index-CCCC.css",
        "assets/reexp-HHHH.js",
        "assets/shared-BBBB.js",
        "assets/side-GGGG.js",
        "assets/util-IIII.js",  # a static import of a static import
    ]
    # Dynamic chunks, their preloaded CSS and their own static imports; shared-BBBB.js, which
    # dash and mod import too, stays first load only. unused-KKKK.js is referenced by nothing.
    assert sorted(found.lazy) == [
        "assets/chart-EEEE.js",
        "assets/dash-DDDD.js",
        "assets/dash-FFFF.css",
        "assets/mod-JJJJ.js",
    ]
    assert found.missing == []


def test_rows_sum_each_file_gzipped_at_level_9(tmp_path: Path) -> None:
    dist = _build(tmp_path)
    found = client_size.split(dist)

    rows = {r.metric: r for r in client_size.run(None, dist)}

    def gz(files: list[str]) -> int:
        return sum(len(gzip.compress((dist / f).read_bytes(), compresslevel=9)) for f in files)

    first = rows["first load JS+CSS gzip"]
    assert first.value == gz(found.first) / 1000
    assert "index-CCCC.css" in first.note and "chart-EEEE.js" not in first.note
    ratio = rows["first load / 150 kB"]
    assert ratio.value == gz(found.first) / 150_000 and ratio.target == 1.0
    assert rows["lazy chunks gzip"].value == gz(found.lazy) / 1000
    assert not any(r.error for r in rows.values())


def test_a_reference_missing_from_the_build_is_an_error(tmp_path: Path) -> None:
    dist = _dist(tmp_path, {"index-AAAA.js": 'import"./gone-ZZZZ.js";', "index-CCCC.css": ""})

    rows = client_size.run(None, dist)

    assert client_size.split(dist).missing == ["./assets/shared-BBBB.js", "./gone-ZZZZ.js"]
    assert any(r.error and "gone-ZZZZ.js" in r.note for r in rows)


def test_no_build_says_run_make_web(tmp_path: Path) -> None:
    (row,) = client_size.run(None, tmp_path / "dist")

    assert row.error and "run make web first" in row.note
