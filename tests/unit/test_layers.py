"""The layers hold: read from the source's own import statements (TYPE_CHECKING ones included).

* a domain module (routes, services, models, ports) never imports the adapters, the storage and
  search clients, or the composition root;
* a service depends only on its own domain, the kernel, pagination, errors and other domains'
  models: never on another domain's service, routes or ports, nor on the HTTP layer;
* the kernel and pagination import no domain; only entry points import ``chalicelib.bootstrap``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LIB = ROOT / "chalicelib"
#: Not domains: the adapters, and the packages of the Lambdas' own handlers (entry points that build
#: what they run from the adapters, without the composition root).
NOT_DOMAINS = ("adapters", "streams", "sweeps", "__pycache__")
DOMAINS = sorted(p.name for p in LIB.iterdir() if p.is_dir() and p.name not in NOT_DOMAINS)
STORAGE = ("chalicelib.adapters", "pynamodb", "opensearchpy", "boto3", "botocore")
#: The modules that may build the app from the composition root (besides local/, bench/ and tests).
ENTRY_POINTS = {"chalicelib.ops", "chalicelib.demo", "chalicelib.streams.handler"}  # demo: ops seed-demo


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts)


def imports(path: Path) -> set[str]:
    """Every module ``path`` imports, anywhere in the file (absolute names; ``from x import y`` gives both)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found |= {f"{node.module}.{a.name}" for a in node.names}
    return found


def under(name: str, prefixes: tuple[str, ...] | str) -> bool:
    prefixes = (prefixes,) if isinstance(prefixes, str) else prefixes
    return any(name == p or name.startswith(p + ".") for p in prefixes)


DOMAIN_MODULES = sorted(p for d in DOMAINS for p in (LIB / d).rglob("*.py"))


def test_the_domain_folders_are_the_ones_the_architecture_names() -> None:
    assert set(DOMAINS) >= {
        "members", "invites", "friends", "communities", "posts", "companies", "placements", "search",
        "moderation", "ranking",
    }  # fmt: skip


@pytest.mark.parametrize("path", DOMAIN_MODULES, ids=module_name)
def test_a_domain_module_imports_no_adapter_storage_client_or_composition_root(path: Path) -> None:
    bad = {name for name in imports(path) if under(name, STORAGE) or under(name, "chalicelib.bootstrap")}
    assert not bad, f"{module_name(path)} imports {sorted(bad)}"


SERVICES = sorted(LIB.glob("*/service.py"))


@pytest.mark.parametrize("path", SERVICES, ids=module_name)
def test_a_service_depends_on_its_ports_the_kernel_and_domain_models_only(path: Path) -> None:
    own = f"chalicelib.{path.parent.name}"
    allowed_shared = ("chalicelib.kernel", "chalicelib.pagination", "chalicelib.errors", "chalicelib.signing")
    bad = set()
    for name in imports(path):
        if not under(name, "chalicelib") or name == "chalicelib" or under(name, own):
            continue
        if under(name, allowed_shared):
            continue
        parts = name.split(".")
        if len(parts) >= 3 and parts[1] in DOMAINS and parts[2] == "models":
            continue  # another domain's types, e.g. the PostOut of an inbox entry
        bad.add(name)
    assert not bad, f"{module_name(path)} imports {sorted(bad)}"


@pytest.mark.parametrize("name", ["kernel", "pagination", "errors", "signing", "config", "limits"])
def test_the_shared_kernel_imports_no_domain(name: str) -> None:
    found = imports(LIB / f"{name}.py")
    bad = {n for n in found if any(under(n, f"chalicelib.{d}") for d in DOMAINS)} | {
        n for n in found if under(n, STORAGE) or under(n, "chalicelib.bootstrap")
    }
    assert not bad, f"chalicelib.{name} imports {sorted(bad)}"


def test_only_entry_points_import_the_composition_root() -> None:
    importers = {
        module_name(p)
        for p in LIB.rglob("*.py")
        if p.name != "bootstrap.py" and any(under(n, "chalicelib.bootstrap") for n in imports(p))
    }
    assert importers <= ENTRY_POINTS, sorted(importers - ENTRY_POINTS)


def test_the_http_layer_does_not_build_services() -> None:
    bad = {n for n in imports(LIB / "http.py") if under(n, ("chalicelib.bootstrap", *STORAGE))}
    assert not bad


def test_only_the_adapters_and_the_composition_root_name_storage_clients() -> None:
    outside = [p for p in LIB.rglob("*.py") if "adapters" not in p.relative_to(LIB).parts and p.name != "bootstrap.py"]
    offenders = {
        module_name(p): sorted(n for n in imports(p) if under(n, ("pynamodb", "opensearchpy"))) for p in outside
    }
    assert not {k: v for k, v in offenders.items() if v}
