"""``make deploy STAGE=prod``: the only step that needs AWS credentials.

    python -m infra.deploy --stage prod --region ap-northeast-1 --bucket ARTIFACT_BUCKET [--admin-arn ARN]
                           [--recreate-index] [--dry-run]

Run after ``make package`` (the Makefile does both). In order, each an ``aws`` CLI call or a
module of this repository, stopping at the first failure:

1. the GSI guard (``infra.upgrade``) against ``infra/deployed/<stage>.json``;
2. the signing key must exist in SSM (else: the command that creates it, and stop);
3. ``aws cloudformation package`` (uploads the bundle and the template to the artifact bucket) and
   ``aws cloudformation deploy`` of the stack ``kizuna-<stage>``, with ``SearchAdminArn`` = the
   caller (or ``--admin-arn``);
4. the stack's outputs; ``infra.search_access`` maps the Lambda roles in the domain's
   fine-grained access control (as the admin);
5. ``aws s3 sync web/dist/`` (built by ``make web``) to the web bucket and a CloudFront invalidation;
6. the index migration, ``chalicelib.ops reindex`` (``--recreate-index``: a new index behind the
   alias), then ``ops check-index``, then ``ops check-analysis`` (the domain's analyzers against the
   tokens the tests ran with: a difference is printed and makes the exit code 1 once all is done);
7. ``infra.upgrade --record`` (commit ``infra/deployed/<stage>.json``), and the URLs.

``--dry-run`` prints the commands instead (outputs shown as ``<Name>``).
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import subprocess
import sys
from collections.abc import Sequence

from infra.template import ROOT, load_stage

PACKAGE = ROOT / "build" / "package"


class Runner:
    def __init__(self, dry_run: bool, env: dict[str, str]):
        self.dry_run = dry_run
        self.env = env

    def run(self, *command: str, capture: bool = False, env: dict[str, str] | None = None) -> str:
        shown = " ".join(shlex.quote(c) for c in command)
        print(f"+ {shown}", flush=True)
        if self.dry_run:
            return ""
        result = subprocess.run(
            command, cwd=ROOT, env={**self.env, **(env or {})}, check=True, text=True,
            stdout=subprocess.PIPE if capture else None,
        )  # fmt: skip
        return result.stdout or ""

    def returncode(self, *command: str, env: dict[str, str] | None = None) -> int:
        """Run a check whose failure is reported at the end instead of stopping the deploy."""
        print(f"+ {' '.join(shlex.quote(c) for c in command)}", flush=True)
        if self.dry_run:
            return 0
        return subprocess.run(command, cwd=ROOT, env={**self.env, **(env or {})}, check=False).returncode


def caller_arn(runner: Runner, region: str) -> str:
    """The IAM role or user behind the credentials (an assumed-role session becomes its role)."""
    arn = runner.run(
        "aws", "sts", "get-caller-identity", "--query", "Arn", "--output", "text", "--region", region, capture=True
    )
    arn = arn.strip()
    if ":assumed-role/" in arn:
        partition_account, rest = arn.split(":assumed-role/", 1)
        partition, account = partition_account.split(":sts::")
        # Roles with a path (e.g. SSO's /aws-reserved/...) need --admin-arn: the session ARN drops it.
        return f"{partition}:iam::{account}:role/{rest.split('/')[0]}"
    return arn or "<caller ARN>"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m infra.deploy", description=__doc__.split("\n\n")[0])
    parser.add_argument("--stage", required=True)
    parser.add_argument("--region", required=True)
    parser.add_argument("--bucket", required=True, help="an S3 bucket for the bundle and template (same region)")
    parser.add_argument("--admin-arn", help="the OpenSearch master IAM role/user (default: the caller)")
    parser.add_argument("--recreate-index", action="store_true", help="build a new index behind the alias")
    parser.add_argument("--dry-run", action="store_true")
    parser.add_argument("--parameter", action="append", default=[], help="extra Key=Value stack parameter")
    args = parser.parse_args(argv)

    stage = load_stage(args.stage)
    stack = f"{stage.app_name}-{stage.name}"
    env = {**os.environ, "AWS_REGION": args.region, "AWS_DEFAULT_REGION": args.region}
    runner = Runner(args.dry_run, env)
    region = ["--region", args.region]
    py = sys.executable

    runner.run(py, "-m", "infra.upgrade", "--stage", stage.name, str(ROOT / "build" / "infra.json"))
    parameter = stage.settings.jwt_secret_parameter
    if parameter:
        try:
            runner.run("aws", "ssm", "describe-parameters", "--parameter-filters", f"Key=Name,Values={parameter}",
                       "--query", "Parameters[0].Name", "--output", "text", *region, capture=True)  # fmt: skip
        except subprocess.CalledProcessError:
            value = "\"$(python3 -c 'import secrets;print(secrets.token_urlsafe(48))')\""
            print(f"error: create the signing key first:\n  aws ssm put-parameter --region {args.region} "
                  f"--name {parameter} --type SecureString --value {value}", file=sys.stderr)  # fmt: skip
            return 2
    admin = args.admin_arn or caller_arn(runner, args.region)
    packaged = str(ROOT / "build" / "packaged.yaml")
    runner.run("aws", "cloudformation", "package", "--template-file", str(PACKAGE / "sam.json"),
               "--s3-bucket", args.bucket, "--s3-prefix", stack,
               "--output-template-file", packaged, *region)  # fmt: skip
    runner.run("aws", "cloudformation", "deploy", "--template-file", packaged, "--stack-name", stack,
               "--s3-bucket", args.bucket, "--s3-prefix", stack,
               "--capabilities", "CAPABILITY_IAM", "CAPABILITY_AUTO_EXPAND", "--no-fail-on-empty-changeset",
               "--parameter-overrides", f"SearchAdminArn={admin}", *args.parameter, *region)  # fmt: skip
    raw = runner.run("aws", "cloudformation", "describe-stacks", "--stack-name", stack,
                     "--query", "Stacks[0].Outputs", "--output", "json", *region, capture=True)  # fmt: skip
    outputs: dict[str, str] = {str(o["OutputKey"]): str(o["OutputValue"]) for o in json.loads(raw or "[]")}

    def out(name: str) -> str:
        return outputs.get(name, f"<{name}>")

    runner.run(py, "-m", "infra.search_access", "--stage", stage.name, "--endpoint", out("SearchDomainEndpoint"),
               "--role", out("ApiHandlerRoleArn"), "--role", out("StreamHandlerRoleArn"),
               "--region", args.region)  # fmt: skip
    runner.run("aws", "s3", "sync", str(ROOT / "web" / "dist"), f"s3://{out('WebBucketName')}/", "--delete", *region)
    runner.run("aws", "cloudfront", "create-invalidation", "--distribution-id", out("WebDistributionId"),
               "--paths", "/*")  # fmt: skip
    ops_env = {"KIZUNA_STAGE": stage.name, "KIZUNA_OPENSEARCH_URL": out("SearchDomainEndpoint")}
    reindex = ["reindex", "--quiet", *(["--recreate"] if args.recreate_index else [])]
    runner.run(py, "-m", "chalicelib.ops", *reindex, env=ops_env)
    runner.run(py, "-m", "chalicelib.ops", "check-index", env=ops_env)
    # The domain's kuromoji against the tokens the tests ran with (infra/SEARCH.md): a difference is
    # reported, and fails the deploy after the rest is done, for a person to judge.
    analysis = runner.returncode(py, "-m", "chalicelib.ops", "check-analysis", env=ops_env)
    runner.run(py, "-m", "infra.upgrade", "--stage", stage.name, "--record", str(ROOT / "build" / "infra.json"))
    print(f"web:       {out('WebUrl')}\napi:       {out('EndpointURL')}\ndashboard: {out('DashboardUrl')}")
    if analysis:
        print("check-analysis: the domain analyses some sample texts otherwise (above); see infra/SEARCH.md")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
