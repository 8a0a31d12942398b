"""What one stack update may change in the tables: the guard behind "at most one GSI per table".

CloudFormation (DynamoDB, really) creates or deletes only one global secondary index per table
per stack update; an update that adds two fails and rolls back. ``infra/deployed/<stage>.json``
records the tables' keys and GSIs as last deployed (``make deploy`` rewrites it after a
successful deploy; commit it). ``changes_refused`` compares a freshly generated template with it:

* a table in both: at most one GSI added or removed (a GSI whose keys or projection changed counts
  as removed and added: two), and its own key schema unchanged (that would replace a named table);
* a new table: any number of GSIs (they are created with the table);
* a table gone from the models: refused too (its resource would be removed from the stack).

Why a committed snapshot and not ``git HEAD``'s generator output: what matters is the deployed
state, and several commits, each adding one GSI, can land between two deploys. ``tests/unit/
test_template_upgrade.py`` runs the guard on every ``make test``; ``make deploy`` runs it first.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

DEPLOYED_DIR = Path(__file__).resolve().parent / "deployed"


def deployed_file(stage: str) -> Path:
    return DEPLOYED_DIR / f"{stage}.json"


def table_shapes(template: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Logical id -> the parts of each table an update is limited on."""
    shapes: dict[str, dict[str, Any]] = {}
    for logical_id, resource in sorted(template["Resources"].items()):
        if resource.get("Type") != "AWS::DynamoDB::Table":
            continue
        props = resource["Properties"]
        shapes[logical_id] = {
            "TableName": props["TableName"],
            "KeySchema": props["KeySchema"],
            "GlobalSecondaryIndexes": {
                gsi["IndexName"]: {"KeySchema": gsi["KeySchema"], "Projection": gsi["Projection"]}
                for gsi in props.get("GlobalSecondaryIndexes", [])
            },
        }
    return shapes


def changes_refused(deployed: Mapping[str, Any], template: Mapping[str, Any]) -> list[str]:
    """Why deploying ``template`` over ``deployed`` (a ``table_shapes`` snapshot) would fail; empty: fine."""
    current = table_shapes(template)
    problems = []
    for logical_id, before in sorted(deployed.items()):
        after = current.get(logical_id)
        if after is None:
            problems.append(f"{logical_id}: the table is no longer generated (its data would be orphaned)")
            continue
        if after["KeySchema"] != before["KeySchema"] or after["TableName"] != before["TableName"]:
            problems.append(f"{logical_id}: name or key schema changed (CloudFormation would replace the table)")
        old, new = before["GlobalSecondaryIndexes"], after["GlobalSecondaryIndexes"]
        added = sorted(n for n in new if n not in old or new[n] != old[n])
        removed = sorted(n for n in old if n not in new or new[n] != old[n])
        if len(added) + len(removed) > 1:
            problems.append(
                f"{logical_id}: {len(added)} GSI(s) to create ({', '.join(added) or '-'}) and {len(removed)} to "
                f"delete ({', '.join(removed) or '-'}) in one update; CloudFormation does one per table per "
                "update: deploy them one at a time (infra/README.md, 'A second GSI')"
            )
    return problems


def load(stage: str) -> dict[str, Any] | None:
    path = deployed_file(stage)
    if not path.exists():
        return None
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def dump(template: Mapping[str, Any]) -> str:
    return json.dumps(table_shapes(template), indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def main(argv: list[str] | None = None) -> int:
    import argparse
    import sys

    parser = argparse.ArgumentParser(prog="python -m infra.upgrade", description="the one-GSI-per-update guard")
    parser.add_argument("--stage", required=True)
    parser.add_argument("template", type=Path, help="the generated template (build/infra.json)")
    parser.add_argument("--record", action="store_true", help="after a successful deploy: write the snapshot")
    args = parser.parse_args(argv)
    template = json.loads(args.template.read_text(encoding="utf-8"))
    if args.record:
        deployed_file(args.stage).parent.mkdir(parents=True, exist_ok=True)
        deployed_file(args.stage).write_text(dump(template), encoding="utf-8")
        print(f"{deployed_file(args.stage)}: recorded; commit it")
        return 0
    deployed = load(args.stage)
    problems = changes_refused(deployed, template) if deployed is not None else []
    for problem in problems:
        print(f"error: {problem}", file=sys.stderr)
    if not problems:
        print(f"{args.template}: table changes fit one stack update")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
