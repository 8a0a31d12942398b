"""The CloudFormation generator (infra/template.py): pure, no DynamoDB, no `chalice package`.

Expectations are computed from the PynamoDB models' attributes and indexes directly, not from
``Model._get_schema()`` (which the generator uses), so the two derivations check each other.
"""

from __future__ import annotations

import json
import re
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

import pytest
from pynamodb.attributes import NumberAttribute, TTLAttribute, UnicodeAttribute
from pynamodb.indexes import IncludeProjection, LocalSecondaryIndex
from pynamodb.models import Model

from chalicelib.adapters.dynamodb.tables import ALL_MODELS
from infra import template as infra

REGION, ACCOUNT = "ap-northeast-1", "123456789012"


@pytest.fixture(scope="module")
def prod() -> infra.Stage:
    return infra.load_stage("prod")


@pytest.fixture(scope="module")
def resources(prod: infra.Stage) -> dict[str, Any]:
    built: dict[str, Any] = infra.build_template(prod)["Resources"]
    return built


def of_type(resources: dict[str, Any], kind: str) -> dict[str, Any]:
    return {k: v for k, v in resources.items() if v.get("Type") == kind}


def expected_keys(attributes: Any) -> list[dict[str, str]]:
    keys = [(a.attr_name, "HASH") for a in attributes if a.is_hash_key]
    keys += [(a.attr_name, "RANGE") for a in attributes if a.is_range_key]
    return [{"AttributeName": n, "KeyType": t} for n, t in keys]


def table_of(resources: dict[str, Any], model: type[Model]) -> dict[str, Any]:
    table: dict[str, Any] = resources[infra.table_logical_id(model)]
    return table


# --- tables ------------------------------------------------------------------------------------------


def test_one_table_per_model_named_like_the_app_names_it(resources: dict[str, Any]) -> None:
    tables = of_type(resources, "AWS::DynamoDB::Table")
    assert len(tables) == len(ALL_MODELS)
    names = sorted(t["Properties"]["TableName"] for t in tables.values())
    assert names == sorted(f"kizuna-prod-{m.Meta.base_name}" for m in ALL_MODELS)  # type: ignore[attr-defined]


@pytest.mark.parametrize("model", ALL_MODELS, ids=lambda m: m.__name__)
def test_table_keys_and_indexes_match_the_model(resources: dict[str, Any], model: type[Model]) -> None:
    props = table_of(resources, model)["Properties"]
    assert props["BillingMode"] == "PAY_PER_REQUEST"
    assert props["KeySchema"] == expected_keys(model.get_attributes().values())

    expected_gsis = {}
    for index in model._indexes.values():
        expected_gsis[index.Meta.index_name] = {
            "KeySchema": expected_keys(index.Meta.attributes.values()),
            "ProjectionType": index.Meta.projection.projection_type,
        }
    actual_gsis = {
        gsi["IndexName"]: {"KeySchema": gsi["KeySchema"], "ProjectionType": gsi["Projection"]["ProjectionType"]}
        for gsi in props.get("GlobalSecondaryIndexes", [])
    }
    assert actual_gsis == expected_gsis
    assert "ProvisionedThroughput" not in json.dumps(props)

    # Exactly the key attributes of the table and its indexes are defined, with the model's types.
    key_attrs = {a.attr_name: a.attr_type for a in model.get_attributes().values() if a.is_hash_key or a.is_range_key}
    for index in model._indexes.values():
        key_attrs |= {a.attr_name: a.attr_type for a in index.Meta.attributes.values()}
    defined = {d["AttributeName"]: d["AttributeType"] for d in props["AttributeDefinitions"]}
    assert defined == key_attrs
    assert len(props["AttributeDefinitions"]) == len(defined)


@pytest.mark.parametrize("model", ALL_MODELS, ids=lambda m: m.__name__)
def test_table_stream_ttl_and_recovery_follow_the_model(resources: dict[str, Any], model: type[Model]) -> None:
    table = table_of(resources, model)
    props = table["Properties"]
    view = getattr(model.Meta, "stream_view_type", None)
    if view:
        assert props["StreamSpecification"] == {"StreamViewType": "NEW_AND_OLD_IMAGES"}
    else:
        assert "StreamSpecification" not in props
    ttl = [a.attr_name for a in model.get_attributes().values() if isinstance(a, TTLAttribute)]
    if ttl:
        assert props["TimeToLiveSpecification"] == {"AttributeName": ttl[0], "Enabled": True}
    else:
        assert "TimeToLiveSpecification" not in props
    assert props["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert props["DeletionProtectionEnabled"] is True
    # Kept on delete and on replacement, but a rolled-back first create removes it (a retry works).
    assert table["DeletionPolicy"] == "RetainExceptOnCreate"
    assert table["UpdateReplacePolicy"] == "Retain"


def test_sessions_expire_through_ttl(resources: dict[str, Any]) -> None:
    sessions = next(m for m in ALL_MODELS if m.Meta.base_name == "sessions")  # type: ignore[attr-defined]
    assert table_of(resources, sessions)["Properties"]["TimeToLiveSpecification"] == {
        "AttributeName": "ttl",
        "Enabled": True,
    }


def test_dev_tables_are_disposable() -> None:
    dev = infra.load_stage("dev")
    for table in of_type(infra.build_template(dev)["Resources"], "AWS::DynamoDB::Table").values():
        assert table["Properties"]["TableName"].startswith("kizuna-dev-")
        assert table["DeletionPolicy"] == "Delete"
        assert table["Properties"]["DeletionProtectionEnabled"] is False


# --- stream event source mappings -------------------------------------------------------------------


def test_event_source_mappings_exactly_for_tables_a_consumer_reads(resources: dict[str, Any]) -> None:
    from chalicelib.notifications.events import NOTIFYING_TABLES
    from chalicelib.search.documents import INDEXED_TABLES

    mappings = of_type(resources, "AWS::Lambda::EventSourceMapping")
    sources = sorted(m["Properties"]["EventSourceArn"]["Fn::GetAtt"][0] for m in mappings.values())
    read = set(INDEXED_TABLES) | set(NOTIFYING_TABLES)
    consumed = [m for m in ALL_MODELS if m.Meta.base_name in read]  # type: ignore[attr-defined]
    assert consumed and all(getattr(m.Meta, "stream_view_type", None) for m in consumed)
    assert sources == sorted(infra.table_logical_id(m) for m in consumed)
    # Streams that feed nothing (counters) invoke nothing.
    assert len(mappings) < sum(1 for m in ALL_MODELS if getattr(m.Meta, "stream_view_type", None))
    for mapping in mappings.values():
        props = mapping["Properties"]
        assert props["EventSourceArn"]["Fn::GetAtt"][1] == "StreamArn"
        assert props["FunctionName"] == {"Ref": "StreamHandler"}
        assert props["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
        assert props["StartingPosition"] == "TRIM_HORIZON"
        assert props["BisectBatchOnFunctionError"] is True
        assert 0 <= props["MaximumRetryAttempts"] <= 100
        assert 60 <= props["MaximumRecordAgeInSeconds"] <= 24 * 3600
        assert props["DestinationConfig"] == {
            "OnFailure": {"Destination": {"Fn::GetAtt": [infra.FAILURE_QUEUE_LOGICAL_ID, "Arn"]}}
        }
    queue = resources[infra.FAILURE_QUEUE_LOGICAL_ID]
    assert queue["Type"] == "AWS::SQS::Queue"
    assert queue["Properties"]["QueueName"] == "kizuna-prod-stream-failures"


def test_a_consumer_reading_a_table_without_a_stream_is_refused(prod: infra.Stage) -> None:
    plain = next(m for m in ALL_MODELS if not infra.stream_view_type(m))
    with pytest.raises(infra.InfraError, match=r"no Meta\.stream_view_type"):
        infra.mapped_models([plain], {infra.base_name(plain): ["x"]})
    with pytest.raises(infra.InfraError, match="no model defines"):
        infra.mapped_models([plain], {"nothing": ["x"]})


def test_mapped_function_is_the_apps_stream_lambda() -> None:
    """The mappings Ref the logical id Chalice gives `@app.lambda_function(name="stream_handler")`."""
    from app import app

    assert infra.STREAM_FUNCTION in {f.name for f in app.pure_lambda_functions}
    assert infra.STREAM_LOGICAL_ID == "StreamHandler"
    assert (infra.API_ROLE_LOGICAL_ID, infra.STREAM_ROLE_LOGICAL_ID) == ("ApiHandlerRole", "StreamHandlerRole")


def test_functions_get_names_the_domain_endpoint_and_log_groups(prod: infra.Stage, resources: dict[str, Any]) -> None:
    template = infra.build_template(prod)
    assert "OpenSearchUrl" not in template["Parameters"]
    api, stream = resources["APIHandler"]["Properties"], resources["StreamHandler"]["Properties"]
    assert (api["FunctionName"], stream["FunctionName"]) == ("kizuna-prod", "kizuna-prod-stream_handler")
    for props in (api, stream):
        assert props["Environment"]["Variables"]["KIZUNA_OPENSEARCH_URL"] == {
            "Fn::Sub": "https://${SearchDomain.DomainEndpoint}"
        }
    assert resources["ApiHandlerLogGroup"]["Properties"]["LogGroupName"] == "/aws/lambda/kizuna-prod"
    assert resources["APIHandler"]["DependsOn"] == ["ApiHandlerLogGroup"]


# --- IAM -------------------------------------------------------------------------------------------------


def concrete(resource: Any) -> str:
    text = resource["Fn::Sub"] if isinstance(resource, dict) else resource
    for placeholder, value in (
        ("${AWS::Partition}", "aws"),
        ("${AWS::Region}", REGION),
        ("${AWS::AccountId}", ACCOUNT),
    ):
        text = text.replace(placeholder, value)
    return str(text)


def allows(policy: dict[str, Any], action: str, arn: str) -> bool:
    for statement in policy["Statement"]:
        assert statement["Effect"] == "Allow"
        actions = statement["Action"]
        resources = statement["Resource"]
        resources = [resources] if isinstance(resources, (str, dict)) else resources
        if action in actions and any(fnmatchcase(arn, concrete(r)) for r in resources):
            return True
    return False


def arn(service: str, resource: str) -> str:
    return f"arn:aws:{service}:{REGION}:{ACCOUNT}:{resource}"


def role_policy(resources: dict[str, Any], role: str) -> dict[str, Any]:
    (policy,) = resources[role]["Properties"]["Policies"]
    document: dict[str, Any] = policy["PolicyDocument"]
    return document


@pytest.mark.parametrize("source", ["template", "file"])
def test_policies_cover_every_table_index_and_stream(prod: infra.Stage, source: str) -> None:
    if source == "template":
        resources = infra.build_template(prod)["Resources"]
        api = role_policy(resources, infra.API_ROLE_LOGICAL_ID)
        stream = role_policy(resources, infra.STREAM_ROLE_LOGICAL_ID)
    else:
        api = infra.for_file(infra.api_policy(prod))
        stream = infra.for_file(infra.stream_policy(prod))
    for model in ALL_MODELS:
        table = arn("dynamodb", f"table/kizuna-prod-{model.Meta.base_name}")  # type: ignore[attr-defined]
        for action in ("GetItem", "PutItem", "UpdateItem", "DeleteItem", "Query", "ConditionCheckItem"):
            assert allows(api, f"dynamodb:{action}", table), (action, table)
        for index in model._indexes.values():
            assert allows(api, "dynamodb:Query", f"{table}/index/{index.Meta.index_name}")
        consumed = model.Meta.base_name in infra.consumed_tables()  # type: ignore[attr-defined]
        for action in infra.STREAM_ACTIONS:
            assert allows(stream, action, f"{table}/stream/2026-11-26T00:00:00.000") == consumed, (action, table)
    assert allows(stream, "sqs:SendMessage", arn("sqs", "kizuna-prod-stream-failures"))
    assert not allows(api, "sqs:SendMessage", arn("sqs", "kizuna-prod-stream-failures"))
    assert allows(api, "ssm:GetParameter", arn("ssm", "parameter/kizuna/prod/jwt-secret"))
    assert allows(api, "logs:PutLogEvents", arn("logs", "log-group:/aws/lambda/kizuna-prod:log-stream:x"))
    assert allows(stream, "logs:PutLogEvents", arn("logs", "log-group:/aws/lambda/kizuna-prod-stream_handler:*"))
    assert allows(api, "xray:PutTraceSegments", "*")


def test_policies_are_least_privilege(prod: infra.Stage) -> None:
    resources = infra.build_template(prod)["Resources"]
    api = role_policy(resources, infra.API_ROLE_LOGICAL_ID)
    stream = role_policy(resources, infra.STREAM_ROLE_LOGICAL_ID)
    other_stage = arn("dynamodb", "table/kizuna-dev-members")
    assert not allows(api, "dynamodb:GetItem", other_stage)
    assert not allows(api, "dynamodb:GetItem", arn("dynamodb", "table/kizuna-prod-not_a_table"))
    assert not allows(api, "dynamodb:GetItem", arn("dynamodb", "table/kizuna-prod-members").replace(ACCOUNT, "999"))
    assert not allows(api, "dynamodb:Scan", arn("dynamodb", "table/kizuna-prod-members"))
    assert not allows(api, "dynamodb:DeleteTable", arn("dynamodb", "table/kizuna-prod-members"))
    assert not allows(api, "ssm:GetParameter", arn("ssm", "parameter/kizuna/dev/jwt-secret"))
    assert not allows(stream, "dynamodb:PutItem", arn("dynamodb", "table/kizuna-prod-members"))
    # The notifier reads the recipients' tables and writes only notifications.
    assert allows(stream, "dynamodb:GetItem", arn("dynamodb", "table/kizuna-prod-posts"))
    assert allows(stream, "dynamodb:Query", arn("dynamodb", "table/kizuna-prod-company_staff"))
    assert allows(stream, "dynamodb:PutItem", arn("dynamodb", "table/kizuna-prod-notifications"))
    assert allows(stream, "dynamodb:BatchWriteItem", arn("dynamodb", "table/kizuna-prod-notifications"))
    assert not allows(stream, "dynamodb:UpdateItem", arn("dynamodb", "table/kizuna-prod-posts"))
    assert not allows(stream, "dynamodb:GetItem", arn("dynamodb", "table/kizuna-prod-sessions"))
    assert not allows(stream, "ssm:GetParameter", arn("ssm", "parameter/kizuna/prod/jwt-secret"))
    for policy in (api, stream):
        for statement in policy["Statement"]:
            assert not any(a.endswith("*") for a in statement["Action"]), statement


#: What may follow a table's exact name in a DynamoDB ARN: nothing, its indexes (all, or one by name),
#: its streams (whose label is only known once the table exists).
TABLE_PARTS = ("", "/index/*", "/stream/*")


def dynamodb_resources(resources: dict[str, Any]) -> list[tuple[str, str, list[str]]]:
    """(role, resource ARN, actions) of every DynamoDB action in every role's inline policies.

    The merged template's roles have no ``Type`` (Chalice's do): every resource with ``Policies`` counts.
    """
    found = []
    for role_id, resource in resources.items():
        for policy in resource.get("Properties", {}).get("Policies", []):
            for statement in policy["PolicyDocument"]["Statement"]:
                actions = [a for a in statement["Action"] if a.startswith("dynamodb:")]
                listed = statement["Resource"]
                for r in [listed] if isinstance(listed, (str, dict)) else listed:
                    if actions:
                        found.append((role_id, concrete(r), actions))
    return found


def test_no_role_reaches_dynamodb_by_a_wildcard_where_the_tables_are_known(prod: infra.Stage) -> None:
    resources = infra.build_template(prod, [*ALL_MODELS, _ExtraItem])["Resources"]
    names = {t["Properties"]["TableName"] for t in of_type(resources, "AWS::DynamoDB::Table").values()}
    granted = dynamodb_resources(resources)
    assert {role for role, _, _ in granted} >= {infra.API_ROLE_LOGICAL_ID, infra.STREAM_ROLE_LOGICAL_ID}
    for role, resource, actions in granted:
        if resource == "*":
            assert actions == ["dynamodb:ListStreams"], (role, actions)  # no resource-level permissions
            continue
        prefix = arn("dynamodb", "table/")
        assert resource.startswith(prefix), (role, resource)
        name, slash, rest = resource.removeprefix(prefix).partition("/")
        assert "*" not in name and "?" not in name and name in names, (role, resource)
        assert slash + rest in TABLE_PARTS or re.fullmatch(r"/index/[A-Za-z0-9_.-]+", slash + rest), (role, resource)
    # Every table of the stack and the new one, each by name: the API's stores use all of them.
    api = {r for role, r, _ in granted if role == infra.API_ROLE_LOGICAL_ID}
    assert {arn("dynamodb", f"table/{n}") for n in names} <= api
    assert arn("dynamodb", "table/kizuna-prod-extra_things/index/*") in api
    # No index grant on a table without indexes.
    assert arn("dynamodb", "table/kizuna-prod-handles/index/*") not in api


def test_the_api_policy_fits_the_inline_policy_quota(prod: infra.Stage) -> None:
    """IAM allows 10,240 characters (whitespace excluded) of inline policies per role."""
    resources = infra.build_template(prod)["Resources"]
    document = role_policy(resources, infra.API_ROLE_LOGICAL_ID)
    resolved = json.loads(json.dumps(document), object_hook=lambda d: concrete(d) if "Fn::Sub" in d else d)
    size = len("".join(json.dumps(resolved).split()))
    assert size < 10_240 * 0.6, f"the API's policy has {size} characters: over 60% of the quota"


def test_ranking_lambda_only_writes_logs_and_the_api_may_invoke_it(prod: infra.Stage) -> None:
    from app import app

    assert infra.RANK_FUNCTION in {f.name for f in app.pure_lambda_functions}
    resources = infra.build_template(prod)["Resources"]
    assert resources["RankPlacements"]["Properties"]["FunctionName"] == "kizuna-prod-rank_placements"
    rank = role_policy(resources, infra.RANK_ROLE_LOGICAL_ID)
    actions = {a for statement in rank["Statement"] for a in statement["Action"]}
    assert actions <= set(infra.LOG_ACTIONS) | set(infra.XRAY_ACTIONS)
    assert allows(rank, "logs:PutLogEvents", arn("logs", "log-group:/aws/lambda/kizuna-prod-rank_placements:*"))
    assert not allows(rank, "dynamodb:GetItem", arn("dynamodb", "table/kizuna-prod-campaigns"))
    api = role_policy(resources, infra.API_ROLE_LOGICAL_ID)
    assert allows(api, "lambda:InvokeFunction", arn("lambda", "function:kizuna-prod-rank_placements"))
    assert not allows(api, "lambda:InvokeFunction", arn("lambda", "function:kizuna-prod-stream_handler"))
    assert prod.settings.ranking_function == "kizuna-prod-rank_placements"


def test_cloudfront_proves_its_requests_to_the_api_with_a_generated_secret(prod: infra.Stage) -> None:
    from chalicelib.http import ORIGIN_SECRET_HEADER
    from infra import edge

    resources = infra.build_template(prod)["Resources"]
    secret = resources[infra.ORIGIN_SECRET_LOGICAL_ID]
    assert secret["Type"] == "AWS::SecretsManager::Secret"
    props = secret["Properties"]
    assert props["Name"] == "kizuna-prod-origin-secret"
    assert props["GenerateSecretString"]["ExcludePunctuation"] is True  # a plain header value
    assert props["GenerateSecretString"]["PasswordLength"] >= 32
    assert "SecretString" not in props, "the value is generated, never written in the template"

    config = resources[edge.DISTRIBUTION]["Properties"]["DistributionConfig"]
    origins = {o["Id"]: o for o in config["Origins"]}
    (header,) = origins["api"]["OriginCustomHeaders"]
    assert header["HeaderName"] == ORIGIN_SECRET_HEADER
    value = json.dumps(header["HeaderValue"])
    assert "{{resolve:secretsmanager:" in value and '{"Ref": "OriginSecret"}' in value and ":SecretString}}" in value
    assert "OriginCustomHeaders" not in origins["web"], "S3 never sees the secret"
    # The /api/* behaviour forwards the viewer headers with CloudFront's (CloudFront-Viewer-Address).
    (api_behaviour,) = config["CacheBehaviors"]
    assert api_behaviour["OriginRequestPolicyId"] == edge.ALL_VIEWER_EXCEPT_HOST

    # Only the API Lambda knows where the secret is, and only its role may read it.
    variables = resources["APIHandler"]["Properties"]["Environment"]["Variables"]
    assert variables["KIZUNA_ORIGIN_SECRET_ID"] == {"Ref": infra.ORIGIN_SECRET_LOGICAL_ID}
    assert "KIZUNA_ORIGIN_SECRET_ID" not in resources["StreamHandler"]["Properties"]["Environment"]["Variables"]
    api = role_policy(resources, infra.API_ROLE_LOGICAL_ID)
    stream = role_policy(resources, infra.STREAM_ROLE_LOGICAL_ID)
    mine = arn("secretsmanager", "secret:kizuna-prod-origin-secret-AbC123")
    assert allows(api, "secretsmanager:GetSecretValue", mine)
    assert not allows(stream, "secretsmanager:GetSecretValue", mine)
    for other in ("kizuna-dev-origin-secret-AbC123", "kizuna-prod-origin-secret-x-AbC123", "kizuna-prod-db-AbC123"):
        assert not allows(api, "secretsmanager:GetSecretValue", arn("secretsmanager", f"secret:{other}")), other


def test_ended_bans_are_lifted_by_a_scheduled_lambda_with_its_own_narrow_role(prod: infra.Stage) -> None:
    from app import app
    from infra import monitoring

    # Chalice knows it as a scheduled Lambda (its Schedule event is what the template tunes).
    assert [e.name for e in app.event_sources] == [infra.SWEEP_FUNCTION]
    template = infra.build_template(prod)
    resources = template["Resources"]
    props = resources[infra.SWEEP_LOGICAL_ID]["Properties"]
    assert props["FunctionName"] == "kizuna-prod-lift_ended_bans"
    assert props["Handler"] == "chalicelib.sweeps.lambda_handler.handler"
    assert props["Events"] == {
        "LiftEndedBansEvent": {
            "Type": "Schedule",
            "Properties": {
                "Schedule": {"Ref": "BanSweepSchedule"},
                "Description": "Lift the time-limited bans that have ended",
            },
        }
    }
    assert template["Parameters"]["BanSweepSchedule"]["Default"] == "rate(15 minutes)"
    assert props["ReservedConcurrentExecutions"] == {
        "Fn::If": ["BanSweepReserved", {"Ref": "BanSweepReservedConcurrency"}, {"Ref": "AWS::NoValue"}]
    }
    assert template["Parameters"]["BanSweepReservedConcurrency"]["Default"] == "1"
    assert "Environment" not in props, "no search endpoint, no origin secret: it needs neither"
    assert resources["LiftEndedBansLogGroup"]["Properties"]["LogGroupName"] == "/aws/lambda/kizuna-prod-lift_ended_bans"
    assert resources[infra.SWEEP_LOGICAL_ID]["DependsOn"] == ["LiftEndedBansLogGroup"]

    # Its role: the five tables lift_ended touches, each only as far as it does, and its logs.
    sweep = role_policy(resources, infra.SWEEP_ROLE_LOGICAL_ID)
    table = lambda name: arn("dynamodb", f"table/kizuna-prod-{name}")  # noqa: E731
    for action, target in [
        ("Query", "bans"),
        ("DeleteItem", "bans"),
        ("GetItem", "members"),
        ("UpdateItem", "members"),
        ("UpdateItem", "counters"),
        ("UpdateItem", "posts"),
        ("Query", "posts/index/by_author"),
        ("PutItem", "audit_log"),
    ]:
        assert allows(sweep, f"dynamodb:{action}", table(target)), (action, target)
    for action, target in [
        ("PutItem", "members"),
        ("DeleteItem", "members"),
        ("Query", "posts"),
        ("Query", "posts/index/by_community"),
        ("GetItem", "sessions"),
        ("DeleteItem", "sessions"),
        ("UpdateItem", "audit_log"),
        ("Scan", "bans"),
        ("GetItem", "invites"),
    ]:
        assert not allows(sweep, f"dynamodb:{action}", table(target)), (action, target)
    assert allows(sweep, "logs:PutLogEvents", arn("logs", "log-group:/aws/lambda/kizuna-prod-lift_ended_bans:*"))
    assert not allows(sweep, "logs:PutLogEvents", arn("logs", "log-group:/aws/lambda/kizuna-prod:*"))
    services = {a.split(":")[0] for statement in sweep["Statement"] for a in statement["Action"]}
    assert services == {"dynamodb", "logs", "xray"}

    # Someone hears when it keeps failing or is throttled.
    errors = resources["LiftEndedBansErrorsAlarm"]["Properties"]
    assert errors["MetricName"] == "Errors" and errors["Namespace"] == "AWS/Lambda"
    assert errors["Dimensions"] == [{"Name": "FunctionName", "Value": "kizuna-prod-lift_ended_bans"}]
    assert errors["Threshold"] == 1 and errors["Period"] == 900 and errors["EvaluationPeriods"] == 2
    assert errors["AlarmActions"] == [monitoring.alarm_target()]
    assert resources["LiftEndedBansThrottlesAlarm"]["Properties"]["MetricName"] == "Throttles"


def test_the_sweeps_grants_must_name_tables_and_indexes_that_exist(
    prod: infra.Stage, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(infra.SWEEP_ACCESS, "posts/index/by_nothing", ["dynamodb:Query"])
    with pytest.raises(infra.InfraError, match="by_nothing"):
        infra.sweep_policy(prod)
    monkeypatch.delitem(infra.SWEEP_ACCESS, "posts/index/by_nothing")
    monkeypatch.setitem(infra.SWEEP_ACCESS, "no_such_table", ["dynamodb:GetItem"])
    with pytest.raises(infra.InfraError, match="no_such_table"):
        infra.sweep_policy(prod)


def test_dev_policy_has_no_secret_parameter() -> None:
    dev = infra.load_stage("dev")
    assert not allows(infra.for_file(infra.api_policy(dev)), "ssm:GetParameter", arn("ssm", "parameter/x"))


@pytest.mark.parametrize("stage", sorted(json.loads(infra.CONFIG_FILE.read_text())["stages"]))
def test_policy_files_in_dot_chalice_are_up_to_date(stage: str) -> None:
    """`chalice deploy` reads these files directly: regenerate with `python -m infra.template --stage STAGE`."""
    for name, text in infra.policy_file_contents(infra.load_stage(stage)).items():
        path = infra.CHALICE_DIR / name
        assert path.exists() and path.read_text(encoding="utf-8") == text, (
            f"{path} is stale: run .venv/bin/python -m infra.template --stage {stage} -o build/infra-{stage}.json"
        )


# --- derivation at run time ----------------------------------------------------------------------


class _ByAuthor(LocalSecondaryIndex[Any]):  # type: ignore[no-untyped-call]
    class Meta:
        index_name = "by_author"
        projection = IncludeProjection(["title"])

    thread_id = UnicodeAttribute(hash_key=True)
    author = UnicodeAttribute(range_key=True)


class _ExtraItem(Model):
    """A model as another engineer might add one: range key, LSI, TTL, a keys-only stream."""

    class Meta:
        base_name = "extra_things"
        table_name = "unbound"
        billing_mode = "PAY_PER_REQUEST"
        stream_view_type = "KEYS_ONLY"

    thread_id = UnicodeAttribute(hash_key=True)
    seq = NumberAttribute(range_key=True)
    author = UnicodeAttribute()
    expires = TTLAttribute()
    by_author = _ByAuthor()


#: A consumer another engineer might add, reading the extra table's stream.
EXTRA_CONSUMED = ["extra_things"]


def test_a_new_model_gets_its_table_mapping_and_policy_coverage(
    prod: infra.Stage, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(infra.STREAM_CONSUMERS, "extra", (__name__, "EXTRA_CONSUMED"))
    resources = infra.build_template(prod, [*ALL_MODELS, _ExtraItem])["Resources"]
    props = resources["ExtraThingsTable"]["Properties"]
    assert props["TableName"] == "kizuna-prod-extra_things"
    assert props["KeySchema"] == [
        {"AttributeName": "thread_id", "KeyType": "HASH"},
        {"AttributeName": "seq", "KeyType": "RANGE"},
    ]
    assert props["LocalSecondaryIndexes"] == [
        {
            "IndexName": "by_author",
            "KeySchema": [
                {"AttributeName": "thread_id", "KeyType": "HASH"},
                {"AttributeName": "author", "KeyType": "RANGE"},
            ],
            "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["title"]},
        }
    ]
    assert {d["AttributeName"] for d in props["AttributeDefinitions"]} == {"thread_id", "seq", "author"}
    assert props["StreamSpecification"] == {"StreamViewType": "KEYS_ONLY"}
    assert props["TimeToLiveSpecification"] == {"AttributeName": "expires", "Enabled": True}
    mapping = resources["ExtraThingsTableStreamMapping"]["Properties"]
    assert mapping["EventSourceArn"] == {"Fn::GetAtt": ["ExtraThingsTable", "StreamArn"]}
    assert allows(
        role_policy(resources, infra.API_ROLE_LOGICAL_ID),
        "dynamodb:Query",
        arn("dynamodb", "table/kizuna-prod-extra_things/index/by_author"),
    )


# --- configuration checks and the command line ---------------------------------------------------


def write_config(tmp_path: Path, stage_config: dict[str, Any]) -> Path:
    chalice = tmp_path / ".chalice"
    chalice.mkdir()
    path = chalice / "config.json"
    path.write_text(json.dumps({"version": "2.0", "app_name": "kizuna", "stages": {"qa": stage_config}}))
    return path


GOOD_QA = {
    "autogen_policy": False,
    "iam_policy_file": "policy-qa.json",
    "environment_variables": {"KIZUNA_STAGE": "qa", "KIZUNA_JWT_SECRET_PARAMETER": "/kizuna/qa/jwt-secret"},
    "lambda_functions": {
        "stream_handler": {"iam_policy_file": "policy-qa-stream_handler.json"},
        "rank_placements": {"iam_policy_file": "policy-qa-rank_placements.json"},
        "lift_ended_bans": {"iam_policy_file": "policy-qa-lift_ended_bans.json"},
    },
}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"environment_variables": {}}, "KIZUNA_STAGE"),
        ({"environment_variables": {"KIZUNA_STAGE": "qa", "KIZUNA_JWT_SECRET": "x"}}, "SSM"),
        ({"environment_variables": {"KIZUNA_STAGE": "qa", "KIZUNA_ORIGIN_SECRET": "x"}}, "origin secret"),
        ({"autogen_policy": True}, "autogen_policy"),
        ({"lambda_functions": {}}, "its own iam_policy_file"),
        (
            {"lambda_functions": {"stream_handler": {"iam_policy_file": "policy-qa-stream_handler.json"}}},
            "give rank_placements its own iam_policy_file",
        ),
        (
            {"lambda_functions": {k: v for k, v in GOOD_QA["lambda_functions"].items() if k != "lift_ended_bans"}},
            "give lift_ended_bans its own iam_policy_file",
        ),
    ],
)
def test_unsafe_configurations_are_refused(tmp_path: Path, change: dict[str, Any], message: str) -> None:
    path = write_config(tmp_path, {**GOOD_QA, **change})
    with pytest.raises(infra.InfraError, match=message):
        infra.load_stage("qa", path)


def test_unknown_stage_is_refused() -> None:
    with pytest.raises(infra.InfraError, match="not in"):
        infra.load_stage("nope")


def test_command_line_writes_template_and_policies(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = write_config(tmp_path, GOOD_QA)
    out = tmp_path / "build" / "infra.json"
    assert infra.main(["--stage", "qa", "-o", str(out), "--config", str(config)]) == 0
    template = json.loads(out.read_text())
    assert len(of_type(template["Resources"], "AWS::DynamoDB::Table")) == len(ALL_MODELS)
    api = json.loads((config.parent / "policy-qa.json").read_text())
    assert allows(api, "dynamodb:GetItem", arn("dynamodb", "table/kizuna-qa-members"))
    assert (config.parent / "policy-qa-stream_handler.json").exists()
    assert (config.parent / "policy-qa-rank_placements.json").exists()
    assert "tables" in capsys.readouterr().out
    assert infra.main(["--stage", "nope", "-o", str(out), "--config", str(config)]) == 2


# --- the region of an operator's commands ----------------------------------------------------------


def test_the_profile_region_is_honoured_when_the_environment_names_none(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chalicelib.config import DEFAULT_REGION, load_settings, profile_region

    config = tmp_path / "config"
    config.write_text("[default]\nregion = us-west-2\n\n[profile ops]\nregion = eu-west-1\n")
    for name in ("AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE", "AWS_DEFAULT_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    assert load_settings().region == "us-west-2"
    monkeypatch.setenv("AWS_PROFILE", "ops")
    assert load_settings().region == "eu-west-1"
    monkeypatch.setenv("AWS_DEFAULT_REGION", "ap-southeast-1")
    assert load_settings().region == "ap-southeast-1"
    # A stage's Lambda environment (the generator's view) never reads the operator's profile.
    assert load_settings({"AWS_CONFIG_FILE": str(config)}).region == DEFAULT_REGION
    assert profile_region({"AWS_CONFIG_FILE": str(tmp_path / "missing")}) is None
