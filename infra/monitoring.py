"""The CloudWatch dashboard and alarms of a stage, derived like the rest of the template.

The dashboard (``kizuna-<stage>``) shows, top to bottom: the API (requests, 4xx, 5xx, p99 latency
for the stage and per route, from API Gateway's detailed metrics), the four Lambdas (errors,
throttles, concurrency, p99 duration), the stream (iterator age per mapped table, the on-failure
queue's depth), DynamoDB throttles per table, the OpenSearch domain (cluster status, free
storage), and the business metrics of ``chalicelib.observability`` (auctions and spend per
minute, signups, posts, inquiries answered, clicks charged).

Alarms are only on what needs a person; each notifies the ``AlarmTopicArn`` parameter's topic, or a
topic the stack creates when that is empty. What each one means and what to do is in its
``AlarmDescription`` (and in infra/README.md).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from pynamodb.models import Model

from chalicelib.observability import BUSINESS_METRICS, METRICS_NAMESPACE, metric_dimensions
from infra.template import (
    API_FUNCTION,
    API_STAGE_NAME,
    FAILURE_QUEUE_LOGICAL_ID,
    RANK_FUNCTION,
    STREAM_FUNCTION,
    SWEEP_FUNCTION,
    Stage,
    base_name,
)

DASHBOARD = "Dashboard"
ALARM_TOPIC = "AlarmTopic"
PERIOD = 60
FUNCTIONS = (API_FUNCTION, STREAM_FUNCTION, RANK_FUNCTION, SWEEP_FUNCTION)
#: When a Lambda's errors need a person: (errors, in how many consecutive periods, of how many seconds).
#: The request-driven Lambdas: 5 errors in each of two 5-minute periods. The ban sweep runs once per
#: 15 minutes (EventBridge retries a failed run twice): one failed run in each of two consecutive
#: 15-minute periods, i.e. two sweeps in a row, while a single transient failure stays quiet.
ERROR_ALARMS: dict[str, tuple[int, int, int]] = {
    API_FUNCTION: (5, 2, 300),
    STREAM_FUNCTION: (5, 2, 300),
    RANK_FUNCTION: (5, 2, 300),
    SWEEP_FUNCTION: (1, 2, 900),
}


def alarm_target() -> dict[str, Any]:
    return {"Fn::If": ["CreateAlarmTopic", {"Ref": ALARM_TOPIC}, {"Ref": "AlarmTopicArn"}]}


def _widget(title: str, metrics: list[Any], *, stat: str = "Sum", width: int = 8, **props: Any) -> dict[str, Any]:
    return {
        "type": "metric",
        "width": width,
        "height": 6,
        "properties": {
            "title": title,
            "region": "${AWS::Region}",
            "stat": stat,
            "period": PERIOD,
            "view": "timeSeries",
            "metrics": metrics,
            **props,
        },
    }


def _search(expression: str, label: str, stat: str) -> list[Any]:
    return [{"expression": f"SEARCH('{expression}', '{stat}', {PERIOD})", "label": label, "id": label.lower()}]


def dashboard_body(stage: Stage, models: Sequence[type[Model]], mapped: Sequence[type[Model]]) -> dict[str, Any]:
    api = ["ApiName", stage.api_name, "Stage", API_STAGE_NAME]
    per_route = '{AWS/ApiGateway,ApiName,Method,Resource,Stage} ApiName="%s" MetricName="%s"'
    functions = {f: stage.function_name(f) for f in FUNCTIONS}
    tables = [stage.settings.table_name(base_name(m)) for m in models]
    domain = ["DomainName", stage.search_domain, "ClientId", "${AWS::AccountId}"]
    business = [item for pair in metric_dimensions(stage.name).items() for item in pair]
    widgets: list[dict[str, Any]] = [
        {
            "type": "text",
            "width": 24,
            "height": 2,
            "properties": {
                "markdown": f"# {stage.api_name}\nAPI, Lambdas, streams, DynamoDB, OpenSearch and business "
                "metrics. Runbook: infra/README.md (Operating)."
            },
        },
        _widget(
            "API requests, 4xx, 5xx",
            [
                ["AWS/ApiGateway", "Count", *api],
                ["AWS/ApiGateway", "4XXError", *api],
                ["AWS/ApiGateway", "5XXError", *api],
            ],
        ),
        _widget("API latency p99 (ms)", [["AWS/ApiGateway", "Latency", *api]], stat="p99"),
        _widget("API integration latency p99 (ms)", [["AWS/ApiGateway", "IntegrationLatency", *api]], stat="p99"),
        _widget("Requests per route", _search(per_route % (stage.api_name, "Count"), "Count", "Sum")),
        _widget("4xx per route", _search(per_route % (stage.api_name, "4XXError"), "4xx", "Sum")),
        _widget("5xx per route", _search(per_route % (stage.api_name, "5XXError"), "5xx", "Sum")),
        _widget("p99 latency per route (ms)", _search(per_route % (stage.api_name, "Latency"), "p99", "p99"), width=24),
        _widget("Lambda errors", [["AWS/Lambda", "Errors", "FunctionName", n] for n in functions.values()]),
        _widget("Lambda throttles", [["AWS/Lambda", "Throttles", "FunctionName", n] for n in functions.values()]),
        _widget(
            "Lambda concurrency (max)",
            [["AWS/Lambda", "ConcurrentExecutions", "FunctionName", n] for n in functions.values()],
            stat="Maximum",
        ),
        _widget(
            "Lambda duration p99 (ms)",
            [["AWS/Lambda", "Duration", "FunctionName", n] for n in functions.values()],
            stat="p99",
            width=12,
        ),
        _widget(
            "Stream iterator age (max, ms)",
            [["AWS/Lambda", "IteratorAge", "FunctionName", functions[STREAM_FUNCTION]]],
            stat="Maximum",
            width=6,
        ),
        _widget(
            "Stream on-failure queue depth",
            [["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", stage.failure_queue]],
            stat="Maximum",
            width=6,
        ),
        _widget(
            "DynamoDB throttled requests",
            [
                ["AWS/DynamoDB", metric, "TableName", t]
                for t in tables
                for metric in ("ReadThrottleEvents", "WriteThrottleEvents")
            ],
            width=24,
        ),
        _widget(
            "OpenSearch cluster status",
            [["AWS/ES", "ClusterStatus.red", *domain], ["AWS/ES", "ClusterStatus.yellow", *domain]],
            stat="Maximum",
        ),
        _widget("OpenSearch free storage (MB, min)", [["AWS/ES", "FreeStorageSpace", *domain]], stat="Minimum"),
        _widget(
            "OpenSearch CPU, JVM memory pressure (max %)",
            [["AWS/ES", "CPUUtilization", *domain], ["AWS/ES", "JVMMemoryPressure", *domain]],
            stat="Maximum",
        ),
        _widget(
            "Auctions and spend (yen) per minute",
            [[METRICS_NAMESPACE, "Auctions", *business], [METRICS_NAMESPACE, "Spend", *business]],
            width=12,
        ),
        _widget(
            "Signups, posts, inquiries answered, clicks charged",
            [[METRICS_NAMESPACE, name, *business] for name in BUSINESS_METRICS if name not in ("Auctions", "Spend")],
            width=12,
        ),
    ]
    return {"widgets": widgets}


def _alarm(
    description: str,
    namespace: str,
    metric: str,
    dimensions: dict[str, Any],
    *,
    stat: str = "Sum",
    threshold: float,
    comparison: str = "GreaterThanOrEqualToThreshold",
    periods: int = 1,
    period: int = 300,
) -> dict[str, Any]:
    props: dict[str, Any] = {
        "AlarmDescription": description,
        "Namespace": namespace,
        "MetricName": metric,
        "Dimensions": [{"Name": k, "Value": v} for k, v in dimensions.items()],
        "Period": period,
        "EvaluationPeriods": periods,
        "DatapointsToAlarm": periods,
        "Threshold": threshold,
        "ComparisonOperator": comparison,
        "TreatMissingData": "notBreaching",
        "AlarmActions": [alarm_target()],
        "OKActions": [alarm_target()],
    }
    if stat.startswith("p"):
        props["ExtendedStatistic"] = stat
    else:
        props["Statistic"] = stat
    return {"Type": "AWS::CloudWatch::Alarm", "Properties": props}


def alarms(stage: Stage) -> dict[str, Any]:
    api = {"ApiName": stage.api_name, "Stage": API_STAGE_NAME}
    domain = {"DomainName": stage.search_domain, "ClientId": {"Ref": "AWS::AccountId"}}
    found: dict[str, Any] = {
        "Api5xxAlarm": _alarm(
            "API 5xx responses: read the API Lambda's errors in its log (correlation_id = access log requestId)",
            "AWS/ApiGateway",
            "5XXError",
            api,
            threshold=10,
            periods=2,
        ),
        "ApiLatencyAlarm": _alarm(
            "API p99 latency over 3 s for 15 minutes (cold starts, DynamoDB or OpenSearch slow)",
            "AWS/ApiGateway",
            "Latency",
            api,
            stat="p99",
            threshold=3000,
            periods=3,
        ),
        "StreamIteratorAgeAlarm": _alarm(
            "Search index more than 5 minutes behind DynamoDB: the stream Lambda fails or is throttled",
            "AWS/Lambda",
            "IteratorAge",
            {"FunctionName": stage.function_name(STREAM_FUNCTION)},
            stat="Maximum",
            threshold=300_000,
            periods=2,
        ),
        "StreamFailureQueueAlarm": _alarm(
            "Stream batches were given up (retries or record age exhausted): the index misses changes. "
            "Run python -m chalicelib.ops check-index --repair, then purge the queue",
            "AWS/SQS",
            "ApproximateNumberOfMessagesVisible",
            {"QueueName": {"Fn::GetAtt": [FAILURE_QUEUE_LOGICAL_ID, "QueueName"]}},
            stat="Maximum",
            threshold=1,
            period=60,
        ),
        "SearchClusterRedAlarm": _alarm(
            "OpenSearch cluster red: some primary shard is unassigned, search and indexing fail",
            "AWS/ES",
            "ClusterStatus.red",
            domain,
            stat="Maximum",
            threshold=1,
            period=60,
        ),
        "SearchWritesBlockedAlarm": _alarm(
            "OpenSearch blocks writes (disk or memory pressure): indexing fails until it is resized",
            "AWS/ES",
            "ClusterIndexWritesBlocked",
            domain,
            stat="Maximum",
            threshold=1,
            period=300,
        ),
        "SearchFreeStorageAlarm": _alarm(
            "OpenSearch has less than 2 GiB free on a node: raise SearchVolumeGiB",
            "AWS/ES",
            "FreeStorageSpace",
            domain,
            stat="Minimum",
            threshold=2048,
            comparison="LessThanOrEqualToThreshold",
        ),
    }
    for function in FUNCTIONS:
        name = stage.function_name(function)
        label = "".join(part.capitalize() for part in function.split("_"))
        threshold, periods, period = ERROR_ALARMS[function]
        found[f"{label}ErrorsAlarm"] = _alarm(
            f"{name} raised errors (see its log group /aws/lambda/{name})",
            "AWS/Lambda",
            "Errors",
            {"FunctionName": name},
            threshold=threshold,
            periods=periods,
            period=period,
        )
        found[f"{label}ThrottlesAlarm"] = _alarm(
            f"{name} was throttled: raise its reserved concurrency or the account's limit",
            "AWS/Lambda",
            "Throttles",
            {"FunctionName": name},
            threshold=1,
            periods=2,
        )
    return found


def resources(stage: Stage, models: Sequence[type[Model]], mapped: Sequence[type[Model]]) -> dict[str, Any]:
    body = json.dumps(dashboard_body(stage, models, mapped), separators=(",", ":"))
    return {
        DASHBOARD: {
            "Type": "AWS::CloudWatch::Dashboard",
            "Properties": {"DashboardName": stage.api_name, "DashboardBody": {"Fn::Sub": body}},
        },
        ALARM_TOPIC: {
            "Type": "AWS::SNS::Topic",
            "Condition": "CreateAlarmTopic",
            "Properties": {"TopicName": f"{stage.api_name}-alarms", "KmsMasterKeyId": "alias/aws/sns"},
        },
        **alarms(stage),
    }


def outputs(stage: Stage) -> dict[str, Any]:
    return {
        "DashboardUrl": {
            "Value": {
                "Fn::Sub": "https://${AWS::Region}.console.aws.amazon.com/cloudwatch/home?region=${AWS::Region}"
                f"#dashboards:name={stage.api_name}"
            }
        },
        "AlarmTopic": {"Value": alarm_target()},
    }
