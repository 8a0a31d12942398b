"""A backing service that does not answer is a 503 with Retry-After, not a 500."""

from __future__ import annotations

import json

import opensearchpy
from botocore.exceptions import ConnectTimeoutError, EndpointConnectionError, ReadTimeoutError
from pynamodb.exceptions import GetError, TransactWriteError

from chalicelib.http import unavailable_response, unreachable


def _caused(outer: Exception, cause: Exception) -> Exception:
    try:
        raise outer from cause
    except Exception as exc:
        return exc


def test_connection_failures_of_dynamodb_lambda_and_opensearch_are_unreachable() -> None:
    down = EndpointConnectionError(endpoint_url="http://127.0.0.1:1")
    assert unreachable(down)
    assert unreachable(ConnectTimeoutError(endpoint_url="http://127.0.0.1:1"))
    assert unreachable(ReadTimeoutError(endpoint_url="http://127.0.0.1:1"))
    # PynamoDB wraps botocore's error: the cause chain is followed.
    assert unreachable(_caused(GetError("Failed to get item"), down))
    assert unreachable(_caused(TransactWriteError("Failed to write transaction items"), down))
    assert unreachable(opensearchpy.ConnectionError("N/A", "refused", None))
    assert unreachable(opensearchpy.ConnectionTimeout("TIMEOUT", "timed out", None))


def test_a_service_side_failure_or_throttling_of_aws_is_unavailable_too() -> None:
    from botocore.exceptions import ClientError

    def client_error(code: str) -> ClientError:
        return ClientError({"Error": {"Code": code, "Message": "x"}}, "TransactWriteItems")

    for code in ("InternalFailure", "InternalServerError", "ProvisionedThroughputExceededException"):
        assert unreachable(_caused(TransactWriteError("Failed to write transaction items"), client_error(code)))
    # The request's own faults stay what they are (the stores map the ones they expect).
    for code in ("ValidationException", "ConditionalCheckFailedException", "ResourceNotFoundException"):
        assert not unreachable(_caused(GetError("Failed to get item"), client_error(code)))


def test_other_errors_stay_500s() -> None:
    assert not unreachable(ValueError("bad"))
    assert not unreachable(KeyError("x"))
    assert not unreachable(_caused(GetError("Failed to get item"), ValueError("throttled?")))
    assert not unreachable(opensearchpy.NotFoundError(404, "index_not_found_exception", {}))


def test_the_503_says_so_and_when_to_retry() -> None:
    res = unavailable_response()
    assert res.status_code == 503
    assert res.headers["Retry-After"] == "5"
    body = json.loads(res.body)
    assert body["error"]["code"] == "service_unavailable" and body["error"]["details"] == []
