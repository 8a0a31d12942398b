"""The guard: one stack update creates or deletes at most one GSI per table (CloudFormation's limit).

Compared against ``infra/deployed/<stage>.json``, the tables as last deployed (``make deploy``
records it): see ``infra/upgrade.py`` for why a snapshot and not git HEAD.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from infra import template as infra
from infra import upgrade


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    built: dict[str, Any] = infra.build_template(infra.load_stage("prod"))
    return built


def gsi(name: str, key: str) -> dict[str, Any]:
    return {
        "IndexName": name,
        "KeySchema": [{"AttributeName": key, "KeyType": "HASH"}],
        "Projection": {"ProjectionType": "ALL"},
    }


def with_gsis(template: dict[str, Any], table: str, *indexes: dict[str, Any]) -> dict[str, Any]:
    changed = copy.deepcopy(template)
    props = changed["Resources"][table]["Properties"]
    props["GlobalSecondaryIndexes"] = [*props.get("GlobalSecondaryIndexes", []), *indexes]
    return changed


def test_the_current_models_fit_one_update_over_the_deployed_snapshot(template: dict[str, Any]) -> None:
    deployed = upgrade.load("prod")
    assert deployed is not None, "infra/deployed/prod.json is committed"
    assert upgrade.changes_refused(deployed, template) == []


def test_one_new_gsi_per_table_passes_two_fail(template: dict[str, Any]) -> None:
    deployed = upgrade.table_shapes(template)
    one = with_gsis(template, "PostsTable", gsi("by_x", "x"))
    assert upgrade.changes_refused(deployed, one) == []
    two = with_gsis(template, "PostsTable", gsi("by_x", "x"), gsi("by_y", "y"))
    (problem,) = upgrade.changes_refused(deployed, two)
    assert "PostsTable" in problem and "by_x, by_y" in problem
    # One on each of two tables is fine: the limit is per table.
    both = with_gsis(with_gsis(template, "PostsTable", gsi("by_x", "x")), "MembersTable", gsi("by_y", "y"))
    assert upgrade.changes_refused(deployed, both) == []


def test_changing_a_gsi_in_place_is_a_delete_and_a_create(template: dict[str, Any]) -> None:
    base = with_gsis(template, "PostsTable", gsi("by_x", "x"))
    deployed = upgrade.table_shapes(base)
    changed = copy.deepcopy(base)
    changed["Resources"]["PostsTable"]["Properties"]["GlobalSecondaryIndexes"][-1] = gsi("by_x", "z")
    assert len(upgrade.changes_refused(deployed, changed)) == 1


def test_a_new_table_may_come_with_many_gsis_but_keys_and_tables_cannot_change(template: dict[str, Any]) -> None:
    deployed = upgrade.table_shapes(template)
    new = copy.deepcopy(template)
    new["Resources"]["ExtraTable"] = copy.deepcopy(template["Resources"]["PostsTable"])
    new["Resources"]["ExtraTable"]["Properties"]["TableName"] = "kizuna-prod-extra"
    new = with_gsis(new, "ExtraTable", gsi("a", "a"), gsi("b", "b"))
    assert upgrade.changes_refused(deployed, new) == []
    rekeyed = copy.deepcopy(template)
    rekeyed["Resources"]["PostsTable"]["Properties"]["KeySchema"] = [{"AttributeName": "other", "KeyType": "HASH"}]
    assert "replace" in upgrade.changes_refused(deployed, rekeyed)[0]
    gone = copy.deepcopy(template)
    del gone["Resources"]["PostsTable"]
    assert "no longer generated" in upgrade.changes_refused(deployed, gone)[0]
