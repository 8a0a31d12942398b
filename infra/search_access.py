"""Fine-grained access control of the stage's OpenSearch domain: map the Lambda roles.

    python -m infra.search_access --endpoint https://search-... --api-role ARN --stream-role ARN [--region R]

CloudFormation can name the domain's master user (the ``SearchAdminArn`` parameter) but not map
other IAM roles into the security plugin's roles, so ``make deploy`` runs this as that master
user after every deploy (idempotent ``PUT``s). It defines the role ``kizuna_app`` with what the
code does and nothing else (search, bulk, create an index with its mapping and alias, read
aliases) on the stage's ``<prefix>content*`` indices only, and maps the API and stream roles to it.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any

from infra.template import SEARCH_APP_ROLE, load_stage

SECURITY_API = "/_plugins/_security/api"


def app_role(index_prefix: str) -> dict[str, Any]:
    """The security plugin role of the Lambdas: their indices only."""
    return {
        "cluster_permissions": ["cluster_composite_ops", "cluster:monitor/health", "indices:admin/aliases/get"],
        "index_permissions": [
            {
                "index_patterns": [f"{index_prefix}*"],
                "allowed_actions": [
                    "crud",
                    "create_index",
                    "indices:admin/aliases",
                    "indices:admin/aliases/get",
                    "indices:admin/exists",
                    "indices:admin/get",
                    "indices:admin/mapping/put",
                    "indices:admin/delete",
                ],
            }
        ],
    }


def role_mapping(role_arns: Sequence[str]) -> dict[str, Any]:
    return {"backend_roles": sorted(role_arns)}


def requests(index_prefix: str, role_arns: Sequence[str]) -> list[tuple[str, str, dict[str, Any]]]:
    """The (method, path, body) calls that make the mapping true."""
    return [
        ("PUT", f"{SECURITY_API}/roles/{SEARCH_APP_ROLE}", app_role(index_prefix)),
        ("PUT", f"{SECURITY_API}/rolesmapping/{SEARCH_APP_ROLE}", role_mapping(role_arns)),
    ]


def apply(client: Any, index_prefix: str, role_arns: Sequence[str]) -> None:
    for method, path, body in requests(index_prefix, role_arns):
        client.transport.perform_request(method, path, body=body)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m infra.search_access", description=__doc__.split("\n\n")[0])
    parser.add_argument("--stage", required=True)
    parser.add_argument("--endpoint", required=True, help="https://search-....es.amazonaws.com (stack output)")
    parser.add_argument("--role", action="append", required=True, help="a Lambda role ARN (repeat)")
    parser.add_argument("--region", help="the domain's region (default: as the app reads it)")
    args = parser.parse_args(argv)
    from chalicelib.adapters.opensearch import client_for

    stage = load_stage(args.stage)
    client = client_for(args.endpoint, args.region or stage.settings.region)
    apply(client, stage.settings.search_index, args.role)
    print(f"{args.endpoint}: {', '.join(args.role)} mapped to {SEARCH_APP_ROLE} on {stage.settings.search_index}*")
    return 0


if __name__ == "__main__":
    sys.exit(main())
