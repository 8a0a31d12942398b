"""The packaged CloudFormation template holds the whole production stack (issue 11).

The template is made here the way ``make package`` makes it: the generator's output merged by
``chalice package --merge-template`` itself, into a temporary directory. Not read from
``build/package``: ``make test`` runs pytest before ``package``, so that file would be the
previous run's (or missing). cfn-lint runs on the real one in ``make package``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from chalicelib.notifications.events import NOTIFYING_TABLES
from chalicelib.observability import BUSINESS_METRICS
from chalicelib.search.documents import INDEXED_TABLES
from infra import edge
from infra import template as infra

ROOT = Path(__file__).resolve().parents[2]
CHALICE = Path(sys.executable).parent / "chalice"
#: Actions AWS gives no resource-level permissions: the only ones allowed on "*".
NO_RESOURCE_LEVEL = {"xray:PutTraceSegments", "xray:PutTelemetryRecords", "dynamodb:ListStreams"}


@pytest.fixture(scope="module")
def sam(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("package")
    merge = out / "infra.json"
    merge.write_text(json.dumps(infra.build_template(infra.load_stage("prod"))))
    env = {**os.environ, "AWS_DEFAULT_REGION": "ap-northeast-1"}
    subprocess.run(
        [str(CHALICE), "package", "--stage", "prod", "--merge-template", str(merge), str(out / "package")],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=300,
    )
    template: dict[str, Any] = json.loads((out / "package" / "sam.json").read_text())
    return template


def of_type(sam: dict[str, Any], kind: str) -> dict[str, Any]:
    return {k: v for k, v in sam["Resources"].items() if v["Type"] == kind}


def one(sam: dict[str, Any], kind: str) -> dict[str, Any]:
    (found,) = of_type(sam, kind).values()
    return found


# --- OpenSearch ----------------------------------------------------------------------------------


def test_the_search_domain_is_encrypted_https_only_and_fine_grained(sam: dict[str, Any]) -> None:
    domain = one(sam, "AWS::OpenSearchService::Domain")["Properties"]
    assert domain["DomainName"] == "kizuna-prod"
    assert domain["DomainEndpointOptions"]["EnforceHTTPS"] is True
    assert domain["DomainEndpointOptions"]["TLSSecurityPolicy"].startswith("Policy-Min-TLS-1-2")
    assert domain["EncryptionAtRestOptions"] == {"Enabled": True}
    assert domain["NodeToNodeEncryptionOptions"] == {"Enabled": True}
    security = domain["AdvancedSecurityOptions"]
    assert security["Enabled"] is True and security["InternalUserDatabaseEnabled"] is False
    assert security["MasterUserOptions"] == {"MasterUserARN": {"Ref": "SearchAdminArn"}}
    cluster, ebs = domain["ClusterConfig"], domain["EBSOptions"]
    assert cluster["InstanceType"] == {"Ref": "SearchInstanceType"}
    assert cluster["InstanceCount"] == {"Ref": "SearchInstanceCount"}
    assert ebs["VolumeSize"] == {"Ref": "SearchVolumeGiB"} and ebs["EBSEnabled"] is True
    for parameter in ("SearchInstanceType", "SearchInstanceCount", "SearchVolumeGiB", "SearchAdminArn"):
        assert parameter in sam["Parameters"]


def test_the_domain_lets_in_exactly_the_lambda_roles_and_the_admin(sam: dict[str, Any]) -> None:
    (statement,) = one(sam, "AWS::OpenSearchService::Domain")["Properties"]["AccessPolicies"]["Statement"]
    assert statement["Effect"] == "Allow"
    principals = statement["Principal"]["AWS"]
    assert {"Fn::GetAtt": ["ApiHandlerRole", "Arn"]} in principals
    assert {"Fn::GetAtt": ["StreamHandlerRole", "Arn"]} in principals
    assert {"Fn::GetAtt": ["RankPlacementsRole", "Arn"]} not in principals
    assert statement["Resource"] == {
        "Fn::Sub": "arn:${AWS::Partition}:es:${AWS::Region}:${AWS::AccountId}:domain/kizuna-prod/*"
    }


def test_the_lambdas_reach_the_domain_by_its_endpoint(sam: dict[str, Any]) -> None:
    assert "OpenSearchUrl" not in sam["Parameters"]
    for function in ("APIHandler", "StreamHandler"):
        url = sam["Resources"][function]["Properties"]["Environment"]["Variables"]["KIZUNA_OPENSEARCH_URL"]
        assert url == {"Fn::Sub": "https://${SearchDomain.DomainEndpoint}"}
    assert "KIZUNA_OPENSEARCH_URL" not in sam["Resources"]["RankPlacements"]["Properties"]["Environment"]["Variables"]
    # Merged into Chalice's variables, not in place of them: the API finds its stage and the origin secret.
    api = sam["Resources"]["APIHandler"]["Properties"]["Environment"]["Variables"]
    assert api["KIZUNA_STAGE"] == "prod" and api["KIZUNA_ORIGIN_SECRET_ID"] == {"Ref": infra.ORIGIN_SECRET_LOGICAL_ID}


# --- streams -------------------------------------------------------------------------------------------


def test_stream_mappings_only_where_a_consumer_reads_with_finite_retries_and_a_destination(sam: dict[str, Any]) -> None:
    mappings = of_type(sam, "AWS::Lambda::EventSourceMapping")
    tables = {k: v["Properties"]["TableName"] for k, v in of_type(sam, "AWS::DynamoDB::Table").items()}
    mapped = {tables[m["Properties"]["EventSourceArn"]["Fn::GetAtt"][0]] for m in mappings.values()}
    assert mapped == {f"kizuna-prod-{t}" for t in {*INDEXED_TABLES, *NOTIFYING_TABLES}}
    queue_id = next(iter(of_type(sam, "AWS::SQS::Queue")))
    for mapping in mappings.values():
        props = mapping["Properties"]
        assert 0 <= props["MaximumRetryAttempts"] <= 10_000
        assert 60 <= props["MaximumRecordAgeInSeconds"] <= 604_800
        assert props["BisectBatchOnFunctionError"] is True
        assert props["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
        assert props["DestinationConfig"]["OnFailure"]["Destination"] == {"Fn::GetAtt": [queue_id, "Arn"]}
    depth = [
        a["Properties"]
        for a in of_type(sam, "AWS::CloudWatch::Alarm").values()
        if a["Properties"]["MetricName"] == "ApproximateNumberOfMessagesVisible"
    ]
    assert depth and depth[0]["Dimensions"] == [{"Name": "QueueName", "Value": {"Fn::GetAtt": [queue_id, "QueueName"]}}]


# --- Lambdas -----------------------------------------------------------------------------------------


def test_each_lambda_has_its_light_handler_and_the_others_reserved_concurrency(sam: dict[str, Any]) -> None:
    resources = sam["Resources"]
    assert resources["APIHandler"]["Properties"]["Handler"] == "app.app"
    assert resources["StreamHandler"]["Properties"]["Handler"] == "chalicelib.streams.lambda_handler.handler"
    assert resources["RankPlacements"]["Properties"]["Handler"] == "chalicelib.ranking.lambda_handler.handler"
    assert resources["LiftEndedBans"]["Properties"]["Handler"] == "chalicelib.sweeps.lambda_handler.handler"
    for function in ("StreamHandler", "RankPlacements", "LiftEndedBans"):
        reserved = resources[function]["Properties"]["ReservedConcurrentExecutions"]
        assert reserved["Fn::If"][1]["Ref"] in sam["Parameters"]
    functions = ("APIHandler", "StreamHandler", "RankPlacements", "LiftEndedBans")
    roles = {resources[f]["Properties"]["Role"]["Fn::GetAtt"][0] for f in functions}
    assert len(roles) == 4, "each Lambda has its own role"


def test_the_ban_sweep_runs_on_the_parameters_schedule(sam: dict[str, Any]) -> None:
    """The template's schedule merged into the one Chalice declares for ``@app.schedule``, not beside it."""
    (event,) = sam["Resources"]["LiftEndedBans"]["Properties"]["Events"].values()
    assert event["Type"] == "Schedule"
    assert event["Properties"]["Schedule"] == {"Ref": "BanSweepSchedule"}
    assert sam["Parameters"]["BanSweepSchedule"]["Default"] == "rate(15 minutes)"
    assert sam["Resources"]["LiftEndedBansRole"]["Type"] == "AWS::IAM::Role"


# --- tables ---------------------------------------------------------------------------------------------


def test_tables_are_on_demand_recoverable_and_kept_except_on_a_failed_first_create(sam: dict[str, Any]) -> None:
    for table in of_type(sam, "AWS::DynamoDB::Table").values():
        props = table["Properties"]
        assert props["BillingMode"] == "PAY_PER_REQUEST"
        assert props["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
        assert props["DeletionProtectionEnabled"] is True
        assert table["DeletionPolicy"] == "RetainExceptOnCreate"
        assert table["UpdateReplacePolicy"] == "Retain"


# --- API, edge, WAF ---------------------------------------------------------------------------------------


def test_the_api_stage_throttles_traces_and_writes_json_access_logs(sam: dict[str, Any]) -> None:
    props = sam["Resources"]["RestAPI"]["Properties"]
    assert props["TracingEnabled"] is True
    assert props["EndpointConfiguration"] == "REGIONAL"
    (settings,) = props["MethodSettings"]
    assert settings["ThrottlingRateLimit"] == {"Ref": "ApiThrottleRate"}
    assert settings["ThrottlingBurstLimit"] == {"Ref": "ApiThrottleBurst"}
    assert settings["MetricsEnabled"] is True
    log = props["AccessLogSetting"]
    assert log["DestinationArn"] == {"Fn::GetAtt": ["ApiAccessLogGroup", "Arn"]}
    assert json.loads(log["Format"])["requestId"] == "$context.requestId"


def test_cloudfront_serves_the_private_bucket_through_oac_and_routes_api(sam: dict[str, Any]) -> None:
    bucket = one(sam, "AWS::S3::Bucket")["Properties"]
    assert all(bucket["PublicAccessBlockConfiguration"].values())
    config = one(sam, "AWS::CloudFront::Distribution")["Properties"]["DistributionConfig"]
    origins = {o["Id"]: o for o in config["Origins"]}
    assert origins["web"]["OriginAccessControlId"] == {"Fn::GetAtt": ["WebOriginAccessControl", "Id"]}
    assert origins["api"]["DomainName"]["Fn::Sub"].startswith("${RestAPI}.execute-api.")
    assert origins["api"]["CustomOriginConfig"]["OriginProtocolPolicy"] == "https-only"
    (api,) = config["CacheBehaviors"]
    assert (api["PathPattern"], api["TargetOriginId"]) == ("/api/*", "api")
    assert api["CachePolicyId"] == edge.CACHING_DISABLED
    assert api["OriginRequestPolicyId"] == edge.ALL_VIEWER_EXCEPT_HOST
    assert config["DefaultCacheBehavior"]["ViewerProtocolPolicy"] == "redirect-to-https"
    (reads, _) = one(sam, "AWS::S3::BucketPolicy")["Properties"]["PolicyDocument"]["Statement"]
    assert reads["Principal"] == {"Service": "cloudfront.amazonaws.com"}
    assert "AWS:SourceArn" in reads["Condition"]["StringEquals"]
    assert (
        one(sam, "AWS::CloudFront::OriginAccessControl")["Properties"]["OriginAccessControlConfig"]["SigningBehavior"]
        == "always"
    )


def test_the_web_acl_has_managed_rules_and_an_auth_rate_limit_on_the_api(sam: dict[str, Any]) -> None:
    acl = one(sam, "AWS::WAFv2::WebACL")["Properties"]
    managed = {
        r["Statement"]["ManagedRuleGroupStatement"]["Name"]
        for r in acl["Rules"]
        if "ManagedRuleGroupStatement" in r["Statement"]
    }
    assert {"AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet"} <= managed
    rates = [r for r in acl["Rules"] if "RateBasedStatement" in r["Statement"]]
    assert rates
    for rule in rates:
        assert rule["Action"] == {"Block": {}}
        scope = json.dumps(rule["Statement"]["RateBasedStatement"]["ScopeDownStatement"])
        assert '"/auth/"' in scope and "UriPath" in scope
    association = one(sam, "AWS::WAFv2::WebACLAssociation")["Properties"]
    assert association["ResourceArn"]["Fn::Sub"].endswith("/restapis/${RestAPI}/stages/api")
    priorities = [r["Priority"] for r in acl["Rules"]]
    assert len(set(priorities)) == len(priorities)


# --- monitoring -------------------------------------------------------------------------------------------


def test_alarms_notify_and_cover_what_needs_a_person(sam: dict[str, Any]) -> None:
    alarms = [a["Properties"] for a in of_type(sam, "AWS::CloudWatch::Alarm").values()]
    for alarm in alarms:
        assert alarm["AlarmActions"] == [
            {"Fn::If": ["CreateAlarmTopic", {"Ref": "AlarmTopic"}, {"Ref": "AlarmTopicArn"}]}
        ]
    watched = {(a["Namespace"], a["MetricName"]) for a in alarms}
    assert {
        ("AWS/ApiGateway", "5XXError"),
        ("AWS/ApiGateway", "Latency"),
        ("AWS/Lambda", "Errors"),
        ("AWS/Lambda", "Throttles"),
        ("AWS/Lambda", "IteratorAge"),
        ("AWS/SQS", "ApproximateNumberOfMessagesVisible"),
        ("AWS/ES", "ClusterStatus.red"),
        ("AWS/ES", "FreeStorageSpace"),
    } <= watched
    errors = {a["Dimensions"][0]["Value"] for a in alarms if a["MetricName"] == "Errors"}
    assert errors == {
        "kizuna-prod",
        "kizuna-prod-stream_handler",
        "kizuna-prod-rank_placements",
        "kizuna-prod-lift_ended_bans",
    }
    assert "AlarmTopicArn" in sam["Parameters"]


def test_the_dashboard_shows_the_operational_and_business_metrics(sam: dict[str, Any]) -> None:
    body = one(sam, "AWS::CloudWatch::Dashboard")["Properties"]["DashboardBody"]["Fn::Sub"]
    for metric in (
        '"Count"', '"4XXError"', '"5XXError"', '"Latency"', '"Errors"', '"Throttles"', '"ConcurrentExecutions"',
        '"IteratorAge"', '"ApproximateNumberOfMessagesVisible"', '"WriteThrottleEvents"', '"ReadThrottleEvents"',
        '"ClusterStatus.red"', '"FreeStorageSpace"', "Resource", '"p99"',
    ):  # fmt: skip
        assert metric in body, metric
    for name in BUSINESS_METRICS:
        assert f'"{name}"' in body, name
    json.loads(body.replace("${AWS::Region}", "r").replace("${AWS::AccountId}", "1"))


# --- IAM ------------------------------------------------------------------------------------------------


def _statements(sam: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    found = []
    for logical_id, resource in sam["Resources"].items():
        if resource["Type"] == "AWS::IAM::Role":
            for policy in resource["Properties"].get("Policies", []):
                found += [(logical_id, s) for s in policy["PolicyDocument"]["Statement"]]
        elif resource["Type"] in ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"):
            found += [(logical_id, s) for s in resource["Properties"]["PolicyDocument"]["Statement"]]
    return found


def test_no_star_resource_where_a_specific_one_exists(sam: dict[str, Any]) -> None:
    statements = _statements(sam)
    assert len({role for role, _ in statements}) >= 4
    for role, statement in statements:
        resources = statement["Resource"]
        resources = resources if isinstance(resources, list) else [resources]
        actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        if "*" in resources:
            assert set(actions) <= NO_RESOURCE_LEVEL, (role, statement)
        for action in actions:
            assert not action.endswith("*"), (role, action)
    # The one AWS-managed policy: API Gateway's account-wide logging role (its own, by design).
    managed = [
        (k, arn)
        for k, r in of_type(sam, "AWS::IAM::Role").items()
        for arn in r["Properties"].get("ManagedPolicyArns", [])
    ]
    assert managed == [
        (
            "ApiGatewayCloudWatchRole",
            {"Fn::Sub": f"arn:${{AWS::Partition}}:iam::aws:policy/service-role/{infra.APIGW_LOGS_POLICY}"},
        )
    ]
