"""``make fuzz``: schemathesis against ``/openapi.json`` of a throw-away local stack, as three callers.

A member, a company owner (with a company, its official community and a campaign) and an admin
each get a real token; schemathesis generates valid and invalid requests for every operation
from the OpenAPI document and checks that none answers 5xx, that every status is documented and
that every response matches its schema. ``POST /auth/login`` is left out (failed guesses lock
handles), and so are the two calls that end the caller's own session (``POST /auth/logout``,
``DELETE /me``): they are tested on their own, and here they would leave the rest unauthenticated.
The coverage phase is left out: on this CPython (3.11.7) it trips an AST recursion SystemError
inside Hypothesis while describing a filter, a fault of the tool and not of the API. Loopback
only; bounded by ``--max-time`` (split between the callers) and ``--max-examples``.

    python -m local.fuzz [--max-time 150] [--max-examples 40]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from local.stack import start_api, throwaway_stack

EXCLUDED = [("POST", "/auth/login"), ("POST", "/auth/logout"), ("DELETE", "/me")]
CHECKS = "not_a_server_error,status_code_conformance,response_schema_conformance,content_type_conformance"
PASSWORD = "fuzz-correct-horse-battery-42"


def _json(api_url: str, method: str, path: str, body: Any = None, token: str | None = None) -> Any:
    import json
    import urllib.request

    req = urllib.request.Request(api_url + path, method=method, data=json.dumps(body).encode() if body else None)
    req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(req, timeout=30) as res:
        raw = res.read()
    return json.loads(raw) if raw else None


def _callers(api_url: str) -> dict[str, str]:
    """Tokens of a member, a company owner with a campaign, and an admin (made through the API)."""
    from chalicelib.bootstrap import services

    svc = services()
    handle = f"fuzzadmin_{uuid.uuid4().hex[:6]}"
    svc.auth.ensure_admin(handle, PASSWORD, 1000)
    admin = _json(api_url, "POST", "/auth/login", {"handle": handle, "password": PASSWORD})["token"]

    def member(prefix: str) -> tuple[str, str]:
        code = _json(api_url, "POST", "/invites", {}, admin)["code"]
        name = f"{prefix}_{uuid.uuid4().hex[:8]}"
        body = {"invite_code": code, "handle": name, "display_name": prefix, "password": PASSWORD,
                "email": f"{name}@example.com"}  # fmt: skip
        return name, _json(api_url, "POST", "/auth/signup", body)["token"]

    _, plain = member("fuzzmember")
    owner_handle, owner = member("fuzzowner")
    company = _json(
        api_url, "POST", "/companies", {"name": "ファズ株式会社", "website": "https://fuzz.example.jp"}, admin
    )
    _json(api_url, "PUT", f"/companies/{company['id']}/staff/{owner_handle}", {"role": "owner"}, admin)
    official = _json(
        api_url, "POST", "/communities",
        {"name": "ファズ公式", "category": "tech", "company_id": company["id"]}, owner,
    )  # fmt: skip
    _json(api_url, "POST", f"/communities/{official['id']}/posts", {"title": "お知らせ", "body": "本文"}, owner)
    _json(
        api_url, "POST", f"/companies/{company['id']}/campaigns",
        {"name": "ファズ", "target": {"type": "community", "id": official["id"]}, "headline": "見出し",
         "text": "本文", "keywords": [{"text": "fuzz", "match": "broad", "max_cpc": 10}], "daily_budget": 1000},
        owner,
    )  # fmt: skip
    return {"member": plain, "owner": owner, "admin": admin}


def schemathesis_command(api_url: str, token: str, max_time: int, max_examples: int, report: Path) -> list[str]:
    """One schemathesis run as the caller of ``token``."""
    cmd = [
        str(Path(sys.executable).parent / "schemathesis"), "run", f"{api_url}/openapi.json",
        "--checks", CHECKS, "--phases", "examples,fuzzing", "--mode", "all",
        "--max-time", str(max_time), "--max-examples", str(max_examples), "--workers", "2",
        "--header", f"Authorization: Bearer {token}", "--request-timeout", "30",
        "--generation-database", "none", "--no-shrink", "--seed", "20261201",
        "--report", "junit", "--report-junit-path", str(report),
    ]  # fmt: skip
    for method, path in EXCLUDED:  # operation ids are "<method>_<path>" (chalicelib/openapi.py)
        cmd += ["--exclude-operation-id", f"{method.lower()}_{path}"]
    return cmd


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m local.fuzz", description=__doc__.splitlines()[0])
    parser.add_argument("--max-time", type=int, default=600, help="seconds in all, split between the callers")
    parser.add_argument("--max-examples", type=int, default=100, help="test cases per operation and phase")
    args = parser.parse_args(argv)
    started = time.monotonic()
    failed: list[str] = []
    with throwaway_stack("fuzz", {"POWERTOOLS_LOG_LEVEL": "WARNING"}), tempfile.TemporaryDirectory() as tmp:
        api = start_api(dict(os.environ), log=Path(tmp) / "api.log")
        try:
            callers = _callers(api.url)
            share = max(20, args.max_time // len(callers))
            for who, token in callers.items():
                print(f"\n=== schemathesis as the {who} ({share} s) ===", flush=True)
                report = Path(tmp) / f"{who}.xml"
                cmd = schemathesis_command(api.url, token, share, args.max_examples, report)
                # In a scratch folder: schemathesis keeps a .schemathesis/ directory where it runs.
                if subprocess.run(cmd, cwd=tmp, check=False).returncode != 0:
                    failed.append(who)
        finally:
            api.stop()
    took = time.monotonic() - started
    if failed:
        print(f"\nfuzz: FAILED as {', '.join(failed)} ({took:.0f} s)", file=sys.stderr)
        return 1
    print(f"\nfuzz: no 5xx, every status documented and every response matching its schema ({took:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
