"""Slim the Lambda bundle that ``chalice package`` wrote, in place.

    python -m infra.bundle build/package

``chalice package`` zips every wheel that ``requirements.txt`` resolves to. Two things make that
zip large and its cold starts slow, and both are fixed here, after Chalice and before CloudFormation:

* **Packages the Lambda runtime already has.** PynamoDB depends on botocore (16 MB zipped), which
  every Python Lambda runtime ships with boto3 and s3transfer. They are dropped from the zip
  (``RUNTIME_PROVIDED``); their small pure dependencies (jmespath, python-dateutil, urllib3) stay,
  at the versions pip resolved, because opensearch-py and requests need them too.
* **No bytecode.** ``/var/task`` is read-only, so without ``.pyc`` files in the zip every cold
  start compiles every module it imports. The app's own code (``app.py``, ``chalicelib/``) keeps
  its sources and gets ``__pycache__/*.cpython-311.pyc`` with ``UNCHECKED_HASH`` invalidation (the
  zip's 1980 timestamps would defeat timestamp checks). Third-party modules are shipped as
  sourceless ``.pyc`` in place of their ``.py`` (as ``compileall -b`` lays them out): that is what
  brings the zip under 10 MB; their tracebacks keep file names and line numbers, not source lines.
  File names in the bytecode are ``/var/task/...``. The interpreter compiling them must be the
  runtime's minor version (``python3.11``): the template's ``Runtime`` is checked against it.

The result is deterministic (entries sorted, fixed timestamps), so an unchanged bundle has an
unchanged hash and ``aws cloudformation package`` does not upload it again.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import marshal
import sys
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

#: Top-level names in the zip that the AWS Lambda Python runtime provides (with their dist-info).
RUNTIME_PROVIDED = ("boto3", "botocore", "s3transfer")
#: Where Lambda unpacks the bundle (the file names compiled into the bytecode, for tracebacks).
TASK_ROOT = "/var/task"
#: The size the bundle must stay under (zipped), well below Lambda's 50 MB direct-upload limit.
TARGET_BYTES = 10 * 1024 * 1024
FIXED_DATE = (1980, 1, 1, 0, 0, 0)
#: Top-level names whose sources stay in the zip (readable tracebacks of our own code).
OWN_CODE = ("app.py", "chalicelib")
#: Files no import reads: type stubs and markers.
UNUSED_SUFFIXES = (".pyi", "/py.typed")


class BundleError(Exception):
    """The bundle cannot be slimmed safely (wrong interpreter, missing zip)."""


@dataclass(frozen=True)
class Report:
    before: int
    after: int
    dropped: int
    compiled: int

    def line(self) -> str:
        return (
            f"{self.before / 1e6:.1f} MB -> {self.after / 1e6:.1f} MB zipped "
            f"({self.dropped} runtime-provided or unused files dropped, {self.compiled} modules precompiled)"
        )


def runtime_provided(name: str) -> bool:
    """True for a zip entry belonging to a package the Lambda runtime ships."""
    top = name.split("/", 1)[0]
    for package in RUNTIME_PROVIDED:
        if top == package or (top.startswith(f"{package}-") and top.endswith((".dist-info", ".data"))):
            return True
    return False


def expected_runtime() -> str:
    return f"python{sys.version_info.major}.{sys.version_info.minor}"


def check_runtime(template: Path) -> None:
    """Every function of the template must run the interpreter that compiles the bytecode."""
    doc = json.loads(template.read_text(encoding="utf-8"))
    for logical_id, resource in doc.get("Resources", {}).items():
        runtime = resource.get("Properties", {}).get("Runtime")
        if resource.get("Type") == "AWS::Serverless::Function" and runtime != expected_runtime():
            raise BundleError(f"{logical_id} runs {runtime}, but bytecode would be compiled by {expected_runtime()}")


def own_code(name: str) -> bool:
    return name.split("/", 1)[0] in OWN_CODE


def pyc_name(source: str) -> str:
    """Where the bytecode of ``source`` goes: ``__pycache__`` beside our sources, in place of third-party ones."""
    if not own_code(source):
        return source + "c"
    cached = importlib.util.cache_from_source("/" + source)
    return cached.lstrip("/")


def compile_source(name: str, source: bytes) -> bytes:
    """The ``.pyc`` bytes of one module, unchecked-hash based (PEP 552: flags = 0b01)."""
    code = compile(source, f"{TASK_ROOT}/{name}", "exec", dont_inherit=True, optimize=0)
    flags = (0b01).to_bytes(4, "little")
    source_hash = importlib.util.source_hash(source)
    return importlib.util.MAGIC_NUMBER + flags + source_hash + marshal.dumps(code)


def _entry(name: str, mode: int) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, FIXED_DATE)
    info.external_attr = (mode & 0xFFFF) << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    info.create_system = 3  # unix, so the mode bits are honoured
    return info


def slim(zip_path: Path) -> Report:
    """Rewrite ``zip_path``: runtime-provided packages out, bytecode in."""
    if not zip_path.exists():
        raise BundleError(f"{zip_path} does not exist (run chalice package first)")
    before = zip_path.stat().st_size
    files: dict[str, tuple[bytes, int]] = {}
    dropped = 0
    with zipfile.ZipFile(zip_path) as source:
        for info in source.infolist():
            if info.is_dir() or "/__pycache__/" in f"/{info.filename}":
                continue  # rebuilt below (sourceless .pyc of an already slimmed zip are kept)
            if runtime_provided(info.filename) or info.filename.endswith(UNUSED_SUFFIXES):
                dropped += 1
                continue
            mode = (info.external_attr >> 16) or 0o644
            files[info.filename] = (source.read(info), mode)
    compiled = 0
    for name, (data, _) in list(files.items()):
        if not name.endswith(".py"):
            continue
        try:
            pyc = compile_source(name, data)
        except SyntaxError:
            # e.g. a Python 2-only file some wheel ships but never imports: leave it uncompiled.
            continue
        files[pyc_name(name)] = (pyc, 0o644)
        if not own_code(name):
            del files[name]
        compiled += 1
    tmp = zip_path.with_suffix(".zip.tmp")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for name in sorted(files):
            data, mode = files[name]
            target.writestr(_entry(name, mode), data)
    tmp.replace(zip_path)
    return Report(before=before, after=zip_path.stat().st_size, dropped=dropped, compiled=compiled)


def names(zip_path: Path) -> Iterable[str]:
    with zipfile.ZipFile(zip_path) as z:
        return z.namelist()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m infra.bundle", description=__doc__.split("\n\n")[0])
    parser.add_argument("package_dir", type=Path, help="the output directory of chalice package (build/package)")
    args = parser.parse_args(argv)
    try:
        check_runtime(args.package_dir / "sam.json")
        report = slim(args.package_dir / "deployment.zip")
    except BundleError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"{args.package_dir / 'deployment.zip'}: {report.line()}")
    if report.after > TARGET_BYTES:
        print(f"error: the bundle is over {TARGET_BYTES / 1024 / 1024:.0f} MiB", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
